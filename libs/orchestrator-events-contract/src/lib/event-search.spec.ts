import fc from 'fast-check';
import { CORE_FIELDS, matches, OrchestratorEvent } from '../index';
import { extraText, searchWords } from './event-search';

/** An event as it is read back: parsed from its line, so `__proto__` can be an own field. */
const event = (fields: Record<string, unknown>): OrchestratorEvent =>
  JSON.parse(
    JSON.stringify({
      timestamp: '2026-11-24T10:30:45.123456Z',
      level: 'INFO',
      logger: 'orchestrator_events',
      event: 'job_failed',
      event_id: '1795515045123-000000-o-glm',
      orch_id: 'o-glm',
      ...fields,
    }),
  ) as OrchestratorEvent;

describe('q: search in message and extra string values', () => {
  it('finds every word, in any case, in the message or in nested extras (error.message)', () => {
    const failed = event({
      message: 'Nightly ETL failed',
      error: { name: 'Error', message: 'Quota exceeded for bucket', stack: 'at x' },
      tags: [['deep', { inner: 'Needle' }]],
    });
    expect(matches({ q: 'quota' }, failed)).toBe(true);
    expect(matches({ q: 'QUOTA nightly' }, failed)).toBe(true);
    expect(matches({ q: '  needle\tETL ' }, failed)).toBe(true);
    expect(matches({ q: 'quota missing' }, failed)).toBe(false);
    expect(matches({ q: '' }, failed)).toBe(true);
    expect(matches({ q: '   ' }, failed)).toBe(true);
  });

  it('does not search keys, numbers, booleans, core fields, task_id, run_id or status', () => {
    const e = event({ task_id: 'etl', run_id: 'r1', status: 'failed', attempts: 3, ok: true });
    for (const q of ['attempts', '3', 'true', 'etl', 'r1', 'failed', 'job_failed', 'o-glm']) {
      expect(matches({ q }, e)).toBe(false);
    }
  });

  it('searches past prototype-ish keys without reading anything inherited', () => {
    const e = event({
      nested: JSON.parse('{"__proto__": {"x": "hidden-proto"}, "constructor": "ctor"}'),
    });
    expect(matches({ q: 'hidden-proto' }, e)).toBe(true);
    expect(matches({ q: 'ctor' }, e)).toBe(true);
    expect(matches({ q: 'function' }, event({ nested: {} }))).toBe(false);
  });

  it('survives very deep nesting (no recursion)', () => {
    let deep: unknown = 'bottom-word';
    for (let i = 0; i < 20_000; i++) deep = i % 2 ? [deep] : { d: deep };
    const e = { ...event({}), deep } as OrchestratorEvent;
    expect(matches({ q: 'bottom-word' }, e)).toBe(true);
  });

  it('property: any lowercase substring of a nested string value is found; others are not', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 4 }),
        (text, a, b, depth) => {
          let value: unknown = text;
          for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { k: value };
          const e = event({ extra: value });
          const lower = text.toLowerCase();
          const start = a % lower.length;
          const word = lower.slice(start, start + 1 + (b % (lower.length - start)));
          const words = searchWords(word);
          // Whitespace-only slices are no criterion; otherwise each word is a piece of the text.
          expect(matches({ q: word }, e)).toBe(true);
          expect(matches({ q: word.toUpperCase() }, e)).toBe(
            searchWords(word.toUpperCase()).every((w) => lower.includes(w)),
          );
          const absent = `${words.join('')}\u{1F9EA}absent`;
          expect(matches({ q: absent }, e)).toBe(lower.includes(absent));
        },
      ),
    );
  });

  it('property: ASCII text is found whatever the case of either side', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{1,20}$/), fc.boolean(), (word, upper) => {
        const e = event({ message: `prefix ${upper ? word.toUpperCase() : word.toLowerCase()}!` });
        expect(matches({ q: upper ? word.toLowerCase() : word.toUpperCase() }, e)).toBe(true);
      }),
    );
  });
});

describe('extras: top-level extra field equality', () => {
  it('compares strings as they are, numbers and booleans as their JSON text', () => {
    const e = event({ region: 'eu-west', attempts: 3, ratio: 1.5, dry_run: false, big: 1e21 });
    expect(matches({ extras: { region: 'eu-west' } }, e)).toBe(true);
    expect(matches({ extras: { region: 'EU-WEST' } }, e)).toBe(false);
    expect(matches({ extras: { attempts: '3', ratio: '1.5', dry_run: 'false' } }, e)).toBe(true);
    expect(matches({ extras: { attempts: '3.0' } }, e)).toBe(false);
    expect(matches({ extras: { big: '1e+21' } }, e)).toBe(true);
    expect(matches({ extras: { region: 'eu-west', attempts: '4' } }, e)).toBe(false);
    expect(matches({ extras: { missing: '' } }, e)).toBe(false);
    expect(matches({ extras: {} }, e)).toBe(true);
  });

  it('never equals null, objects or arrays, nor a nested key', () => {
    const e = event({ n: null, o: { a: '1' }, arr: ['1'] });
    expect(matches({ extras: { n: 'null' } }, e)).toBe(false);
    expect(matches({ extras: { o: '[object Object]' } }, e)).toBe(false);
    expect(matches({ extras: { arr: '1' } }, e)).toBe(false);
    expect(matches({ extras: { 'o.a': '1' } }, e)).toBe(false);
  });

  it('reads own fields only: constructor, toString and __proto__ are not inherited matches', () => {
    const plain = event({});
    const nullProto = Object.assign(Object.create(null) as Record<string, string>, {
      constructor: 'function Object() { [native code] }',
    });
    expect(matches({ extras: nullProto }, plain)).toBe(false);
    expect(matches({ extras: JSON.parse('{"__proto__": "[object Object]"}') }, plain)).toBe(false);
    const own = event({ constructor: 'c', toString: 't' });
    const withProto = JSON.parse(
      '{"timestamp":"t","level":"INFO","logger":"orchestrator_events","event":"e","event_id":"i","orch_id":"o","__proto__":"p"}',
    ) as OrchestratorEvent;
    expect(matches({ extras: { constructor: 'c', toString: 't' } }, own)).toBe(true);
    expect(matches({ extras: JSON.parse('{"__proto__": "p"}') }, withProto)).toBe(true);
  });

  it('treats a core field name as no extra field, and task_id/status as ordinary fields', () => {
    const e = event({ task_id: 't1', status: 'failed' });
    for (const key of CORE_FIELDS) {
      expect(matches({ extras: { [key]: String(e[key]) } }, e)).toBe(false);
    }
    expect(matches({ extras: { task_id: 't1', status: 'failed' } }, e)).toBe(true);
  });

  it('property: a JSON primitive equals its text form, and nothing else', () => {
    const primitive = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((k) => !CORE_FIELDS.has(k)),
        primitive,
        fc.string(),
        (key, value, other) => {
          const e = event({ [key]: value });
          // Read back as parsed (`-0` is written as 0), as a source reads it.
          const text = extraText(e[key]);
          expect(text).toBe(typeof value === 'string' ? value : JSON.stringify(e[key]));
          expect(matches({ extras: { [key]: text as string } }, e)).toBe(true);
          expect(matches({ extras: { [key]: other } }, e)).toBe(other === text);
        },
      ),
    );
  });
});
