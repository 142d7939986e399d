import { CliCommand, parseCliArgs, UsageError } from './cli-args';
import { OutputStream, LineOutput } from './cli-output';
import { ANSI, PLAIN, shouldColor } from './colors';
import { CommandContext } from './command.context';
import { errorMessage } from './error-message';
import { USAGE } from './usage';
import { cliVersion } from './version';

/** The process around the CLI, passed in so tests can run it in-process with captures. */
export interface CliIo {
  stdout: OutputStream;
  stderr: { write(chunk: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** Fires on Ctrl-C / SIGTERM: the command stops and `run` resolves 0. */
  signal?: AbortSignal;
}

/**
 * Runs `orch-events <argv>` and resolves its exit code: 0 done (or stopped), 1 a runtime error
 * (unreachable, 401, bad filter…), 2 bad usage. Errors are one line on stderr, never a stack.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let cmd: CliCommand;
  try {
    cmd = parseCliArgs(argv, io.env);
  } catch (error) {
    io.stderr.write(`orch-events: ${errorMessage(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
  if (cmd.command === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  if (cmd.command === 'version') {
    io.stdout.write(`${cliVersion()}\n`);
    return 0;
  }

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  io.signal?.addEventListener('abort', onAbort, { once: true });
  const ctx: CommandContext = {
    // A reader that went away (`| head`) ends the command like Ctrl-C does.
    out: new LineOutput(io.stdout, onAbort),
    notice: (message) => io.stderr.write(`orch-events: ${message}\n`),
    palette: shouldColor(io.env, io.stdout.isTTY === true, cmd.forceColor) ? ANSI : PLAIN,
    signal: stop.signal,
  };
  try {
    // Loaded here, not at the top: `--help` and `--version` start without the HTTP client.
    if (cmd.command === 'query') await (await import('./query.command')).queryCommand(cmd, ctx);
    else if (cmd.command === 'runs') await (await import('./runs.command')).runsCommand(cmd, ctx);
    else if (cmd.file !== undefined) {
      await (await import('./tail-file.command')).tailFile({ ...cmd, file: cmd.file }, ctx);
    } else await (await import('./tail-server.command')).tailServer(cmd, ctx);
    return 0;
  } catch (error) {
    if (stop.signal.aborted) return 0;
    io.stderr.write(`orch-events: ${errorMessage(error, 'url' in cmd ? cmd.url : undefined)}\n`);
    return 1;
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
  }
}
