import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../http/access.decorator.js';
import { ZodQuery } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { OutboxService } from './outbox.service.js';
import { outboxQuerySchema, type OutboxQuery } from './outbox.schemas.js';

@ApiTags('outbox')
@Controller('api/outbox')
export class OutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Get()
  @Access('board', 'members:read')
  @ApiOperation({ summary: 'Mails sent and to be sent, newest first: state, attempts, last error' })
  @ZodQuery(outboxQuerySchema)
  list(@Query(new ZodPipe(outboxQuerySchema)) query: OutboxQuery) {
    return this.outbox.list(query);
  }
}
