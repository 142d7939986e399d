import type { Pool } from 'pg';

const DAY = 86_400_000;

/** The UTC day of a timestamp, as `YYYYMMDD`: the suffix of its partition's name. */
export function dayOf(ms: number): string {
  return new Date(Math.floor(ms / DAY) * DAY).toISOString().slice(0, 10).replace(/-/g, '');
}

function dayStart(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)));
}

/**
 * The day partitions of `events`: created ahead of the rows that need them, dropped whole once all
 * their rows are past the retention. Partition names and bounds are made here from digits only.
 */
export class Partitions {
  /** Days known to have a partition (created or seen): no round trip for them. */
  private readonly known = new Set<string>();

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  /** Makes sure each day (`YYYYMMDD`) has its partition; two instances may race: one creates it. */
  async ensure(days: Iterable<string>): Promise<void> {
    const missing = [...new Set(days)].filter((day) => !this.known.has(day));
    if (missing.length === 0) return;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Serializes creators: CREATE TABLE IF NOT EXISTS alone can still fail in a race.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `orchestrator_events:${this.schema}:partitions`,
      ]);
      for (const day of missing) {
        if (!/^\d{8}$/.test(day)) throw new Error(`not a day: ${day}`);
        const from = new Date(dayStart(day)).toISOString();
        const to = new Date(dayStart(day) + DAY).toISOString();
        await client.query(
          `CREATE TABLE IF NOT EXISTS "${this.schema}"."events_${day}" PARTITION OF "${this.schema}".events
           FOR VALUES FROM ('${from}') TO ('${to}')`,
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    for (const day of missing) this.known.add(day);
  }

  /** The days that have a partition now, oldest first. */
  async list(): Promise<string[]> {
    const result = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass`,
      [`"${this.schema}".events`],
    );
    return result.rows
      .map((row) => /^events_(\d{8})$/.exec(row.name)?.[1])
      .filter((day): day is string => day !== undefined)
      .sort();
  }

  /**
   * Drops the partitions whose whole day is older than `now - retentionMs`; never one that may
   * hold a newer event. Detached first without blocking readers and writers
   * (`DETACH ... CONCURRENTLY`), then dropped. Returns the days dropped.
   */
  async dropOlderThan(retentionMs: number, now = Date.now()): Promise<string[]> {
    const cutoff = now - retentionMs;
    const dropped: string[] = [];
    for (const day of await this.list()) {
      if (dayStart(day) + DAY > cutoff) continue;
      const table = `"${this.schema}"."events_${day}"`;
      try {
        await this.pool.query(
          `ALTER TABLE "${this.schema}".events DETACH PARTITION ${table} CONCURRENTLY`,
        );
      } catch {
        // Left half-detached by an interrupted run: finish it.
        await this.pool.query(
          `ALTER TABLE "${this.schema}".events DETACH PARTITION ${table} FINALIZE`,
        );
      }
      await this.pool.query(`DROP TABLE IF EXISTS ${table}`);
      this.known.delete(day);
      dropped.push(day);
    }
    return dropped;
  }
}
