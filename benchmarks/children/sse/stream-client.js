'use strict';
/**
 * A minimal SSE client for the load generators: one `http.request` per stream with `agent: false`
 * (no keep-alive pool, one socket each), frames parsed as they arrive. Plain Node, no ts-node: the
 * client processes load nothing of the library.
 */
const http = require('node:http');
const { performance } = require('node:perf_hooks');

/** Milliseconds on the same clock base as the servers' `sent_at` stamps. */
const clock = () => performance.timeOrigin + performance.now();

/**
 * Opens `GET http://host:port<path>` and calls `onFrame({ id, event, data, retry })` per complete
 * frame. `hooks.onFirstBytes(ms)` fires with the time the first body bytes came (the first frame:
 * `retry:` for the library and the plain server, the blank line Nest writes after its headers).
 */
function openStream({ host = '127.0.0.1', port, path, onFrame, onFirstBytes, onError }) {
  let buffered = '';
  let first = true;
  let closed = false;
  // A stream ends only when we close it: errors after that ('aborted') are our own doing; a failed
  // stream is reported once.
  const fail = (err) => {
    if (closed) return;
    closed = true;
    onError?.(err);
  };
  const req = http.request({
    host,
    port,
    path,
    agent: false,
    headers: { Accept: 'text/event-stream', 'Accept-Encoding': 'gzip, deflate' },
  });
  req.on('response', (res) => {
    if (res.statusCode !== 200) {
      fail(new Error(`HTTP ${res.statusCode} for ${path}`));
      res.resume();
      return;
    }
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      if (first) {
        first = false;
        onFirstBytes?.(clock());
      }
      buffered += chunk;
      let end = buffered.indexOf('\n\n');
      if (end === -1) return;
      let start = 0;
      while (end !== -1) {
        const frame = parseFrame(buffered, start, end);
        if (frame) onFrame?.(frame);
        start = end + 2;
        end = buffered.indexOf('\n\n', start);
      }
      buffered = buffered.slice(start);
    });
    res.on('error', fail);
    res.on('end', () => fail(new Error('the server ended the stream')));
  });
  req.on('error', fail);
  req.end();
  return {
    close: () => {
      closed = true;
      req.destroy();
    },
  };
}

/** The fields of the frame in `text[start, end)`, or undefined for an empty one (Nest's first '\n'). */
function parseFrame(text, start, end) {
  let frame;
  let at = start;
  while (at < end) {
    let nl = text.indexOf('\n', at);
    if (nl === -1 || nl > end) nl = end;
    const colon = text.indexOf(':', at);
    if (colon !== -1 && colon < nl && colon > at) {
      const field = text.slice(at, colon);
      const value = text.slice(text[colon + 1] === ' ' ? colon + 2 : colon + 1, nl);
      frame ??= {};
      if (field === 'data')
        frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
      else frame[field] = value;
    }
    at = nl + 1;
  }
  return frame;
}

/** "Max open files" of this process (soft limit), from /proc; undefined where there is none. */
function openFilesLimit() {
  try {
    const limits = require('node:fs').readFileSync('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
    if (!match) return undefined;
    const toNumber = (v) => (v === 'unlimited' ? Infinity : Number(v));
    return { soft: toNumber(match[1]), hard: toNumber(match[2]) };
  } catch {
    return undefined;
  }
}

module.exports = { openStream, parseFrame, clock, openFilesLimit };
