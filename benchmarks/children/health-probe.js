'use strict';
/**
 * One health request for the probers of figures 9 and 10: fills in `record.latencyMs` (and
 * `record.error`) when it settles, in ms from `record.sentMs` (hrtime). `check(json)` returns an
 * error text for a body that is not the expected answer; `agent: false` opens a new connection.
 */
const http = require('node:http');

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function probeHealth({ port, path, agent, timeoutMs, record, check }) {
  let body = '';
  const done = (error) => {
    if (record.latencyMs !== undefined) return;
    clearTimeout(timer);
    record.latencyMs = nowMs() - record.sentMs;
    record.error = error;
  };
  const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (d) => (body += d));
    res.on('end', () => {
      if (res.statusCode !== 200) return done(`HTTP ${res.statusCode}`);
      try {
        done(check(JSON.parse(body)));
      } catch (err) {
        done(`bad body: ${err.message}`);
      }
    });
    res.on('error', (err) => done(err.message));
  });
  req.on('error', (err) => done(err.message));
  const timer = setTimeout(() => {
    done(`no answer in ${timeoutMs} ms`);
    req.destroy();
  }, timeoutMs);
  return new Promise((resolve) => req.on('close', resolve));
}

module.exports = { nowMs, probeHealth };
