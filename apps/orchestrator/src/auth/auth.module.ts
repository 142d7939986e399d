import { Module } from '@nestjs/common';
import { AppToken, WriteTokenGuard } from './app-token';

/** The token check of the demo's own endpoints (see `AppToken`). */
@Module({
  providers: [AppToken, WriteTokenGuard],
  exports: [AppToken, WriteTokenGuard],
})
export class AuthModule {}
