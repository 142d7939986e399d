import type * as Swagger from '@nestjs/swagger';
import { loadOptionalPeer } from '../shared/optional-peer';
import type { ParamDoc } from './events-query.rules';

/**
 * The OpenAPI decorators of `@nestjs/swagger` when the app has it installed, else decorators that do
 * nothing: the endpoints behave the same either way, only the document is missing. Apps without
 * Swagger neither install nor load it (it is an optional peer).
 */
const swagger = loadOptionalPeer(
  '@nestjs/swagger',
  () => require('@nestjs/swagger') as typeof Swagger,
);

type AnyDecorator = ClassDecorator & MethodDecorator & PropertyDecorator;
const none = (): AnyDecorator => () => undefined;

export const ApiBadRequestResponse: typeof Swagger.ApiBadRequestResponse =
  swagger?.ApiBadRequestResponse ?? none;
export const ApiBearerAuth: typeof Swagger.ApiBearerAuth = swagger?.ApiBearerAuth ?? none;
export const ApiHeader: typeof Swagger.ApiHeader = swagger?.ApiHeader ?? none;
export const ApiOkResponse: typeof Swagger.ApiOkResponse = swagger?.ApiOkResponse ?? none;
export const ApiOperation: typeof Swagger.ApiOperation = swagger?.ApiOperation ?? none;
export const ApiProduces: typeof Swagger.ApiProduces = swagger?.ApiProduces ?? none;
export const ApiProperty: typeof Swagger.ApiProperty = swagger?.ApiProperty ?? none;
export const ApiPropertyOptional: typeof Swagger.ApiPropertyOptional =
  swagger?.ApiPropertyOptional ?? none;
export const ApiTags: typeof Swagger.ApiTags = swagger?.ApiTags ?? none;
export const ApiTooManyRequestsResponse: typeof Swagger.ApiTooManyRequestsResponse =
  swagger?.ApiTooManyRequestsResponse ?? none;
export const ApiUnauthorizedResponse: typeof Swagger.ApiUnauthorizedResponse =
  swagger?.ApiUnauthorizedResponse ?? none;

/** One `@ApiQuery` per parameter: the descriptions come from the query rules (`paramDocs`). */
export function ApiQueries(params: readonly (ParamDoc & { name: string })[]): MethodDecorator {
  const api = swagger;
  if (api === undefined) return () => undefined;
  const decorators = params.map(({ name, type, enum: values, ...doc }) =>
    api.ApiQuery({
      name,
      required: false,
      type: type === 'integer' ? 'integer' : String,
      ...(values === undefined ? {} : { enum: [...values] }),
      ...doc,
    }),
  );
  return (target, key, descriptor) => {
    for (const decorate of decorators) decorate(target, key, descriptor);
  };
}
