import * as path from 'node:path';
import type { EventQuery, EventsPage, OrchestratorEvent } from '@orchestrator/events-contract';
import { ModuleRef } from '@nestjs/core';
import { Test, TestingModule } from '@nestjs/testing';
import { createLogger } from '../../testing/logger-module';
import { tempDir } from '../../testing/temp-dir';
import { EventLogger } from '../write/event-logger.service';
import { OrchestratorEventsHealthIndicator } from '../../terminus/orchestrator-events.health';
import { OrchestratorEventsMetricsModule } from '../../metrics/orchestrator-events-metrics.module';
import { OrchestratorEventsModule } from '../orchestrator-events.module';
import { OrchestratorEventsStatus } from '../orchestrator-events.status';
import { EventHistory } from './event-history.service';
import { acceptor, clampLimit } from '../event/history-query';
import { HistorySource } from './history-source';
import { HistorySources } from './history-sources.registry';

/** A source of your own: events of another instance, kept in memory, answering like the files. */
function memorySource(
  name: string,
  events: OrchestratorEvent[],
  extra: Partial<HistorySource> = {},
): HistorySource & { asked: number } {
  const source = {
    name,
    asked: 0,
    query: async (query: EventQuery): Promise<EventsPage> => {
      source.asked++;
      const all = events.filter(acceptor(query));
      const limit = clampLimit(query.limit);
      const page = query.after === undefined ? all.slice(-limit) : all.slice(0, limit);
      return { events: page, has_more: all.length > limit };
    },
    ...extra,
  };
  return source;
}

function otherInstanceEvent(n: number): OrchestratorEvent {
  return {
    timestamp: '2020-01-01T00:00:00.000000Z',
    level: 'INFO',
    logger: 'orchestrator_events',
    event: 'elsewhere',
    event_id: `1577836800000-00000${n}-o-other`,
    orch_id: 'o-other',
    task_id: 'task-x',
  };
}

describe('HistorySources: a history source of your own plugs in through the registry', () => {
  let dir: ReturnType<typeof tempDir>;
  let module: TestingModule;
  let logger: EventLogger;
  let history: EventHistory;
  let sources: HistorySources;

  beforeEach(async () => {
    dir = tempDir();
    ({ module, logger } = await createLogger({
      orchId: 'o-here',
      logFile: path.join(dir.dir, 'e.log'),
    }));
    history = module.get(EventHistory);
    sources = module.get(HistorySources);
  });
  afterEach(async () => {
    await module.close();
    dir.cleanup();
  });

  it('answers queries merged with the files, by event_id, until removed', async () => {
    logger.log({ event: 'here', task_id: 'task-x' });
    const mine = memorySource('archive', [otherInstanceEvent(1), otherInstanceEvent(2)]);
    const remove = sources.add(mine);
    const page = await history.query({ task_id: 'task-x' });
    expect(page.events.map((e) => e.event)).toEqual(['elsewhere', 'elsewhere', 'here']);
    expect(page.partial).toBeUndefined();
    remove();
    const after = await history.query({ task_id: 'task-x' });
    expect(after.events.map((e) => e.event)).toEqual(['here']);
  });

  it('a complete source makes a window source unneeded; the files are always asked', async () => {
    const window = memorySource('stream', [otherInstanceEvent(1)], { coverage: 'window' });
    sources.add(window);
    await history.query({});
    expect(window.asked).toBe(1);
    const store = memorySource('store', [otherInstanceEvent(1), otherInstanceEvent(2)], {
      coverage: 'complete',
      oldestEventId: async () => otherInstanceEvent(1).event_id,
    });
    sources.add(store);
    logger.log({ event: 'here' });
    const page = await history.query({});
    expect(window.asked).toBe(1);
    expect(store.asked).toBe(1);
    expect(page.events.map((e) => e.event)).toEqual(['elsewhere', 'elsewhere', 'here']);
    // Resuming older than the files: the store's oldest id counts.
    expect(await history.oldestEventId()).toBe(otherInstanceEvent(1).event_id);
  });

  it('a source that cannot answer leaves the files alone, and the page says partial', async () => {
    logger.log({ event: 'here' });
    sources.add({
      name: 'broken',
      query: () => Promise.reject(new Error('down')),
      state: () => ({ name: 'broken', status: 'down', lag_ms: 1234 }),
    });
    const page = await history.query({});
    expect(page.events.map((e) => e.event)).toEqual(['here']);
    expect(page.partial).toBe(true);
    // Its state reaches the status snapshot and the health indicator, named by the source.
    expect(module.get(OrchestratorEventsStatus).snapshot().history).toEqual([
      { name: 'broken', status: 'down', lag_ms: 1234 },
    ]);
    // The indicator is the app's provider (from @orchestrator/events/terminus), on the core's own.
    const indicator = await module.get(ModuleRef).create(OrchestratorEventsHealthIndicator);
    const health = indicator.isHealthy('ev');
    expect(health['ev'].status).toBe('down');
    expect(health['ev'].message).toContain('broken');
    expect(indicator.isHealthy('ev', { requireHistory: false })['ev'].status).toBe('up');
  });

  it("a source's state reaches the metrics, by source", async () => {
    const { Registry } = await import('prom-client');
    const registry = new Registry();
    const withMetrics = await Test.createTestingModule({
      imports: [
        OrchestratorEventsModule.forRoot({
          env: {},
          orchId: 'o-metrics',
          logFile: path.join(dir.dir, 'm.log'),
          controller: false,
        }),
        OrchestratorEventsMetricsModule.forRoot({ registry }),
      ],
    }).compile();
    await withMetrics.init();
    try {
      withMetrics.get(HistorySources).add({
        name: 'store',
        query: async () => ({ events: [], has_more: false }),
        state: () => ({ name: 'store', status: 'down', lag_bytes: 4096 }),
      });
      const text = await registry.metrics();
      expect(text).toContain('orchestrator_events_history_up{source="store"} 0');
      expect(text).toContain('orchestrator_events_history_lag_bytes{source="store"} 4096');
    } finally {
      await withMetrics.close();
    }
  });
});
