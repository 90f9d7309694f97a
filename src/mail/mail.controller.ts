import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { IdPipe } from '../http/id.pipe.js';
import { ZodBody, ZodQuery } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import {
  aliasSchema,
  domainSchema,
  listQuery,
  mailboxSchema,
  mailChoicesSchema,
  passwordSchema,
  teamAddressSchema,
  type MailChoicesInput,
} from './mail.schemas.js';
import { MailReconciler } from './mail.reconciler.js';
import { MailService } from './mail.service.js';

@ApiTags('mail')
@Controller('api')
export class MailController {
  constructor(
    private readonly mail: MailService,
    private readonly reconciler: MailReconciler,
  ) {}

  @Get('mail/domains')
  @Access('board', 'mail:read')
  domains() {
    return this.mail.domains();
  }

  @Post('mail/domains')
  @Access('board', 'mail:write')
  @ZodBody(domainSchema)
  addDomain(@CurrentActor() actor: Actor, @Body(new ZodPipe(domainSchema)) body: z.infer<typeof domainSchema>) {
    return this.mail.addDomain(actor, body.name);
  }

  @Delete('mail/domains/:name')
  @HttpCode(204)
  @Access('board', 'mail:write')
  @ApiOperation({ summary: 'Stop managing a domain (only when nothing is left in it)' })
  removeDomain(@CurrentActor() actor: Actor, @Param('name') name: string) {
    return this.mail.removeDomain(actor, name.toLowerCase());
  }

  @Get('mail/mailboxes')
  @Access('board', 'mail:read')
  @ZodQuery(listQuery)
  mailboxes(@Query(new ZodPipe(listQuery)) q: z.infer<typeof listQuery>) {
    return this.mail.mailboxes(q.origin);
  }

  @Post('mail/mailboxes')
  @Access('board', 'mail:write')
  @ApiOperation({ summary: 'A functional mailbox (info@, kasse@) with its own password and quota' })
  @ZodBody(mailboxSchema)
  createMailbox(@CurrentActor() actor: Actor, @Body(new ZodPipe(mailboxSchema)) body: z.infer<typeof mailboxSchema>) {
    return this.mail.createMailbox(actor, body);
  }

  @Put('mail/mailboxes/:id/password')
  @HttpCode(204)
  @Access('board', 'mail:write')
  @ZodBody(passwordSchema)
  setPassword(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body(new ZodPipe(passwordSchema)) body: z.infer<typeof passwordSchema>,
  ) {
    return this.mail.setMailboxPassword(actor, id, body.password);
  }

  @Delete('mail/mailboxes/:id')
  @HttpCode(204)
  @Access('board', 'mail:write')
  deleteMailbox(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.mail.deleteMailbox(actor, id);
  }

  @Get('mail/aliases')
  @Access('board', 'mail:read')
  @ZodQuery(listQuery)
  aliases(@Query(new ZodPipe(listQuery)) q: z.infer<typeof listQuery>) {
    return this.mail.aliases(q.source);
  }

  @Post('mail/aliases')
  @Access('board', 'mail:write')
  @ApiOperation({ summary: 'A manual alias: one row per destination; loops and taken addresses are refused' })
  @ZodBody(aliasSchema)
  createAlias(@CurrentActor() actor: Actor, @Body(new ZodPipe(aliasSchema)) body: z.infer<typeof aliasSchema>) {
    return this.mail.createAlias(actor, body);
  }

  @Delete('mail/aliases/:id')
  @HttpCode(204)
  @Access('board', 'mail:write')
  deleteAlias(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.mail.deleteAlias(actor, id);
  }

  @Put('groups/:slug/mail-address')
  @Access('board', 'mail:write')
  @ApiOperation({ summary: "Set or clear (null) a group's team address; it forwards to the group's members" })
  @ZodBody(teamAddressSchema)
  teamAddress(
    @CurrentActor() actor: Actor,
    @Param('slug') slug: string,
    @Body(new ZodPipe(teamAddressSchema)) body: z.infer<typeof teamAddressSchema>,
  ) {
    return this.mail.setTeamAddress(actor, slug, body.address);
  }

  @Patch('me/mail')
  @HttpCode(204)
  @Access('member')
  @ApiOperation({ summary: 'Your mail choices: named / pseudonymous address, forwarding, keeping a copy' })
  @ZodBody(mailChoicesSchema)
  myChoices(@CurrentActor() actor: Actor, @Body(new ZodPipe(mailChoicesSchema)) body: MailChoicesInput) {
    return this.mail.setChoices(actor, actor.memberId ?? 0, body);
  }

  @Patch('members/:id/mail')
  @HttpCode(204)
  @Access('board', 'members:write')
  @ZodBody(mailChoicesSchema)
  memberChoices(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body(new ZodPipe(mailChoicesSchema)) body: MailChoicesInput,
  ) {
    return this.mail.setChoices(actor, id, body);
  }

  @Get('mail/plan')
  @Access('board', 'mail:read')
  @ApiOperation({ summary: 'Dry run: what the reconciler would change in the derived mail rows now' })
  plan() {
    return this.reconciler.plan();
  }

  @Post('mail/reconcile')
  @HttpCode(200)
  @Access('board', 'mail:write')
  @ApiOperation({ summary: 'Bring the derived mail rows in line now (it also runs on every change)' })
  reconcile() {
    return this.reconciler.run('board');
  }
}
