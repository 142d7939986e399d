import { matches, OrchestratorEvent } from '@orchestrator/events-contract';
import { parseEventsQuery } from './events-query.rules';

const parse = (search: string) => parseEventsQuery(search, 'list');

describe('q and extras.<key> parameters', () => {
  it('reads q and up to 5 extras on both endpoints', () => {
    for (const endpoint of ['list', 'stream'] as const) {
      const parsed = parseEventsQuery(
        'q=quota%20Exceeded&extras.region=eu&extras.attempts=3&extras.a=1&extras.b=2&extras.c=',
        endpoint,
      );
      expect(parsed).toEqual({
        ok: true,
        query: expect.objectContaining({
          filter: {
            q: 'quota Exceeded',
            extras: Object.assign(Object.create(null), {
              region: 'eu',
              attempts: '3',
              a: '1',
              b: '2',
              c: '',
            }),
          },
        }),
      });
    }
  });

  it('refuses bad q, naming it', () => {
    for (const search of ['q=', 'q=%20%20', `q=${'x'.repeat(257)}`, `q=${'w '.repeat(17)}`]) {
      const parsed = parse(search);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.errors).toEqual([expect.stringMatching(/^q must be/)]);
    }
    expect(parse(`q=${'é'.repeat(256)}`).ok).toBe(true);
    const repeated = parse('q=a&q=b');
    expect(!repeated.ok && repeated.errors).toEqual(['q is given twice: give it once']);
  });

  it('refuses a bad key or value and too many extras, naming the parameter', () => {
    const errors = (search: string) => {
      const parsed = parse(search);
      return parsed.ok ? [] : parsed.errors;
    };
    expect(errors('extras.=x')).toEqual([expect.stringMatching(/^extras\.: the key/)]);
    expect(errors('extras.event_id=x')).toEqual([expect.stringMatching(/^extras\.event_id: /)]);
    expect(errors('extras.a%0Ab=x')).toEqual([expect.stringMatching(/^extras\.a\nb: /)]);
    expect(errors(`extras.${'k'.repeat(129)}=x`)).toHaveLength(1);
    expect(errors(`extras.k=${'v'.repeat(257)}`)).toEqual([
      expect.stringMatching(/^extras\.k must be at most 256 characters/),
    ]);
    expect(errors('extras.k=1&extras.k=2')).toEqual(['extras.k is given twice: give it once']);
    expect(errors('extras.a=1&extras.b=1&extras.c=1&extras.d=1&extras.e=1&extras.f=1')).toEqual([
      'at most 5 extras.<key> parameters',
    ]);
    expect(errors('extrasx=1')).toEqual(['property extrasx should not exist']);
  });

  it('keeps prototype-ish keys as plain keys, matching own fields only', () => {
    const parsed = parse('extras.__proto__=p&extras.constructor=c');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const extras = parsed.query.filter.extras ?? {};
    expect(Object.keys(extras).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    const base =
      '{"timestamp":"t","level":"INFO","logger":"orchestrator_events","event":"e","event_id":"i","orch_id":"o"';
    const withBoth = JSON.parse(`${base},"__proto__":"p","constructor":"c"}`) as OrchestratorEvent;
    const without = JSON.parse(`${base}}`) as OrchestratorEvent;
    expect(matches(parsed.query.filter, withBoth)).toBe(true);
    expect(matches(parsed.query.filter, without)).toBe(false);
  });
});
