import { Inject, Injectable } from '@nestjs/common';
import { HISTORY_SOURCES, HistorySource } from './history-source';

/**
 * The history sources `EventHistory` asks: the core's own (the files first, always) and those added
 * at run time by an opt-in module or by your own code, read at each query:
 *
 * ```ts
 * constructor(private readonly sources: HistorySources) {}
 * onModuleInit() { this.remove = this.sources.add(myArchive); }
 * onModuleDestroy() { this.remove(); }
 * ```
 *
 * Provided and exported by `OrchestratorEventsModule`. A source whose `coverage` is `complete`
 * (every instance's events) makes the `window` sources (a live stream's recent events) unneeded:
 * while one is added, they are not asked.
 */
@Injectable()
export class HistorySources {
  private added: readonly HistorySource[] = [];

  constructor(@Inject(HISTORY_SOURCES) private readonly core: readonly HistorySource[]) {}

  /** Adds `source` after the others; returns the function that removes it. */
  add(source: HistorySource): () => void {
    this.added = [...this.added, source];
    return () => {
      this.added = this.added.filter((s) => s !== source);
    };
  }

  /** Every source, the files first: for health and status. */
  all(): readonly HistorySource[] {
    return [...this.core, ...this.added];
  }

  /** The sources a query asks now, the files first. */
  active(): readonly HistorySource[] {
    const all = this.all();
    const complete = all.some((source) => source.coverage === 'complete');
    return complete ? all.filter((source) => source.coverage !== 'window') : all;
  }
}
