import { Body, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { Actor } from '../../core/actor.js';
import { Access, CurrentActor, type RequestWithActor } from '../../http/access.decorator.js';
import { SpaceService } from '../../space/space.service.js';
import { translate } from '../i18n.js';
import { PageContextService } from '../page-context.service.js';
import { sendPage, type PageContext } from '../views.js';
import { StartPageService } from './start-page.service.js';
import { parseStateForm } from './state-form.js';

type PageRequest = FastifyRequest & RequestWithActor;
type Form = Record<string, string | undefined>;

// The start page: the space's state, the next events, and for members who is in the space and
// what is new in the inventory. Members open and close the space and say they are here from it.
@ApiExcludeController()
@Controller()
export class StartPagesController {
  constructor(
    private readonly pages: PageContextService,
    private readonly start: StartPageService,
    private readonly space: SpaceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Access('public')
  async index(@Req() req: PageRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    return this.render(reply, 200, ctx, {});
  }

  @Post('space/state')
  @Access('member')
  async setState(
    @CurrentActor() actor: Actor,
    @Body() body: Form,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const parsed = parseStateForm(body ?? {});
    if (!parsed.ok) {
      const ctx = await this.pages.of(req, reply);
      const errors = Object.fromEntries(
        Object.keys(parsed.errors).map((field) =>
          field === 'open'
            ? [field, translate(ctx.lang, 'start.error.open')]
            : [field, translate(ctx.lang, 'start.error.message')],
        ),
      );
      return this.render(reply, 400, ctx, { errors, values: { message: String(body?.message ?? '').slice(0, 1000) } });
    }
    await this.space.setState(actor, { open: parsed.open, message: parsed.message });
    return reply.redirect('/', 303);
  }

  // "I am in the space" (here=yes) for the configured hours, or "I left" (here=no).
  @Post('space/presence')
  @Access('member')
  async presence(@CurrentActor() actor: Actor, @Body() body: Form, @Res() reply: FastifyReply) {
    if (body?.here === 'no') await this.space.leave(actor);
    else await this.space.arrive(actor);
    return reply.redirect('/', 303);
  }

  private async render(reply: FastifyReply, status: number, ctx: PageContext, extra: Record<string, unknown>) {
    const data = await this.start.forViewer(ctx.user);
    const { space } = this.config;
    return sendPage(
      reply,
      status,
      'start',
      ctx,
      {
        ...data,
        ...extra,
        here: ctx.user !== null && data.present.some((p) => p.id === ctx.user?.id),
        presenceHours: String(space.presenceHours),
        club: this.config.clubName,
        address: space.address ?? null,
        spaceApi: space.spaceApi,
      },
      'start.title',
      { club: this.config.clubName },
    );
  }
}
