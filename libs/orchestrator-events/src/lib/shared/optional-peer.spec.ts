import { loadOptionalPeer, MissingPeerError, requirePeer } from './optional-peer';

// Real `require` calls: the missing package is really missing from node_modules.
describe('optional peers', () => {
  it('is undefined when the package is not installed, the package when it is', () => {
    expect(
      loadOptionalPeer('orch-events-not-installed', () => require('orch-events-not-installed')),
    ).toBeUndefined();
    expect(loadOptionalPeer('rxjs', () => require('rxjs'))).toHaveProperty('Observable');
  });

  it('names the package to install when a configured feature needs it', () => {
    const load = () =>
      requirePeer('orch-events-not-installed', 'The frobnicator (FROB_URL)', () =>
        require('orch-events-not-installed'),
      );
    expect(load).toThrow(MissingPeerError);
    expect(load).toThrow(
      'The frobnicator (FROB_URL) needs the optional package "orch-events-not-installed", which ' +
        'is not installed: run `npm install orch-events-not-installed` in your app.',
    );
  });

  it('does not hide an installed package that fails to load (its own import missing, or a throw)', () => {
    const brokenInside = () => {
      // What a peer whose own dependency is missing throws: not the peer's name.
      require('orch-events-not-installed/inner');
    };
    expect(() => loadOptionalPeer('ioredis', brokenInside)).toThrow(/Cannot find module/);
    expect(() =>
      loadOptionalPeer('ioredis', () => {
        throw new TypeError('bad build');
      }),
    ).toThrow('bad build');
  });
});
