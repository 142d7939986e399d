import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { EventBus } from '../bus/event-bus';
import { EventFilter, MAX_QUERY_LIMIT, OrchestratorEvent } from '@orchestrator/events-contract';
import { BuiltEvent } from '../event-line';
import { EventLogger } from '../event-logger.service';
import { ORCH_EVENTS_OPTIONS } from '../orchestrator-events.constants';
import { ResolvedOrchestratorEventsOptions } from '../orchestrator-events.options';
import { SseClient } from './sse-client';
import { eventFrame, HEARTBEAT_FRAME, resetFrame, retryFrame } from './sse-frames';

/** Reconnection delay suggested to clients. */
const RETRY_MS = 2000;

const HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform also keeps the compression middleware from buffering the stream.
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
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
  private readonly heartbeat: NodeJS.Timeout;
  private shuttingDown = false;

  constructor(
    @Inject(ORCH_EVENTS_OPTIONS) private readonly options: ResolvedOrchestratorEventsOptions,
    @Inject(EventBus) private readonly bus: EventBus,
    private readonly events: EventLogger,
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

  /**
   * Why a new stream from `ip` would be refused (`ORCH_SSE_MAX_CLIENTS`,
   * `ORCH_SSE_MAX_CLIENTS_PER_IP`), or `undefined` when it is welcome.
   */
  refusal(ip: string): string | undefined {
    if (this.clients.size >= this.options.sseMaxClients) {
      return `too many open streams (at most ${this.options.sseMaxClients}): retry later`;
    }
    if ((this.perIp.get(ip) ?? 0) >= this.options.sseMaxClientsPerIp) {
      return `too many open streams from this address (at most ${this.options.sseMaxClientsPerIp}): retry later`;
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
      if (held === undefined) client.send(eventFrame(built));
      else if (held.push(built) > this.options.sseMaxBacklog) client.close(true);
    });
    res.on('close', () => {
      subscription.unsubscribe();
      this.clients.delete(client);
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    });
    if (lastEventId === undefined || held === undefined) return;

    try {
      const sent = await this.catchUp(client, filter, lastEventId);
      // Live events that the catch-up already covered are not sent twice. Ids, not their order,
      // decide: on a shared bus, publishing order and id order may differ between instances.
      for (const built of held) if (!sent.has(built.id)) client.send(eventFrame(built));
    } catch {
      // The files could not be read: the client reconnects and tries again from its last id.
      client.close(true);
    } finally {
      held = undefined;
    }
  }

  /** Sends every matching event after `afterId`; returns the ids it sent. */
  private async catchUp(
    client: SseClient,
    filter: EventFilter,
    afterId: string,
  ): Promise<Set<string>> {
    const sent = new Set<string>();
    const recent = await this.bus.replay(afterId, filter);
    if (recent !== undefined) {
      for (const built of recent) {
        sent.add(built.id);
        client.send(eventFrame(built));
      }
      return sent;
    }
    let after = afterId;
    const oldest = await this.events.oldestEventId();
    if (oldest !== undefined && afterId < oldest) {
      client.send(resetFrame(oldest));
      after = '';
    }
    for (;;) {
      const page = await this.events.query({ ...filter, after, limit: MAX_QUERY_LIMIT });
      for (const event of page.events) {
        sent.add(event.event_id);
        client.send(eventFrame(fromFile(event)));
      }
      if (page.events.length > 0) after = page.events[page.events.length - 1].event_id;
      if (!page.has_more || client.isClosed) return sent;
      await client.writable();
    }
  }

  /** Ends every stream so the HTTP server can close. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.close();
    this.clients.clear();
  }
}

/** An event read back from a file: its line is its JSON text again (parse and stringify round-trip). */
function fromFile(event: OrchestratorEvent): BuiltEvent {
  return { id: event.event_id, event, line: JSON.stringify(event) };
}
