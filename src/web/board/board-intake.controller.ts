import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../core/actor.js';
import { Access, CurrentActor } from '../../http/access.decorator.js';
import { GroupsService } from '../../members/groups.service.js';
import { MemberIntakeService } from '../../members/member-intake.service.js';
import { groupSchema, intakeSchema } from '../../members/members.schemas.js';
import { MembersService } from '../../members/members.service.js';
import { translate } from '../i18n.js';
import { PageContextService } from '../page-context.service.js';
import { attempt, field, optional, seeOther, sendBoardPage, validate, type Form } from './board-forms.js';

const GROUP_PAGE = 200;

// Taking a member in (the welcome mail goes out as through the API) and the groups.
@ApiExcludeController()
@Controller('board')
export class BoardIntakeController {
  constructor(
    private readonly intake: MemberIntakeService,
    private readonly members: MembersService,
    private readonly groups: GroupsService,
    private readonly pages: PageContextService,
  ) {}

  @Get('intake')
  @Access('board', 'members:write')
  async intakeForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    return sendBoardPage(reply, 200, 'intake', ctx, { values: { sendWelcome: true } }, 'board.intake.title');
  }

  @Post('intake')
  @Access('board', 'members:write')
  async intakePost(
    @CurrentActor() actor: Actor,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const values = {
      firstName: field(body, 'firstName'),
      lastName: field(body, 'lastName'),
      memberNumber: field(body, 'memberNumber'),
      privateEmail: field(body, 'privateEmail'),
      language: field(body, 'language'),
      sendWelcome: field(body, 'sendWelcome') === 'on',
    };
    const input = {
      firstName: values.firstName,
      lastName: values.lastName,
      memberNumber: optional(body, 'memberNumber'),
      privateEmail: optional(body, 'privateEmail'),
      language: optional(body, 'language'),
    };
    const ctx = await this.pages.of(req, reply);
    const again = (errors: Record<string, string>) =>
      sendBoardPage(reply, 400, 'intake', ctx, { values, errors }, 'board.intake.title');
    const checked = validate(intakeSchema, input, ctx.lang);
    if (!checked.ok) return again(checked.errors);
    const done = await attempt(
      () => this.intake.intake(actor, checked.data, { welcome: values.sendWelcome }),
      ctx.lang,
    );
    if (!done.ok) return again(done.errors);
    return seeOther(
      reply,
      `/board/members/${done.value.id}`,
      values.sendWelcome && input.privateEmail ? 'intake-welcome' : 'intake',
    );
  }

  @Get('groups')
  @Access('helper', 'members:read')
  async groupList(@Query('done') done: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    return sendBoardPage(
      reply,
      200,
      'groups',
      ctx,
      { groups: await this.groups.list(), values: {}, done },
      'board.groups.title',
    );
  }

  @Post('groups')
  @Access('board', 'members:write')
  async createGroup(
    @CurrentActor() actor: Actor,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const values = { slug: field(body, 'slug'), name: field(body, 'name'), description: field(body, 'description') };
    const input = { slug: values.slug, name: values.name, description: optional(body, 'description') };
    const ctx = await this.pages.of(req, reply);
    const again = async (errors: Record<string, string>) =>
      sendBoardPage(
        reply,
        400,
        'groups',
        ctx,
        { groups: await this.groups.list(), values, errors },
        'board.groups.title',
      );
    const checked = validate(groupSchema, input, ctx.lang);
    if (!checked.ok) return again(checked.errors);
    const done = await attempt(() => this.groups.create(actor, checked.data), ctx.lang);
    if (!done.ok) return again(done.errors);
    return seeOther(reply, `/board/groups/${encodeURIComponent(done.value.slug)}`, 'group-created');
  }

  // The group's members: one page of the member query filtered by the group.
  @Get('groups/:slug')
  @Access('helper', 'members:read')
  async group(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Query() query: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const group = (await this.groups.list()).find((g) => g.slug === slug);
    if (!group) {
      return sendBoardPage(
        reply,
        404,
        'groups',
        ctx,
        { groups: [], values: {}, missing: translate(ctx.lang, 'board.groups.missing', { slug }) },
        'board.groups.title',
      );
    }
    const members = await this.members.list(actor, { group: slug, page: 1, pageSize: GROUP_PAGE });
    return sendBoardPage(
      reply,
      200,
      'group',
      ctx,
      { group, members, done: field(query, 'done'), values: { username: field(query, 'username') } },
      'board.group.title',
      { name: group.name },
    );
  }

  // Adds a member by username (the board knows the name, not the number in the database).
  @Post('groups/:slug/members')
  @Access('board', 'members:write')
  async addToGroup(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const username = field(body, 'username').trim().toLowerCase().slice(0, 64);
    const found = username
      ? (await this.members.list(actor, { q: username, page: 1, pageSize: 20 })).items.find(
          (m) => m.username === username,
        )
      : undefined;
    if (!found) {
      const ctx = await this.pages.of(req, reply);
      const group = (await this.groups.list()).find((g) => g.slug === slug);
      if (!group) return seeOther(reply, '/board/groups');
      const members = await this.members.list(actor, { group: slug, page: 1, pageSize: GROUP_PAGE });
      return sendBoardPage(
        reply,
        400,
        'group',
        ctx,
        {
          group,
          members,
          values: { username: field(body, 'username') },
          errors: { username: translate(ctx.lang, 'board.group.nouser') },
        },
        'board.group.title',
        { name: group.name },
      );
    }
    await this.members.setGroup(actor, found.id, slug, true);
    return seeOther(reply, `/board/groups/${encodeURIComponent(slug)}`, 'group-added');
  }
}
