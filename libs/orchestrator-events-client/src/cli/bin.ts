#!/usr/bin/env node
import { main } from './main';

// The `orch-events` bin of @orchestrator/events-client: compiled JavaScript, no TypeScript at run time.
main().catch((error: unknown) => {
  process.stderr.write(`orch-events: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
