import { MESSAGES } from './orchestrator-events.messages';

/**
 * A bad setting, at startup: the message names the setting (the environment variable, or
 * `option <name>`), the value and what is allowed; with several bad settings, all of them.
 */
export class OrchestratorEventsConfigError extends Error {
  /** One line per bad setting. */
  readonly problems: readonly string[];

  constructor(setting: string, value: unknown, allowed: string);
  constructor(problems: readonly string[]);
  constructor(settingOrProblems: string | readonly string[], value?: unknown, allowed?: string) {
    const problems =
      typeof settingOrProblems === 'string'
        ? [MESSAGES.invalidSetting(settingOrProblems, value, allowed ?? '')]
        : settingOrProblems;
    super(problems.length === 1 ? problems[0] : MESSAGES.invalidSettings(problems));
    this.problems = problems;
    this.name = 'OrchestratorEventsConfigError';
  }
}

/** Another process (or this one) already writes the event log. */
export class LogFileLockedError extends Error {
  constructor(
    /** The event log's real path. */
    readonly file: string,
    /** The holder's pid, when it answered. */
    readonly holderPid: number | undefined,
  ) {
    super(MESSAGES.logFileLocked(file, holderPid));
    this.name = 'LogFileLockedError';
  }
}

/** A configured feature whose optional peer is not installed: the message names the package. */
export class MissingPeerError extends Error {
  constructor(
    /** The npm package to install. */
    readonly packageName: string,
    feature: string,
  ) {
    super(MESSAGES.missingPeer(packageName, feature));
    this.name = 'MissingPeerError';
  }
}

/** Every id up to `MAX_EVENT_ID_MS` is used: the clock is (or was, before a restart) that far ahead. */
export class EventIdsExhaustedError extends Error {
  constructor() {
    super(MESSAGES.eventIdsExhausted());
    this.name = 'EventIdsExhaustedError';
  }
}
