import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole, type Actor } from '../../core/actor.js';
import { AppError } from '../../core/app.errors.js';
import { Access, CurrentActor } from '../../http/access.decorator.js';
import { ZodPipe } from '../../http/zod.pipe.js';
import { LoansService } from '../../inventory/loans.service.js';
import { MEMBER_STATES, type MemberState } from '../../members/entities/member.entity.js';
import { ExitService } from '../../members/exit.service.js';
import { MemberExportService } from '../../members/member-export.service.js';
import { MembersService } from '../../members/members.service.js';
import { SyncEngine, type DryRun } from '../../sync/sync-engine.service.js';
import { SyncStatusService } from '../../sync/sync-status.service.js';
import { targetNameSchema } from '../../sync/sync.schemas.js';
import { PageContextService } from '../page-context.service.js';
import { field, seeOther, sendBoardPage, type Form } from './board-forms.js';

// Dashboard, exports and sync status: what the board checks first, each with a link to act.
@ApiExcludeController()
@Controller('board')
export class BoardPagesController {
  constructor(
    private readonly members: MembersService,
    private readonly exits: ExitService,
    private readonly exporter: MemberExportService,
    private readonly loans: LoansService,
    private readonly sync: SyncStatusService,
    private readonly engine: SyncEngine,
    private readonly pages: PageContextService,
  ) {}

  // Helpers see the links open to them; the lists are the board's (as their API routes are).
  @Get()
  @Access('helper')
  async dashboard(@CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    if (!hasRole(actor, 'board')) return sendBoardPage(reply, 200, 'dashboard', ctx, {}, 'board.dashboard.title');
    const [registrations, approvals, exits, targets, overdue] = await Promise.all([
      this.members.list(actor, { state: 'registered', page: 1, pageSize: 50 }),
      this.members.pendingApprovals(),
      this.exits.upcoming(),
      this.sync.status(),
      this.loans.overdue(),
    ]);
    return sendBoardPage(
      reply,
      200,
      'dashboard',
      ctx,
      {
        registrations,
        approvals: approvals.map((r) => ({
          id: r.id,
          memberId: r.member.id,
          member: r.member.displayName,
          fields: r.changes.map((c) => c.field).join(', '),
          createdAt: r.createdAt,
        })),
        exits,
        failing: targets.filter((s) => s.health === 'failing' || s.health === 'degraded'),
        overdue,
      },
      'board.dashboard.title',
    );
  }

  @Get('exports')
  @Access('helper')
  async exports(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    return sendBoardPage(reply, 200, 'exports', ctx, {}, 'board.exports.title');
  }

  // The member export as a download; an empty choice means "all" (a GET form always sends it).
  @Get('exports/members.csv')
  @Access('board', 'members:export')
  async memberExport(@CurrentActor() actor: Actor, @Query() query: Form, @Res() reply: FastifyReply) {
    const state = field(query, 'state');
    const format = field(query, 'format') === 'rfc4180' ? 'rfc4180' : 'excel';
    const filter = (MEMBER_STATES as readonly string[]).includes(state) ? { states: [state as MemberState] } : {};
    const { csv } = await this.exporter.csv(actor, format, filter);
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="members-${new Date().toISOString().slice(0, 10)}.csv"`)
      .send(csv);
  }

  @Get('sync')
  @Access('board', 'sync:read')
  async syncStatus(
    @Query('done') done: string | undefined,
    @Query('plan') askedPlan: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const targets = await this.sync.status();
    const withDetails = await Promise.all(
      targets.map(async (t) => {
        const runs = await this.sync.runs(t.target, 10);
        // A failing target would hold the page up to its client's timeout: its dry run only on
        // request (`?plan=<target>`).
        if (t.health === 'failing' && askedPlan !== t.target) {
          return { ...t, plan: null, planError: null, planSkipped: true, runs };
        }
        // The dry run asks the target: when it is down, say so instead of failing the page.
        let plan: DryRun | null = null;
        let planError: string | null = null;
        try {
          plan = await this.engine.plan(t.target);
        } catch (err) {
          planError = err instanceof Error ? err.message : String(err);
        }
        return { ...t, plan, planError, planSkipped: false, runs };
      }),
    );
    return sendBoardPage(reply, 200, 'sync', ctx, { targets: withDetails, done }, 'board.sync.title');
  }

  @Post('sync/:target/run')
  @Access('board', 'sync:write')
  async runNow(@Param('target', new ZodPipe(targetNameSchema)) target: string, @Res() reply: FastifyReply) {
    try {
      const result = await this.engine.run(target, 'manual');
      return seeOther(reply, '/board/sync', `sync-${result.status}`);
    } catch (err) {
      if (err instanceof AppError && err.code === 'CONFLICT') return seeOther(reply, '/board/sync', 'sync-busy');
      throw err;
    }
  }
}
