import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isoDate, utcToLocal } from '../../calendar/time-zone.js';
import { hasRole, type Actor } from '../../core/actor.js';
import { AppError } from '../../core/app.errors.js';
import { Access, CurrentActor } from '../../http/access.decorator.js';
import { IdPipe } from '../../http/id.pipe.js';
import { MEMBER_STATES } from '../../members/entities/member.entity.js';
import { CatalogService } from '../../members/catalog.service.js';
import { ExitService } from '../../members/exit.service.js';
import { GroupsService } from '../../members/groups.service.js';
import { allowedTransitions } from '../../members/member-state.js';
import {
  decisionSchema,
  exitSchema,
  listQuerySchema,
  stateChangeSchema,
  statusChangeSchema,
  type ListQuery,
} from '../../members/members.schemas.js';
import { MembersService } from '../../members/members.service.js';
import { RegistrationService } from '../../members/registration.service.js';
import type { MemberView } from '../../members/member-view.js';
import { refusalText } from '../field-errors.js';
import { PageContextService } from '../page-context.service.js';
import type { PageContext } from '../views.js';
import {
  attempt,
  field,
  optional,
  seeOther,
  sendBoardPage,
  validate,
  type FieldErrors,
  type Form,
} from './board-forms.js';

const PAGE_SIZE = 50;

// Pure: the list's query string for another page, keeping the search and filters.
export function listHref(q: Partial<ListQuery>, page: number): string {
  const params = new URLSearchParams();
  for (const key of ['q', 'state', 'group'] as const) {
    const v = q[key];
    if (v) params.set(key, v);
  }
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `/board/members?${s}` : '/board/members';
}

// Pure: the note after a status change; the service leaves a member who has the status already as is.
export function statusDone(
  before: Pick<MemberView, 'status' | 'statusSince'>,
  after: Pick<MemberView, 'status' | 'statusSince'>,
): 'status' | 'status-unchanged' {
  return before.status === after.status && before.statusSince === after.statusSince ? 'status-unchanged' : 'status';
}

// The member list (search, filters, one page per request) and a member's page with what the
// board does to a member: state, exit, welcome mail, groups, pending changes.
@ApiExcludeController()
@Controller('board')
export class BoardMembersController {
  constructor(
    private readonly members: MembersService,
    private readonly groups: GroupsService,
    private readonly catalog: CatalogService,
    private readonly exits: ExitService,
    private readonly registration: RegistrationService,
    private readonly pages: PageContextService,
  ) {}

  // As GET /api/members: helpers see active members and search names; the board sees everyone.
  @Get('members')
  @Access('helper', 'members:read')
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const raw = {
      q: field(query, 'q') || undefined,
      state: field(query, 'state') || undefined,
      group: field(query, 'group') || undefined,
      page: field(query, 'page') || undefined,
      pageSize: PAGE_SIZE,
    };
    const checked = validate(listQuerySchema, raw, ctx.lang);
    const groups = await this.groups.list();
    const common = { values: raw, groups, states: MEMBER_STATES };
    if (!checked.ok) {
      return sendBoardPage(reply, 400, 'members', ctx, { ...common, errors: checked.errors }, 'board.members.title');
    }
    const result = await this.members.list(actor, checked.data);
    const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
    return sendBoardPage(
      reply,
      200,
      'members',
      ctx,
      {
        ...common,
        result,
        pages,
        prev: result.page > 1 ? listHref(checked.data, result.page - 1) : null,
        next: result.page < pages ? listHref(checked.data, result.page + 1) : null,
      },
      'board.members.title',
    );
  }

  @Get('members/:id')
  @Access('helper', 'members:read')
  async detail(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Query('done') done: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    return this.renderDetail(reply, 200, ctx, actor, id, { done });
  }

  @Post('members/:id/state')
  @Access('board', 'members:write')
  async state(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const input = { state: field(body, 'state'), reason: optional(body, 'reason') ?? undefined };
    const checked = validate(stateChangeSchema, input, ctx.lang);
    if (!checked.ok) {
      return this.renderDetail(reply, 400, ctx, actor, id, { errors: checked.errors, values: input });
    }
    try {
      await this.members.changeState(actor, id, checked.data.state, checked.data.reason);
    } catch (err) {
      // A step the member's state does not allow (or the last admin): said at the state field.
      if (!(err instanceof AppError && err.code === 'INVALID_STATE')) throw err;
      const errors = { state: refusalText(err, ctx.lang) };
      return this.renderDetail(reply, 409, ctx, actor, id, { errors, values: input });
    }
    return seeOther(reply, `/board/members/${id}`, `state-${checked.data.state}`);
  }

  // As POST /api/members/:id/status: the board changes the status from a day on (default today).
  @Post('members/:id/status')
  @Access('board', 'members:write')
  async status(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const values = { status: field(body, 'status').trim(), begin: field(body, 'begin').trim() };
    const ctx = await this.pages.of(req, reply);
    // An empty day is today where the club is, as the form proposes.
    const input = { status: values.status, begin: values.begin || isoDate(utcToLocal(ctx.timeZone, Date.now())) };
    const checked = validate(statusChangeSchema, input, ctx.lang);
    const before = await this.members.get(actor, id);
    const done = checked.ok
      ? await attempt(() => this.members.changeStatus(actor, id, checked.data.status, checked.data.begin), ctx.lang)
      : checked;
    if (!done.ok) return this.renderDetail(reply, 400, ctx, actor, id, { errors: done.errors, values });
    return seeOther(reply, `/board/members/${id}`, statusDone(before, done.value));
  }

  @Post('members/:id/exit')
  @Access('board', 'members:write')
  async exit(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const input = { on: field(body, 'on').trim(), reason: optional(body, 'exitReason') ?? undefined };
    const checked = validate(exitSchema, input, ctx.lang);
    if (!checked.ok) {
      const errors: FieldErrors = { on: checked.errors.on ?? '', exitReason: checked.errors.reason ?? '' };
      for (const k of Object.keys(errors)) if (!errors[k]) delete errors[k];
      return this.renderDetail(reply, 400, ctx, actor, id, {
        errors,
        values: { on: input.on, exitReason: input.reason },
      });
    }
    try {
      await this.exits.record(actor, id, checked.data.on, checked.data.reason);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'INVALID_STATE')) throw err;
      return this.renderDetail(reply, 409, ctx, actor, id, {
        errors: { on: refusalText(err, ctx.lang) },
        values: { on: input.on, exitReason: input.reason },
      });
    }
    return seeOther(reply, `/board/members/${id}`, 'exit');
  }

  @Post('members/:id/exit/undo')
  @Access('board', 'members:write')
  async undoExit(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Res() reply: FastifyReply) {
    await this.exits.undo(actor, id);
    return seeOther(reply, `/board/members/${id}`, 'exit-undone');
  }

  @Post('members/:id/welcome')
  @Access('board', 'members:write')
  async welcome(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Res() reply: FastifyReply) {
    await this.registration.resendWelcome(actor, id);
    return seeOther(reply, `/board/members/${id}`, 'welcome');
  }

  @Post('members/:id/groups')
  @Access('board', 'members:write')
  async group(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: Form,
    @Res() reply: FastifyReply,
  ) {
    const slug = field(body, 'group').trim().slice(0, 64);
    const add = field(body, 'action') !== 'remove';
    await this.members.setGroup(actor, id, slug, add);
    const back = field(body, 'back') === 'group' ? `/board/groups/${encodeURIComponent(slug)}` : `/board/members/${id}`;
    return seeOther(reply, back, add ? 'group-added' : 'group-removed');
  }

  @Post('approvals/:rid/:decision')
  @Access('board', 'members:write')
  async decide(
    @CurrentActor() actor: Actor,
    @Param('rid', IdPipe) rid: number,
    @Param('decision') decision: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const approve = decision === 'approve';
    const ctx = await this.pages.of(req, reply);
    const input = { note: optional(body, 'note') ?? undefined };
    const checked = validate(decisionSchema, input, ctx.lang);
    const memberId = Number(field(body, 'member'));
    if (!checked.ok && Number.isInteger(memberId) && memberId > 0) {
      return this.renderDetail(reply, 400, ctx, actor, memberId, {
        errors: { [`note-${rid}`]: checked.errors.note ?? '' },
        values: { [`note-${rid}`]: input.note },
      });
    }
    const revision = await this.members.decide(actor, rid, approve, checked.ok ? checked.data.note : undefined);
    return seeOther(reply, `/board/members/${revision.member.id}`, approve ? 'approved' : 'rejected');
  }

  private async renderDetail(
    reply: FastifyReply,
    status: number,
    ctx: PageContext,
    actor: Actor,
    id: number,
    extra: { done?: string; errors?: FieldErrors; values?: Record<string, string | undefined> },
  ) {
    const member = await this.members.get(actor, id);
    const board = hasRole(actor, 'board');
    const [history, approvals, groups, periods, statuses] = board
      ? await Promise.all([
          this.members.history(actor, id),
          this.members.pendingApprovals(),
          this.groups.list(),
          this.members.periods(id),
          this.catalog.statuses(),
        ])
      : [[], [], [], [], []];
    return sendBoardPage(
      reply,
      status,
      'member',
      ctx,
      {
        member,
        history: [...history].reverse(),
        approvals: approvals.filter((r) => r.member.id === id),
        groups: groups.filter((g) => !(member.groups ?? []).includes(g.slug)),
        transitions: member.state ? allowedTransitions(member.state) : [],
        periods: [...periods].reverse(),
        statuses,
        ...extra,
        // The status form proposes the current status and today (where the club is).
        values: { status: member.status ?? '', begin: isoDate(utcToLocal(ctx.timeZone, Date.now())), ...extra.values },
      },
      'board.member.title',
      { name: member.displayName },
    );
  }
}
