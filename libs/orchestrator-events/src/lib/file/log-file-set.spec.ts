import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../testing/temp-dir';
import { LogFileSet, OpenedFiles } from './log-file-set';
import { RotatingFileWriter } from './rotating-file.writer';
import { WriteOutScheduler } from './write-out.scheduler';

/** The one scheduler the module would pass; each writer here registers its own flushes. */
const scheduler = new WriteOutScheduler();

describe('LogFileSet', () => {
  let cleanup: () => void;
  let file: string;
  let writer: RotatingFileWriter;
  let set: LogFileSet;
  beforeEach(() => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    file = path.join(temp.dir, 'orch.log');
    writer = new RotatingFileWriter(file, 4096, 3, { scheduler });
    set = new LogFileSet(file, 3, () => writer.stats().rotations);
  });
  afterEach(() => {
    writer.close();
    cleanup();
  });

  /** Appends `n` lines of 100 bytes each and writes them out. */
  const log = (n: number) => {
    for (let i = 0; i < n; i++) writer.append('x'.repeat(99));
    writer.flushSync();
  };
  const fds = (opened: OpenedFiles) => opened.files.map((f) => f.fd);
  const isOpen = (fd: number) => {
    try {
      fs.fstatSync(fd);
      return true;
    } catch {
      return false;
    }
  };
  /** fs.close is asynchronous: waits (at most 2 s) until none of `list` is open. */
  const closed = async (list: number[]) => {
    for (let i = 0; i < 200 && list.some(isOpen); i++) await new Promise((r) => setTimeout(r, 10));
    return !list.some(isOpen);
  };

  it('lets overlapping reads share descriptors, each with the current size of the current file', () => {
    log(100); // two rotations: the current file and two backups
    const first = set.open();
    log(5);
    const second = set.open();
    expect(first.files).toHaveLength(3);
    expect(fds(second)).toEqual(fds(first));
    expect(second.files[0].size).toBe(first.files[0].size + 500);
    expect(second.files[0].size).toBe(fs.statSync(file).size);
    expect(second.files.slice(1)).toEqual(first.files.slice(1));
    first.release();
    second.release();
  });

  it('gives a read after a rotation the new files, while an earlier read keeps its own', () => {
    log(10);
    const before = set.open();
    log(50); // rotates
    const after = set.open();
    expect(fds(after).some((fd) => fds(before).includes(fd))).toBe(false);
    // What was current for the first read is the newest backup for the second.
    expect(after.files[1].key).toBe(before.files[0].key);
    expect(isOpen(before.files[0].fd)).toBe(true);
    const head = Buffer.alloc(99);
    fs.readSync(before.files[0].fd, head, 0, 99, 0);
    expect(head.toString()).toBe('x'.repeat(99));
    before.release();
    after.release();
  });

  it('closes the descriptors when the last reader releases them, and only then', async () => {
    log(50);
    const first = set.open();
    const second = set.open();
    const list = fds(first);
    first.release();
    first.release(); // a second release of the same read changes nothing
    expect(list.every(isOpen)).toBe(true);
    second.release();
    expect(await closed(list)).toBe(true);
    // The next read opens afresh.
    const third = set.open();
    expect(third.files.map((f) => f.key)).toEqual(first.files.map((f) => f.key));
    third.release();
  });

  it('shares nothing without a rotation count', async () => {
    log(50);
    const alone = new LogFileSet(file, 3);
    const first = alone.open();
    const second = alone.open();
    expect(fds(second).some((fd) => fds(first).includes(fd))).toBe(false);
    const list = fds(first);
    first.release();
    expect(await closed(list)).toBe(true);
    expect(fds(second).every(isOpen)).toBe(true);
    second.release();
  });

  it('skips backups that do not exist yet', () => {
    log(1);
    const opened = set.open();
    expect(opened.files).toHaveLength(1);
    expect(opened.files[0].size).toBe(100);
    opened.release();
  });
});
