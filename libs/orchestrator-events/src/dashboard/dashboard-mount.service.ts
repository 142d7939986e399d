import {
  CanActivate,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
  Type,
} from '@nestjs/common';
import { AbstractHttpAdapter, ApplicationConfig, HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import { HistorySources } from '../lib/history/history-sources.registry';
import { runsPathOf } from '../lib/http/history.controllers';
import type { EventsRoute } from '../lib/http/sse-fast-path.service';
import { ORCH_EVENTS_ROUTE } from '../lib/shared/orchestrator-events.constants';
import { DashboardAssets, DashboardFile } from './dashboard-assets';
import { DashboardGuardContext } from './dashboard-guard.context';
import { DASHBOARD_MESSAGES as M } from './dashboard.messages';
import { DASHBOARD_OPTIONS, ResolvedDashboardOptions } from './dashboard.options';

/** Hashed file names change with their content: cache them for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page itself names the current hashes: always revalidate it (an ETag makes that cheap). */
const REVALIDATE = 'no-cache';
/** The page loads its own script and style, and talks to its own origin only. */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

type Request = {
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
};

/**
 * Serves the dashboard at `/<path>/` from the app's own HTTP server: index.html (with the API's
 * location in it), its hashed script and style, and a redirect from `/<path>` to `/<path>/`.
 *
 * The routes are registered on the HTTP adapter (Express or Fastify), not as a Nest controller,
 * because a controller always sits under the global prefix, and the dashboard is mounted from the
 * root, like `SwaggerModule.setup()`. The core module's `guards` still decide, with an HTTP
 * `ExecutionContext`; the token does not (the page holds no data: the API it calls checks the
 * token, and the page asks for it on a 401). Global guards, interceptors and filters are Nest's
 * router's and do not run here, as for Swagger's page.
 */
@Injectable()
export class DashboardMount implements OnModuleInit {
  private readonly log = new Logger('OrchestratorEventsDashboard');
  private guards: CanActivate[] = [];
  /** The page without and with `history` in its config, made on first request of each. */
  private readonly pages = new Map<boolean, DashboardFile>();
  /** `/<path>`: where it is mounted, for the log. */
  mountedAt?: string;

  constructor(
    @Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions,
    @Inject(ORCH_EVENTS_ROUTE) private readonly eventsRoute: EventsRoute,
    private readonly assets: DashboardAssets,
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
    private readonly moduleRef: ModuleRef,
    private readonly historySources: HistorySources,
  ) {}

  /**
   * After Nest registered its own routes (they win on a clash) and before its 404 handler (or the
   * page would never be reached).
   */
  async onModuleInit(): Promise<void> {
    const adapter = this.adapterHost?.httpAdapter;
    // An application context (no HTTP server): nothing to serve.
    if (adapter === undefined || adapter === null) return;
    this.guards = await Promise.all(this.eventsRoute.guards.map((guard) => this.instance(guard)));
    const base = `/${this.options.path}`;
    const handler = (req: Request, res: unknown) => void this.handle(adapter, req, res);
    adapter.get(base, handler);
    adapter.get(`${base}/`, handler);
    adapter.get(`${base}/index.html`, handler);
    // Express matches this one already (it ignores a trailing slash); Fastify needs it named.
    adapter.get(`${base}/index.html/`, handler);
    adapter.get(`${base}/assets/:file`, handler);
    this.mountedAt = `${base}/`;
    this.log.log(M.mounted(this.mountedAt));
  }

  /**
   * index.html with its config. `history` (the runs and counts endpoints, for the windows of days)
   * is there only while a `complete` history source (a history store) is registered: asked at each
   * request, not at init, because an opt-in store registers in its own `onModuleInit`, which may run
   * after this one.
   */
  private page(): DashboardFile {
    const history = this.historySources.all().some((source) => source.coverage === 'complete');
    let page = this.pages.get(history);
    if (page === undefined) {
      const eventsPath = this.apiPathFromPage(this.eventsRoute.path || '');
      page = this.assets.index({
        eventsPath,
        ...(this.options.traceUrl ? { traceUrl: this.options.traceUrl } : {}),
        ...(history
          ? {
              history: {
                runsPath: this.apiPathFromPage(runsPathOf(this.eventsRoute.path || '')),
                countsPath: `${eventsPath}/counts`,
              },
            }
          : {}),
      });
      this.pages.set(history, page);
    }
    return page;
  }

  /**
   * An API path relative to the page's URL (`../api/v1/orchestrator/events` from `/dashboard/`):
   * right behind a proxy that serves the app under a path of its own too.
   */
  private apiPathFromPage(route: string): string {
    const api = [this.appConfig.getGlobalPrefix(), route]
      .map((part) => part.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/');
    return `${'../'.repeat(this.options.path.split('/').length)}${api}`;
  }

  private async handle(adapter: AbstractHttpAdapter, req: Request, res: unknown): Promise<void> {
    try {
      const refusal = await this.refusal(req, res);
      if (refusal !== undefined) {
        adapter.reply(res, refusal.getResponse(), refusal.getStatus());
        return;
      }
      const file = req.params?.['file'];
      if (file !== undefined) {
        const asset = this.assets.asset(file);
        if (asset === undefined) {
          adapter.reply(res, { statusCode: 404, message: 'Not Found', error: 'Not Found' }, 404);
          return;
        }
        this.send(adapter, req, res, asset, IMMUTABLE);
        return;
      }
      const url = String(adapter.getRequestUrl(req) ?? '');
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      const query = q === -1 ? '' : url.slice(q);
      // What follows the mount path (Express matched it ignoring case, so only its length counts).
      const rest = path.slice(this.options.path.length + 1);
      if (rest === '/' || rest === '/index.html') {
        adapter.setHeader(res, 'Content-Security-Policy', PAGE_CSP);
        adapter.setHeader(res, 'Referrer-Policy', 'no-referrer');
        this.send(adapter, req, res, this.page(), REVALIDATE);
        return;
      }
      if (rest === '') {
        // `/orchestrator` -> `orchestrator/`: relative, so a proxy's own path prefix survives.
        const last = path.slice(path.lastIndexOf('/') + 1);
        adapter.redirect(res, 301, `${last}/${query}`);
        return;
      }
      // Another spelling of the page (Express ignores case and a trailing slash: `index.html/`,
      // `index.HTML`): served there, its relative asset URLs would miss. Back to the directory.
      const depth = rest.split('/').length - 2;
      adapter.redirect(res, 301, `${depth > 0 ? '../'.repeat(depth) : './'}${query}`);
    } catch (error) {
      this.log.error(M.requestFailed(String((error as Error)?.stack ?? error)));
      if (!adapter.isHeadersSent(res)) {
        adapter.reply(res, { statusCode: 500, message: 'Internal server error' }, 500);
      }
    }
  }

  /** Runs the core module's guards as Nest would: a false is a 403, a thrown HttpException its answer. */
  private async refusal(req: Request, res: unknown): Promise<HttpException | undefined> {
    if (this.guards.length === 0) return undefined;
    const context = new DashboardGuardContext([req, res], DashboardMount, this.handle);
    for (const guard of this.guards) {
      try {
        const verdict = guard.canActivate(context);
        const allowed = isObservable(verdict) ? await lastValueFrom(verdict) : await verdict;
        if (!allowed) return new ForbiddenException();
      } catch (error) {
        if (error instanceof HttpException) return error;
        throw error;
      }
    }
    return undefined;
  }

  private send(
    adapter: AbstractHttpAdapter,
    req: Request,
    res: unknown,
    file: DashboardFile,
    cacheControl: string,
  ): void {
    adapter.setHeader(res, 'Cache-Control', cacheControl);
    adapter.setHeader(res, 'ETag', file.etag);
    adapter.setHeader(res, 'X-Content-Type-Options', 'nosniff');
    const match = req.headers['if-none-match'];
    if (typeof match === 'string' && match.split(/\s*,\s*/).includes(file.etag)) {
      adapter.status(res, 304);
      adapter.end(res);
      return;
    }
    adapter.setHeader(res, 'Content-Type', file.contentType);
    adapter.reply(res, file.body, 200);
  }

  /** A guard class as the app makes it (the same instance as the endpoints' if any). */
  private async instance(guard: Type<CanActivate> | CanActivate): Promise<CanActivate> {
    if (typeof guard !== 'function') return guard;
    try {
      return this.moduleRef.get(guard, { strict: false });
    } catch {
      return this.moduleRef.create(guard);
    }
  }
}
