/** ANSI styling, or none: every function returns its text unchanged when colours are off. */
export interface Palette {
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) =>
  `\u001b[${open}m${text}\u001b[${close}m`;

export const ANSI: Palette = {
  dim: wrap(2, 22),
  bold: wrap(1, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
};

const same = (text: string) => text;

export const PLAIN: Palette = {
  dim: same,
  bold: same,
  red: same,
  green: same,
  yellow: same,
  cyan: same,
};

/**
 * Whether to colour: `--color` forces it; otherwise never with NO_COLOR set (https://no-color.org:
 * any non-empty value) or TERM=dumb; FORCE_COLOR (not "0") turns it on; else only on a terminal,
 * so piped output carries no escape codes.
 */
export function shouldColor(
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
  forced = false,
): boolean {
  if (forced) return true;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return isTTY;
}
