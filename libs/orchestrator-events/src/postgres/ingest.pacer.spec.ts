import { IngestPacer, PacerClock } from './ingest.pacer';

/** A pacer on clocks the test moves: `at` monotonic, `now` the events' clock, `busy` the loop. */
function pacer(writing: boolean) {
  const state = { at: 0, now: 1_000_000, busy: 0 };
  const clock: PacerClock = {
    elapsed: () => state.at,
    wall: () => state.now,
    utilization: () => state.busy,
  };
  return { p: new IngestPacer(() => writing, clock), state };
}

/** A pacer that has held a batch back during a burst (writer appending, loop saturated) `ms` ago. */
async function heldBack(ms: number) {
  const made = pacer(true);
  made.state.busy = 1;
  await made.p.holdBack();
  made.state.at += ms;
  return made;
}

describe('IngestPacer: the ingest gives way to log() during a burst, within bounds', () => {
  describe('between batches', () => {
    it('starts a batch while the loop is not saturated', async () => {
      const { p, state } = pacer(true);
      state.busy = 0.89;
      expect(await p.holdBack()).toBe(false);
    });

    it('does not hold back while the writer is quiet, however busy the loop', async () => {
      const { p, state } = pacer(false);
      state.busy = 1;
      expect(await p.holdBack()).toBe(false);
    });

    it('holds batches back while the loop is saturated, for 2 s at the most', async () => {
      const { p, state } = await heldBack(1_999);
      expect(await p.holdBack()).toBe(true);
      state.at += 1;
      expect(await p.holdBack()).toBe(false);
    });

    it('after 2 s held back, does not hold back again until a batch is not full', async () => {
      const { p } = await heldBack(2_000);
      expect(await p.holdBack()).toBe(false);
      p.read(true);
      expect(await p.holdBack()).toBe(false);
      // Caught up: it gives way again.
      p.read(false);
      expect(await p.holdBack()).toBe(true);
    });

    it('counts the 2 s from the start of each burst', async () => {
      const { p, state } = await heldBack(1_500);
      state.busy = 0;
      expect(await p.holdBack()).toBe(false);
      state.busy = 1;
      state.at += 1_000;
      expect(await p.holdBack()).toBe(true);
    });
  });

  describe('inside a batch', () => {
    it('is due for a pause once it has held the loop for 1 ms', () => {
      const { p, state } = pacer(false);
      p.start();
      state.at += 0.5;
      expect(p.due()).toBe(false);
      state.at += 0.5;
      expect(p.due()).toBe(true);
    });

    it('while the writer appends, rests 19 times its work: at most 5 % of the loop', () => {
      const { p, state } = pacer(true);
      p.start();
      state.at += 2;
      expect(p.rest(state.now - 100)).toBeCloseTo(38);
    });

    it('never rests longer than 50 ms at once', () => {
      const { p, state } = pacer(true);
      p.start();
      state.at += 30;
      expect(p.rest(state.now)).toBe(50);
    });

    it('does not rest when the app is not logging', () => {
      const { p, state } = pacer(false);
      p.start();
      state.at += 2;
      expect(p.rest(state.now)).toBe(0);
    });

    it('stops resting once the line it parses is 2 s old: it catches up', () => {
      const { p, state } = pacer(true);
      p.start();
      state.at += 2;
      expect(p.rest(state.now - 1_999)).toBeGreaterThan(0);
      expect(p.rest(state.now - 2_000)).toBe(0);
    });

    it('does not rest while catching up after holding back for 2 s', async () => {
      const { p, state } = await heldBack(2_000);
      await p.holdBack();
      p.start();
      state.at += 2;
      expect(p.rest(state.now)).toBe(0);
    });

    it('counts its work from the last pause, not from before it', async () => {
      const { p, state } = pacer(false);
      p.start();
      state.at += 5;
      await p.pause(state.now);
      expect(p.due()).toBe(false);
    });
  });
});
