import { OrchestratorEventsConfigError } from '../shared/orchestrator-events.errors';
import { MESSAGES } from '../shared/orchestrator-events.messages';
import { Read } from './option-readers';

/**
 * Every bad setting of one module's options, so that its start-up error lists them all (the
 * core's style, which each opt-in module follows): read each setting through it, then call
 * `throwIfAny()` once.
 */
export class OptionProblems {
  private readonly problems: string[] = [];

  /** Notes a bad value: `setting` is the variable or `<module> option <name>`. */
  add(setting: string, value: unknown, allowed: string): void {
    this.problems.push(MESSAGES.invalidSetting(setting, value, allowed));
  }

  /**
   * What `reader` makes of `value`; `fallback` when it is unset, or (noting the problem) when it
   * is bad. `shown` replaces the value in the message (secrets).
   */
  read<T>(
    setting: string,
    value: unknown,
    fallback: T,
    reader: (value: unknown) => Read<T>,
    shown: unknown = value,
  ): T {
    if (value === undefined) return fallback;
    const read = reader(value);
    if (read.ok) return read.value;
    this.add(setting, shown, read.allowed);
    return fallback;
  }

  /** One `OrchestratorEventsConfigError` naming every bad setting, when there is one. */
  throwIfAny(): void {
    if (this.problems.length > 0) throw new OrchestratorEventsConfigError(this.problems);
  }
}
