/**
 * Optional peers (`ioredis`, `@nestjs/swagger`) are required only by the feature that uses them, so
 * an app that does not use Redis or OpenAPI neither installs nor loads them. Each call site passes
 * its own literal `require(...)` so bundlers (webpack in Nx apps) still see the module name.
 */

import { MissingPeerError } from './orchestrator-events.errors';

export { MissingPeerError };

/** True when `error` says that `packageName` itself (not one of its own imports) cannot be found. */
function isMissing(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === 'MODULE_NOT_FOUND' &&
    typeof message === 'string' &&
    message.startsWith(`Cannot find module '${packageName}'`)
  );
}

/** The peer, or `undefined` when it is not installed; any other load failure is thrown as is. */
export function loadOptionalPeer<T>(packageName: string, load: () => T): T | undefined {
  try {
    return load();
  } catch (error) {
    if (isMissing(error, packageName)) return undefined;
    throw error;
  }
}

/** The peer that `feature` needs; `MissingPeerError` when it is not installed. */
export function requirePeer<T>(packageName: string, feature: string, load: () => T): T {
  const peer = loadOptionalPeer(packageName, load);
  if (peer === undefined) throw new MissingPeerError(packageName, feature);
  return peer;
}
