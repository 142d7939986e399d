import { createParser, EventSourceMessage } from 'eventsource-parser';

/** Hooks of `readSseMessages`. */
export interface SseReaderHooks {
  /** The server's `retry:` hint, in ms. */
  onRetry?: (ms: number) => void;
  /** Any bytes arrived (heartbeats included): the connection is alive. */
  onActivity?: () => void;
}

/**
 * The SSE messages of a response body, in order, parsed by `eventsource-parser`. Uses the stream's
 * reader and `TextDecoder` only, so it runs in Node 20 and in browsers alike. Errors of the body
 * (a reset connection, an abort) are thrown as they are; the caller decides what they mean.
 * Returning early (a `break` in the caller) cancels the body, which frees the connection.
 */
export async function* readSseMessages(
  body: ReadableStream<Uint8Array>,
  hooks: SseReaderHooks = {},
): AsyncGenerator<EventSourceMessage, void, undefined> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({
    onEvent: (message) => pending.push(message),
    onRetry: (ms) => hooks.onRetry?.(ms),
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      hooks.onActivity?.();
      // `stream: true` keeps a multi-byte character split across two chunks whole.
      parser.feed(decoder.decode(value, { stream: true }));
      // A chunk may complete several messages: hand them all out before reading more, so none is
      // lost if the connection drops right after.
      while (pending.length > 0) yield pending.shift() as EventSourceMessage;
    }
  } finally {
    // Cancel rather than just release: an endless stream would otherwise keep its socket open.
    await reader.cancel().catch(() => undefined);
  }
}
