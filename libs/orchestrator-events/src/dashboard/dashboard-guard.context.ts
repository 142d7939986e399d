import { ExecutionContext, Type } from '@nestjs/common';
import { DASHBOARD_MESSAGES as M } from './dashboard.messages';

/**
 * The `ExecutionContext` the core module's guards get for a dashboard request: an HTTP context like
 * the one Nest builds for a route (request, response), with the dashboard's class and handler
 * for metadata lookups. The page is served outside Nest's router (see `DashboardMount`), so
 * nobody else builds one.
 */
export class DashboardGuardContext implements ExecutionContext {
  constructor(
    private readonly args: [request: unknown, response: unknown],
    private readonly owner: Type<unknown>,
    private readonly handler: (...args: never[]) => unknown,
  ) {}

  getClass<T = unknown>(): Type<T> {
    return this.owner as Type<T>;
  }

  getHandler(): (...args: never[]) => unknown {
    return this.handler;
  }

  getArgs<T extends unknown[] = unknown[]>(): T {
    return this.args as unknown as T;
  }

  getArgByIndex<T = unknown>(index: number): T {
    return this.args[index] as T;
  }

  getType<T extends string = 'http'>(): T {
    return 'http' as T;
  }

  switchToHttp(): ReturnType<ExecutionContext['switchToHttp']> {
    const [request, response] = this.args;
    return {
      getRequest: <T>() => request as T,
      getResponse: <T>() => response as T,
      getNext: <T>() => undefined as T,
    };
  }

  switchToRpc(): ReturnType<ExecutionContext['switchToRpc']> {
    throw new Error(M.onlyHttp());
  }

  switchToWs(): ReturnType<ExecutionContext['switchToWs']> {
    throw new Error(M.onlyHttp());
  }
}
