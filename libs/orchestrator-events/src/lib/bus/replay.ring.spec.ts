import { ReplayRing } from './replay.ring';

const line = (id: string, task = 't') =>
  JSON.stringify({ event: 'e', event_id: id, task_id: task });
const ids = (ring: ReplayRing, after: string, task?: string) =>
  ring.after(after, task === undefined ? {} : { task_id: task })?.map((b) => b.id);

describe('ReplayRing', () => {
  it('in id order, finds the first id above any resume id it covers, and keeps the last N', () => {
    const ring = new ReplayRing(3, 'id');
    for (const id of ['a1', 'a2', 'a3', 'a4']) ring.add(id, line(id, id === 'a3' ? 'x' : 't'));
    expect(ring.oldestId()).toBe('a2');
    expect(ids(ring, 'a2')).toEqual(['a3', 'a4']);
    expect(ids(ring, 'a25')).toEqual(['a3', 'a4']);
    expect(ids(ring, 'a2', 'x')).toEqual(['a3']);
    expect(ids(ring, 'a4')).toEqual([]);
    // Older than what it holds: it cannot tell what came between.
    expect(ring.after('a1', {})).toBeUndefined();
  });

  it('in delivery order, answers only for ids it holds, in delivery order, and refuses repeats', () => {
    const ring = new ReplayRing(3, 'delivery');
    expect(ring.add('b2', line('b2'))).toBe(true);
    expect(ring.add('a9', line('a9'))).toBe(true);
    expect(ring.add('b2', line('b2'))).toBe(false);
    ring.add('c1', line('c1'));
    expect(ids(ring, 'b2')).toEqual(['a9', 'c1']);
    expect(ring.after('b3', {})).toBeUndefined();
    ring.add('d1', line('d1'));
    expect(ring.has('b2')).toBe(false);
    expect(ring.after('b2', {})).toBeUndefined();
    expect(ids(ring, 'a9')).toEqual(['c1', 'd1']);
  });

  it('with no room, holds nothing and knows no id', () => {
    for (const order of ['id', 'delivery'] as const) {
      const ring = new ReplayRing(0, order);
      expect(ring.add('a1', line('a1'))).toBe(true);
      expect(ring.after('a0', {})).toBeUndefined();
    }
  });
});
