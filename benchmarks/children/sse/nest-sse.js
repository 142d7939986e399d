'use strict';
/**
 * The NestJS way from its documentation: an `@Sse()` route returning one shared RxJS Subject piped
 * through `filter(e => e.task_id === q.task_id)` and `map(e => ({ data: e }))` (without `task_id`,
 * unfiltered: `map` only). The same app setup as the library's server (global prefix `api/v1`,
 * compression, the health route). Written without TypeScript decorator syntax: the decorators are
 * applied by hand, which is what the compiled code does too.
 */
require('reflect-metadata');
const { Controller, Module, Query, Sse } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Subject, filter, map } = require('rxjs');
const { recordOf, nestHealthController } = require('./index');

const name = 'NestJS @Sse() + Subject';

async function start() {
  const subject = new Subject();

  class EventsController {
    stream(q) {
      if (q.task_id === undefined) return subject.pipe(map((e) => ({ data: e })));
      return subject.pipe(
        filter((e) => e.task_id === q.task_id),
        map((e) => ({ data: e })),
      );
    }
  }
  Query()(EventsController.prototype, 'stream', 0);
  const descriptor = Object.getOwnPropertyDescriptor(EventsController.prototype, 'stream');
  Sse('stream')(EventsController.prototype, 'stream', descriptor);
  Reflect.defineMetadata('design:paramtypes', [Object], EventsController.prototype, 'stream');
  Controller('events')(EventsController);

  class BenchModule {}
  Module({ controllers: [EventsController, nestHealthController()] })(BenchModule);
  const app = await NestFactory.create(BenchModule, { logger: ['error', 'warn'] });
  app.setGlobalPrefix('api/v1');
  app.use(require('compression')());
  await app.listen(0, '127.0.0.1');
  let seq = 0;
  return {
    port: app.getHttpServer().address().port,
    path: (taskId) => `/api/v1/events/stream${taskId === undefined ? '' : `?task_id=${taskId}`}`,
    healthPath: '/api/v1/health',
    httpServer: app.getHttpServer(),
    emit: (input) => subject.next(recordOf(input, seq++)),
    close: () => app.close(),
  };
}

module.exports = { name, start };
