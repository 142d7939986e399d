import * as http from 'node:http';
import * as net from 'node:net';
import { applyServerLimits, openFilesLimit, serverLimits } from './server-limits';

describe('serverLimits', () => {
  it('defaults: 10 s for headers, 30 s per request, 5 s keep-alive, connections below the fd limit', () => {
    expect(serverLimits({}, () => 20_000)).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 18_976,
    });
    expect(serverLimits({}, () => 1024).maxConnections).toBe(256);
    expect(serverLimits({}, () => undefined).maxConnections).toBe(10_000);
  });

  it('reads the environment', () => {
    const env = {
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '4000',
      HTTP_KEEPALIVE_TIMEOUT_MS: '1000',
      HTTP_MAX_CONNECTIONS: '500',
    };
    expect(serverLimits(env, () => 20_000)).toEqual({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 4000,
      keepAliveTimeoutMs: 1000,
      maxConnections: 500,
    });
  });

  it.each([
    [{ HTTP_HEADERS_TIMEOUT_MS: '10' }, /HTTP_HEADERS_TIMEOUT_MS="10".*from 100 to 600000/],
    [{ HTTP_MAX_CONNECTIONS: 'many' }, /HTTP_MAX_CONNECTIONS="many".*integer/],
    [{ HTTP_REQUEST_TIMEOUT_MS: '-1' }, /HTTP_REQUEST_TIMEOUT_MS="-1"/],
  ])('refuses %j naming the variable, the value and the range', (env, message) => {
    expect(() => serverLimits(env, () => 20_000)).toThrow(message);
  });

  it('reads the open-files limit on Linux', () => {
    if (process.platform !== 'linux') {
      process.stdout.write(
        'openFilesLimit: not Linux, /proc/self/limits absent; checked undefined\n',
      );
      expect(openFilesLimit()).toBeUndefined();
      return;
    }
    expect(openFilesLimit()).toBeGreaterThan(0);
  });
});

describe('applyServerLimits on a real server', () => {
  it('closes sockets that never finish their headers, silent ones too, with a 408, and leaves a stream open', async () => {
    const server = http.createServer((_req, res) => {
      // A stream that stays quiet for longer than the headers timeout.
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('retry: 2000\n\n');
    });
    applyServerLimits(server, {
      headersTimeoutMs: 300,
      requestTimeoutMs: 300,
      keepAliveTimeoutMs: 1000,
      maxConnections: 100,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const open = (first?: string) => {
      const socket = net.connect(port, '127.0.0.1', () => first && socket.write(first));
      // Consume what the server sends (a 408): unread data would hide the end of the connection.
      socket.resume();
      const closed = new Promise<boolean>((resolve) => {
        socket.on('close', () => resolve(true));
        setTimeout(() => resolve(false), 1500).unref();
      });
      return { socket, closed };
    };
    try {
      const silent = open();
      const partial = open('GET / HTTP/1.1\r\nHost: x\r\n');
      const stream = open('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(await silent.closed).toBe(true);
      expect(await partial.closed).toBe(true);
      expect(await stream.closed).toBe(false);
      stream.socket.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
