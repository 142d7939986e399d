import * as fs from 'node:fs';
import * as path from 'node:path';
import { mount, unmount } from '../../testing/mount';
import { tempDir, useTempLogFile } from '../../testing/temp-dir';
import { backupPath } from './log-files';
import { RotatingFileWriter } from './rotating-file.writer';
import { WriteOutScheduler } from './write-out.scheduler';

/** The one scheduler the module would pass; each writer here registers its own flushes. */
const scheduler = new WriteOutScheduler();

describe('RotatingFileWriter', () => {
  const tmp = useTempLogFile('logs', 'orch.log');

  const line = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(50) });
  const numbersIn = (f: string) =>
    fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { n: number }).n);

  it('creates the directory and writes lines in order after flush()', async () => {
    const writer = new RotatingFileWriter(tmp.file, 1024 * 1024, 2, { scheduler });
    for (let n = 0; n < 100; n++) writer.append(line(n));
    expect(writer.stats().pending).toBe(100);
    await writer.flush();
    expect(numbersIn(tmp.file)).toEqual(Array.from({ length: 100 }, (_, n) => n));
    expect(writer.stats()).toMatchObject({ written: 100, pending: 0, writeErrors: 0 });
    writer.close();
  });

  it('rotates before the limit, keeps exactly maxFiles backups and loses no line', async () => {
    const writer = new RotatingFileWriter(tmp.file, 4096, 3, { scheduler });
    for (let n = 0; n < 2000; n++) writer.append(line(n));
    await writer.flush();
    writer.close();
    const files = [
      backupPath(tmp.file, 3),
      backupPath(tmp.file, 2),
      backupPath(tmp.file, 1),
      tmp.file,
    ];
    expect(fs.readdirSync(path.dirname(tmp.file)).sort()).toEqual(
      files.map((f) => path.basename(f)).sort(),
    );
    const all = files.flatMap(numbersIn);
    expect(all[all.length - 1]).toBe(1999);
    all.forEach((n, i) => expect(n).toBe(all[0] + i));
    for (const f of files) expect(fs.statSync(f).size).toBeLessThanOrEqual(4096);
    expect(fs.statSync(backupPath(tmp.file, 1)).size).toBeGreaterThan(4096 - line(0).length - 1);
  });

  it('puts an oversized line alone in its own file', async () => {
    const writer = new RotatingFileWriter(tmp.file, 1024, 2, { scheduler });
    writer.append('small-1');
    writer.append('y'.repeat(3000));
    writer.append('small-2');
    await writer.flush();
    writer.close();
    expect(fs.readFileSync(backupPath(tmp.file, 2), 'utf8')).toBe('small-1\n');
    expect(fs.readFileSync(backupPath(tmp.file, 1), 'utf8')).toBe('y'.repeat(3000) + '\n');
    expect(fs.readFileSync(tmp.file, 'utf8')).toBe('small-2\n');
  });

  it('writes a batch at once, rotating exactly between multi-byte lines', () => {
    const writer = new RotatingFileWriter(tmp.file, 200, 50, { scheduler });
    // 2-, 3- and 4-byte characters: the size limit is in bytes, not characters.
    const lines = Array.from(
      { length: 60 },
      (_, n) => `${n}:${'é'.repeat(n % 7)}${'€'.repeat(n % 5)}😀`,
    );
    writer.write(lines.slice(0, 30));
    writer.write(lines.slice(30));
    expect(writer.stats()).toMatchObject({ written: 60, pending: 0 });
    writer.close();
    const count = fs.readdirSync(path.dirname(tmp.file)).length;
    expect(count).toBeGreaterThan(3);
    // Oldest first: file.<count-1> ... file.1, then the current file.
    const backups = Array.from({ length: count - 1 }, (_, i) =>
      backupPath(tmp.file, count - 1 - i),
    );
    const ordered = [...backups, tmp.file];
    const text = ordered.map((f) => fs.readFileSync(f, 'utf8')).join('');
    expect(text).toBe(lines.map((l) => l + '\n').join(''));
    for (const f of ordered) expect(fs.statSync(f).size).toBeLessThanOrEqual(200);
    // Full files: the next line would not have fitted.
    for (let i = 0; i < backups.length; i++) {
      const next = fs.readFileSync(ordered[i + 1], 'utf8').split('\n')[0];
      expect(fs.statSync(ordered[i]).size + Buffer.byteLength(next) + 1).toBeGreaterThan(200);
    }
  });

  it('writes lines larger than its reused buffer byte for byte', () => {
    const writer = new RotatingFileWriter(tmp.file, 64 * 1024 * 1024, 2, { scheduler });
    // Over the 1 MiB buffer (it grows), and over the largest buffer it keeps (encoded alone).
    const big = 'é'.repeat(600_000);
    const huge = `{"x":"${'z'.repeat(3_000_000)}"}`;
    writer.write(['first', big, 'middle', huge, 'last']);
    writer.close();
    expect(fs.readFileSync(tmp.file, 'utf8')).toBe(
      ['first', big, 'middle', huge, 'last', ''].join('\n'),
    );
  });

  (fs.existsSync('/dev/full') ? it : it.skip)(
    'writes each line once after a disk full (ENOSPC, /dev/full) mid-batch, large lines too',
    async () => {
      fs.mkdirSync(path.dirname(tmp.file), { recursive: true });
      fs.symlinkSync('/dev/full', tmp.file);
      const writer = new RotatingFileWriter(tmp.file, 64 * 1024 * 1024, 2, { scheduler });
      const huge = 'h'.repeat(3_000_000);
      writer.write([huge, 'after-huge']);
      writer.write(['small', 'y'.repeat(400_000), 'last']);
      expect(writer.stats()).toMatchObject({ written: 0, pending: 5 });
      expect(writer.stats().lastError).toContain('ENOSPC');
      // The disk recovers: the path now leads to a real file.
      fs.unlinkSync(tmp.file);
      fs.writeFileSync(tmp.file, '');
      await writer.flush();
      writer.close();
      expect(fs.readFileSync(tmp.file, 'utf8')).toBe(
        [huge, 'after-huge', 'small', 'y'.repeat(400_000), 'last', ''].join('\n'),
      );
      expect(writer.stats()).toMatchObject({ written: 5, pending: 0 });
    },
  );

  it('removes backups above maxFiles left by an earlier run', async () => {
    fs.mkdirSync(path.dirname(tmp.file), { recursive: true });
    for (const n of [1, 2, 3, 7]) fs.writeFileSync(backupPath(tmp.file, n), 'old\n');
    const writer = new RotatingFileWriter(tmp.file, 4096, 2, { scheduler });
    writer.close();
    expect(fs.readdirSync(path.dirname(tmp.file)).sort()).toEqual([
      'orch.log',
      'orch.log.1',
      'orch.log.2',
    ]);
  });

  it('ends a torn last line before appending, so the next line starts clean', async () => {
    fs.mkdirSync(path.dirname(tmp.file), { recursive: true });
    fs.writeFileSync(tmp.file, '{"n":1}\n{"n":2,"tor');
    const writer = new RotatingFileWriter(tmp.file, 4096, 2, { scheduler });
    writer.append('{"n":3}');
    await writer.flush();
    writer.close();
    expect(fs.readFileSync(tmp.file, 'utf8')).toBe('{"n":1}\n{"n":2,"tor\n{"n":3}\n');
    expect(writer.stats().tornLines).toBe(1);
  });

  it('leaves no torn line when the disk fills mid-batch, and writes the rest once space is back', () => {
    const disk = tempDir('orch-events-tmpfs-');
    const refusal = mount(['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk.dir]);
    if (refusal !== undefined) {
      console.log(`full-disk writer test skipped: cannot mount a tmpfs here (${refusal})`);
      disk.cleanup();
      return;
    }
    const filler = path.join(disk.dir, 'filler');
    const onDisk = path.join(disk.dir, 'orch.log');
    try {
      fs.writeFileSync(filler, Buffer.alloc(200 * 1024));
      const writer = new RotatingFileWriter(onDisk, 1024 * 1024, 2, { scheduler });
      // About 90 KiB in one batch: more than the disk has left, cut short inside a line.
      writer.write(Array.from({ length: 1000 }, (_, n) => line(n)));
      const failed = writer.stats();
      expect(failed.lastError).toMatch(/ENOSPC/);
      const text = fs.readFileSync(onDisk, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      // What the writer counts as written is exactly what is on disk, whole.
      expect(numbersIn(onDisk)).toEqual(Array.from({ length: failed.written }, (_, n) => n));
      expect(failed.written).toBeGreaterThan(0);
      expect(failed.pending).toBe(1000 - failed.written);

      fs.rmSync(filler);
      writer.flushSync();
      expect(writer.stats()).toMatchObject({ written: 1000, pending: 0, lastError: undefined });
      expect(numbersIn(onDisk)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
      writer.close();
    } finally {
      unmount(disk.dir);
      disk.cleanup();
    }
  });

  it('keeps the file reachable at its path during rotations (tail -F)', async () => {
    const writer = new RotatingFileWriter(tmp.file, 2048, 2, { scheduler });
    let missing = 0;
    const check = setInterval(() => {
      if (!fs.existsSync(tmp.file)) missing++;
    }, 0);
    for (let round = 0; round < 20; round++) {
      for (let n = 0; n < 100; n++) writer.append(line(n));
      await writer.flush();
      if (!fs.existsSync(tmp.file)) missing++;
    }
    clearInterval(check);
    writer.close();
    expect(writer.stats().rotations).toBeGreaterThan(50);
    expect(missing).toBe(0);
  });

  it('refuses a second writer on the same file in one process', () => {
    const writer = new RotatingFileWriter(tmp.file, 4096, 2, { scheduler });
    expect(() => new RotatingFileWriter(tmp.file, 4096, 2, { scheduler })).toThrow(/already open/);
    writer.close();
    new RotatingFileWriter(tmp.file, 4096, 2, { scheduler }).close();
  });

  it('writes synchronously after close(), for events logged during shutdown', () => {
    const writer = new RotatingFileWriter(tmp.file, 4096, 2, { scheduler });
    writer.append(line(1));
    writer.close();
    writer.append(line(2));
    expect(numbersIn(tmp.file)).toEqual([1, 2]);
  });

  it('recreates the file and its directory when they are deleted while running', async () => {
    const writer = new RotatingFileWriter(tmp.file, 1024 * 1024, 2, { scheduler });
    writer.append(line(1));
    await writer.flush();
    fs.rmSync(path.dirname(tmp.file), { recursive: true, force: true });
    writer.append(line(2));
    await writer.flush();
    writer.close();
    expect(numbersIn(tmp.file)).toEqual([2]);
  });

  it('keeps lines queued through a write error and writes them once the disk accepts', async () => {
    const writer = new RotatingFileWriter(tmp.file, 1024 * 1024, 2, { scheduler });
    writer.append(line(1));
    await writer.flush();
    // A read-only directory cannot be faked for root; a file where the directory should be can.
    fs.rmSync(path.dirname(tmp.file), { recursive: true, force: true });
    fs.writeFileSync(path.dirname(tmp.file), 'not a directory');
    writer.append(line(2));
    writer.append(line(3));
    const flushed = writer.flush();
    await new Promise((r) => setTimeout(r, 120));
    expect(writer.stats().writeErrors).toBeGreaterThan(0);
    expect(writer.stats().lastError).toMatch(/EEXIST|ENOTDIR/);
    expect(writer.stats().pending).toBe(2);
    fs.rmSync(path.dirname(tmp.file));
    await flushed;
    writer.close();
    expect(numbersIn(tmp.file)).toEqual([2, 3]);
    expect(writer.stats().lastError).toBeUndefined();
  });

  it('repeats nothing when a rotation cannot open its new file: no backup shifted twice, no line lost, back-off kept', async () => {
    const writer = new RotatingFileWriter(tmp.file, 1024, 50, { scheduler });
    let n = 0;
    for (; n < 40; n++) writer.append(line(n));
    await writer.flush();
    expect(writer.stats().rotations).toBeGreaterThan(0);
    // EISDIR when the rotation opens its new file: a directory where that file goes.
    const inTheWay = `${tmp.file}.${process.pid}.tmp`;
    fs.mkdirSync(inTheWay);
    // 30 batches in 30 event-loop turns, well inside the first retry delay.
    for (let turn = 0; turn < 30; turn++) {
      writer.write([line(n++), line(n++)]);
      await new Promise((r) => setImmediate(r));
    }
    const failing = writer.stats();
    expect(failing.lastError).toMatch(/EISDIR/);
    expect(failing.writeErrors).toBeLessThan(5);
    const inodes = fs
      .readdirSync(path.dirname(tmp.file))
      .filter((f) => /\.log(\.\d+)?$/.test(f))
      .map((f) => fs.statSync(path.join(path.dirname(tmp.file), f)).ino);
    expect(new Set(inodes).size).toBe(inodes.length);

    fs.rmdirSync(inTheWay);
    await writer.flush();
    writer.close();
    const files = [
      ...Array.from({ length: 50 }, (_, i) => backupPath(tmp.file, 50 - i)),
      tmp.file,
    ].filter((f) => fs.existsSync(f));
    expect(files.flatMap(numbersIn)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('bounds memory while writes fail: drops beyond maxPendingBytes, counts them, reports once recovered', async () => {
    const reports: number[] = [];
    const writer = new RotatingFileWriter(tmp.file, 1024 * 1024, 2, {
      scheduler,
      maxPendingBytes: 4096,
      onDropped: (dropped) => reports.push(dropped),
    });
    writer.append(line(0));
    await writer.flush();
    fs.rmSync(path.dirname(tmp.file), { recursive: true, force: true });
    fs.writeFileSync(path.dirname(tmp.file), 'not a directory');
    const bytesPerLine = Buffer.byteLength(line(100)) + 1;
    for (let n = 1; n <= 200; n++) {
      writer.append(line(n));
      if (n % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    const failing = writer.stats();
    expect(failing.pendingBytes).toBeLessThanOrEqual(4096);
    expect(failing.pendingBytes).toBeGreaterThan(4096 - 2 * bytesPerLine);
    expect(failing.dropped).toBeGreaterThan(0);
    expect(failing.pending + failing.dropped).toBe(200);

    fs.rmSync(path.dirname(tmp.file));
    await writer.flush();
    writer.close();
    const kept = numbersIn(tmp.file);
    // The oldest lines are kept in order; the newest were dropped, and reported once.
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => i + 1));
    expect(reports).toEqual([200 - kept.length]);
    expect(writer.stats()).toMatchObject({
      pending: 0,
      pendingBytes: 0,
      dropped: 200 - kept.length,
    });
  });
});
