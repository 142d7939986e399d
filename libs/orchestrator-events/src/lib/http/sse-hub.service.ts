import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { EventBus } from '../bus/event-bus';
import { EventFilter } from '@orchestrator/events-contract';
import { BuiltEvent } from '../event/event-line';
import { EventHistory } from '../history/event-history.service';
import { ORCH_EVENTS_OPTIONS } from '../shared/orchestrator-events.constants';
import { MESSAGES } from '../shared/orchestrator-events.messages';
import { ResolvedOrchestratorEventsOptions } from '../options/orchestrator-events.options';
import { SseClient } from './sse-client';
import { EventFrames, HEARTBEAT_FRAME, resetFrame, retryFrame } from './sse-frames';

/** Reconnection delay suggested to clients. */
const RETRY_MS = 2000;

const HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform also keeps the compression middleware from buffering the stream.
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  // The body ends when the connection does (see `open`), so the connection is never reused.
  Connection: 'close',
};

/**
 * Serves SSE streams: headers and a first frame at once, then (on resume) the events after the
 * client's last id from the replay buffer or the files, then live events, with no gap and no
 * duplicate. One heartbeat timer serves every client; streams that carried an event since its
 * previous tick skip it.
 */
@Injectable()
export class SseHub implements BeforeApplicationShutdown {
  private readonly clients = new Set<SseClient>();
  private readonly perIp = new Map<string, number>();
  private readonly frames = new EventFrames();
  private readonly heartbeat: NodeJS.Timeout;
  private shuttingDown = false;
  private cut = 0;

  constructor(
    @Inject(ORCH_EVENTS_OPTIONS) private readonly options: ResolvedOrchestratorEventsOptions,
    @Inject(EventBus) private readonly bus: EventBus,
    private readonly history: EventHistory,
  ) {
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) client.heartbeat(HEARTBEAT_FRAME);
    }, options.sseHeartbeatMs);
    this.heartbeat.unref();
  }

  /** Open streams. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Streams cut by the server since start because their client fell behind (for metrics). */
  get clientsCut(): number {
    return this.cut;
  }

  /**
   * Why a new stream from `ip` would be refused (`ORCH_SSE_MAX_CLIENTS`,
   * `ORCH_SSE_MAX_CLIENTS_PER_IP`), or `undefined` when it is welcome.
   */
  refusal(ip: string): string | undefined {
    if (this.clients.size >= this.options.sseMaxClients) {
      return MESSAGES.tooManyStreams(this.options.sseMaxClients);
    }
    if ((this.perIp.get(ip) ?? 0) >= this.options.sseMaxClientsPerIp) {
      return MESSAGES.tooManyStreamsFromIp(this.options.sseMaxClientsPerIp);
    }
    return undefined;
  }

  /**
   * Takes over `res` for a stream of events matching `filter`, resuming after `lastEventId` if
   * given. `ip` counts towards the per-address limit until the stream closes.
   */
  async open(
    res: ServerResponse,
    filter: EventFilter,
    lastEventId?: string,
    ip = 'unknown',
  ): Promise<void> {
    res.socket?.setNoDelay(true);
    // A stream is quiet between heartbeats for as long as it likes: no inactivity timer set on its
    // socket by the app (the demo's per-socket timer, `server.timeout`, Fastify's
    // connectionTimeout) may cut it. Nest's own SSE does the same; the fast path, which skips the
    // app's `request` listeners where such timers are usually disarmed, needs it most.
    res.socket?.setTimeout(0);
    // Without chunked encoding, each frame is one buffer on the socket: with it, Node frames every
    // write as four (size, CRLF, frame, CRLF), per client and per event. An event stream has no
    // end but the connection's, which HTTP/1.1 allows as the end of a response body.
    res.removeHeader('Transfer-Encoding');
    res.writeHead(200, HEADERS);
    res.write(retryFrame(RETRY_MS));
    if (this.shuttingDown) {
      // A stream opened now would hold the closing HTTP server open: end it, the client retries
      // (on the next instance, or this one restarted) with its Last-Event-ID.
      res.end();
      return;
    }
    const client = new SseClient(res, this.options.sseMaxBacklogBytes);
    this.clients.add(client);
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);

    // Subscribe before catching up, holding live events back, so none falls between the two.
    let held: BuiltEvent[] | undefined = lastEventId === undefined ? undefined : [];
    const subscription = this.bus.subscribe(filter, (built) => {
      if (held === undefined) client.send(this.frames.frameOf(built));
      else if (held.push(built) > this.options.sseMaxBacklog) client.close(true);
    });
    res.on('close', () => {
      subscription.unsubscribe();
      this.clients.delete(client);
      if (client.wasCut) this.cut++;
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    });
    if (lastEventId === undefined || held === undefined) return;

    try {
      const sent = await this.sendHistory(client, filter, lastEventId);
      // Live events that the catch-up already covered are not sent twice. Ids, not their order,
      // decide: on a shared bus, publishing order and id order may differ between instances.
      for (const built of held) if (!sent.has(built.id)) client.send(this.frames.frameOf(built));
    } catch {
      // The files could not be read: the client reconnects and tries again from its last id.
      client.close(true);
    } finally {
      held = undefined;
    }
  }

  /** Sends every matching event after `afterId`, at the client's pace; returns the ids it sent. */
  private async sendHistory(
    client: SseClient,
    filter: EventFilter,
    afterId: string,
  ): Promise<Set<string>> {
    const sent = new Set<string>();
    for await (const batch of this.history.after(afterId, filter)) {
      if (batch.reset !== undefined) client.send(resetFrame(batch.reset));
      for (const built of batch.events) {
        sent.add(built.id);
        client.send(this.frames.frameOf(built));
      }
      if (client.isClosed || !batch.more) break;
      await client.writable();
    }
    return sent;
  }

  /** Ends every stream so the HTTP server can close. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.close();
    this.clients.clear();
  }
}
