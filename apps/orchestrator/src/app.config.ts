import { isIP } from 'node:net';

/** Where the demo app listens. */
export interface ListenConfig {
  host: string;
  port: number;
}

/** Reads `HOST` (default 127.0.0.1) and `PORT` (default 3000); a bad value names the variable. */
export function listenConfig(env: Record<string, string | undefined> = process.env): ListenConfig {
  const host = env['HOST'] || '127.0.0.1';
  if (!isIP(host) && !/^[A-Za-z0-9.-]{1,253}$/.test(host)) {
    throw new Error(`Invalid HOST=${JSON.stringify(host)}: expected an IP address or a host name`);
  }
  const portText = env['PORT'] || '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new Error(
      `Invalid PORT=${JSON.stringify(portText)}: expected an integer from 0 to 65535`,
    );
  }
  return { host, port };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
