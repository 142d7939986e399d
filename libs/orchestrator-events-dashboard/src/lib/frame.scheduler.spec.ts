import { FrameScheduler } from './frame.scheduler';

describe('FrameScheduler', () => {
  it('runs one task per frame, the most overdue first, each about at its interval', () => {
    const ran: string[] = [];
    const task = (name: string, everyMs: number) => ({ name, everyMs, run: () => ran.push(name) });
    const scheduler = new FrameScheduler([task('list', 100), task('chart', 1000)], () => 0);
    const frames: (string | undefined)[] = [];
    for (let t = 0; t <= 1100; t += 50) frames.push(scheduler.tick(t));
    // At most one per frame; both start at once (first frames), then at their pace.
    expect(frames.slice(0, 3)).toEqual(['list', 'chart', 'list']);
    expect(ran.filter((n) => n === 'chart')).toHaveLength(2);
    expect(ran.filter((n) => n === 'list').length).toBeGreaterThanOrEqual(9);
  });

  it('keeps the longest run of each task', () => {
    let now = 0;
    const scheduler = new FrameScheduler(
      [{ name: 'slow', everyMs: 10, run: () => (now += 42) }],
      () => now,
    );
    scheduler.tick(0);
    expect(scheduler.longestMs).toEqual({ slow: 42 });
  });

  it('says when the next task is due', () => {
    const scheduler = new FrameScheduler(
      [
        { name: 'a', everyMs: 100, run: () => undefined },
        { name: 'b', everyMs: 1000, run: () => undefined },
      ],
      () => 0,
    );
    expect(scheduler.nextDue(5)).toBe(5);
    scheduler.tick(10); // a
    scheduler.tick(20); // b
    expect(scheduler.nextDue(30)).toBe(110);
    expect(scheduler.nextDue(500)).toBe(500);
  });

  it('runs a hurried task at the next frame, not at its next turn', () => {
    const ran: string[] = [];
    const scheduler = new FrameScheduler(
      [
        { name: 'timeline', everyMs: 250, run: () => ran.push('timeline') },
        { name: 'rate', everyMs: 250, run: () => ran.push('rate') },
      ],
      () => 0,
    );
    scheduler.tick(0);
    scheduler.tick(10);
    expect(scheduler.nextDue(20)).toBe(250);
    scheduler.hurry('rate');
    expect(scheduler.nextDue(20)).toBe(20);
    expect(scheduler.tick(20)).toBe('rate');
    expect(scheduler.nextDue(30)).toBe(250);
  });
});
