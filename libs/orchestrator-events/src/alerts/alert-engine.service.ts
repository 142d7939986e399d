import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { OrchestratorEvent } from '@orchestrator/events-contract';
import { AsyncResource } from 'node:async_hooks';
import { EventBus, EventSubscription } from '../lib/bus/event-bus';
import { EventLogger } from '../lib/write/event-logger.service';
import { Alert, payload } from './alert-payload';
import { ALERT_CLAIMS, ORCH_EVENTS_ALERTS_OPTIONS } from './alerts.constants';
import { AlertClaims } from './alert-claims';
import { ALERT_MESSAGES } from './alerts.messages';
import { ErrorRateWindow } from './error-rate.window';
import { ResolvedAlertRule, ResolvedAlertsOptions } from './resolve-alerts-options';
import { RuleRateLimiter, SuppressedAlerts } from './rule-rate.limiter';
import { RunTracker, TrackedRun } from './run-tracker';
import { WebhookSender } from './webhook.sender';

/**
 * Events that never fire an alert: the alerts' own delivery events (an alert about a failed alert
 * would loop) and the library's own events.
 */
export const IGNORED_EVENTS: ReadonlySet<string> = new Set([
  'alert_sent',
  'alert_failed',
  'orchestrator_started',
  'orchestrator_stopped',
  'events_dropped',
  'bullmq_events_lost',
]);

/** Bounds of the stuck scan's period (a quarter of the shortest `stuckAfter`). */
const MIN_SCAN_MS = 20;
const MAX_SCAN_MS = 5000;

/**
 * Watches the live events (the core's `EventBus`, so with the Redis bus the events of every
 * instance), folds them into runs, and fires the rules: claimed once (`ALERT_CLAIMS`), bounded
 * per rule (`RuleRateLimiter`), sent by the webhook.
 */
@Injectable()
export class AlertEngine implements OnModuleInit, OnModuleDestroy {
  private readonly runs: RunTracker;
  private readonly sender: WebhookSender;
  private readonly limiters = new Map<string, RuleRateLimiter>();
  private readonly windows = new Map<string, ErrorRateWindow>();
  private readonly logger = new Logger('OrchestratorEventsAlerts');
  /** The context of the module's creation: alert events never inherit a job's task or run ids. */
  private readonly scope = new AsyncResource('OrchestratorEventsAlerts');
  private subscription: EventSubscription | undefined;
  private scan: NodeJS.Timeout | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @Inject(ORCH_EVENTS_ALERTS_OPTIONS) private readonly options: ResolvedAlertsOptions,
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(ALERT_CLAIMS) private readonly claims: AlertClaims,
    events: EventLogger,
  ) {
    this.runs = new RunTracker(options.maxRuns);
    this.sender = new WebhookSender(options.webhook, events);
    const { max, windowMs } = options.rateLimit;
    for (const rule of options.rules) {
      const limiter = new RuleRateLimiter(rule.name, max, windowMs, (s) => this.summary(rule, s));
      this.limiters.set(rule.name, limiter);
      if (rule.kind === 'error_rate') {
        this.windows.set(rule.name, new ErrorRateWindow(rule.threshold, rule.windowMs));
      }
    }
  }

  onModuleInit(): void {
    // Live events only: what happened before this start was alerted on by the process that saw it.
    this.subscription = this.bus.subscribe({}, (built) =>
      this.scope.runInAsyncScope(() => this.onEvent(built.event)),
    );
    const stuck = this.options.rules.filter((r) => r.kind === 'run_stuck');
    if (stuck.length > 0) {
      const shortest = Math.min(...stuck.map((r) => r.stuckAfterMs));
      const period = Math.min(MAX_SCAN_MS, Math.max(MIN_SCAN_MS, shortest / 4));
      this.scan = setInterval(
        () => this.scope.runInAsyncScope(() => this.scanStuck(stuck)),
        period,
      );
      this.scan.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    clearInterval(this.scan);
    for (const limiter of this.limiters.values()) limiter.stop();
    this.sender.stop();
    await Promise.allSettled([...this.pending]);
    await this.claims.close();
  }

  /** Runs held in memory now. */
  get trackedRuns(): number {
    return this.runs.size;
  }

  private onEvent(event: OrchestratorEvent): void {
    try {
      if (IGNORED_EVENTS.has(event.event)) return;
      if (event.level === 'ERROR') this.countError(event);
      const tracked = this.runs.add(event);
      if (tracked?.becameFailed) this.runFailed(tracked.run, event);
    } catch (err) {
      this.logger.error(ALERT_MESSAGES.ruleFailed((err as Error).message));
    }
  }

  private runFailed(run: TrackedRun, event: OrchestratorEvent): void {
    const { record } = run;
    for (const rule of this.options.rules) {
      if (rule.kind !== 'run_failed' || !this.narrows(rule, record.task_id, event.event)) continue;
      const task = record.task_id ?? '-';
      this.fire(rule, `${rule.name}:${record.run_id}`, event.event_id, {
        rule: rule.name,
        payload: payload(
          'run_failed',
          ALERT_MESSAGES.runFailedText(task, record.run_id, record.failure),
          {
            task_id: record.task_id,
            run_id: record.run_id,
            status: record.status,
            failure: record.failure,
            first_event_id: record.first_event_id,
            last_event_id: record.last_event_id,
          },
        ),
      });
    }
  }

  private scanStuck(rules: ResolvedAlertRule[]): void {
    const now = Date.now();
    const shortest = Math.min(...rules.map((r) => r.stuckAfterMs));
    for (const run of this.runs.silent(now - shortest)) {
      for (const rule of rules) {
        const silent = now - run.seenAt;
        if (silent < rule.stuckAfterMs || run.fired.has(rule.name)) continue;
        if (!this.narrows(rule, run.record.task_id, run.lastEvent)) continue;
        run.fired.add(rule.name);
        const { record } = run;
        const text = ALERT_MESSAGES.runStuckText(record.task_id ?? '-', record.run_id, silent);
        this.fire(rule, `${rule.name}:${record.run_id}`, record.last_event_id, {
          rule: rule.name,
          payload: payload('run_stuck', text, {
            task_id: record.task_id,
            run_id: record.run_id,
            status: record.status,
            first_event_id: record.first_event_id,
            last_event_id: record.last_event_id,
          }),
        });
      }
    }
  }

  private countError(event: OrchestratorEvent): void {
    for (const rule of this.options.rules) {
      if (rule.kind !== 'error_rate' || !this.narrows(rule, event.task_id, event.event)) continue;
      const first = this.windows.get(rule.name)?.add(event.timestamp, event.event_id);
      if (first === undefined) continue;
      const text = ALERT_MESSAGES.errorRateText(
        rule.name,
        rule.threshold,
        rule.windowMs,
        event.task_id,
      );
      this.fire(rule, `${rule.name}:${event.event_id}`, event.event_id, {
        rule: rule.name,
        payload: payload('error_rate', text, {
          task_id: event.task_id,
          run_id: event.run_id,
          first_event_id: first,
          last_event_id: event.event_id,
        }),
      });
    }
  }

  private narrows(rule: ResolvedAlertRule, taskId: string | undefined, event: string): boolean {
    return rule.taskId(taskId) && rule.event(event);
  }

  /** Claim, then the rule's rate limit, then the webhook; never throws. */
  private fire(rule: ResolvedAlertRule, key: string, eventId: string, alert: Alert): void {
    alert.claimKey = key;
    this.track(
      this.claims.claim(key, this.options.claimTtlMs).then((claimed) => {
        if (!claimed || !this.limiters.get(rule.name)?.admit(eventId)) return;
        return this.sender.send(alert);
      }),
    );
  }

  private summary(rule: ResolvedAlertRule, suppressed: SuppressedAlerts): void {
    const { max, windowMs } = this.options.rateLimit;
    const text = ALERT_MESSAGES.summaryText(rule.name, suppressed.count, max, windowMs);
    const alert: Alert = {
      rule: rule.name,
      payload: payload(rule.kind, text, {
        first_event_id: suppressed.firstEventId,
        last_event_id: suppressed.lastEventId,
      }),
    };
    this.scope.runInAsyncScope(() => this.track(this.sender.send(alert)));
  }

  private track(work: Promise<void>): void {
    const settled = work.catch((err) =>
      this.logger.error(ALERT_MESSAGES.sendFailed((err as Error).message)),
    );
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
  }
}
