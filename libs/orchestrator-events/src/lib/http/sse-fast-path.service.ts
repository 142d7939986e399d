import {
  CanActivate,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Type,
} from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ORCH_EVENTS_OPTIONS, ORCH_EVENTS_ROUTE } from '../shared/orchestrator-events.constants';
import { ResolvedOrchestratorEventsOptions } from '../options/orchestrator-events.options';
import { EventsAccessGuard } from './events-access.guard';
import { SseHub } from './sse-hub.service';
import { readStreamRequest } from './stream-request';

/** How the module registered its events controller. */
export interface EventsRoute {
  /** The controller's path (under the global prefix), or false when the module registers none. */
  path: string | false;
  /** The user guards on the endpoints (the dashboard applies them to its page too). */
  guards: readonly (Type<CanActivate> | CanActivate)[];
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The `sseFastPath` option: serves valid stream requests from the HTTP server's `request` event,
 * ahead of Express. Per connection, Express's router and middleware, Nest's pipeline and
 * class-validator cost about twice what the stream itself costs, and their request objects stay
 * alive as long as the stream does; for thousands of long-lived streams that is most of the CPU of
 * a burst of connections and most of the memory.
 *
 * Whatever it does not serve (another route, a request it cannot vouch for) goes on to Express
 * unchanged, so errors are answered by the controller, with the controller's words. It stays off
 * where skipping Express would change who may connect: global guards, module guards, Express's
 * `trust proxy` (client addresses from headers), or a global prefix with exclusions.
 */
@Injectable()
export class SseFastPath implements OnApplicationBootstrap {
  private readonly log = new Logger('SseFastPath');
  /** The stream route's full path (`/api/v1/orchestrator/events/stream`) once installed. */
  private route: string | undefined;
  private served = 0;

  constructor(
    @Inject(ORCH_EVENTS_OPTIONS) private readonly options: ResolvedOrchestratorEventsOptions,
    @Inject(ORCH_EVENTS_ROUTE) private readonly eventsRoute: EventsRoute,
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
    private readonly access: EventsAccessGuard,
    private readonly hub: SseHub,
  ) {}

  /**
   * For health checks: `enabled` (the option), `active` (installed: it serves streams) and
   * `served` (streams it opened since start).
   */
  state(): { enabled: boolean; active: boolean; served: number } {
    return {
      enabled: this.options.sseFastPath,
      active: this.route !== undefined,
      served: this.served,
    };
  }

  onApplicationBootstrap(): void {
    if (!this.options.sseFastPath || this.eventsRoute.path === false) return;
    const server = this.adapterHost?.httpAdapter?.getHttpServer?.() as Server | undefined;
    // An application context (no HTTP server) or an adapter this does not know.
    if (server === undefined || typeof server.listeners !== 'function') return;
    const why = this.reasonToStayOff();
    if (why !== undefined) {
      this.log.warn(`sseFastPath is off: ${why}`);
      return;
    }
    const listeners = server.listeners('request') as RequestListener[];
    if (listeners.length === 0) return;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.serve(req, res)) return;
      for (const listener of listeners) listener.call(server, req, res);
    });
    const parts = [this.appConfig.getGlobalPrefix(), this.eventsRoute.path, 'stream'];
    this.route = `/${parts
      .map((p) => p.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/')}`;
  }

  private reasonToStayOff(): string | undefined {
    if (this.eventsRoute.guards.length > 0)
      return 'the module has guards, and they must see every stream';
    const globalGuards =
      this.appConfig.getGlobalGuards().length + this.appConfig.getGlobalRequestGuards().length;
    if (globalGuards > 0) return 'the app has global guards, and they must see every stream';
    if ((this.appConfig.getGlobalPrefixOptions().exclude?.length ?? 0) > 0) {
      return 'the global prefix has exclusions';
    }
    const adapter = this.adapterHost.httpAdapter;
    const type = adapter.getType?.();
    if (type === 'express') {
      const express = adapter.getInstance() as { get(setting: string): unknown };
      if (express.get('trust proxy')) {
        return "Express's 'trust proxy' is set: the per-address limit needs its client addresses";
      }
    } else if (type === 'fastify') {
      const fastify = adapter.getInstance() as { initialConfig?: { trustProxy?: unknown } };
      if (fastify.initialConfig?.trustProxy) {
        return "Fastify's trustProxy is set: the per-address limit needs its client addresses";
      }
    } else {
      return `the HTTP adapter ${type ?? '(unknown)'} is not one it knows (Express, Fastify)`;
    }
    return undefined;
  }

  /**
   * Serves `req` when it is a stream request that passes (read by `readStreamRequest`, as the
   * controller reads it); false leaves it to Express, whose controller answers with the same words.
   */
  private serve(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    const route = this.route;
    if (route === undefined || req.method !== 'GET' || !url.startsWith(route)) return false;
    const end = route.length;
    if (url.length > end && url.charCodeAt(end) !== 63 /* ? */) return false;
    const request = readStreamRequest(req, this.hub);
    if (!request.ok) return false;
    if (this.access.refusal(url, req.headers.authorization, request.accessToken)) return false;
    this.served++;
    this.hub.open(res, request.filter, request.lastEventId, request.ip).catch(() => res.destroy());
    return true;
  }
}
