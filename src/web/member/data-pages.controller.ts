import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../core/actor.js';
import { Access, CurrentActor, type RequestWithActor } from '../../http/access.decorator.js';
import { MemberExportService } from '../../members/member-export.service.js';
import { translate } from '../i18n.js';
import { PageContextService } from '../page-context.service.js';
import { sendPage } from '../views.js';

type PageRequest = FastifyRequest & RequestWithActor;

// The record's fields the page names in words; any other field shows under its own name.
const RECORD_KEYS = [
  'id',
  'username',
  'displayName',
  'firstName',
  'lastName',
  'memberNumber',
  'privateEmail',
  'language',
  'state',
  'status',
  'statusSince',
  'groups',
  'profile',
  'hasPassword',
  'createdAt',
  'updatedAt',
  'mailChoices',
  'registeredAt',
  'activatedAt',
  'exitOn',
  'erasedAt',
] as const;

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
    const labels = Object.fromEntries(RECORD_KEYS.map((k) => [k, translate(ctx.lang, `me.data.key.${k}`)]));
    const count = (key: string) => (Array.isArray(data[key]) ? data[key].length : 0);
    return sendPage(
      reply,
      200,
      'me-data',
      ctx,
      {
        member: data.member,
        labels,
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
