import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server the e2e tests use: 127.0.0.1:5432, trust auth for `postgres` (CI starts it). */
const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(text: string): Promise<boolean> {
  const client = new Client(ADMIN);
  try {
    await client.connect();
    await client.query(text);
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A database of the test file's own, made before its tests and dropped after. */
export interface TestDatabase {
  /** Its name (random, so files running at once never share one). */
  readonly name: string;
  /** False when no PostgreSQL answered (outside CI only): each test returns early. */
  canRun(): boolean;
}

/**
 * Registers `beforeAll`/`afterAll` that create and drop a database named `<prefix>_<random>`.
 * Under `CI=true` a missing server fails the file; elsewhere it is skipped with a message naming
 * `label`, never silently.
 */
export function useTestDatabase(prefix: string, label: string): TestDatabase {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  let ok = false;
  beforeAll(async () => {
    ok = await admin(`CREATE DATABASE ${name}`);
    if (!ok) {
      const message = `${label} SKIPPED: no PostgreSQL answers at ${ADMIN}`;
      if (process.env['CI']) throw new Error(message);
      console.warn(message);
    }
  });
  afterAll(async () => {
    if (ok) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  return { name, canRun: () => ok };
}
