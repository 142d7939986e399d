/**
 * A value made for each test of the calling `describe` (`make`, in `beforeEach`) and disposed of
 * after it (`dispose`, in `afterEach`). The function returned reads it; it throws outside a test
 * or hook, where there is none (`what` names the fixture in that error).
 */
export function perTest<T>(
  what: string,
  make: () => T | Promise<T>,
  dispose: (value: T) => void | Promise<void>,
): () => T {
  let current: { value: T } | undefined;
  beforeEach(async () => {
    current = { value: await make() };
  });
  afterEach(async () => {
    const done = current;
    current = undefined;
    if (done !== undefined) await dispose(done.value);
  });
  return () => {
    if (current === undefined) throw new Error(`${what}: read it in a test or hook`);
    return current.value;
  };
}
