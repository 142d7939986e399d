import * as fs from 'node:fs';
import * as path from 'node:path';

/** The path of rotated backup `n` (1 = newest), the numbering of Python's RotatingFileHandler: `orch.log.1`. */
export function backupPath(file: string, n: number): string {
  return `${file}.${n}`;
}

/** The current file then its backups, newest first: the order history is read in. */
export function logFilesNewestFirst(file: string, maxFiles: number): string[] {
  const files = [file];
  for (let n = 1; n <= maxFiles; n++) files.push(backupPath(file, n));
  return files;
}

/** Backups numbered above `maxFiles`, left by an earlier run with a larger setting or a crash. */
export function staleBackups(file: string, maxFiles: number): string[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .filter((name) => Number(name.slice(prefix.length)) > maxFiles)
    .map((name) => path.join(dir, name));
}

const TAIL_CHUNK = 64 * 1024;

/**
 * The newest complete line of the newest non-empty file that has one, read from the end.
 * A torn last line (no trailing newline, or not JSON) is passed over.
 */
export function newestLine(
  files: readonly string[],
  accept: (line: string) => boolean,
): string | undefined {
  for (const file of files) {
    const line = lastAcceptedLine(file, accept);
    if (line !== undefined) return line;
  }
  return undefined;
}

function lastAcceptedLine(file: string, accept: (line: string) => boolean): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    let end = fs.fstatSync(fd).size;
    let carry = Buffer.alloc(0);
    while (end > 0) {
      const start = Math.max(0, end - TAIL_CHUNK);
      const chunk = Buffer.alloc(end - start);
      fs.readSync(fd, chunk, 0, chunk.length, start);
      const data = Buffer.concat([chunk, carry]);
      let lineEnd = data.length;
      let nl = data.lastIndexOf(10, lineEnd - 1);
      while (nl !== -1) {
        const line = data.toString('utf8', nl + 1, lineEnd);
        if (line.length > 0 && accept(line)) return line;
        lineEnd = nl;
        nl = data.lastIndexOf(10, lineEnd - 1);
      }
      if (start === 0) {
        const first = data.toString('utf8', 0, lineEnd);
        return first.length > 0 && accept(first) ? first : undefined;
      }
      carry = data.subarray(0, lineEnd);
      end = start;
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}
