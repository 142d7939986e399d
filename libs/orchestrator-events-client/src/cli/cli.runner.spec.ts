import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from './cli.runner';

/** An in-memory stdout/stderr. */
class Capture extends EventEmitter {
  text = '';
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function cli(argv: string[], env: Record<string, string> = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await run(argv, { stdout, stderr, env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('run', () => {
  it('prints the usage on --help and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: orch-events <command>/);
    expect(result.stderr).toBe('');
  });

  it('prints the package version on --version, -V and version', async () => {
    const pkg = require('../../package.json') as { version: string };
    for (const flag of ['--version', '-V', 'version']) {
      const result = await cli([flag]);
      expect(result).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reports bad usage in one line and exits 2', async () => {
    const result = await cli(['tail', '--level', 'loud']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'orch-events: invalid --level "loud": expected DEBUG, INFO, WARNING (WARN) or ERROR (see orch-events --help)\n',
    );
  });

  it('reports a missing file in one line and exits 1', async () => {
    const result = await cli(['tail', '--file', '/nonexistent/orch.log']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('orch-events: no such file: /nonexistent/orch.log\n');
  });

  it('searches a log file with --q and --extra, by the same rule as the server', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-cli-'));
    try {
      const file = path.join(dir, 'orch.log');
      const line = (id: string, fields: Record<string, unknown>) =>
        JSON.stringify({
          timestamp: '2026-11-24T10:00:00.000000Z',
          level: 'INFO',
          logger: 'orchestrator_events',
          event: 'e',
          event_id: id,
          orch_id: 'o',
          ...fields,
        });
      fs.writeFileSync(
        file,
        [
          line('1', { error: { message: 'Quota exceeded' }, region: 'eu' }),
          line('2', { message: 'quota ok', region: 'us' }),
          line('3', { message: 'other', region: 'eu', attempt: 2 }),
        ].join('\n') + '\n',
      );
      const ids = async (...args: string[]) =>
        (await cli(['tail', '--file', file, '--json', ...args])).stdout
          .trim()
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => (JSON.parse(l) as { event_id: string }).event_id);
      expect(await ids('--q', 'QUOTA')).toEqual(['1', '2']);
      expect(await ids('--q', 'quota', '--extra', 'region=eu')).toEqual(['1']);
      expect(await ids('--extra', 'attempt=2')).toEqual(['3']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
