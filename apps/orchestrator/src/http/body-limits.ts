import { HttpStatus } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body read, in bytes (after any Content-Encoding): Express's default, 100 KiB. */
export const MAX_BODY_BYTES = 100 * 1024;

/**
 * Deepest nesting of arrays and objects a JSON body may have. Deeper bodies are refused with a 400
 * before they are parsed: validation walks a body recursively, and a few KiB of `[[[[…` would
 * otherwise overflow the stack (a 500). The demo's bodies are flat; 64 leaves room for any real
 * payload.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * True when the UTF-8 JSON text nests arrays and objects more than `limit` deep. One pass over the
 * bytes, no recursion and no parsing: brackets inside strings are skipped (a UTF-8 multi-byte
 * sequence never holds an ASCII byte, so bytes are enough). Malformed JSON is left to the parser.
 */
export function jsonDeeperThan(body: Uint8Array, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** A refusal in the form body-parser passes on: `status` and `type`, like its own errors. */
class BodyRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'BodyRefusedError';
  }
}

/**
 * The JSON parser's `verify` hook: runs on the raw body before `JSON.parse`. Refuses a body nested
 * deeper than `MAX_JSON_DEPTH` (400) and a charset other than UTF-8 (415: RFC 8259 requires UTF-8,
 * and the depth scan reads UTF-8 bytes).
 */
export function verifyJsonBody(
  _req: IncomingMessage,
  _res: ServerResponse,
  body: Buffer,
  encoding: string | null,
): void {
  if (encoding !== null && encoding.toLowerCase() !== 'utf-8') {
    throw new BodyRefusedError(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'charset.unsupported',
      'a JSON body must be UTF-8',
    );
  }
  if (jsonDeeperThan(body)) {
    throw new BodyRefusedError(
      HttpStatus.BAD_REQUEST,
      'entity.too.deep',
      `a JSON body may nest arrays and objects at most ${MAX_JSON_DEPTH} levels deep`,
    );
  }
}

/** True when the request carries a body, however empty its type: a length above 0, or chunks. */
function carriesBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (
    req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) !== 0)
  );
}

/**
 * A request with no body at all (no Content-Length, or 0, and no Transfer-Encoding) reads as `{}`:
 * body-parser 2 leaves `req.body` undefined there, and every field of the demo's bodies is
 * optional, so `curl -X POST .../jobs` starts a job with the defaults. A body that no parser read
 * (another Content-Type) stays undefined and is refused by the route, never taken for an empty one.
 */
export function emptyBodyAsObject(
  req: IncomingMessage & { body?: unknown },
  _res: ServerResponse,
  next: () => void,
): void {
  if (req.body === undefined && !carriesBody(req)) req.body = {};
  next();
}

/**
 * The body parsers Nest would register (JSON, and URL-encoded forms with `extended`), with the body
 * size named and the JSON depth bounded, then `emptyBodyAsObject`. The app must be created with
 * `bodyParser: false`.
 */
export function useBodyParsers(app: NestExpressApplication): void {
  // `strict: false`: any JSON text parses (null, [], 5 as well), so that the route answers what it
  // expects ("body must be a JSON object") rather than the parser's "Unexpected token 'n'" for
  // valid JSON.
  app.useBodyParser('json', { limit: MAX_BODY_BYTES, verify: verifyJsonBody, strict: false });
  // qs bounds the nesting of form fields itself (depth 32 in body-parser 2).
  app.useBodyParser('urlencoded', { limit: MAX_BODY_BYTES, extended: true });
  app.use(emptyBodyAsObject);
}
