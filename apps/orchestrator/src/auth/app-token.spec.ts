import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { EventsAccessGuard } from '@orchestrator/events';
import { AppToken, WriteTokenGuard } from './app-token';

const TOKEN = 'unit-token-0123456789';
const tokenFor = (token: string | undefined) =>
  new AppToken(
    new EventsAccessGuard({ token } as ConstructorParameters<typeof EventsAccessGuard>[0]),
  );
const contextWith = (headers: Record<string, string>) =>
  ({
    switchToHttp: () => ({ getRequest: () => ({ headers, url: '/api/v1/jobs' }) }),
  }) as unknown as ExecutionContext;

describe('AppToken', () => {
  it('is open without a configured token', () => {
    expect(tokenFor(undefined).check(undefined)).toBe('open');
    expect(tokenFor(undefined).check('Bearer anything')).toBe('open');
  });

  it('takes only Authorization: Bearer <token>', () => {
    const token = tokenFor(TOKEN);
    expect(token.check(`Bearer ${TOKEN}`)).toBe('valid');
    expect(token.check(`bearer  ${TOKEN} `)).toBe('valid');
    expect(token.check(undefined)).toBe('absent');
    expect(token.check(TOKEN)).toBe('invalid');
    expect(token.check(`Bearer ${TOKEN}x`)).toBe('invalid');
    expect(token.check('Basic dXNlcjpwYXNz')).toBe('invalid');
  });

  it('refuses without echoing the token', () => {
    const refusal = AppToken.refusal();
    expect(refusal).toBeInstanceOf(UnauthorizedException);
    expect(JSON.stringify(refusal.getResponse())).toContain('Authorization: Bearer <token>');
  });
});

describe('WriteTokenGuard', () => {
  it('lets everything through without a configured token', () => {
    expect(new WriteTokenGuard(tokenFor(undefined)).canActivate(contextWith({}))).toBe(true);
  });

  it('needs the token when one is configured', () => {
    const guard = new WriteTokenGuard(tokenFor(TOKEN));
    expect(() => guard.canActivate(contextWith({}))).toThrow(UnauthorizedException);
    expect(() => guard.canActivate(contextWith({ authorization: 'Bearer nope' }))).toThrow(
      UnauthorizedException,
    );
    expect(guard.canActivate(contextWith({ authorization: `Bearer ${TOKEN}` }))).toBe(true);
  });
});
