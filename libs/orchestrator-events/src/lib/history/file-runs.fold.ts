import * as fs from 'node:fs';
import { promisify } from 'node:util';
import {
  foldRun,
  OrchestratorEvent,
  parseEventLine,
  RunRecord,
  RunsPage,
  RunsQuery,
} from '@orchestrator/events-contract';
import { LogFileSet, OpenFile } from '../file/log-file-set';
import { scanForward } from '../file/line-scanner';
import { runsPage } from './runs-query';

const read = promisify(fs.read);
const NEWLINE = 10;
/** Bytes read at a time when looking back for the last complete line of the current file. */
const TAIL_CHUNK = 64 * 1024;

interface Folded {
  /** The writer's rotation count when the files were folded: another count means other files. */
  rotations: number;
  /** The files folded, oldest first (device and inode). */
  keys: string[];
  /** Bytes of the newest file folded so far (always at a line end). */
  offset: number;
  byId: Map<string, RunRecord>;
  /** The greatest id folded: an id not above it is a duplicate left by a crash mid-rotation. */
  lastId: string;
}

/**
 * The run records of the retained files, folded once and then kept up to date: a runs query reads
 * only what was appended to the current file since the previous one, and folds everything again
 * after a rotation (a backup left the retention, and its events with it). Keeps every run of the
 * retention in memory once asked (a few hundred bytes per run). Queries run one at a time.
 */
export class FileRunsFold {
  private folded: Folded | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * @param beforeRead the writer writes out its queue there, so a query sees what was logged
   *   before it.
   * @param rotations the writer's rotation count.
   */
  constructor(
    private readonly files: LogFileSet,
    private readonly beforeRead: () => void,
    private readonly rotations: () => number,
  ) {}

  /** One page of runs (copies: the kept records change with later events). */
  runs(query: RunsQuery): Promise<RunsPage> {
    const answer = this.queue.then(async () => {
      const byId = await this.update();
      const page = runsPage(query, byId);
      return { ...page, runs: page.runs.map((run) => ({ ...run })) };
    });
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  private async update(): Promise<Map<string, RunRecord>> {
    this.beforeRead();
    const rotations = this.rotations();
    const { files, release } = this.files.open();
    try {
      const keys = files.map((file) => file.key).reverse();
      const newest = files[0] as OpenFile | undefined;
      let folded = this.folded;
      if (
        folded === undefined ||
        folded.rotations !== rotations ||
        !sameKeys(folded.keys, keys) ||
        (newest?.size ?? 0) < folded.offset
      ) {
        this.folded = undefined;
        folded = { rotations, keys, offset: 0, byId: new Map(), lastId: '' };
        for (let i = files.length - 1; i >= 1; i--) {
          await this.fold(folded, files[i], 0, files[i].size);
        }
      }
      if (newest !== undefined) {
        const end = await lastLineEnd(newest.fd, folded.offset, newest.size);
        await this.fold(folded, newest, folded.offset, end);
        folded.offset = end;
      }
      this.folded = folded;
      return folded.byId;
    } finally {
      release();
    }
  }

  private async fold(folded: Folded, file: OpenFile, from: number, to: number): Promise<void> {
    await scanForward(file.fd, from, to, (buf, start, end) => {
      const event = parseEventLine(buf.toString('utf8', start, end));
      if (event === undefined || event.event_id <= folded.lastId) return true;
      folded.lastId = event.event_id;
      add(folded.byId, event);
      return true;
    });
  }
}

function add(byId: Map<string, RunRecord>, event: OrchestratorEvent): void {
  const runId = event.run_id;
  if (typeof runId !== 'string' || runId === '') return;
  const known = byId.get(runId);
  const run = foldRun(known, event);
  if (known === undefined && run !== undefined) byId.set(runId, run);
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

/**
 * The offset just past the last newline in `[from, size)`, or `from` when there is none: a line
 * still being written (or torn by a crash) is folded once it is complete.
 */
async function lastLineEnd(fd: number, from: number, size: number): Promise<number> {
  let end = size;
  const buf = Buffer.allocUnsafe(TAIL_CHUNK);
  while (end > from) {
    const start = Math.max(from, end - TAIL_CHUNK);
    const { bytesRead } = await read(fd, buf, 0, end - start, start);
    const nl = buf.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (nl !== -1) return start + nl + 1;
    end = start;
  }
  return from;
}
