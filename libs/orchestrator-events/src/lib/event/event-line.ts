import {
  CORE_FIELDS,
  EVENT_LOGGER_NAME,
  EVENT_NAME_PATTERN,
  EventInput,
  EventLevel,
  OrchestratorEvent,
  parseEventLine,
} from '@orchestrator/events-contract';
import { DIGITS3, EventClock } from './event-clock';
import { EventIdGenerator } from './event-id';
import { isPlainJsonString } from './json-string';
import { LineEvent } from './line-event';
import { REDACTED, RedactSet, toJsonSafe } from './safe-json';

export { LineEvent } from './line-event';
export type { BuiltEvent, RoutingKeys } from './line-event';

/** Input fields that are not copied as extras: the logger's own, set by the builder, or the level. */
const NOT_EXTRA: ReadonlySet<string> = new Set([
  ...CORE_FIELDS,
  'task_id',
  'run_id',
  'level',
  '_truncated',
  '_invalid_event',
]);

const MAX_CACHED_KEYS = 10_000;

/**
 * What the builder knows of one input key. Keys repeat from call to call: one lookup answers
 * whether the key is copied, whether it is redacted and how it is written (`,"key":`).
 */
interface KeyInfo {
  readonly extra: boolean;
  readonly redacted: boolean;
  /** `,"key":`, and `","key":` to close the string value before it first. */
  readonly prefix: string;
  readonly closingPrefix: string;
  /** `,"key":"` and `","key":"`: the start of a plain string value. */
  readonly quoted: string;
  readonly closingQuoted: string;
}

function keyInfo(key: string, extra: boolean, redacted: boolean): KeyInfo {
  const prefix = `,${JSON.stringify(key)}:`;
  return {
    extra,
    redacted,
    prefix,
    closingPrefix: `"${prefix}`,
    quoted: `${prefix}"`,
    closingQuoted: `"${prefix}"`,
  };
}

const TASK_ID = keyInfo('task_id', false, false);
const RUN_ID = keyInfo('run_id', false, false);

/** The JSON text of a value other than a plain string ('' for undefined). */
function jsonText(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return '';
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return JSON.stringify(value);
  }
}

const CUT_MARK = '…[cut]';

/** `'000Z'` to `'999Z'`: a timestamp's microsecond digits and its zone in one piece. */
const MICROS_Z: readonly string[] = DIGITS3.map((digits) => `${digits}Z`);

/**
 * Stamps (time, id), merges context ids, serializes safely and bounds the size: the one place a
 * line is built. Never throws: whatever the caller passes, a valid line comes out.
 */
export class EventLineBuilder {
  private readonly clock = new EventClock();
  private readonly redact: RedactSet;
  private readonly keys = new Map<string, KeyInfo>();
  /**
   * Per level and event name, the text between the timestamp and the id. Names repeat, and one
   * cached piece instead of six makes each line a shorter chain of pieces to copy out later.
   */
  private readonly middles: Record<EventLevel, Map<string, string>> = {
    DEBUG: new Map(),
    INFO: new Map(),
    WARNING: new Map(),
    ERROR: new Map(),
  };
  private readonly tail: string;
  private headMs = -1;
  private headPrefix = '';
  /**
   * Set by `field()` just before it returns (after any caller code a value ran): whether its text
   * left a string value open, its closing quote written by the next piece.
   */
  private opened = false;

  /** @param redactKeys field names written as `"[REDACTED]"`, at any depth, case-insensitive. */
  constructor(
    private readonly orchId: string,
    private readonly ids: EventIdGenerator,
    private readonly maxLineBytes: number,
    redactKeys: readonly string[] = [],
  ) {
    this.redact = new Set(redactKeys.map((key) => key.toLowerCase()));
    // Left open: the next piece closes it (see `field()`).
    this.tail = `","orch_id":"${orchId}`;
  }

  build(
    input: EventInput,
    level: EventLevel,
    context: { task_id?: string; run_id?: string } | undefined,
  ): LineEvent {
    const us = this.clock.nowMicros();
    const id = this.ids.next(us);
    // A name found in the cache is valid: only checked names are cached.
    let middle = typeof input.event === 'string' ? this.middles[level].get(input.event) : undefined;
    let name = input.event;
    if (middle === undefined) {
      name = eventName(input.event);
      middle = this.middle(level, name);
    }
    // Concatenated rather than JSON.stringify(record): about twice as fast on Node 20, and the core
    // values need no escaping (each matches a strict pattern). The object is parsed from the line
    // when asked for, so the two cannot disagree.
    let line = this.head(us) + middle + id + this.tail;
    // Whether the line ends inside a string value: its closing quote goes in front of the next piece.
    let open = true;
    const given = input.task_id ?? context?.task_id;
    const taskId = given === undefined || given === null ? undefined : String(given);
    if (taskId !== undefined) {
      line += this.field(TASK_ID, taskId, open);
      open = this.opened;
    }
    const givenRun = input.run_id ?? context?.run_id;
    const runId = givenRun === undefined || givenRun === null ? undefined : String(givenRun);
    if (runId !== undefined) {
      line += this.field(RUN_ID, runId, open);
      open = this.opened;
    }
    if (name !== input.event) {
      const invalid = toJsonSafe(input.event, this.redact);
      line += this.field(this.keyInfo('_invalid_event'), invalid, open);
      open = this.opened;
    }
    // for-in walks the keys without the array Object.keys allocates per call; it also yields
    // inherited enumerable keys, which only a plain object (the usual input) cannot have.
    if (Object.getPrototypeOf(input) === Object.prototype) {
      for (const key in input) {
        line += this.extra(key, input[key], open);
        open = this.opened;
      }
    } else {
      for (const key of Object.keys(input)) {
        line += this.extra(key, input[key], open);
        open = this.opened;
      }
    }
    line += open ? '"}' : '}';
    // A JS string of n chars is at most 3n UTF-8 bytes: short lines skip the byte count.
    if (line.length * 3 <= this.maxLineBytes || Buffer.byteLength(line) <= this.maxLineBytes) {
      return new LineEvent(line, id, undefined, taskId, runId);
    }
    return this.cut(parseEventLine(line) as OrchestratorEvent);
  }

  /**
   * `{"timestamp":"2026-11-24T10:30:45.123456Z`, from a piece cached per millisecond and one per
   * microsecond value: two pieces where the clock's own format makes three, and one rope node less
   * for the file write to flatten.
   */
  private head(us: number): string {
    const ms = Math.floor(us / 1000);
    if (ms !== this.headMs) {
      this.headMs = ms;
      this.headPrefix = `{"timestamp":"${this.clock.format(ms * 1000).slice(0, -4)}`;
    }
    return this.headPrefix + MICROS_Z[us - ms * 1000];
  }

  /** `,"key":value` for a caller's extra field, after redaction; '' for any other key. */
  private extra(key: string, value: unknown, open: boolean): string {
    const info = this.keys.get(key) ?? this.keyInfo(key);
    if (!info.extra) {
      this.opened = open;
      return '';
    }
    // Caller code (getters, toJSON) runs here, before `field()` sets `opened` for this piece.
    const safe = info.redacted ? REDACTED : toJsonSafe(value, this.redact);
    return this.field(info, safe, open);
  }

  /**
   * `,"key":value` for a JSON-safe value, after a line that ends inside a string value when `open`.
   * A plain string is written without its closing quote, left to the next piece: each `+` is one
   * more rope node for the file write to flatten, and this saves one per string field.
   */
  private field(key: KeyInfo, value: unknown, open: boolean): string {
    if (typeof value === 'string' && isPlainJsonString(value)) {
      this.opened = true;
      return (open ? key.closingQuoted : key.quoted) + value;
    }
    const text = jsonText(value);
    this.opened = open && text === '';
    if (text === '') return '';
    return (open ? key.closingPrefix : key.prefix) + text;
  }

  /** `","level":"INFO","logger":"orchestrator_events","event":"<name>","event_id":"` */
  private middle(level: EventLevel, name: string): string {
    const cache = this.middles[level];
    let middle = cache.get(name);
    if (middle === undefined) {
      middle = `","level":"${level}","logger":"${EVENT_LOGGER_NAME}","event":"${name}","event_id":"`;
      if (cache.size < MAX_CACHED_KEYS) cache.set(name, middle);
    }
    return middle;
  }

  private keyInfo(key: string): KeyInfo {
    const info = keyInfo(
      key,
      !NOT_EXTRA.has(key),
      this.redact.size > 0 && this.redact.has(key.toLowerCase()),
    );
    if (this.keys.size < MAX_CACHED_KEYS) this.keys.set(key, info);
    return info;
  }

  /** Cuts the longest strings until the line fits; as a last resort keeps only the core fields. */
  private cut(record: OrchestratorEvent): LineEvent {
    for (let cap = Math.floor(this.maxLineBytes / 4); cap >= 16; cap = Math.floor(cap / 4)) {
      const cutRecord = cutStrings(record, cap, CORE_FIELDS) as OrchestratorEvent;
      cutRecord._truncated = true;
      const line = JSON.stringify(cutRecord);
      if (Buffer.byteLength(line) <= this.maxLineBytes) {
        return new LineEvent(line, cutRecord.event_id, cutRecord);
      }
    }
    const bare: OrchestratorEvent = {
      timestamp: record.timestamp,
      level: record.level,
      logger: record.logger,
      event: record.event,
      event_id: record.event_id,
      orch_id: record.orch_id,
      _truncated: true,
      _dropped_fields: Object.keys(record)
        .filter((k) => !CORE_FIELDS.has(k))
        .slice(0, 32)
        .map((k) => k.slice(0, 64)),
    };
    return new LineEvent(JSON.stringify(bare), bare.event_id, bare);
  }
}

/** A valid event name from whatever was given: bad characters become `_`, empty becomes `unnamed`. */
function eventName(value: unknown): string {
  if (typeof value === 'string' && EVENT_NAME_PATTERN.test(value)) return value;
  const text = typeof value === 'string' ? value : String(toJsonSafe(value) ?? '');
  const cleaned = text.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 128);
  return cleaned.length > 0 ? cleaned : 'unnamed';
}

/** A copy of plain JSON data with every string longer than `cap` cut and marked. */
function cutStrings(value: unknown, cap: number, keep?: ReadonlySet<string>): unknown {
  if (typeof value === 'string') {
    return value.length > cap ? value.slice(0, cap) + CUT_MARK : value;
  }
  if (Array.isArray(value)) return value.map((item) => cutStrings(item, cap));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = keep?.has(key) ? item : cutStrings(item, cap);
    }
    return out;
  }
  return value;
}
