import type { Connection, PoolClient } from 'pg';

/** Bytes per CopyData message: large enough to be cheap, small enough not to copy much at once. */
const CHUNK = 1024 * 1024;

/** The protocol messages node-postgres' connection sends for COPY (missing from @types/pg). */
interface CopyConnection extends Connection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * `COPY ... FROM STDIN` of `data` (rows in COPY's text format) on `client`, through node-postgres'
 * own protocol hooks (a "submittable": what `pg-copy-streams` does, without a second peer
 * dependency). Resolves with the rows copied; rejects with the server's error (a unique violation
 * included: the whole COPY is then undone with the transaction).
 */
export function copyIn(client: PoolClient, sql: string, data: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0;
    let failed = false;
    const submittable = {
      submit(connection: Connection): void {
        connection.query(sql);
      },
      // node-postgres replaces it when `query_timeout` is set; nothing to do otherwise.
      callback(): void {
        return undefined;
      },
      handleCopyInResponse(connection: CopyConnection): void {
        for (let at = 0; at < data.length; at += CHUNK) {
          connection.sendCopyFromChunk(data.subarray(at, Math.min(at + CHUNK, data.length)));
        }
        connection.endCopyFrom();
      },
      handleCommandComplete(message: { text?: string }): void {
        rows = Number(/COPY (\d+)/.exec(message?.text ?? '')?.[1] ?? 0);
      },
      handleError(error: Error): void {
        failed = true;
        submittable.callback();
        reject(error);
      },
      // After an error node-postgres calls nothing more: the promise is settled by then.
      handleReadyForQuery(): void {
        submittable.callback();
        if (!failed) resolve(rows);
      },
    };
    client.query(submittable);
  });
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format: `\N` for null, backslash, tab and line ends escaped. */
export function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]) : value;
}
