import { INestApplication } from '@nestjs/common';
import { register } from 'prom-client';
import { AppToken } from '../auth/app-token';

/**
 * `GET /metrics` for Prometheus, at the root (outside the `api/v1` prefix, where scrapers look by
 * default): prom-client's default registry, in which `OrchestratorEventsMetricsModule.forRoot()`
 * registers the `orchestrator_events_*` metrics. Registered on the HTTP adapter rather than as an excluded prefix route, which would turn the SSE fast path off. With
 * `ORCH_EVENTS_TOKEN` set, it needs the token like the health details (Prometheus sends it with
 * `authorization: { credentials: ... }`).
 */
export function serveMetrics(app: INestApplication): void {
  const http = app.getHttpAdapter();
  const token = app.get(AppToken);
  http.get('/metrics', async (req: { headers: Record<string, unknown> }, res: unknown) => {
    const authorization = req.headers['authorization'];
    const access = token.check(typeof authorization === 'string' ? authorization : undefined);
    if (access === 'absent' || access === 'invalid') {
      http.reply(res, AppToken.refusal().getResponse(), 401);
      return;
    }
    http.setHeader(res, 'Content-Type', register.contentType);
    http.setHeader(res, 'Cache-Control', 'no-store');
    http.reply(res, await register.metrics(), 200);
  });
}
