import { BadRequestException, PipeTransform } from '@nestjs/common';
import { JOBS_MESSAGES } from './jobs.messages';

/**
 * Lets only a JSON object through to validation; anything else is a 400 "body must be a JSON
 * object", the same words for every kind. It runs before `ValidationPipe`, which would answer an
 * array with its own "Validation failed (object is expected)" and let null and plain values through.
 * A request with no body at all arrives here as `{}` (`emptyBodyAsObject`).
 */
export class JsonObjectPipe implements PipeTransform<unknown, object> {
  transform(value: unknown): object {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new BadRequestException([JOBS_MESSAGES.bodyNotObject]);
    }
    return value;
  }
}
