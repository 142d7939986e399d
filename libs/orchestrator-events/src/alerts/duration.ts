const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration as options and environment variables give it: a number of ms, or `500ms`, `30s`, `10m`, `1h`, `1d`. */
export type Duration = number | string;

/**
 * Milliseconds of a duration, or `undefined` when it is not one: a finite number ≥ 0, or digits
 * (with an optional decimal part) followed by `ms`, `s`, `m`, `h` or `d`.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (match === null) return undefined;
  return Math.round(Number(match[1]) * UNITS[match[2]]);
}
