import { request } from 'node:http';

/** A GET from a given local address: status and headers at once, the body when it ends. */
export function statusOf(
  url: string,
  options: { headers?: Record<string, string>; localAddress?: string } = {},
): Promise<{
  status: number;
  headers: Record<string, unknown>;
  body: Promise<string>;
  close: () => void;
}> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { headers: options.headers, localAddress: options.localAddress },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        const body = new Promise<string>((done) => res.on('end', () => done(text)));
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
