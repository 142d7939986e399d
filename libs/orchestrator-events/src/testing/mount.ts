import { execFileSync } from 'node:child_process';

/**
 * Runs `mount` with `args`; returns undefined once mounted, or why it could not be (not root, no
 * permission in this container). Under CI (`CI=true`) a refusal is an error: the test must run there.
 */
export function mount(args: string[]): string | undefined {
  try {
    execFileSync('mount', args, { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    const reason = String((error as { stderr?: Buffer }).stderr ?? error).trim();
    if (process.env['CI'] === 'true')
      throw new Error(`mount ${args.join(' ')} refused under CI: ${reason}`);
    return reason;
  }
}

/** Unmounts `target`, lazily: a file still open there does not keep the test from cleaning up. */
export function unmount(target: string): void {
  execFileSync('umount', ['-l', target], { stdio: 'pipe' });
}
