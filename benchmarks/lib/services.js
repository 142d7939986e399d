'use strict';
/** The servers some figures need (PostgreSQL, Redis on 127.0.0.1): whether one answers, a database of a child's own. */

/** Whether a server accepts connections on 127.0.0.1:`port` (asked from a child, within 5 s). */
function serviceUp(port) {
  const { spawnSync } = require('node:child_process');
  return (
    spawnSync(
      process.execPath,
      [
        '-e',
        `require('net').connect(${port},'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))`,
      ],
      { timeout: 5000 },
    ).status === 0
  );
}

/**
 * Runs `use(url)` on a database of its own, `<prefix>_<pid>_<time>` on the server at `adminUrl`,
 * and drops it afterwards, whatever `use` did.
 */
async function withDatabase(adminUrl, prefix, use) {
  const { Client } = require('pg');
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = new Client(adminUrl);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await use(url.toString());
  } finally {
    const drop = new Client(adminUrl);
    await drop.connect();
    await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await drop.end();
  }
}

module.exports = { serviceUp, withDatabase };
