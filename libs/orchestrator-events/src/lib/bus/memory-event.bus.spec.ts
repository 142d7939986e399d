import { EventIdGenerator } from '../event/event-id';
import { BuiltEvent, EventLineBuilder } from '../event/event-line';
import { MemoryEventBus } from './memory-event.bus';

describe('MemoryEventBus', () => {
  const builder = new EventLineBuilder('o-test', new EventIdGenerator('o-test'), 65536);
  const build = (task: string, run?: string) =>
    builder.build({ event: 'step', task_id: task, run_id: run }, 'INFO', undefined);

  it('delivers by task, by run and to unfiltered subscribers, each event once', () => {
    const bus = new MemoryEventBus(10);
    const got: Record<string, string[]> = { a: [], r: [], all: [] };
    bus.subscribe({ task_id: 'a' }, (b) => got['a'].push(b.id));
    bus.subscribe({ run_id: 'r1' }, (b) => got['r'].push(b.id));
    bus.subscribe({}, (b) => got['all'].push(b.id));
    const events = [build('a', 'r1'), build('b', 'r1'), build('b', 'r2')];
    for (const e of events) bus.publish(e);
    expect(got).toEqual({
      a: [events[0].id],
      r: [events[0].id, events[1].id],
      all: events.map((e) => e.id),
    });
  });

  it('parses no line to route events to subscribers of other tasks', () => {
    const bus = new MemoryEventBus(10);
    const received: BuiltEvent[] = [];
    for (let i = 0; i < 10; i++) bus.subscribe({ task_id: `t-${i}` }, (b) => received.push(b));
    const parse = jest.spyOn(JSON, 'parse');
    try {
      for (let i = 0; i < 100; i++) bus.publish(build(`other-${i}`));
      expect(parse).not.toHaveBeenCalled();
      bus.publish(build('t-3'));
      expect(received.map((b) => b.event.task_id)).toEqual(['t-3']);
    } finally {
      parse.mockRestore();
    }
  });

  it('parses no line to deliver to a stream on one task, one run or everything', () => {
    const bus = new MemoryEventBus(10);
    const ids: string[] = [];
    bus.subscribe({ task_id: 't' }, (b) => ids.push(b.id));
    bus.subscribe({ run_id: 'r' }, (b) => ids.push(b.id));
    bus.subscribe({ event: [] }, (b) => ids.push(b.id));
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const event = build('t', 'r');
      bus.publish(event);
      expect(parse).not.toHaveBeenCalled();
      expect(ids).toEqual([event.id, event.id, event.id]);
    } finally {
      parse.mockRestore();
    }
  });

  it('still applies every other criterion of a filter beside the id it is indexed by', () => {
    const bus = new MemoryEventBus(10);
    const got: string[] = [];
    bus.subscribe({ task_id: 't', level: 'ERROR' }, (b) => got.push(`level ${b.event.level}`));
    bus.subscribe({ task_id: 't', run_id: 'r2' }, (b) => got.push(`run ${b.event.run_id}`));
    bus.subscribe({ run_id: 'r1', event: ['other'] }, (b) => got.push(`event ${b.event.event}`));
    bus.subscribe({ level: 'WARNING' }, (b) => got.push(`all ${b.event.level}`));
    bus.publish(build('t', 'r1'));
    bus.publish(builder.build({ event: 'other', task_id: 't', run_id: 'r1' }, 'ERROR', undefined));
    bus.publish(build('t', 'r2'));
    expect(got).toEqual(['level ERROR', 'event other', 'all ERROR', 'run r2']);
  });

  it('applies q and extras to streams on one task or run, and to unfiltered ones (no shortcut)', () => {
    const bus = new MemoryEventBus(10);
    const got: string[] = [];
    bus.subscribe({ task_id: 't', q: 'quota' }, (b) => got.push(`q ${b.event.message}`));
    bus.subscribe({ run_id: 'r1', extras: { region: 'eu' } }, (b) =>
      got.push(`x ${b.event.message}`),
    );
    bus.subscribe({ q: 'QUOTA eu' }, (b) => got.push(`all ${b.event.message}`));
    const say = (message: string, region: string) =>
      builder.build({ event: 'e', task_id: 't', run_id: 'r1', message, region }, 'INFO', undefined);
    bus.publish(say('quota hit', 'eu'));
    bus.publish(say('plain', 'us'));
    bus.publish(say('plain', 'eu'));
    expect(got).toEqual(['q quota hit', 'x quota hit', 'all quota hit', 'x plain']);
  });
});
