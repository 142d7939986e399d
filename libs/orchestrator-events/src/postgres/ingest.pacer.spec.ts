import { IngestPacer } from './ingest.pacer';

/** A pacer on clocks the test moves: `at` is the monotonic clock, `now` the events' clock. */
function pacer(writing: boolean) {
  const clock = { at: 0, now: 1_000_000 };
  const p = new IngestPacer(
    () => writing,
    () => clock.at,
    () => clock.now,
  );
  return { p, clock };
}

describe('IngestPacer: the ingest gives way to log() during a burst, within bounds', () => {
  it('is due for a pause once it has held the loop for 1 ms', () => {
    const { p, clock } = pacer(false);
    p.start();
    clock.at += 0.5;
    expect(p.due()).toBe(false);
    clock.at += 0.5;
    expect(p.due()).toBe(true);
  });

  it('while the writer appends, rests 19 times its work: at most 5 % of the loop', () => {
    const { p, clock } = pacer(true);
    p.start();
    clock.at += 2;
    expect(p.rest(clock.now - 100)).toBeCloseTo(38);
  });

  it('never rests longer than 50 ms at once', () => {
    const { p, clock } = pacer(true);
    p.start();
    clock.at += 30;
    expect(p.rest(clock.now)).toBe(50);
  });

  it('does not rest when the app is not logging', () => {
    const { p, clock } = pacer(false);
    p.start();
    clock.at += 2;
    expect(p.rest(clock.now)).toBe(0);
  });

  it('stops giving way once the line it parses is 2 s old: it catches up', () => {
    const { p, clock } = pacer(true);
    p.start();
    clock.at += 2;
    expect(p.rest(clock.now - 1_999)).toBeGreaterThan(0);
    expect(p.rest(clock.now - 2_000)).toBe(0);
  });

  it('counts its work from the last pause, not from before it', async () => {
    const { p, clock } = pacer(false);
    p.start();
    clock.at += 5;
    await p.pause(clock.now);
    expect(p.due()).toBe(false);
  });
});
