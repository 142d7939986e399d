import { Module } from '@nestjs/common';
import { EventsAccessGuard } from '@orchestrator/events';
import { AppToken, WriteTokenGuard } from './app-token';

/** The token check of the demo's own endpoints (see `AppToken`). */
@Module({
  // EventsAccessGuard on the core module's options (global): the events token and its comparison.
  providers: [EventsAccessGuard, AppToken, WriteTokenGuard],
  exports: [AppToken, WriteTokenGuard],
})
export class AuthModule {}
