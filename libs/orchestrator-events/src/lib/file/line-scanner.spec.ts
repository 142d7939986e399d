import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanBackward, scanForward } from './line-scanner';
import { SCAN_CHUNK } from './scan-buffers';

/**
 * Lines of varied length over several chunks: some longer than the room a pooled buffer keeps for a
 * carried line, so every path (carry copy, oversize buffer, chunk without a newline) runs.
 */
function makeLines(): string[] {
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < 3.5 * SCAN_CHUNK; i++) {
    const pad = i % 97 === 0 ? 'L'.repeat(200_000 + i) : 'p'.repeat((i * 7919) % 300);
    const line = JSON.stringify({ n: i, kind: i % 5 === 0 ? 'needle' : 'hay', pad });
    lines.push(line);
    bytes += line.length + 1;
  }
  return lines;
}

describe('scanBackward / scanForward over pooled chunks', () => {
  let dir: string;
  let file: string;
  let lines: string[];
  let fd: number;
  let size: number;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-scan-'));
    file = path.join(dir, 'lines.log');
    lines = makeLines();
    fs.writeFileSync(file, lines.join('\n') + '\n');
    fd = fs.openSync(file, 'r');
    size = fs.fstatSync(fd).size;
  });
  afterAll(() => {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const collect = async (backward: boolean, needle?: Buffer): Promise<string[]> => {
    const seen: string[] = [];
    const visit = (buf: Buffer, start: number, end: number): boolean => {
      seen.push(buf.toString('utf8', start, end));
      return true;
    };
    if (backward) await scanBackward(fd, size, visit, needle);
    else await scanForward(fd, 0, size, visit, needle);
    return seen;
  };

  it('spans more than three chunks and has lines longer than the carry room', () => {
    expect(size).toBeGreaterThan(3 * SCAN_CHUNK);
    expect(lines.filter((l) => l.length > 64 * 1024).length).toBeGreaterThan(5);
  });

  it('visits every line once, in order, both ways', async () => {
    expect(await collect(false)).toEqual(lines);
    expect(await collect(true)).toEqual([...lines].reverse());
  });

  it('visits exactly the lines holding the needle', async () => {
    const needle = Buffer.from('"kind":"needle"');
    const expected = lines.filter((l) => l.includes('"kind":"needle"'));
    expect(await collect(false, needle)).toEqual(expected);
    expect(await collect(true, needle)).toEqual([...expected].reverse());
  });

  it('stops when the visitor returns false', async () => {
    const seen: number[] = [];
    await scanBackward(fd, size, (buf, start, end) => {
      seen.push((JSON.parse(buf.toString('utf8', start, end)) as { n: number }).n);
      return seen.length < 3;
    });
    expect(seen).toEqual([lines.length - 1, lines.length - 2, lines.length - 3]);
  });

  it('gives every one of many concurrent scans its own bytes (buffers are shared and reused)', async () => {
    const runs = await Promise.all(Array.from({ length: 24 }, (_, i) => collect(i % 2 === 0)));
    runs.forEach((seen, i) => expect(seen).toEqual(i % 2 === 0 ? [...lines].reverse() : lines));
  });
});
