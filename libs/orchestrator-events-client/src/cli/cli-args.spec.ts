import { DEFAULT_URL, parseCliArgs, UsageError } from './cli-args';

describe('parseCliArgs', () => {
  it('parses tail with every filter', () => {
    const cmd = parseCliArgs([
      'tail',
      '--task-id',
      't1',
      '--run-id=r1',
      '--event',
      'a, b',
      '--event',
      'c',
      '--level',
      'warn',
      '--json',
      '--last-event-id',
      '1795515045123-000000-o-glm',
    ]);
    expect(cmd).toEqual({
      command: 'tail',
      filter: { task_id: 't1', run_id: 'r1', event: ['a', 'b', 'c'], level: 'WARNING' },
      json: true,
      forceColor: false,
      url: DEFAULT_URL,
      token: undefined,
      file: undefined,
      follow: false,
      lastEventId: '1795515045123-000000-o-glm',
    });
  });

  it('parses query with a time window and a limit', () => {
    const cmd = parseCliArgs(['query', '--since', '2026-11-24T10:00:00Z', '-n', '50']);
    expect(cmd).toMatchObject({
      command: 'query',
      since: '2026-11-24T10:00:00Z',
      limit: 50,
      filter: {},
      json: false,
    });
  });

  it('parses --q and repeated --extra key=value (a value may hold =)', () => {
    const cmd = parseCliArgs([
      'tail',
      '--q',
      'quota exceeded',
      '--extra',
      'region=eu=west',
      '--extra=attempts=3',
      '--extra',
      '__proto__=x',
    ]);
    expect(cmd).toMatchObject({ command: 'tail', filter: { q: 'quota exceeded' } });
    const extras = (cmd as { filter: { extras: Record<string, string> } }).filter.extras;
    expect({ ...extras }).toEqual({ region: 'eu=west', attempts: '3', ['__proto__']: 'x' });
    expect(Object.keys(extras)).toEqual(['region', 'attempts', '__proto__']);
    expect(parseCliArgs(['query', '--extra', 'empty='])).toMatchObject({
      filter: { extras: { empty: '' } },
    });
  });

  it('parses runs with its own flags', () => {
    expect(
      parseCliArgs([
        'runs',
        '--task-id',
        'etl',
        '--status',
        'failed',
        '--since',
        '2026-11-17T00:00:00Z',
        '--before',
        'run-9',
        '-n',
        '20',
        '--json',
      ]),
    ).toMatchObject({
      command: 'runs',
      filter: { task_id: 'etl' },
      status: 'failed',
      since: '2026-11-17T00:00:00Z',
      before: 'run-9',
      limit: 20,
      json: true,
      url: DEFAULT_URL,
    });
    expect(parseCliArgs(['runs', '-h'])).toEqual({ command: 'help', topic: 'runs' });
  });

  it('takes url and token from flags first, then the environment', () => {
    const env = { ORCH_EVENTS_URL: 'http://env:1', ORCH_EVENTS_TOKEN: 'envtoken' };
    expect(parseCliArgs(['query'], env)).toMatchObject({ url: 'http://env:1', token: 'envtoken' });
    expect(parseCliArgs(['query', '--url', 'http://flag:2', '--token', 't'], env)).toMatchObject({
      url: 'http://flag:2',
      token: 't',
    });
  });

  it('parses --file and --follow', () => {
    expect(parseCliArgs(['tail', '-f', 'x.log', '-F'])).toMatchObject({
      file: 'x.log',
      follow: true,
    });
  });

  it('takes the years 0000-0099, an offset, and a limit above one page', () => {
    const cmd = parseCliArgs([
      'query',
      '--since',
      '0001-01-01T00:00:00Z',
      '--until',
      '2026-11-24T10:00:00+01:00',
      '-n',
      '5000',
    ]);
    expect(cmd).toMatchObject({
      since: '0001-01-01T00:00:00Z',
      until: '2026-11-24T10:00:00+01:00',
      limit: 5000,
    });
  });

  it('asks for help', () => {
    expect(parseCliArgs([])).toEqual({ command: 'help' });
    expect(parseCliArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseCliArgs(['query', '-h'])).toEqual({ command: 'help', topic: 'query' });
  });

  it.each([
    [['watch'], /unknown command "watch": expected tail, query or runs/],
    [['tail', '--tsk-id', 'x'], /Unknown option '--tsk-id'/],
    [['tail', '--since', 'x'], /Unknown option '--since'/],
    [['query', '--follow'], /Unknown option '--follow'/],
    [['tail', '--level', 'loud'], /invalid --level "loud"/],
    [['query', '--limit', '0'], /invalid --limit "0"/],
    [['query', '--limit', 'ten'], /invalid --limit "ten"/],
    // The contract's decimal rule, as the server applies it to limit=.
    [['query', '--limit', '1e2'], /invalid --limit "1e2"/],
    [['query', '--limit', '0x10'], /invalid --limit "0x10"/],
    [['query', '--limit', '+5'], /invalid --limit "\+5"/],
    [['query', '--limit', '05'], /invalid --limit "05"/],
    [['query', '--limit', ' 10'], /invalid --limit " 10"/],
    // A date-time without offset: the server's 400, refused before any request.
    [['query', '--since', '2026-12-05T23:00:00'], /invalid --since "2026-12-05T23:00:00".*offset/],
    [['query', '--until', '2026-13-01T00:00:00Z'], /invalid --until/],
    [['tail', '--follow'], /--follow applies to --file/],
    [['tail', '--url', 'localhost:3000'], /invalid --url/],
    [['tail', 'extra'], /Unexpected argument 'extra'/],
    [['tail', '--extra', 'novalue'], /invalid --extra "novalue": expected key=value/],
    [['tail', '--extra', '=v'], /invalid --extra "=v"/],
    [['query', ...Array.from({ length: 6 }, (_, i) => `--extra=k${i}=v`)], /at most 5 --extra/],
    [['runs', '--status', 'done'], /invalid --status "done": expected running, success, failed/],
    [['runs', '--level', 'error'], /Unknown option '--level'/],
    [['runs', '--q', 'x'], /Unknown option '--q'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
