import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { ZodBody } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { CatalogService } from './catalog.service.js';
import { GroupsService } from './groups.service.js';
import { groupSchema, profileFieldSchema, statusSchema } from './members.schemas.js';

const profileFieldPatch = profileFieldSchema.omit({ key: true }).partial();

@ApiTags('catalog')
@Controller('api')
export class CatalogController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly groups: GroupsService,
  ) {}

  @Get('statuses')
  @Access('member', 'members:read')
  statuses() {
    return this.catalog.statuses();
  }

  @Post('statuses')
  @Access('admin', 'admin')
  @ZodBody(statusSchema)
  saveStatus(@CurrentActor() actor: Actor, @Body(new ZodPipe(statusSchema)) body: z.infer<typeof statusSchema>) {
    return this.catalog.saveStatus(actor, body);
  }

  @Get('profile-fields')
  @Access('member', 'members:read')
  profileFields() {
    return this.catalog.profileFields();
  }

  @Post('profile-fields')
  @Access('admin', 'admin')
  @ZodBody(profileFieldSchema)
  createProfileField(
    @CurrentActor() actor: Actor,
    @Body(new ZodPipe(profileFieldSchema)) body: z.infer<typeof profileFieldSchema>,
  ) {
    return this.catalog.createProfileField(actor, body);
  }

  @Patch('profile-fields/:key')
  @Access('admin', 'admin')
  @ZodBody(profileFieldPatch)
  updateProfileField(
    @CurrentActor() actor: Actor,
    @Param('key') key: string,
    @Body(new ZodPipe(profileFieldPatch)) body: z.infer<typeof profileFieldPatch>,
  ) {
    return this.catalog.updateProfileField(actor, key, body);
  }

  @Get('groups')
  @Access('member', 'members:read')
  listGroups() {
    return this.groups.list();
  }

  @Post('groups')
  @Access('board', 'members:write')
  @ZodBody(groupSchema)
  createGroup(@CurrentActor() actor: Actor, @Body(new ZodPipe(groupSchema)) body: z.infer<typeof groupSchema>) {
    return this.groups.create(actor, body);
  }
}
