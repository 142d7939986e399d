import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

// A user's app as `nest new` would shape it, with the module imported from the installed package.
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.setGlobalPrefix('api/v1');
  // As the README says: on SIGTERM/SIGINT the logger writes out its queue, then the process exits 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(Number(process.env['PORT'] ?? 3000), '127.0.0.1');
  process.stdout.write('READY\n');
}

void bootstrap();
