import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { ZodQuery } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { InventoryTransferService } from './inventory-transfer.service.js';
import { LoansService } from './loans.service.js';

const importQuery = z.strictObject({
  dryRun: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  encoding: z.enum(['utf-8', 'windows-1252']).optional(),
});

const exportQuery = z.strictObject({
  format: z.enum(['excel', 'rfc4180']).default('excel'),
  includeArchived: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

const loansQuery = z.strictObject({
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

@ApiTags('inventory')
@Controller('api')
export class InventoryController {
  constructor(
    private readonly loans: LoansService,
    private readonly transfer: InventoryTransferService,
  ) {}

  @Get('me/loans')
  @Access('member', 'inventory:read')
  @ApiOperation({ summary: 'What you have borrowed, newest first' })
  @ZodQuery(loansQuery)
  mine(@CurrentActor() actor: Actor, @Query(new ZodPipe(loansQuery)) query: z.infer<typeof loansQuery>) {
    return this.loans.loans({ borrowerId: actor.memberId ?? 0, open: query.open });
  }

  @Get('loans')
  @Access('helper', 'inventory:read')
  @ApiOperation({ summary: 'All loans, newest first (at most 1000)' })
  @ZodQuery(loansQuery)
  all(@Query(new ZodPipe(loansQuery)) query: z.infer<typeof loansQuery>) {
    return this.loans.loans({ open: query.open });
  }

  @Get('inventory/overdue')
  @Access('board', 'inventory:read')
  @ApiOperation({ summary: 'Loans past their return date, and things lent to the club past theirs' })
  overdue() {
    return this.loans.overdue();
  }

  @Post('inventory/import')
  @HttpCode(200)
  @Access('board', 'inventory:write')
  @ApiOperation({ summary: 'Import things from CSV; a dry run by default, the real run commits all rows or none' })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ZodQuery(importQuery)
  import(
    @CurrentActor() actor: Actor,
    @Body() body: unknown,
    @Query(new ZodPipe(importQuery)) query: z.infer<typeof importQuery>,
  ) {
    if (!Buffer.isBuffer(body)) {
      throw AppError.validation([
        { field: '(body)', message: 'send the CSV file as the body with Content-Type: text/csv' },
      ]);
    }
    return this.transfer.import(actor, body, query);
  }

  @Get('inventory/export')
  @Access('helper', 'inventory:read')
  @ApiOperation({ summary: 'Export things as CSV (excel: UTF-8 BOM and ";", rfc4180: ","); imports back unchanged' })
  @ZodQuery(exportQuery)
  async export(
    @CurrentActor() actor: Actor,
    @Query(new ZodPipe(exportQuery)) query: z.infer<typeof exportQuery>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const csv = await this.transfer.export(actor, query.format, query.includeArchived);
    void reply.header('Content-Type', 'text/csv; charset=utf-8');
    void reply.header(
      'Content-Disposition',
      `attachment; filename="inventory-${new Date().toISOString().slice(0, 10)}.csv"`,
    );
    return csv;
  }
}
