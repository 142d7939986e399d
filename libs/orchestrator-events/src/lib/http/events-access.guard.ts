import { CanActivate, ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { ORCH_EVENTS_OPTIONS } from '../shared/orchestrator-events.constants';
import { ResolvedOrchestratorEventsOptions } from '../options/orchestrator-events.options';
import { EventsTokenRequiredException, QueryTooLongException } from './events-http.exceptions';
import { searchOf } from './events-query.rules';

/** Longest query string accepted: filters are short, anything longer is abuse or a mistake. */
export const MAX_QUERY_STRING = 4096;

/**
 * Guards both event endpoints: refuses oversized query strings (414) and, when `ORCH_EVENTS_TOKEN`
 * is set, requires it as `Authorization: Bearer <token>` or `?access_token=` (a browser
 * `EventSource` cannot send headers). Compared in constant time on SHA-256 digests, so neither the
 * content nor the length of the token leaks through timing. The token is never echoed.
 */
@Injectable()
export class EventsAccessGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(ORCH_EVENTS_OPTIONS) options: ResolvedOrchestratorEventsOptions) {
    this.expected = options.token === undefined ? undefined : digest(options.token);
  }

  /** Whether a token is configured (`ORCH_EVENTS_TOKEN` / `token`); without one every request passes. */
  get required(): boolean {
    return this.expected !== undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<IncomingMessage>();
    const url = req.url ?? '';
    // Read from the URL itself, as the query rules do: the same under Express and Fastify.
    const tokens = new URLSearchParams(searchOf(url)).getAll('access_token');
    const refusal = this.refusal(
      url,
      req.headers.authorization,
      tokens.length === 1 ? tokens[0] : undefined,
    );
    if (refusal) throw refusal;
    return true;
  }

  /**
   * Why a request with this URL, `Authorization` header and `access_token` parameter is refused
   * (414 or 401), or `undefined` when it may pass.
   */
  refusal(
    url: string,
    authorization: string | undefined,
    accessToken: unknown,
  ): HttpException | undefined {
    const q = url.indexOf('?');
    if (q !== -1 && url.length - q - 1 > MAX_QUERY_STRING) {
      return new QueryTooLongException(MAX_QUERY_STRING);
    }
    if (this.expected === undefined) return undefined;
    const given = bearer(authorization) ?? queryToken(accessToken);
    if (given === undefined || !timingSafeEqual(digest(given), this.expected)) {
      return new EventsTokenRequiredException();
    }
    return undefined;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function queryToken(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
