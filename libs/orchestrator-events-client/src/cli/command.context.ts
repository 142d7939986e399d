import { Palette } from './colors';
import { LineOutput } from './cli-output';

/** What a command gets from `run()`: where to write, how to colour, when to stop. */
export interface CommandContext {
  out: LineOutput;
  /** A status line on stderr (`orch-events: …`), never mixed into the data on stdout. */
  notice(message: string): void;
  palette: Palette;
  /** Fires on Ctrl-C / SIGTERM, or when stdout's reader went away. */
  signal: AbortSignal;
}
