'use strict';
/** The facts a reader needs to compare RESULTS.md with a run on another machine. */
const os = require('node:os');
const { execFileSync } = require('node:child_process');
const { ROOT } = require('./child-runner');

function git(args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function machine() {
  const cpus = os.cpus();
  // The library is measured as it is in the working tree, which may differ from the commit.
  const dirty = git(['status', '--porcelain', '--', 'libs']);
  return {
    cpu: cpus[0] ? cpus[0].model.trim() : 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']),
    libsModified: dirty === undefined ? undefined : dirty.length > 0,
    tmpdir: os.tmpdir(),
    loadAtStart: loadAverage(),
  };
}

/** 1-minute load average: above the core count, other processes were competing with the bench. */
function loadAverage() {
  return Math.round(os.loadavg()[0] * 100) / 100;
}

module.exports = { machine, loadAverage };
