/**
 * Buffers for reading log files a chunk at a time, shared by every scan in the process.
 *
 * Why: a query that no index serves reads the whole retention. A fresh 1 MiB buffer per chunk per
 * query made a burst of 100 such queries allocate gigabytes of short-lived external memory, and the
 * garbage collector then stalled the event loop (and every SSE stream with it) for over 100 ms.
 * Here at most `SCAN_PERMITS` chunks are in use at once, from a small pool of reused buffers;
 * waiting scans queue in order, so each of them still makes progress a chunk at a time.
 */

/** Bytes of file read per chunk: large enough that `Buffer.indexOf` runs at memory speed. */
export const SCAN_CHUNK = 1024 * 1024;

/** Room after a chunk for the partial line carried from the previous one (a line is cut at 64 KiB). */
const CARRY_ROOM = 64 * 1024;
const POOLED_SIZE = SCAN_CHUNK + CARRY_ROOM;

/** Chunks in use at once: the size of libuv's default thread pool, which does the reads anyway. */
const SCAN_PERMITS = 4;

// Deliberately process-wide: the reads share libuv's one thread pool, so the cap is per process.
const free: Buffer[] = [];
const waiting: Array<() => void> = [];
let inUse = 0;

function acquire(): Promise<void> | undefined {
  if (inUse < SCAN_PERMITS) {
    inUse++;
    return undefined;
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  // The permit passes straight to the next waiter: `inUse` stays the same.
  if (next) next();
  else inUse--;
}

/**
 * Runs `use` with a buffer of exactly `size` bytes (contents undefined) and gives the buffer back
 * when `use` settles: nothing may keep a reference to it (or to a slice of it) after that.
 */
export async function withScanBuffer<T>(
  size: number,
  use: (buf: Buffer) => Promise<T> | T,
): Promise<T> {
  const wait = acquire();
  if (wait) await wait;
  // A line longer than the carry room (a foreign file) gets a buffer of its own.
  const pooled =
    size <= POOLED_SIZE ? (free.pop() ?? Buffer.allocUnsafeSlow(POOLED_SIZE)) : undefined;
  try {
    return await use(pooled ? pooled.subarray(0, size) : Buffer.allocUnsafeSlow(size));
  } finally {
    if (pooled && free.length < SCAN_PERMITS) free.push(pooled);
    release();
  }
}
