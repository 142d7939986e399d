import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the receiver got: its headers, raw body and parsed JSON. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  raw: string;
  json: Record<string, unknown>;
}

/**
 * A real HTTP receiver on 127.0.0.1 and a free port: records every request and answers the given
 * statuses in turn, then 200.
 */
export async function startReceiver(statuses: number[] = []) {
  const requests: ReceivedRequest[] = [];
  const answers = [...statuses];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // Kept as raw: the test asserts on it.
      }
      requests.push({ headers: req.headers, raw, json });
      res.statusCode = answers.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
