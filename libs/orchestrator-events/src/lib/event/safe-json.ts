/** Deeper structures are replaced by this marker instead of overflowing the stack. */
const MAX_DEPTH = 32;

/** What a redacted value is written as. */
export const REDACTED = '[REDACTED]';

/** Lower-case field names whose values are replaced by `REDACTED`, at any depth. */
export type RedactSet = ReadonlySet<string>;

const NO_REDACTION: RedactSet = new Set();

/**
 * Turns any value into plain JSON data that `JSON.stringify` cannot throw on and that survives a
 * round trip unchanged: circular references become `"[Circular]"`, BigInt its decimal string,
 * an Error `{name, message, stack, ...own fields, cause}`, Map an object, Set an array, non-finite
 * numbers `null`; `undefined`, functions and symbols are dropped (as JSON.stringify drops them).
 * A getter or `toJSON` that throws becomes `"[Unserializable: <reason>]"`. Fields named in
 * `redact` (lower case) become `"[REDACTED]"`, at any depth.
 */
export function toJsonSafe(value: unknown, redact: RedactSet = NO_REDACTION): unknown {
  // Primitives (most event fields) without the cycle set: this runs for every field of every event.
  // `null` is data, kept as nested nulls are (it used to drop a top-level `result: null`).
  if (value === null) return null;
  return typeof value === 'object' ? convert(value, new Set(), 0, redact) : primitive(value);
}

/** A non-object value as JSON data: the one switch on primitive types. */
function primitive(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    default:
      // undefined, functions and symbols: dropped, as JSON.stringify drops them.
      return undefined;
  }
}

function convert(
  value: unknown,
  ancestors: Set<object>,
  depth: number,
  redact: RedactSet,
): unknown {
  if (value === null) return null;
  if (typeof value !== 'object') return primitive(value);
  const obj = value as object;
  if (ancestors.has(obj)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Depth limit]';
  ancestors.add(obj);
  try {
    return convertObject(obj, ancestors, depth + 1, redact);
  } catch (err) {
    return `[Unserializable: ${err instanceof Error ? err.message : String(err)}]`;
  } finally {
    ancestors.delete(obj);
  }
}

function convertObject(
  obj: object,
  ancestors: Set<object>,
  depth: number,
  redact: RedactSet,
): unknown {
  if (obj instanceof Error) {
    const out: Record<string, unknown> = { name: obj.name, message: obj.message };
    if (obj.stack !== undefined) out['stack'] = obj.stack;
    copyFields(obj, out, ancestors, depth, redact);
    if (obj.cause !== undefined) out['cause'] = convert(obj.cause, ancestors, depth, redact);
    return out;
  }
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return convert(toJSON.call(obj), ancestors, depth, redact);
  if (Array.isArray(obj)) {
    return obj.map((item) => {
      const converted = convert(item, ancestors, depth, redact);
      return converted === undefined ? null : converted;
    });
  }
  if (obj instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of obj) {
      const name = String(key);
      setField(
        out,
        name,
        redact.has(name.toLowerCase()) ? REDACTED : convert(item, ancestors, depth, redact),
      );
    }
    return out;
  }
  if (obj instanceof Set) {
    return [...obj].map((item) => convert(item, ancestors, depth, redact) ?? null);
  }
  if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
  const out: Record<string, unknown> = {};
  copyFields(obj, out, ancestors, depth, redact);
  return out;
}

function copyFields(
  obj: object,
  out: Record<string, unknown>,
  ancestors: Set<object>,
  depth: number,
  redact: RedactSet,
): void {
  for (const key of Object.keys(obj)) {
    if (key in out) continue;
    const value = redact.has(key.toLowerCase())
      ? REDACTED
      : convert((obj as Record<string, unknown>)[key], ancestors, depth, redact);
    setField(out, key, value);
  }
}

/** `__proto__` as a plain key would change the object's prototype instead of adding a field. */
function setField(out: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) return;
  if (key === '__proto__') {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[key] = value;
  }
}
