import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { JobsModule } from '../jobs/jobs.module';
import { HealthController } from './health.controller';

@Module({
  imports: [JobsModule, AuthModule],
  controllers: [HealthController],
})
export class HealthModule {}
