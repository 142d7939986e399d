import { EventEmitter } from 'node:events';
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
});
