import {
  ConsoleLogger,
  Inject,
  Injectable,
  LoggerService,
  OnApplicationShutdown,
} from '@nestjs/common';
import * as path from 'node:path';
import * as winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
import { ORCH_EVENTS_OPTIONS } from './orchestrator-events.constants';
import { ResolvedOrchestratorEventsOptions } from './orchestrator-events.options';

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
 */
@Injectable()
export class AppLogger implements LoggerService, OnApplicationShutdown {
  private readonly console = new ConsoleLogger();
  private readonly file: winston.Logger | undefined;

  constructor(@Inject(ORCH_EVENTS_OPTIONS) options: ResolvedOrchestratorEventsOptions) {
    if (options.appLogFile === undefined) return;
    this.file = winston.createLogger({
      level: 'silly',
      format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      transports: [
        new DailyRotateFile({
          filename: `${options.appLogFile}.%DATE%`,
          datePattern: 'YYYY-MM-DD',
          maxSize: '10m',
          maxFiles: 5,
          createSymlink: true,
          symlinkName: path.basename(options.appLogFile),
          auditFile: `${options.appLogFile}.audit.json`,
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
    // winston's 'finish' fires before the transport's bytes are flushed; the transport's own
    // 'finish' is the later, safer point to let the process go.
    return new Promise((resolve) => {
      const transport = file.transports[0];
      transport.once('finish', () => resolve());
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
    if (!this.file || !this.file.writable) return;
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
