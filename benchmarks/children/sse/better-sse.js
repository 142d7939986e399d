'use strict';
/**
 * better-sse (the most used SSE library for Node) as its README shows it: a plain node:http server,
 * `createSession(req, res)` per request and one `createChannel()` per task_id (plus one for the
 * unfiltered streams), each event sent with `channel.broadcast(record, 'message', { eventId })`.
 * Everything else at its defaults: `retry: 2000` first, a keep-alive comment every 10 s, and each
 * session serializing the event itself (JSON.stringify per session, not once per event).
 * `GET /health` answers `healthBody()` as the plain server does.
 */
const http = require('node:http');
const { createChannel, createSession } = require('better-sse');
const { recordOf, streamUrl } = require('./index');

const name = 'better-sse';

async function start() {
  const byTask = new Map();
  const unfiltered = createChannel();
  const responses = new Set();
  const server = http.createServer((req, res) => {
    const url = streamUrl(req, res);
    if (url === undefined) return;
    responses.add(res);
    res.on('close', () => responses.delete(res));
    const taskId = url.searchParams.get('task_id');
    // The session is connected (headers and `retry:` written) one event-loop turn later; a
    // channel takes connected sessions only, and drops them itself when they disconnect.
    createSession(req, res).then(
      (session) => {
        let channel = taskId === null ? unfiltered : byTask.get(taskId);
        if (!channel) byTask.set(taskId, (channel = createChannel()));
        channel.register(session);
      },
      () => res.destroy(),
    );
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
      const channel = byTask.get(input.task_id);
      const toTask = channel !== undefined && channel.sessionCount > 0;
      if (!toTask && unfiltered.sessionCount === 0) return;
      const record = recordOf(input, id);
      // The same `id:` the other servers send; without it better-sse makes a random UUID per event.
      const options = { eventId: record.event_id };
      if (toTask) channel.broadcast(record, 'message', options);
      if (unfiltered.sessionCount > 0) unfiltered.broadcast(record, 'message', options);
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of responses) res.destroy();
        server.close(() => resolve());
      }),
  };
}

module.exports = { name, start };
