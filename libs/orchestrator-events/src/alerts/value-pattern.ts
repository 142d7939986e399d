/**
 * A rule's `task_id` or `event` narrowing: an exact value, or a pattern where `*` stands for any
 * run of characters (`render-*`, `*_import`). Compiled once, when the options are resolved.
 */
export type ValuePattern = (value: string | undefined) => boolean;

/** Every value, `undefined` included: the rule is not narrowed. */
export const ANY_VALUE: ValuePattern = () => true;

export function compilePattern(pattern: string | undefined): ValuePattern {
  if (pattern === undefined) return ANY_VALUE;
  if (!pattern.includes('*')) return (value) => value === pattern;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => value !== undefined && regex.test(value);
}
