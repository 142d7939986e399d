import { Controller, Get, Headers } from '@nestjs/common';
import { readdirSync } from 'node:fs';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { OrchestratorEventsStatus } from '@orchestrator/events';
import { AppToken } from '../auth/app-token';
import { JobsService } from '../jobs/jobs.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly status: OrchestratorEventsStatus,
    private readonly jobs: JobsService,
    private readonly token: AppToken,
  ) {}

  /**
   * Liveness plus the numbers an operator watches: open streams, the event file's state, memory.
   * With ORCH_EVENTS_TOKEN set, only `{ "status": "ok" }` without the token (a probe needs no
   * secret), the numbers with `Authorization: Bearer <token>`, and a 401 for a wrong token.
   */
  @Get()
  @ApiBearerAuth()
  @ApiOkResponse({
    description:
      '{"status":"ok","sse_clients":N,...}; only {"status":"ok"} when ORCH_EVENTS_TOKEN is set and not sent',
  })
  @ApiUnauthorizedResponse({ description: 'An Authorization header with a wrong token' })
  health(@Headers('authorization') authorization?: string) {
    const access = this.token.check(authorization);
    if (access === 'invalid') throw AppToken.refusal();
    if (access === 'absent') return { status: 'ok' };
    const { orchId, events: stats, streams, bus, history } = this.status.snapshot();
    return {
      status: 'ok',
      orch_id: orchId,
      sse_clients: streams.clients,
      // { enabled, active, served }: streams served ahead of Express (ORCH_SSE_FAST_PATH).
      sse_fast_path: streams.fastPath,
      jobs_running: this.jobs.active,
      events: {
        logged: stats.logged,
        written: stats.written,
        pending: stats.pending,
        rotations: stats.rotations,
        write_errors: stats.writeErrors,
        last_write_error: stats.lastError ?? null,
        torn_lines: stats.tornLines,
        // Held in memory while the file cannot be written; dropped beyond ORCH_LOG_MAX_PENDING.
        pending_bytes: stats.pendingBytes,
        dropped: stats.dropped,
      },
      // { kind: 'memory' } or { kind: 'redis', connected, stream, buffered, dropped, lastError }.
      bus,
      // [{ name: 'postgres', status, url (no password), lag_bytes, lag_ms, ... }] with ORCH_HISTORY_URL.
      history,
      memory: { rss: process.memoryUsage.rss(), heap_used: process.memoryUsage().heapUsed },
      open_fds: openFds(),
    };
  }
}

/** Open file descriptors (Linux), to spot leaks; null where /proc is not there. */
function openFds(): number | null {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}
