import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { EventsAccessGuard } from '@orchestrator/events';
import { IncomingMessage } from 'node:http';

/** How a request stands against `ORCH_EVENTS_TOKEN`. */
export type TokenCheck =
  /** No token is configured: everything is open, as without this check. */
  | 'open'
  /** `Authorization: Bearer <the token>`. */
  | 'valid'
  /** No `Authorization` header. */
  | 'absent'
  /** An `Authorization` header that is not `Bearer <the token>`. */
  | 'invalid';

/**
 * The demo app's own endpoints against the events token (`ORCH_EVENTS_TOKEN`): the same token and
 * the same constant-time comparison as the event endpoints (the library's `EventsAccessGuard` does
 * the comparing), but as a header only. The `access_token` query parameter exists for the browser's
 * EventSource, which cannot send headers; a POST or a probe can, and a token in a URL ends up in
 * proxy logs and browser history.
 */
@Injectable()
export class AppToken {
  readonly required: boolean;

  constructor(private readonly events: EventsAccessGuard) {
    this.required = events.required;
  }

  check(authorization: string | undefined): TokenCheck {
    if (!this.required) return 'open';
    if (authorization === undefined) return 'absent';
    // An empty URL: only the token is checked here, never the query string's length.
    return this.events.refusal('', authorization, undefined) === undefined ? 'valid' : 'invalid';
  }

  /** The 401 for a request without the token; the token is never echoed. */
  static refusal(): UnauthorizedException {
    return new UnauthorizedException([
      'a valid token is required: Authorization: Bearer <token> (ORCH_EVENTS_TOKEN)',
    ]);
  }
}

/** Guards the demo's write endpoints: with `ORCH_EVENTS_TOKEN` set, they need the token too. */
@Injectable()
export class WriteTokenGuard implements CanActivate {
  constructor(private readonly token: AppToken) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<IncomingMessage>();
    const check = this.token.check(req.headers.authorization);
    if (check === 'absent' || check === 'invalid') throw AppToken.refusal();
    return true;
  }
}
