import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service.js';
import { RateLimitService } from './rate-limit.service.js';

@Global()
@Module({ providers: [AuditService, RateLimitService], exports: [AuditService, RateLimitService] })
export class CoreModule {}
