import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { IdPipe } from '../http/id.pipe.js';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { ZodQuery } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { MemberExportService } from './member-export.service.js';
import { MemberImportService } from './member-import.service.js';
import { MEMBER_STATES } from './entities/member.entity.js';

const importQuery = z.strictObject({
  dryRun: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  encoding: z.enum(['utf-8', 'windows-1252']).optional(),
});

const exportQuery = z.strictObject({
  format: z.enum(['excel', 'rfc4180']).default('excel'),
  state: z.enum(MEMBER_STATES).optional(),
  status: z.string().max(32).optional(),
  group: z.string().max(64).optional(),
});

@ApiTags('import and export')
@Controller('api')
export class MemberTransferController {
  constructor(
    private readonly importer: MemberImportService,
    private readonly exporter: MemberExportService,
  ) {}

  @Post('members/import')
  @HttpCode(200)
  @Access('board', 'members:import')
  @ApiOperation({ summary: 'Import members from CSV; a dry run by default, the real run commits all rows or none' })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ZodQuery(importQuery)
  async import(
    @CurrentActor() actor: Actor,
    @Body() body: unknown,
    @Query(new ZodPipe(importQuery)) query: z.infer<typeof importQuery>,
  ) {
    if (!Buffer.isBuffer(body))
      throw AppError.validation([
        { field: '(body)', message: 'send the CSV file as the body with Content-Type: text/csv' },
      ]);
    const report = await this.importer.import(actor, body, query);
    // The API answers in English: the keys the import page translates by stay inside.
    return { ...report, problems: report.problems.map(({ line, field, message }) => ({ line, field, message })) };
  }

  @Get('members/export')
  @Access('board', 'members:export')
  @ApiOperation({ summary: 'Export members as CSV (excel: UTF-8 BOM and ";", rfc4180: ","); formula cells defused' })
  @ZodQuery(exportQuery)
  async export(
    @CurrentActor() actor: Actor,
    @Query(new ZodPipe(exportQuery)) query: z.infer<typeof exportQuery>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // The filter names a list of states; the query one state (passed as `state`, it was ignored).
    const { format, state, ...filter } = query;
    const { csv } = await this.exporter.csv(actor, format, { ...filter, states: state ? [state] : undefined });
    void reply.header('Content-Type', 'text/csv; charset=utf-8');
    void reply.header(
      'Content-Disposition',
      `attachment; filename="members-${new Date().toISOString().slice(0, 10)}.csv"`,
    );
    return csv;
  }

  @Get('members/:id/personal-data')
  @Access('board', 'members:export')
  @ApiOperation({ summary: "A member's complete data as JSON (GDPR Art. 15)" })
  personalData(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.exporter.personalData(actor, id);
  }

  @Get('me/personal-data')
  @Access('member')
  @ApiOperation({ summary: 'Your own complete data as JSON (GDPR Art. 15)' })
  ownData(@CurrentActor() actor: Actor) {
    return this.exporter.personalData(actor, actor.memberId ?? 0);
  }
}
