import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL server of the tests (trust auth, user postgres): `.ci/run` starts it. */
export const PG_ADMIN_URL =
  process.env['ORCH_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Whether the PostgreSQL server of the tests answers. Without one, specs that need it are skipped
 * with a message saying how to run them; under CI a missing server fails the run instead.
 */
export function postgresAvailable(what: string): boolean {
  const up =
    spawnSync(
      process.execPath,
      [
        '-e',
        "const {Client}=require('pg');const c=new Client(process.argv[1]);c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))",
        PG_ADMIN_URL,
      ],
      { timeout: 10_000 },
    ).status === 0;
  if (!up) {
    const message =
      `${what} SKIPPED: no PostgreSQL server answers at ${PG_ADMIN_URL}. Start one ` +
      '(pg_ctlcluster --skip-systemctl-redirect 15 main start) and run them again (.ci/run starts it).';
    if (process.env['CI']) throw new Error(message);
    console.warn(message);
  }
  return up;
}

/** A database of the test's own, with a random name, on the given server; `drop()` removes it. */
export async function createTestDatabase(
  adminUrl = PG_ADMIN_URL,
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `orch_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client(adminUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new Client(adminUrl);
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** One query on a fresh connection. */
export async function sql<T extends object = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client(url);
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}
