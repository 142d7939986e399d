import { ModuleMetadata } from '@nestjs/common';
import { TestingModule } from '@nestjs/testing';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import * as path from 'node:path';
import { OrchestratorEventsModuleOptions } from '../lib/options/orchestrator-events.options';
import { EventLogger } from '../lib/write/event-logger.service';
import { createLogger } from './logger-module';
import { tempDir } from './temp-dir';

/** What a spec's OpenTelemetry SDK sets globally (a tracer or a logger provider), and its undoing. */
export interface OtelGlobals {
  install(): void;
  shutdown(): Promise<unknown>;
  uninstall(): void;
}

/** The running app of `useOtelApp`; read inside a test, after `start`. */
export interface OtelApp {
  /** Runs the core (fresh temp log file, no controller) beside `imports`; then calls `onStart`. */
  start(
    options: OrchestratorEventsModuleOptions,
    imports?: ModuleMetadata['imports'],
  ): Promise<void>;
  /** Closes the app and removes its temp dir; `afterEach` calls it too. */
  stop(): Promise<void>;
  readonly events: EventLogger;
  /** The app's log file. */
  readonly file: string;
}

/**
 * For the calling `describe`: a real async context manager and `globals` for all its tests (set in
 * `beforeAll`, undone in `afterAll`), and an app each test starts (`onStart` resets an exporter).
 */
export function useOtelApp(globals: OtelGlobals, onStart: () => void): OtelApp {
  let app:
    { module: TestingModule; events: EventLogger; file: string; cleanup: () => void } | undefined;
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    globals.install();
  });
  afterAll(async () => {
    await globals.shutdown();
    globals.uninstall();
    context.disable();
  });
  const stop = async (): Promise<void> => {
    const running = app;
    app = undefined;
    await running?.module.close();
    running?.cleanup();
  };
  afterEach(stop);
  const now = () => {
    if (app === undefined) throw new Error('useOtelApp: start() the app first');
    return app;
  };
  return {
    async start(options, imports = []) {
      await stop();
      const { dir, cleanup } = tempDir('orch-otel-');
      const file = path.join(dir, 'orch.log');
      try {
        const { module, logger } = await createLogger(
          { logFile: file, controller: false, ...options },
          imports,
        );
        app = { module, events: logger, file, cleanup };
      } catch (error) {
        cleanup();
        throw error;
      }
      onStart();
    },
    stop,
    get events() {
      return now().events;
    },
    get file() {
      return now().file;
    },
  };
}
