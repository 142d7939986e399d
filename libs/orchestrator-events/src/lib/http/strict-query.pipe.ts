import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';

/**
 * Nest's `ValidationPipe`, with unknown parameters refused: a typo in a filter must not silently
 * widen the result. Names that `Object.prototype` has (`toString`, `constructor`, `hasOwnProperty`,
 * `__proto__`, ...) are refused here, before validation: class-validator's whitelist looks names up
 * in a plain object, so it takes those for declared ones, and class-transformer would copy
 * `__proto__` onto the DTO. The 400 reads like class-validator's own.
 */
export class StrictQueryPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      stopAtFirstError: true,
      validationError: { target: false, value: false },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        if (key in Object.prototype) {
          throw new BadRequestException([`property ${key} should not exist`]);
        }
      }
    }
    return super.transform(value, metadata);
  }
}
