import * as fs from 'node:fs';
import { logFilesNewestFirst } from './log-files';

/** One retained log file, opened for reading. */
export interface OpenFile {
  fd: number;
  /** Bytes to read: the size when the read began; what is appended later is not part of it. */
  size: number;
  /** Device and inode: what the line index is kept by. */
  key: string;
}

/** The retained files of one read, newest first; `release()` once the read is done. */
export interface OpenedFiles {
  files: OpenFile[];
  release(): void;
}

interface SharedSet {
  files: OpenFile[];
  /** The writer's rotation count when the set was opened: any other count means other files. */
  rotations: number;
  /** Whether `files[0]` is the current file (it may not exist yet), whose size keeps growing. */
  current: boolean;
  readers: number;
}

/**
 * Opens the current file and its backups for history reads, all in one synchronous step.
 *
 * Reads that overlap share one set of descriptors while the writer has not rotated: a burst of 100
 * scans opened and stat'ed 600 files one after another on the event loop, about 20 ms of it here,
 * where now the first opens them and each later one only re-reads the size of the current file.
 * Backups do not change between rotations. The set is closed when its last reader releases it, so
 * no descriptor stays open between queries (a deleted backup's space is freed at once).
 */
export class LogFileSet {
  private shared: SharedSet | undefined;

  /**
   * @param rotations the writer's rotation count; without it nothing is shared.
   */
  constructor(
    private readonly file: string,
    private readonly maxFiles: number,
    private readonly rotations?: () => number,
  ) {}

  /** The files as they are now. Call it right after the writer wrote out its queue. */
  open(): OpenedFiles {
    const rotations = this.rotations?.();
    let set = this.shared;
    let files: OpenFile[];
    if (set !== undefined && set.rotations === rotations) {
      files = set.current ? [this.resized(set.files[0]), ...set.files.slice(1)] : set.files;
    } else {
      set = { ...openFiles(this.file, this.maxFiles), rotations: rotations ?? NaN, readers: 0 };
      // A set that others still read is closed by its last reader; NaN never matches: not shared.
      if (rotations !== undefined) this.shared = set;
      files = set.files;
    }
    set.readers++;
    const owner = set;
    let released = false;
    return {
      files,
      release: () => {
        if (released) return;
        released = true;
        if (--owner.readers > 0) return;
        if (this.shared === owner) this.shared = undefined;
        for (const { fd } of owner.files) fs.close(fd, () => undefined);
      },
    };
  }

  private resized(file: OpenFile): OpenFile {
    return { ...file, size: fs.fstatSync(file.fd).size };
  }
}

function openFiles(file: string, maxFiles: number): Pick<SharedSet, 'files' | 'current'> {
  const files: OpenFile[] = [];
  let current = false;
  logFilesNewestFirst(file, maxFiles).forEach((path, n) => {
    try {
      const fd = fs.openSync(path, 'r');
      const stat = fs.fstatSync(fd);
      files.push({ fd, size: stat.size, key: `${stat.dev}:${stat.ino}` });
      if (n === 0) current = true;
    } catch {
      // A backup that does not exist (yet): nothing to read there.
    }
  });
  return { files, current };
}
