import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service.js';
import { HousekeepingService } from './housekeeping.service.js';
import { RateLimitService } from './rate-limit.service.js';

@Global()
@Module({
  providers: [AuditService, RateLimitService, HousekeepingService],
  exports: [AuditService, RateLimitService, HousekeepingService],
})
export class CoreModule {}
