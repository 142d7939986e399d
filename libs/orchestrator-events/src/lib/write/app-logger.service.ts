import {
  ConsoleLogger,
  Inject,
  Injectable,
  LoggerService,
  OnApplicationShutdown,
} from '@nestjs/common';
import * as path from 'node:path';
import * as winston from 'winston';
import type DailyRotateFile from 'winston-daily-rotate-file';
import { prepareLogDirectory } from '../file/log-directory';
import { ORCH_EVENTS_OPTIONS } from '../shared/orchestrator-events.constants';
import { ResolvedOrchestratorEventsOptions } from '../options/orchestrator-events.options';

type NestLevel = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

const TO_WINSTON: Record<NestLevel, string> = {
  fatal: 'error',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'verbose',
};

/**
 * Nest's own logs (`app.useLogger(app.get(AppLogger))`): always on the console as Nest prints them,
 * and, when `LOG_FILE` is set, also as JSON lines in that file. The file is rotated daily and by size
 * by winston-daily-rotate-file; `LOG_FILE` itself is a symlink to the current file. The event log
 * stays events only.
 *
 * Nothing happens until the app uses it: the file (and winston-daily-rotate-file) is opened on the
 * first log line, so an app that keeps its own logger never gets a `LOG_FILE` symlink or audit file.
 */
@Injectable()
export class AppLogger implements LoggerService, OnApplicationShutdown {
  private readonly console = new ConsoleLogger();
  /** Opened on the first line; `null` when its directory cannot be used (the console goes on). */
  private file: winston.Logger | undefined | null;

  constructor(
    @Inject(ORCH_EVENTS_OPTIONS) private readonly options: ResolvedOrchestratorEventsOptions,
  ) {}

  private openFile(appLogFile: string): winston.Logger {
    const DailyRotate = require('winston-daily-rotate-file') as typeof DailyRotateFile;
    return winston.createLogger({
      level: 'silly',
      format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      transports: [
        new DailyRotate({
          filename: `${appLogFile}.%DATE%`,
          datePattern: 'YYYY-MM-DD',
          maxSize: '10m',
          maxFiles: 5,
          createSymlink: true,
          symlinkName: path.basename(appLogFile),
          auditFile: `${appLogFile}.audit.json`,
        }),
      ],
    });
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  onApplicationShutdown(): Promise<void> | void {
    const file = this.file;
    if (!file) return;
    // Both winston's and the transport's first 'finish' fire once the lines are handed to the file
    // stream, before its bytes reach the file: a process that exits then loses them. The file
    // stream's own 'close' (all written, fd closed) is the point to let the process go.
    const transport = file.transports[0] as unknown as {
      logStream?: { once(event: 'close', listener: () => void): void };
      once(event: 'finish', listener: () => void): void;
    };
    return new Promise((resolve) => {
      if (transport.logStream) transport.logStream.once('close', () => resolve());
      else transport.once('finish', () => resolve());
      setTimeout(resolve, 2000).unref();
      file.end();
    });
  }

  private write(level: NestLevel, message: unknown, rest: unknown[]): void {
    (this.console[level] as (m: unknown, ...r: unknown[]) => void).call(
      this.console,
      message,
      ...rest,
    );
    const appLogFile = this.options.appLogFile;
    if (appLogFile === undefined || this.file === null) return;
    if (this.file === undefined) {
      try {
        prepareLogDirectory(appLogFile, this.options.sources.appLogFile);
      } catch (err) {
        // A logger never throws into its caller: say it once on the console, which goes on.
        this.file = null;
        this.console.error((err as Error).message, 'AppLogger');
        return;
      }
      this.file = this.openFile(appLogFile);
    }
    if (!this.file.writable) return;
    // Nest passes the context as the last argument, and an error's stack before it.
    const context = typeof rest[rest.length - 1] === 'string' ? rest[rest.length - 1] : undefined;
    const stack =
      level === 'error' && typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined;
    this.file.log({
      level: TO_WINSTON[level],
      message: typeof message === 'string' ? message : JSON.stringify(message),
      context,
      stack,
    });
  }
}
