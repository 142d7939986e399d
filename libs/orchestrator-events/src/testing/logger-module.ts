import { ModuleMetadata } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { EventLogger } from '../lib/write/event-logger.service';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';
import { OrchestratorEventsModuleOptions } from '../lib/options/orchestrator-events.options';
import { OrchestratorEventsModuleExtras } from '../lib/orchestrator-events.module-definition';

/**
 * A real Nest module with the library, on the given options and an empty environment, beside
 * `imports` (an opt-in module, say).
 */
export async function createLogger(
  options: OrchestratorEventsModuleOptions & OrchestratorEventsModuleExtras,
  imports: ModuleMetadata['imports'] = [],
): Promise<{ module: TestingModule; logger: EventLogger }> {
  const module = await Test.createTestingModule({
    imports: [OrchestratorEventsModule.forRoot({ env: {}, ...options }), ...imports],
  }).compile();
  await module.init();
  return { module, logger: module.get(EventLogger) };
}
