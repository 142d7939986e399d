import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../testing/temp-dir';
import { createLogger } from '../../testing/logger-module';
import {
  DEFAULT_REDACT_KEYS,
  OrchestratorEventsConfigError,
  parseSize,
  optionsFromEnv,
  OrchestratorEventsModuleOptions,
  resolveOptions,
} from './orchestrator-events.options';

describe('resolveOptions', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('uses the documented defaults', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const { sources, ...values } = resolveOptions({ env: {} });
      expect(values).toEqual({
        orchId: 'o-glm',
        logFile: path.join(fs.realpathSync(dir), '.devlogs', 'orch-o-glm.log'),
        level: 'INFO',
        appLogFile: undefined,
        maxSize: 10 * 1024 * 1024,
        maxFiles: 5,
        maxPendingBytes: 64 * 1024 * 1024,
        shutdownRetryMs: 10000,
        maxLineBytes: 65536,
        replayBufferSize: 1000,
        sseHeartbeatMs: 15000,
        sseMaxBacklog: 10000,
        sseMaxBacklogBytes: 8 * 1024 * 1024,
        token: undefined,
        redactKeys: DEFAULT_REDACT_KEYS,
        sseMaxClients: 10000,
        sseMaxClientsPerIp: 100,
        sseFastPath: false,
      });
      // A default is named by its variable (or, without one, by the option).
      expect(sources).toMatchObject({
        logFile: 'ORCH_LOG_FILE',
        maxLineBytes: 'option maxLineBytes',
      });
      // Resolving has no side effects: the directory is made when the module starts.
      expect(fs.existsSync(path.join(dir, '.devlogs'))).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });

  it('reads the environment, and options win over it', () => {
    const env = {
      ORCH_ID: 'o-1',
      ORCH_LOG_FILE: path.join(dir, 'a', 'events.log'),
      LOG_LEVEL: 'warn',
      LOG_FILE: path.join(dir, 'app.log'),
      ORCH_LOG_MAX_SIZE: '64k',
      ORCH_LOG_MAX_FILES: '2',
      ORCH_LOG_MAX_PENDING: '1m',
      ORCH_SHUTDOWN_RETRY_MS: '2500',
    };
    expect(resolveOptions({ env })).toMatchObject({
      orchId: 'o-1',
      logFile: env.ORCH_LOG_FILE,
      level: 'WARNING',
      appLogFile: env.LOG_FILE,
      maxSize: 65536,
      maxFiles: 2,
      maxPendingBytes: 1024 * 1024,
      shutdownRetryMs: 2500,
    });
    expect(resolveOptions({ env, orchId: 'o-2', level: 'debug', maxFiles: 0 })).toMatchObject({
      orchId: 'o-2',
      level: 'DEBUG',
      maxFiles: 0,
      sources: { orchId: 'option orchId', maxFiles: 'option maxFiles', logFile: 'ORCH_LOG_FILE' },
    });
  });

  it('reads ORCH_SSE_FAST_PATH as a boolean (off by default), the option winning', () => {
    const logFile = path.join(dir, 'orch.log');
    expect(resolveOptions({ env: { ORCH_LOG_FILE: logFile } }).sseFastPath).toBe(false);
    for (const on of ['true', 'TRUE', '1', 'yes', 'on']) {
      expect(
        resolveOptions({ env: { ORCH_LOG_FILE: logFile, ORCH_SSE_FAST_PATH: on } }).sseFastPath,
      ).toBe(true);
    }
    const env = { ORCH_LOG_FILE: logFile, ORCH_SSE_FAST_PATH: 'true' };
    expect(resolveOptions({ env, sseFastPath: false }).sseFastPath).toBe(false);
    expect(resolveOptions({ env: { ...env, ORCH_SSE_FAST_PATH: 'off' } }).sseFastPath).toBe(false);
  });

  it('derives the log file name from ORCH_ID', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(path.basename(resolveOptions({ env: { ORCH_ID: 'worker-7' } }).logFile)).toBe(
        'orch-worker-7.log',
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it.each([
    [{ ORCH_ID: '../x' }, /ORCH_ID="\.\.\/x".*\[A-Za-z0-9\._-\]/],
    [{ ORCH_ID: 'a'.repeat(65) }, /ORCH_ID=.*1-64 characters/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL="verbose".*DEBUG, INFO, WARNING/],
    [{ ORCH_LOG_MAX_SIZE: '10q' }, /ORCH_LOG_MAX_SIZE="10q".*k, m or g/],
    [{ ORCH_LOG_MAX_SIZE: '100' }, /ORCH_LOG_MAX_SIZE="100".*from 1k/],
    [{ ORCH_LOG_MAX_FILES: '-1' }, /ORCH_LOG_MAX_FILES="-1".*integer from 0 to 1000/],
    [{ ORCH_LOG_MAX_PENDING: '1k' }, /ORCH_LOG_MAX_PENDING="1k".*from 64k to 1024g/],
    [{ ORCH_LOG_MAX_PENDING: 'lots' }, /ORCH_LOG_MAX_PENDING="lots".*k, m or g/],
    [{ ORCH_LOG_MAX_FILES: 'five' }, /ORCH_LOG_MAX_FILES="five"/],
    [{ ORCH_SSE_HEARTBEAT_MS: '10' }, /ORCH_SSE_HEARTBEAT_MS="10".*from 100/],
    [{ ORCH_SHUTDOWN_RETRY_MS: '10s' }, /ORCH_SHUTDOWN_RETRY_MS="10s".*from 0 to 600000/],
    [{ ORCH_SSE_MAX_BACKLOG: '0' }, /ORCH_SSE_MAX_BACKLOG="0".*from 1/],
    [{ ORCH_SSE_MAX_BACKLOG_BYTES: '1k' }, /ORCH_SSE_MAX_BACKLOG_BYTES="1k".*from 16k to 1g/],
    [{ ORCH_SSE_FAST_PATH: 'fast' }, /ORCH_SSE_FAST_PATH="fast".*true or false/],
  ])(
    'refuses %j with an error naming the variable, the value and what is allowed',
    (env, message) => {
      const logFile = path.join(dir, 'orch.log');
      expect(() => resolveOptions({ env: { ORCH_LOG_FILE: logFile, ...env } })).toThrow(
        OrchestratorEventsConfigError,
      );
      expect(() => resolveOptions({ env: { ORCH_LOG_FILE: logFile, ...env } })).toThrow(message);
    },
  );

  it('names the option, not the variable, when the bad value came from an option', () => {
    expect(() =>
      resolveOptions({ env: {}, orchId: 'a/b', logFile: path.join(dir, 'x.log') }),
    ).toThrow(/option orchId="a\/b"/);
  });

  it('refuses an option it does not have (a moved one too), without showing its value', () => {
    const moved = { env: {}, redisUrl: 'redis://u:s3cret@127.0.0.1:6379', dashboard: {} };
    let error: unknown;
    try {
      resolveOptions(moved as OrchestratorEventsModuleOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OrchestratorEventsConfigError);
    const text = (error as Error).message;
    expect(text).toMatch(/option redisUrl=.*not an option of OrchestratorEventsModule/);
    expect(text).toMatch(/option dashboard=/);
    expect(text).not.toContain('s3cret');
    // Every documented option and `env` are accepted.
    expect(() => resolveOptions({ env: {}, ...optionsFromEnv({ ORCH_ID: 'o-1' }) })).not.toThrow();
  });

  it('refuses, when the module starts, a log file whose directory cannot be created', async () => {
    const blocker = path.join(dir, 'blocker');
    fs.writeFileSync(blocker, 'a file, not a directory');
    await expect(
      createLogger({ env: { ORCH_LOG_FILE: path.join(blocker, 'orch.log') } }),
    ).rejects.toThrow(/ORCH_LOG_FILE=.*cannot be created or written/);
    await expect(
      createLogger({ env: {}, logFile: path.join(blocker, 'orch.log') }),
    ).rejects.toThrow(/option logFile=.*cannot be created or written/);
  });

  it('creates the log directory when the module starts', async () => {
    const logFile = path.join(dir, 'nested', 'deeper', 'orch.log');
    const { module } = await createLogger({ env: { ORCH_LOG_FILE: logFile } });
    try {
      expect(fs.statSync(path.dirname(logFile)).isDirectory()).toBe(true);
    } finally {
      await module.close();
    }
  });

  it('reports every bad setting at once', () => {
    let error: OrchestratorEventsConfigError | undefined;
    try {
      resolveOptions({
        env: { ORCH_ID: '../x', LOG_LEVEL: 'loud', ORCH_LOG_MAX_FILES: '-1' },
        sseHeartbeatMs: 1,
      });
    } catch (err) {
      error = err as OrchestratorEventsConfigError;
    }
    expect(error).toBeInstanceOf(OrchestratorEventsConfigError);
    expect(error?.problems).toHaveLength(4);
    expect(error?.message).toMatch(/^4 invalid settings:/);
    for (const setting of [
      'ORCH_ID="../x"',
      'LOG_LEVEL="loud"',
      'ORCH_LOG_MAX_FILES="-1"',
      'option sseHeartbeatMs=1',
    ]) {
      expect(error?.message).toContain(setting);
    }
  });

  it('optionsFromEnv maps the documented variables and reads nothing else', () => {
    expect(
      optionsFromEnv({ ORCH_ID: 'o-7', LOG_LEVEL: 'debug', ORCH_REDACT_KEYS: '', OTHER: 'x' }),
    ).toEqual({
      orchId: 'o-7',
      level: 'debug',
    });
  });

  it('refuses LOG_FILE equal to the event log', () => {
    const file = path.join(dir, 'same.log');
    expect(() => resolveOptions({ env: { ORCH_LOG_FILE: file, LOG_FILE: file } })).toThrow(
      /LOG_FILE=.*must differ/,
    );
  });

  it('reads the token and redaction list, and never prints the token', () => {
    const logFile = path.join(dir, 'orch.log');
    const env = {
      ORCH_LOG_FILE: logFile,
      ORCH_EVENTS_TOKEN: 's3cret-token-0123456789',
      ORCH_REDACT_KEYS: 'Pin, cvv ,',
    };
    expect(resolveOptions({ env })).toMatchObject({
      token: env.ORCH_EVENTS_TOKEN,
      redactKeys: ['pin', 'cvv'],
    });
    expect(
      resolveOptions({ env: { ORCH_LOG_FILE: logFile, ORCH_REDACT_KEYS: '' } }).redactKeys,
    ).toBe(DEFAULT_REDACT_KEYS);
    expect(resolveOptions({ env: { ORCH_LOG_FILE: logFile }, redactKeys: [] }).redactKeys).toEqual(
      [],
    );
    let message = '';
    try {
      resolveOptions({ env: { ORCH_LOG_FILE: logFile, ORCH_EVENTS_TOKEN: 'short secret' } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/ORCH_EVENTS_TOKEN="<hidden>".*16-512 printable/);
    expect(message).not.toContain('short secret');
  });

  it('parses sizes', () => {
    expect(parseSize('64k')).toBe(65536);
    expect(parseSize('10M')).toBe(10 * 1024 * 1024);
    expect(parseSize('1g')).toBe(1024 ** 3);
    expect(parseSize('1.5k')).toBe(1536);
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize('10mb')).toBe(10 * 1024 * 1024);
    expect(parseSize('ten')).toBeUndefined();
  });

  it('fails the Nest module at startup on a bad value', async () => {
    await expect(createLogger({ env: { ORCH_ID: '../x' } })).rejects.toThrow(/ORCH_ID="\.\.\/x"/);
  });
});
