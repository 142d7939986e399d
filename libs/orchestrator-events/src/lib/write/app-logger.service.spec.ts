import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '../../testing/logger-module';
import { tempDir } from '../../testing/temp-dir';
import { AppLogger } from './app-logger.service';

describe('AppLogger', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const options = () => ({
    logFile: path.join(dir, 'orch.log'),
    appLogFile: path.join(dir, 'app.log'),
    controller: false as const,
  });
  const appFiles = () => fs.readdirSync(dir).filter((name) => name.startsWith('app.log'));

  it('leaves LOG_FILE alone in an app that never uses it (no file, symlink or audit file)', async () => {
    const { module } = await createLogger(options());
    expect(module.get(AppLogger)).toBeInstanceOf(AppLogger);
    await module.close();
    expect(appFiles()).toEqual([]);
  });

  it('writes Nest log lines as JSON to LOG_FILE once used, behind a symlink, all on disk when closed', async () => {
    const { module } = await createLogger(options());
    const logger = module.get(AppLogger);
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      logger.log('hello from Nest', 'Bootstrap');
      logger.error('it broke', 'Error: it broke\n    at x', 'Jobs');
    } finally {
      jest.restoreAllMocks();
    }
    await module.close();
    expect(fs.lstatSync(path.join(dir, 'app.log')).isSymbolicLink()).toBe(true);
    const lines = fs
      .readFileSync(path.join(dir, 'app.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toMatchObject([
      { level: 'info', message: 'hello from Nest', context: 'Bootstrap' },
      { level: 'error', message: 'it broke', context: 'Jobs', stack: 'Error: it broke\n    at x' },
    ]);
  });
});
