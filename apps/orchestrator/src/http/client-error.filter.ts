import { ArgumentsHost, Catch, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';

/** What body-parser (through http-errors) passes on: a status, and `expose` for a safe message. */
interface HttpErrorLike extends Error {
  statusCode: number;
  expose?: boolean;
  type?: string;
  limit?: number;
}

/**
 * Answers the client errors raised before any route runs (body too large, aborted upload, bad
 * charset, JSON nested too deep: errors in the http-errors form) as plain JSON, like any other
 * refusal: `{ statusCode, message: [..], error }`, and without logging them. Nest answers those with
 * their status too, but logs each as an ERROR with its stack trace, so any client could fill the log.
 * Everything else goes to Nest's own handling (server errors are still logged).
 */
@Catch()
export class ClientErrorFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (!isClientHttpError(exception) || host.getType() !== 'http') {
      return super.catch(exception, host);
    }
    const status = exception.statusCode;
    const message =
      exception.type === 'entity.too.large' && typeof exception.limit === 'number'
        ? `request body must be at most ${exception.limit} bytes`
        : exception.message;
    const response = host.switchToHttp().getResponse();
    const adapter = this.applicationRef ?? this.httpAdapterHost?.httpAdapter;
    if (adapter === undefined) return super.catch(exception, host);
    if (adapter.isHeadersSent(response)) {
      adapter.end(response);
      return;
    }
    const body = { statusCode: status, message: [message], error: STATUS_CODES[status] };
    adapter.reply(response, body, status);
  }
}

/** A 4xx from http-errors whose message may be shown (`expose`), not one of Nest's exceptions. */
function isClientHttpError(err: unknown): err is HttpErrorLike {
  if (!(err instanceof Error)) return false;
  const { statusCode, expose } = err as Partial<HttpErrorLike>;
  return (
    typeof statusCode === 'number' &&
    statusCode >= HttpStatus.BAD_REQUEST &&
    statusCode < HttpStatus.INTERNAL_SERVER_ERROR &&
    expose === true
  );
}
