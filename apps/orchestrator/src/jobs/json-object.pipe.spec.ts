import { BadRequestException } from '@nestjs/common';
import { JsonObjectPipe } from './json-object.pipe';

describe('JsonObjectPipe', () => {
  const pipe = new JsonObjectPipe();

  it.each([null, undefined, [], [{ steps: 1 }], 'steps', 5, true])(
    'refuses %j with a 400 "body must be a JSON object"',
    (value) => {
      let thrown: unknown;
      try {
        pipe.transform(value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BadRequestException);
      expect((thrown as BadRequestException).getResponse()).toEqual({
        statusCode: 400,
        message: ['body must be a JSON object'],
        error: 'Bad Request',
      });
    },
  );

  it('passes an object as it is, the empty one included', () => {
    const body = { steps: 2 };
    expect(pipe.transform(body)).toBe(body);
    expect(pipe.transform({})).toEqual({});
  });
});
