'use strict';
/**
 * The practical limit: a plain node:http SSE server. A `Map<task_id, Set<response>>`; each event is
 * serialized once, framed once, and the same string written with `res.write()` to the responses of
 * its task and to the unfiltered ones (no `task_id`: every event). No backlog limit: a client that
 * stops reading has every later frame queued for it in memory. `GET /health` answers `healthBody()`.
 */
const http = require('node:http');
const { recordOf, streamUrl } = require('./index');

const name = 'plain node:http';

const HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
};

async function start() {
  const byTask = new Map();
  const unfiltered = new Set();
  const all = new Set();
  const server = http.createServer((req, res) => {
    const url = streamUrl(req, res);
    if (url === undefined) return;
    const taskId = url.searchParams.get('task_id');
    res.socket.setNoDelay(true);
    res.writeHead(200, HEADERS);
    res.write('retry: 2000\n\n');
    let set = taskId === null ? unfiltered : byTask.get(taskId);
    if (!set) byTask.set(taskId, (set = new Set()));
    set.add(res);
    all.add(res);
    res.on('close', () => {
      set.delete(res);
      all.delete(res);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  let seq = 0;
  return {
    port: server.address().port,
    path: (taskId) => `/stream${taskId === undefined ? '' : `?task_id=${taskId}`}`,
    healthPath: '/health',
    httpServer: server,
    emit: (input) => {
      const id = seq++;
      const set = byTask.get(input.task_id);
      if ((!set || set.size === 0) && unfiltered.size === 0) return;
      const frame = `id: ${id}\ndata: ${JSON.stringify(recordOf(input, id))}\n\n`;
      if (set) for (const res of set) res.write(frame);
      for (const res of unfiltered) res.write(frame);
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of all) res.destroy();
        server.close(() => resolve());
      }),
  };
}

module.exports = { name, start };
