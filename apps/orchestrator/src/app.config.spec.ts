import { isLoopback, listenConfig } from './app.config';

describe('listenConfig', () => {
  it('defaults to 127.0.0.1:3000', () => {
    expect(listenConfig({})).toEqual({ host: '127.0.0.1', port: 3000 });
  });

  it('reads HOST and PORT', () => {
    expect(listenConfig({ HOST: '0.0.0.0', PORT: '8080' })).toEqual({
      host: '0.0.0.0',
      port: 8080,
    });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT="abc".*0 to 65535/],
    [{ PORT: '70000' }, /PORT="70000"/],
    [{ HOST: 'bad host!' }, /HOST="bad host!"/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => listenConfig(env)).toThrow(message);
  });
});

describe('isLoopback', () => {
  it('tells loopback from reachable addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.5', '::', 'example.org'].some(isLoopback)).toBe(false);
  });
});
