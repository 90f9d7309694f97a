import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../core/actor.js';
import { Access, CurrentActor, type RequestWithActor } from '../../http/access.decorator.js';
import { MemberExportService } from '../../members/member-export.service.js';
import { PageContextService } from '../page-context.service.js';
import { sendPage } from '../views.js';

type PageRequest = FastifyRequest & RequestWithActor;

// "My data" (GDPR Art. 15): the same export as GET /api/me/personal-data, as a page that says
// what is kept and as a JSON download. Each look is on record, as every export is.
@ApiExcludeController()
@Controller('me')
export class DataPagesController {
  constructor(
    private readonly exporter: MemberExportService,
    private readonly pages: PageContextService,
  ) {}

  @Get('data')
  @Access('member')
  async page(@CurrentActor() actor: Actor, @Req() req: PageRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    const data = await this.exporter.personalData(actor, actor.memberId ?? 0);
    const count = (key: string) => (Array.isArray(data[key]) ? data[key].length : 0);
    return sendPage(
      reply,
      200,
      'me-data',
      ctx,
      {
        member: data.member,
        periods: data.membershipPeriods,
        counts: { revisions: count('revisions'), sessions: count('sessions'), auditLog: count('auditLog') },
      },
      'me.data.title',
    );
  }

  @Get('data.json')
  @Access('member')
  async download(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const data = await this.exporter.personalData(actor, actor.memberId ?? 0);
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .header('Content-Type', 'application/json; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="my-data-${day}.json"`)
      .header('Cache-Control', 'no-store')
      .send(JSON.stringify(data, null, 2));
  }
}
