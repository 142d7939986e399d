/** The ERROR events one `error_rate` rule counts: the last `threshold` of them, by their timestamps. */
export class ErrorRateWindow {
  private readonly times: number[] = [];
  private readonly ids: string[] = [];

  constructor(
    private readonly threshold: number,
    private readonly windowMs: number,
  ) {}

  /**
   * Counts one ERROR event; returns the id of the first event of the window when this one makes
   * `threshold` within `windowMs` (the count then starts again from zero), else `undefined`.
   * Timestamps, not arrival times: every instance on one Redis stream sees the same events in the
   * same order and fires on the same event, so their claims collide as they should.
   */
  add(timestamp: string, eventId: string): string | undefined {
    const time = Date.parse(timestamp);
    if (!Number.isFinite(time)) return undefined;
    this.times.push(time);
    this.ids.push(eventId);
    if (this.times.length > this.threshold) {
      this.times.shift();
      this.ids.shift();
    }
    if (this.times.length < this.threshold || time - this.times[0] > this.windowMs)
      return undefined;
    const first = this.ids[0];
    this.times.length = 0;
    this.ids.length = 0;
    return first;
  }
}
