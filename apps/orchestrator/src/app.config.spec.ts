import { listenConfig } from './app.config';

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
