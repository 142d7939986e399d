import {
  CanActivate,
  ExecutionContext,
  INestApplication,
  Injectable,
  Module,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';

/** A guard of the kind users bring (JWT, sessions): here, a header check (`X-Team: ops`). */
@Injectable()
export class TeamGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest().headers['x-team'] === 'ops';
  }
}

/** The core module on `forRoot`, served over real HTTP on a free port under the prefix `api/v1`. */
export async function serveEvents(
  forRoot: Parameters<typeof OrchestratorEventsModule.forRoot>[0],
): Promise<{ app: INestApplication; url: string }> {
  @Module({ imports: [OrchestratorEventsModule.forRoot(forRoot)] })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger: false });
  app.setGlobalPrefix('api/v1');
  await app.listen(0, '127.0.0.1');
  return { app, url: `${await app.getUrl()}/api/v1` };
}
