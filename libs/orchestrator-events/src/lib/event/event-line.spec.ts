import { CORE_FIELDS, EVENT_ID_PATTERN, EventInput } from '@orchestrator/events-contract';
import { EventIdGenerator } from './event-id';
import { EventLineBuilder } from './event-line';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function builder(maxLineBytes = 65536): EventLineBuilder {
  return new EventLineBuilder('o-test', new EventIdGenerator('o-test'), maxLineBytes);
}

describe('EventLineBuilder', () => {
  it('writes the schema: core fields first, ids and message as given, extras after', () => {
    const { event, line } = builder().build(
      {
        event: 'job_completed',
        task_id: 'job-456',
        run_id: 'run-789',
        duration_ms: 1500,
        result: 'success',
        message: 'Job completed successfully',
      },
      'INFO',
      undefined,
    );
    const parsed = JSON.parse(line);
    expect(parsed).toEqual(event);
    expect(Object.keys(parsed).slice(0, 8)).toEqual([...CORE_FIELDS, 'task_id', 'run_id']);
    expect(parsed).toMatchObject({
      level: 'INFO',
      logger: 'orchestrator_events',
      event: 'job_completed',
      orch_id: 'o-test',
      task_id: 'job-456',
      run_id: 'run-789',
      message: 'Job completed successfully',
      duration_ms: 1500,
      result: 'success',
    });
    expect(parsed.timestamp).toMatch(TIMESTAMP);
    expect(parsed.event_id).toMatch(EVENT_ID_PATTERN);
    expect(line).not.toContain('\n');
  });

  it('stamps UTC time with microseconds close to the wall clock', () => {
    const before = Date.now();
    const { event } = builder().build({ event: 'x' }, 'INFO', undefined);
    const stamped = Date.parse(event.timestamp);
    expect(stamped).toBeGreaterThanOrEqual(before - 2);
    expect(stamped).toBeLessThanOrEqual(Date.now() + 2);
  });

  it('omits ids, message and status that were not given', () => {
    const { event } = builder().build({ event: 'tick' }, 'DEBUG', undefined);
    expect(Object.keys(event).sort()).toEqual(
      ['event', 'event_id', 'level', 'logger', 'orch_id', 'timestamp'].sort(),
    );
  });

  it('never lets an extra field overwrite a core field', () => {
    const { event, line } = builder().build(
      {
        event: 'x',
        timestamp: 'fake',
        logger: 'fake',
        event_id: 'fake',
        orch_id: 'fake',
      } as never,
      'WARNING',
      undefined,
    );
    const parsed = JSON.parse(line);
    expect(parsed.timestamp).toMatch(TIMESTAMP);
    expect(parsed.logger).toBe('orchestrator_events');
    expect(parsed.event_id).toMatch(EVENT_ID_PATTERN);
    expect(parsed.orch_id).toBe('o-test');
    expect(parsed.level).toBe('WARNING');
    expect(event).toEqual(parsed);
    expect(line.match(/"timestamp"/g)).toHaveLength(1);
  });

  it('copies only own fields, whatever the prototype of the input', () => {
    const inherited = Object.assign(Object.create({ from_proto: 'no' }) as object, {
      event: 'x',
      own: 'yes',
    });
    const bare = Object.assign(Object.create(null) as object, { event: 'y', own: 'also' });
    class Input {
      event = 'z';
      own = 'too';
      get computed(): string {
        return 'no';
      }
    }
    const b = builder();
    for (const input of [inherited, bare, new Input()]) {
      const { event, line } = b.build(input as EventInput, 'INFO', undefined);
      expect(Object.keys(event).slice(6)).toEqual(['own']);
      expect(line).not.toContain('no"');
    }
  });

  it('takes ids from the context unless the call gives its own', () => {
    const b = builder();
    const ctx = { task_id: 'ctx-task', run_id: 'ctx-run' };
    expect(b.build({ event: 'a' }, 'INFO', ctx).event).toMatchObject(ctx);
    expect(b.build({ event: 'a', task_id: 'own' }, 'INFO', ctx).event).toMatchObject({
      task_id: 'own',
      run_id: 'ctx-run',
    });
  });

  it('serializes circular references, BigInt, Errors, undefined, newlines and quotes safely', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular['self'] = circular;
    const error = new TypeError('boom "quoted"\nsecond line');
    (error as unknown as { code: string }).code = 'E_BOOM';
    const { event, line } = builder().build(
      {
        event: 'weird',
        circular,
        big: 2n ** 70n,
        error,
        nothing: undefined,
        none: null,
        text: 'line1\nline2 "quoted" \\ back\u2028',
        when: new Date('2026-01-02T03:04:05.000Z'),
        nan: NaN,
        list: [1, undefined, () => 1],
        map: new Map([['k', 1]]),
      },
      'ERROR',
      undefined,
    );
    expect(line.split('\n')).toHaveLength(1);
    const parsed = JSON.parse(line);
    expect(parsed).toEqual(event);
    expect(parsed.circular).toEqual({ name: 'loop', self: '[Circular]' });
    expect(parsed.big).toBe('1180591620717411303424');
    expect(parsed.error).toMatchObject({
      name: 'TypeError',
      message: 'boom "quoted"\nsecond line',
      code: 'E_BOOM',
    });
    expect(parsed.error.stack).toContain('TypeError: boom');
    expect('nothing' in parsed).toBe(false);
    expect(parsed.none).toBeNull();
    expect(parsed.text).toBe('line1\nline2 "quoted" \\ back\u2028');
    expect(parsed.when).toBe('2026-01-02T03:04:05.000Z');
    expect(parsed.nan).toBeNull();
    expect(parsed.list).toEqual([1, null, null]);
    expect(parsed.map).toEqual({ k: 1 });
  });

  it('keeps the same object reachable twice (only true cycles are marked)', () => {
    const shared = { a: 1 };
    const { event } = builder().build({ event: 'x', one: shared, two: shared }, 'INFO', undefined);
    expect(event['one']).toEqual({ a: 1 });
    expect(event['two']).toEqual({ a: 1 });
  });

  it('survives getters and toJSON that throw', () => {
    const hostile = {
      get bad(): string {
        throw new Error('getter exploded');
      },
    };
    const bad = {
      toJSON() {
        throw new Error('toJSON exploded');
      },
    };
    const { event } = builder().build({ event: 'x', hostile, bad }, 'INFO', undefined);
    expect(String(event['hostile'])).toContain('getter exploded');
    expect(String(event['bad'])).toContain('toJSON exploded');
  });

  it('cuts a 1 MB string to the maximum line size and marks the event', () => {
    const huge = 'x'.repeat(1024 * 1024);
    const { event, line } = builder(65536).build(
      { event: 'big', task_id: 't1', payload: huge, small: 'kept' },
      'INFO',
      undefined,
    );
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(65536);
    const parsed = JSON.parse(line);
    expect(parsed).toEqual(event);
    expect(parsed._truncated).toBe(true);
    expect(parsed.task_id).toBe('t1');
    expect(parsed.small).toBe('kept');
    expect(parsed.payload.length).toBeLessThan(huge.length);
    expect(parsed.payload.endsWith('…[cut]')).toBe(true);
  });

  it('falls back to the core fields when many small values alone pass the limit', () => {
    const many = Array.from({ length: 20000 }, (_, i) => i);
    const { line } = builder(4096).build({ event: 'big', numbers: many }, 'INFO', undefined);
    const parsed = JSON.parse(line);
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(4096);
    expect(parsed._truncated).toBe(true);
    expect(parsed._dropped_fields).toEqual(['numbers']);
  });

  it('repairs a bad event name instead of throwing, keeping the original', () => {
    const { event } = builder().build({ event: 'bad name/with spaces' }, 'INFO', undefined);
    expect(event.event).toBe('bad_name_with_spaces');
    expect(event['_invalid_event']).toBe('bad name/with spaces');
    const empty = builder().build({ event: '' }, 'INFO', undefined).event;
    expect(empty.event).toBe('unnamed');
  });

  it('hands out strictly increasing ids, also many per millisecond', () => {
    const b = builder();
    const ids = Array.from(
      { length: 20000 },
      () => b.build({ event: 'x' }, 'INFO', undefined).event.event_id,
    );
    const outOfOrder = ids.filter((id, i) => i > 0 && !(id > ids[i - 1]));
    expect(outOfOrder).toEqual([]);
    expect(new Set(ids.map((id) => id.slice(0, 13))).size).toBeLessThan(ids.length);
  });
});

describe('redaction', () => {
  const redacting = () =>
    new EventLineBuilder('o-test', new EventIdGenerator('o-test'), 65536, [
      'password',
      'token',
      'api_key',
      'set-cookie',
    ]);

  it('writes listed fields as [REDACTED] at any depth, case-insensitive, keeping the rest', () => {
    const { event, line } = redacting().build(
      {
        event: 'login',
        task_id: 't1',
        Password: 'hunter2',
        user: { name: 'ann', TOKEN: 'abc', nested: [{ api_key: 'k1', keep: 1 }] },
        headers: new Map([['Set-Cookie', 'sid=1']]),
        error: Object.assign(new Error('bad'), { token: 'leaked' }),
      },
      'INFO',
      undefined,
    );
    expect(line).not.toMatch(/hunter2|"abc"|k1|sid=1|leaked/);
    expect(event).toMatchObject({
      task_id: 't1',
      Password: '[REDACTED]',
      user: { name: 'ann', TOKEN: '[REDACTED]', nested: [{ api_key: '[REDACTED]', keep: 1 }] },
      headers: { 'Set-Cookie': '[REDACTED]' },
      error: { message: 'bad', token: '[REDACTED]' },
    });
    expect(JSON.parse(line)).toEqual(event);
  });

  it('gives the routing ids without parsing, and the same ids as the line', () => {
    const b = builder();
    const routed = b.build({ event: 'x', task_id: 't1' }, 'INFO', { run_id: 'r1' });
    expect(routed.keys()).toEqual({ task_id: 't1', run_id: 'r1' });
    expect(routed.event).toMatchObject({ task_id: 't1', run_id: 'r1' });
    expect(routed.keys()).toMatchObject({ task_id: 't1', run_id: 'r1' });
    expect(b.build({ event: 'y' }, 'INFO', undefined).keys()).toEqual({});
  });

  it('writes field values as JSON.stringify does, escaped or not', () => {
    const values = [
      'plain',
      'q"uote',
      'back\\slash',
      'ctl\u0001',
      'lone \ud800',
      'café',
      'x'.repeat(200),
    ];
    for (const value of values) {
      const { line } = builder().build(
        { event: 'x', task_id: value, note: value },
        'INFO',
        undefined,
      );
      expect(line).toContain(`,"task_id":${JSON.stringify(value)}`);
      expect(line).toContain(`,"note":${JSON.stringify(value)}`);
      expect(JSON.parse(line)).toMatchObject({ task_id: value, note: value });
    }
  });

  it.each([
    ['no ids, no extras', {}],
    ['ids only', { task_id: 't1', run_id: 'r1' }],
    ['a number after the ids', { task_id: 't1', n: 1 }],
    ['strings, empty strings and a number last', { a: '', b: 'x', c: '', d: 2.5 }],
    ['every kind in turn', { s: 'p', n: -0, o: { k: 'v' }, e: '', u: undefined, b: false }],
    ['escaped strings between plain ones', { a: 'plain', b: 'q"uote', c: 'new\nline', d: 'end' }],
    ['dropped values between strings', { a: 'x', f: () => 1, z: null, sym: Symbol('s'), b: 'y' }],
    ['an array last', { run_id: 'r', list: [1, 'two', null] }],
    ['a redacted key', { password: 'secret', after: 'a' }],
  ])('writes the text JSON.stringify would: %s', (_name, fields) => {
    const b = new EventLineBuilder('o-test', new EventIdGenerator('o-test'), 65536, ['password']);
    const { line } = b.build({ event: 'x', ...fields } as EventInput, 'INFO', undefined);
    expect(line).toBe(JSON.stringify(JSON.parse(line)));
  });

  it('builds a valid line when a value builds another line while it is read', () => {
    const b = builder();
    let inner = '';
    const reentrant = {
      toJSON: () => {
        inner = b.build({ event: 'inner', n: 1, s: 'open' }, 'INFO', undefined).line;
        return 'v';
      },
    };
    const fields = { event: 'outer', a: 'open', r: reentrant, z: 'last' };
    const { line } = b.build(fields as EventInput, 'INFO', undefined);
    expect(JSON.parse(line)).toMatchObject({ event: 'outer', a: 'open', r: 'v', z: 'last' });
    expect(line).toBe(JSON.stringify(JSON.parse(line)));
    expect(JSON.parse(inner)).toMatchObject({ event: 'inner', n: 1, s: 'open' });
  });

  it('closes a context id left open before an extra field', () => {
    const { line } = builder().build({ event: 'x', n: 1 }, 'INFO', { task_id: 'ctx' });
    expect(JSON.parse(line)).toMatchObject({ task_id: 'ctx', n: 1 });
    expect(line.endsWith('"task_id":"ctx","n":1}')).toBe(true);
  });

  it('stamps microseconds that agree with the id, across milliseconds', () => {
    const b = builder();
    let last = '';
    for (let i = 0; i < 2000; i++) {
      const { event, line } = b.build({ event: 'x' }, 'INFO', undefined);
      expect(event.timestamp).toMatch(TIMESTAMP);
      expect(Date.parse(event.timestamp)).toBe(Number(event.event_id.slice(0, 13)));
      expect(event.timestamp >= last).toBe(true);
      expect(line.startsWith(`{"timestamp":"${event.timestamp}","level":"INFO"`)).toBe(true);
      last = event.timestamp;
    }
  });

  it('redacts nothing with an empty list', () => {
    const b = new EventLineBuilder('o', new EventIdGenerator('o'), 65536, []);
    expect(b.build({ event: 'x', password: 'p' }, 'INFO', undefined).event['password']).toBe('p');
  });
});

describe('EventIdGenerator', () => {
  it('continues above a recovered id even when the clock is behind it', () => {
    const future = `${String(Date.now() + 3_600_000).padStart(13, '0')}-000007-o-test`;
    const ids = new EventIdGenerator('o-test', future);
    const next = ids.next(Date.now() * 1000);
    expect(next > future).toBe(true);
    expect(next.slice(0, 20)).toBe(`${future.slice(0, 13)}-000008`);
  });

  it('borrows the next millisecond after a million ids in one', () => {
    const ids = new EventIdGenerator('o', '1700000000000-999999-o');
    expect(ids.next(1700000000000 * 1000)).toBe('1700000000001-000000-o');
  });
});
