import type { AnyValue } from '@opentelemetry/api-logs';
import { NAMED_FIELDS } from '@orchestrator/events-contract';
import { ResolvedLogRecordsOptions } from './tracing.options';

/** Deepest nesting flattened into dotted keys; deeper values are JSON text. */
const MAX_DEPTH = 3;
/** Fields the logger adds itself, never extras. */
const NOT_EXTRAS = new Set([...NAMED_FIELDS, 'trace_id', 'span_id']);

type Attributes = Record<string, AnyValue>;

/**
 * The extra fields of an event as flat log-record attributes: `<prefix><field>`, nested objects
 * as `<prefix><field>.<key>`, arrays and deeper values as JSON text, strings cut at
 * `maxValueLength`, at most `maxExtras` of them. They are read from the event as written (already
 * redacted, cut and JSON-safe).
 */
export class ExtrasFlattener {
  constructor(private readonly options: ResolvedLogRecordsOptions) {}

  addTo(attributes: Attributes, input: Record<string, unknown>): void {
    const budget = { left: this.options.maxExtras };
    for (const key in input) {
      if (NOT_EXTRAS.has(key) || budget.left <= 0) continue;
      this.add(attributes, `${this.options.extrasPrefix}${key}`, input[key], 1, budget);
    }
  }

  private add(
    out: Attributes,
    name: string,
    value: unknown,
    depth: number,
    budget: { left: number },
  ): void {
    if (budget.left <= 0 || value === undefined || typeof value === 'function') return;
    if (value === null || typeof value !== 'object') {
      budget.left--;
      out[name] = this.scalar(value);
      return;
    }
    if (Array.isArray(value) || depth >= MAX_DEPTH) {
      budget.left--;
      out[name] = this.cut(JSON.stringify(value));
      return;
    }
    for (const inner in value as Record<string, unknown>) {
      const child = (value as Record<string, unknown>)[inner];
      this.add(out, `${name}.${inner}`, child, depth + 1, budget);
    }
  }

  private scalar(value: unknown): AnyValue {
    if (typeof value === 'string') return this.cut(value);
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
    return this.cut(String(value));
  }

  private cut(text: string): string {
    return text.length > this.options.maxValueLength
      ? text.slice(0, this.options.maxValueLength)
      : text;
  }
}
