/** What a window that suppressed alerts reports when it ends. */
export interface SuppressedAlerts {
  rule: string;
  count: number;
  firstEventId: string | undefined;
  lastEventId: string | undefined;
}

/**
 * The flood bound of one rule: at most `max` alerts per window (fixed windows, from the first
 * alert); the ones over it are counted, and when the window ends `onSummary` receives the count
 * (one summary alert instead of hundreds).
 */
export class RuleRateLimiter {
  private windowStart = -Infinity;
  private sent = 0;
  private suppressed: SuppressedAlerts | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rule: string,
    private readonly max: number,
    private readonly windowMs: number,
    private readonly onSummary: (summary: SuppressedAlerts) => void,
  ) {}

  /** True when this alert may be sent now; false when it is counted for the summary instead. */
  admit(eventId: string | undefined): boolean {
    const now = Date.now();
    if (now - this.windowStart >= this.windowMs) {
      this.endWindow();
      this.windowStart = now;
    }
    if (this.sent < this.max) {
      this.sent++;
      return true;
    }
    if (this.suppressed === undefined) {
      this.suppressed = { rule: this.rule, count: 0, firstEventId: eventId, lastEventId: eventId };
      const left = Math.max(0, this.windowStart + this.windowMs - now);
      this.timer = setTimeout(() => this.endWindow(), left);
      this.timer.unref();
    }
    this.suppressed.count++;
    this.suppressed.lastEventId = eventId;
    return false;
  }

  /** Sends the pending summary now (the app is stopping, or the window ended). */
  endWindow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sent = 0;
    this.windowStart = -Infinity;
    const summary = this.suppressed;
    this.suppressed = undefined;
    if (summary !== undefined) this.onSummary(summary);
  }

  /** Drops the pending summary and its timer. */
  stop(): void {
    clearTimeout(this.timer);
    this.suppressed = undefined;
  }
}
