import { Controller, Get, Headers, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { OrchestratorEventsHealthIndicator } from '@orchestrator/events/terminus';
import { AppToken } from '../auth/app-token';

/**
 * Readiness through Terminus: `GET /api/v1/health/ready` is 200 while the event log takes events
 * and 503 while it cannot be written, too many bytes wait for it, or the Redis bus (REDIS_URL) is
 * disconnected (the library's `OrchestratorEventsHealthIndicator`). `GET /api/v1/health` stays the
 * liveness answer: a full disk is no reason to restart the process. With ORCH_EVENTS_TOKEN set,
 * a request without the token gets the status alone, like `/health`.
 */
@ApiTags('health')
@Controller('health')
export class ReadyController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly events: OrchestratorEventsHealthIndicator,
    private readonly token: AppToken,
  ) {}

  @Get('ready')
  @HealthCheck()
  @ApiBearerAuth()
  @ApiServiceUnavailableResponse({ description: 'The event log cannot take events now' })
  async ready(
    @Headers('authorization') authorization?: string,
  ): Promise<Partial<HealthCheckResult>> {
    const access = this.token.check(authorization);
    if (access === 'invalid') throw AppToken.refusal();
    try {
      const result = await this.health.check([() => this.events.isHealthy('orchestrator_events')]);
      return access === 'absent' ? { status: result.status } : result;
    } catch (err) {
      if (access === 'absent' && err instanceof ServiceUnavailableException) {
        throw new ServiceUnavailableException({ status: 'error' });
      }
      throw err;
    }
  }
}
