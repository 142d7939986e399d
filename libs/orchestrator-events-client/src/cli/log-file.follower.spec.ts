import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readLogLines } from './log-file.follower';

/** Rotates like the library's writer: shift backups, hard-link current to .1, rename a fresh file over it. */
function rotate(file: string): void {
  for (let k = 9; k >= 1; k--) {
    if (fs.existsSync(`${file}.${k}`)) fs.renameSync(`${file}.${k}`, `${file}.${k + 1}`);
  }
  fs.linkSync(file, `${file}.1`);
  fs.writeFileSync(`${file}.tmp`, '');
  fs.renameSync(`${file}.tmp`, file);
}

describe('readLogLines', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-follow-'));
    file = path.join(dir, 'orch.log');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads every line once without --follow, an unfinished last line included', async () => {
    fs.writeFileSync(file, 'a\nb\nc');
    const lines: string[] = [];
    for await (const line of readLogLines(file)) lines.push(line);
    expect(lines).toEqual(['a', 'b', 'c']);
  });

  it('refuses a missing file without --follow', async () => {
    await expect(readLogLines(path.join(dir, 'none.log')).next()).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('follows two rotations done between two reads, in order, each line once', async () => {
    fs.writeFileSync(file, 'a1\na2\n');
    const stop = new AbortController();
    const lines: string[] = [];
    const notices: string[] = [];
    const reader = readLogLines(file, {
      follow: true,
      signal: stop.signal,
      pollMs: 10,
      onNotice: (m) => notices.push(m),
    });
    for await (const line of reader) {
      lines.push(line);
      if (line === 'a2') {
        // Both rotations happen while the reader is paused here: it must find b* in orch.log.2's
        // neighbour .1, after finishing the old file (now .2).
        fs.appendFileSync(file, 'a3\n');
        rotate(file);
        fs.appendFileSync(file, 'b1\n');
        rotate(file);
        fs.appendFileSync(file, 'c1\nc2\n');
      }
      if (line === 'c2') {
        fs.appendFileSync(file, 'c3\n');
      }
      if (line === 'c3' || lines.length > 20) stop.abort();
    }
    expect(lines).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'c2', 'c3']);
    expect(notices).toContain(`${file} was rotated; following the new file`);
  });
});
