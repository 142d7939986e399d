import { backoffDelay, retryAfterMs, sleep } from './backoff';

describe('backoffDelay', () => {
  const noJitter = { jitter: 0 };

  it('starts at initialMs and doubles per failure up to maxMs', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, noJitter));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('uses the given initial delay (the server retry: hint) and factor', () => {
    expect(backoffDelay(1, { ...noJitter, initialMs: 2000 })).toBe(2000);
    expect(backoffDelay(3, { ...noJitter, initialMs: 50, factor: 3 })).toBe(450);
    expect(backoffDelay(1, { ...noJitter, initialMs: 50_000 })).toBe(30_000);
  });

  it('takes at most `jitter` of the delay off, never adds', () => {
    expect(backoffDelay(1, { jitter: 0.2 }, () => 0)).toBe(1000);
    expect(backoffDelay(1, { jitter: 0.2 }, () => 1)).toBe(800);
    expect(backoffDelay(1, { jitter: 0.5 }, () => 0.5)).toBe(750);
    expect(backoffDelay(1, { jitter: 7 }, () => 1)).toBe(0);
  });

  it('treats attempt 0 or below like the first', () => {
    expect(backoffDelay(0, noJitter)).toBe(1000);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.UTC(2015, 9, 21, 7, 28, 0))).toBe(
      10_000,
    );
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('sleep', () => {
  it('resolves at once when the signal is already aborted or aborts', async () => {
    const aborted = new AbortController();
    aborted.abort();
    await expect(sleep(3_600_000, aborted.signal)).resolves.toBeUndefined();
    const later = new AbortController();
    const pending = sleep(3_600_000, later.signal);
    later.abort();
    await expect(pending).resolves.toBeUndefined();
  });
});
