import { applyDecorators, CanActivate, Controller, Type, UseGuards } from '@nestjs/common';
import { EventsAccessGuard } from './events-access.guard';
import { ApiBearerAuth, ApiTags, ApiUnauthorizedResponse } from './openapi.decorators';

/**
 * What every history endpoint's controller class carries (events, stream, runs, counts): its
 * route, the OpenAPI tag and auth, and the same guards: the token check (`EventsAccessGuard`),
 * then the module's `guards`. One decorator, so a new endpoint cannot be guarded differently.
 */
export function EventsEndpoint(
  path: string,
  guards: (Type<CanActivate> | CanActivate)[],
): ClassDecorator {
  return applyDecorators(
    ApiTags('orchestrator events'),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'ORCH_EVENTS_TOKEN is set and the request lacks it' }),
    UseGuards(EventsAccessGuard, ...guards),
    Controller(path),
  );
}
