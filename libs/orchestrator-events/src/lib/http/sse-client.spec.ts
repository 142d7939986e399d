import * as http from 'node:http';
import * as net from 'node:net';
import { SseClient } from './sse-client';

/** A real HTTP server whose one request becomes an SseClient; the raw socket of the other side. */
async function connect(maxBacklogBytes: number): Promise<{
  client: SseClient;
  socket: net.Socket;
  close: () => Promise<void>;
}> {
  let resolveClient: (client: SseClient) => void = () => undefined;
  const made = new Promise<SseClient>((resolve) => (resolveClient = resolve));
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    resolveClient(new SseClient(res, maxBacklogBytes));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  const client = await made;
  return {
    client,
    socket,
    close: async () => {
      socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Frames shared by every client, as the hub makes them: `id: <n>` and ~300 bytes of data. */
const frames = Array.from({ length: 30_000 }, (_, n) =>
  Buffer.from(`id: ${String(n).padStart(6, '0')}\ndata: {"n":${n},"pad":"${'x'.repeat(260)}"}\n\n`),
);

describe('SseClient backlog, counted in bytes', () => {
  it('cuts a client that stopped reading once, at the byte cap, holding at most that much', async () => {
    const { client, socket, close } = await connect(256 * 1024);
    socket.pause(); // never reads: the kernel buffers fill, then the server's
    let maxBacklog = 0;
    let sent = 0;
    try {
      for (const frame of frames) {
        client.send(frame);
        sent++;
        if (client.isClosed) break;
        maxBacklog = Math.max(maxBacklog, client.backlogBytes);
        // Let the socket report its state, as the event loop does between events.
        if (sent % 200 === 0) await new Promise((r) => setImmediate(r));
      }
      expect(client.isClosed).toBe(true);
      expect(sent).toBeLessThan(frames.length);
      expect(maxBacklog).toBeLessThanOrEqual(256 * 1024);
    } finally {
      await close();
    }
  });

  it('never cuts a steady reader slower than the burst while its backlog stays under the cap', async () => {
    // The default cap; the old frame count (ORCH_SSE_MAX_BACKLOG=300) cut this reader mid-burst.
    const { client, socket, close } = await connect(8 * 1024 * 1024);
    const burst = frames.slice(0, 6_000); // about 1.8 MB, written at once
    const last = `id: ${String(burst.length - 1).padStart(6, '0')}\n`;
    let received = '';
    // The reader keeps reading at its own pace, about 1.3 MB/s: a chunk, then 50 ms of rest.
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      socket.pause();
      setTimeout(() => socket.resume(), 50);
    });
    try {
      for (let i = 0; i < burst.length; i++) {
        client.send(burst[i]);
        if (i % 500 === 0) await new Promise((r) => setImmediate(r));
      }
      expect(client.backlogBytes).toBeGreaterThan(64 * 1024); // it did fall behind
      for (let i = 0; i < 500 && !client.isClosed && !received.includes(last); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(client.isClosed).toBe(false);
      const ids = [...received.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      expect(ids).toEqual(burst.map((_, n) => n));
    } finally {
      await close();
    }
  });
});
