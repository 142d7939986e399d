import { WriteOutScheduler } from './write-out.scheduler';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('WriteOutScheduler', () => {
  it('runs each scheduled flush once at the end of the turn, in order', async () => {
    const scheduler = new WriteOutScheduler();
    const ran: string[] = [];
    const a = () => ran.push('a');
    const b = () => ran.push('b');
    scheduler.schedule(a);
    scheduler.schedule(b);
    scheduler.schedule(a);
    expect(ran).toEqual([]);
    await nextTurn();
    expect(ran).toEqual(['a', 'b']);
  });

  it('runs flushes scheduled by a running flush in the same pass, even one that already ran', async () => {
    const scheduler = new WriteOutScheduler();
    const ran: string[] = [];
    const writer = () => ran.push('writer');
    const batcher = () => {
      ran.push('batcher');
      scheduler.schedule(writer);
    };
    scheduler.schedule(writer);
    scheduler.schedule(batcher);
    let sameTurn = true;
    setImmediate(() => (sameTurn = false));
    await new Promise<void>((resolve) => {
      scheduler.schedule(() => {
        expect(sameTurn).toBe(true);
        resolve();
      });
    });
    expect(ran).toEqual(['writer', 'batcher', 'writer']);
  });

  it('goes on after a flush that throws', async () => {
    const scheduler = new WriteOutScheduler();
    const ran: string[] = [];
    scheduler.schedule(() => {
      throw new Error('boom');
    });
    scheduler.schedule(() => ran.push('next'));
    await nextTurn();
    expect(ran).toEqual(['next']);
  });

  it('keeps one exit listener for every exit flush, and removes it with the last one', () => {
    const before = process.listenerCount('exit');
    const scheduler = new WriteOutScheduler();
    const ran: string[] = [];
    const offA = scheduler.onExit(() => ran.push('a'));
    const offB = scheduler.onExit(() => ran.push('b'));
    expect(process.listenerCount('exit')).toBe(before + 1);
    const listener = process.listeners('exit').at(-1) as () => void;
    listener();
    expect(ran).toEqual(['a', 'b']);
    offA();
    expect(process.listenerCount('exit')).toBe(before + 1);
    offB();
    offB();
    expect(process.listenerCount('exit')).toBe(before);
  });
});
