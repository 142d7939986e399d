/** How long `stream()` waits between reconnection attempts. */
export interface BackoffOptions {
  /**
   * First delay in ms. A `retry:` hint from the server replaces it, as in a browser's EventSource.
   * Default 1000.
   */
  initialMs?: number;
  /** Longest delay in ms. Default 30000. */
  maxMs?: number;
  /** Growth per consecutive failure. Default 2. */
  factor?: number;
  /**
   * Share of the delay taken off at random (0-1), so many clients cut off by one server restart do
   * not all come back in the same millisecond. Default 0.2.
   */
  jitter?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  initialMs: 1000,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.2,
};

/**
 * Delay before reconnection attempt `attempt` (1 = the first retry after a loss):
 * `initialMs * factor^(attempt-1)`, capped at `maxMs`, minus up to `jitter` of it.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const { initialMs, maxMs, factor, jitter } = { ...DEFAULT_BACKOFF, ...options };
  const exponent = Math.max(0, attempt - 1);
  const raw = Math.min(maxMs, initialMs * Math.pow(factor, exponent));
  const share = Math.min(1, Math.max(0, jitter));
  return Math.max(0, Math.round(raw * (1 - share * random())));
}

/** A `Retry-After` header (seconds or an HTTP date) in ms, or `undefined` when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects: the caller checks the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
