import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../core/actor.js';
import { AppError } from '../../core/app.errors.js';
import { Access, CurrentActor } from '../../http/access.decorator.js';
import { IdPipe } from '../../http/id.pipe.js';
import { OWNERSHIPS } from '../../inventory/entities/thing.entity.js';
import {
  createThingSchema,
  locationSchema,
  locationUpdateSchema,
  thingListSchema,
  updateThingSchema,
} from '../../inventory/inventory.schemas.js';
import { LocationsService, type LocationView } from '../../inventory/locations.service.js';
import type { ThingView } from '../../inventory/thing-view.js';
import { ThingsService } from '../../inventory/things.service.js';
import { MembersService } from '../../members/members.service.js';
import { translate } from '../i18n.js';
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

type Values = Record<string, string | boolean>;

// Pure: a thing form's fields as typed (kept on errors) and as the API's input.
export function thingInput(body: Form): { values: Values; input: Record<string, unknown> } {
  const values: Values = {
    name: field(body, 'name'),
    slug: field(body, 'slug'),
    description: field(body, 'description'),
    locationId: field(body, 'locationId'),
    tags: field(body, 'tags'),
    ownership: field(body, 'ownership') || 'club',
    ownerMember: field(body, 'ownerMember'),
    ownerName: field(body, 'ownerName'),
    ownerUntil: field(body, 'ownerUntil'),
    needsInduction: field(body, 'needsInduction') === 'on',
    archived: field(body, 'archived') === 'on',
  };
  const location = optional(body, 'locationId');
  const input = {
    name: values.name,
    slug: optional(body, 'slug') ?? undefined,
    description: optional(body, 'description'),
    locationId: location === null ? null : Number(location),
    tags: field(body, 'tags')
      .split(/[,\s]+/)
      .map((t) => t.trim())
      .filter((t) => t !== ''),
    ownership: values.ownership,
    ownerName: optional(body, 'ownerName'),
    ownerUntil: optional(body, 'ownerUntil'),
    needsInduction: values.needsInduction,
  };
  return { values, input };
}

// What the owner field names: nobody, the owner it showed (kept as is, even one a helper may no
// longer look up), or a member by username.
export type OwnerRef =
  { kind: 'none' } | { kind: 'keep'; id: number } | { kind: 'username'; username: string } | { kind: 'too-long' };

// Pure: the owner field as typed, against the owner the form showed (its id and how it showed it).
export function ownerRef(typed: string, shown: { id: number; text: string } | null): OwnerRef {
  const v = typed.trim();
  if (v === '') return { kind: 'none' };
  if (shown && v === shown.text) return { kind: 'keep', id: shown.id };
  if (v.length > 64) return { kind: 'too-long' };
  return { kind: 'username', username: v.replace(/^@/, '') };
}

// Pure: the service names the owner "ownerMemberId" (or "owner" for either kind of owner); the
// form's field for it is "ownerMember".
export function ownerFieldErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) {
    const name = k === 'ownerMemberId' || k === 'owner' ? 'ownerMember' : k;
    out[name] = out[name] ? `${out[name]}; ${v}` : v;
  }
  return out;
}

function thingValues(t: ThingView, owner: { text: string } | null): Values {
  return {
    name: t.name,
    slug: t.slug,
    description: t.description ?? '',
    locationId: t.location ? String(t.location.id) : '',
    tags: t.tags.join(', '),
    ownership: t.ownership,
    ownerMember: owner?.text ?? '',
    ownerName: t.owner?.memberId === null ? (t.owner.name ?? '') : '',
    ownerUntil: t.ownerUntil ?? '',
    needsInduction: t.needsInduction,
    archived: t.archived,
  };
}

// Things and places for helpers and the board (as the API: helpers may change both).
@ApiExcludeController()
@Controller('board')
export class BoardInventoryController {
  constructor(
    private readonly things: ThingsService,
    private readonly locations: LocationsService,
    private readonly members: MembersService,
    private readonly pages: PageContextService,
  ) {}

  @Get('things')
  @Access('helper', 'inventory:read')
  async thingList(@Query() query: Form, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    const raw = { q: field(query, 'q') || undefined, page: field(query, 'page') || undefined, pageSize: PAGE_SIZE };
    const checked = validate(thingListSchema, raw, ctx.lang);
    if (!checked.ok) {
      return sendBoardPage(reply, 400, 'things', ctx, { values: raw, errors: checked.errors }, 'board.things.title');
    }
    const result = await this.things.list(checked.data);
    const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
    const href = (page: number) =>
      `/board/things?${new URLSearchParams({ ...(raw.q ? { q: raw.q } : {}), page: String(page) }).toString()}`;
    return sendBoardPage(
      reply,
      200,
      'things',
      ctx,
      {
        values: raw,
        result,
        pages,
        prev: result.page > 1 ? href(result.page - 1) : null,
        next: result.page < pages ? href(result.page + 1) : null,
        done: field(query, 'done'),
      },
      'board.things.title',
    );
  }

  @Get('things/new')
  @Access('helper', 'inventory:write')
  async newThing(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    return this.thingForm(reply, 200, ctx, null, { ownership: 'club' }, {});
  }

  @Post('things')
  @Access('helper', 'inventory:write')
  async createThing(
    @CurrentActor() actor: Actor,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const { values, input } = thingInput(body);
    const owner = await this.ownerId(ctx, String(values.ownerMember), null);
    const checked = validate(createThingSchema, { ...input, ownerMemberId: owner.ok ? owner.id : null }, ctx.lang);
    const done =
      checked.ok && owner.ok
        ? await attempt(() => this.things.create(actor, checked.data), ctx.lang)
        : failed(checked, owner);
    if (!done.ok) return this.thingForm(reply, 400, ctx, null, values, ownerFieldErrors(done.errors));
    return seeOther(reply, `/board/things/${done.value.id}`, 'created');
  }

  @Get('things/:id')
  @Access('helper', 'inventory:write')
  async editThing(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Query('done') done: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const thing = await this.things.get(String(id));
    const owner = await this.shownOwner(actor, thing);
    return this.thingForm(reply, 200, ctx, thing, thingValues(thing, owner), {}, done);
  }

  @Post('things/:id')
  @Access('helper', 'inventory:write')
  async updateThing(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const thing = await this.things.get(String(id));
    const { values, input } = thingInput(body);
    const owner = await this.ownerId(ctx, String(values.ownerMember), await this.shownOwner(actor, thing));
    const version = Number(field(body, 'version'));
    const checked = validate(
      updateThingSchema,
      {
        ...input,
        ownerMemberId: owner.ok ? owner.id : null,
        slug: input.slug ?? thing.slug,
        archived: values.archived,
        ...(Number.isInteger(version) && version > 0 ? { version } : {}),
      },
      ctx.lang,
    );
    const done =
      checked.ok && owner.ok
        ? await attempt(() => this.things.update(actor, String(id), checked.data), ctx.lang)
        : failed(checked, owner);
    if (!done.ok) return this.thingForm(reply, 400, ctx, thing, values, ownerFieldErrors(done.errors));
    return seeOther(reply, `/board/things/${id}`, 'saved');
  }

  @Get('locations')
  @Access('helper', 'inventory:read')
  async locationList(@Query('done') done: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    return this.locationsPage(reply, 200, ctx, { values: {}, done });
  }

  @Post('locations')
  @Access('helper', 'inventory:write')
  async createLocation(
    @CurrentActor() actor: Actor,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const values = {
      name: field(body, 'name'),
      parentId: field(body, 'parentId'),
      description: field(body, 'description'),
    };
    const parent = optional(body, 'parentId');
    const input = {
      name: values.name,
      parentId: parent === null ? null : Number(parent),
      description: optional(body, 'description'),
    };
    const ctx = await this.pages.of(req, reply);
    const checked = validate(locationSchema, input, ctx.lang);
    const done = checked.ok ? await attempt(() => this.locations.create(actor, checked.data), ctx.lang) : checked;
    if (!done.ok) return this.locationsPage(reply, 400, ctx, { values, errors: done.errors });
    return seeOther(reply, '/board/locations', 'created');
  }

  @Get('locations/:id')
  @Access('helper', 'inventory:write')
  async editLocation(@Param('id', IdPipe) id: number, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    const location = await this.locations.get(id);
    const values = {
      name: location.name,
      parentId: location.parentId === null ? '' : String(location.parentId),
      description: location.description ?? '',
    };
    return this.locationForm(reply, 200, ctx, location, values, {});
  }

  @Post('locations/:id')
  @Access('helper', 'inventory:write')
  async updateLocation(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const location = await this.locations.get(id);
    const values = {
      name: field(body, 'name'),
      parentId: field(body, 'parentId'),
      description: field(body, 'description'),
    };
    const parent = optional(body, 'parentId');
    const input = {
      name: values.name,
      parentId: parent === null ? null : Number(parent),
      description: optional(body, 'description'),
    };
    const ctx = await this.pages.of(req, reply);
    const checked = validate(locationUpdateSchema, input, ctx.lang);
    const done = checked.ok ? await attempt(() => this.locations.update(actor, id, checked.data), ctx.lang) : checked;
    if (!done.ok) return this.locationForm(reply, 400, ctx, location, values, done.errors);
    return seeOther(reply, '/board/locations', 'saved');
  }

  // The owning member as the form shows it: the username, or "#id" for one the viewer may not
  // look up (a helper and a member who is no longer active).
  private async shownOwner(actor: Actor, thing: ThingView): Promise<{ id: number; text: string } | null> {
    const id = thing.owner?.memberId ?? null;
    if (id === null) return null;
    try {
      return { id, text: (await this.members.get(actor, id)).username };
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return { id, text: `#${id}` };
      throw err;
    }
  }

  // The owner field → a member id (null: none), or the problem to show at the field.
  private async ownerId(
    ctx: PageContext,
    typed: string,
    shown: { id: number; text: string } | null,
  ): Promise<{ ok: true; id: number | null } | { ok: false; errors: FieldErrors }> {
    const ref = ownerRef(typed, shown);
    switch (ref.kind) {
      case 'none':
        return { ok: true, id: null };
      case 'keep':
        return { ok: true, id: ref.id };
      case 'too-long': // no user name is that long: the same answer as for an unknown one
        return { ok: false, errors: { ownerMember: translate(ctx.lang, 'board.thing.ownerMember.nobody') } };
      case 'username': {
        const id = await this.members.activeIdByUsername(ref.username);
        if (id !== null) return { ok: true, id };
        return { ok: false, errors: { ownerMember: translate(ctx.lang, 'board.thing.ownerMember.nobody') } };
      }
    }
  }

  private async thingForm(
    reply: FastifyReply,
    status: number,
    ctx: PageContext,
    thing: ThingView | null,
    values: Values,
    errors: FieldErrors,
    done?: string,
  ) {
    const locations = await this.locations.list();
    return sendBoardPage(
      reply,
      status,
      'thing-form',
      ctx,
      { thing, values, errors, locations, ownerships: OWNERSHIPS, done },
      thing ? 'board.thing.edit.title' : 'board.thing.new.title',
      { name: thing?.name ?? '' },
    );
  }

  private async locationsPage(
    reply: FastifyReply,
    status: number,
    ctx: PageContext,
    data: { values: Record<string, string>; errors?: FieldErrors; done?: string },
  ) {
    const locations = await this.locations.list();
    return sendBoardPage(reply, status, 'locations', ctx, { ...data, locations }, 'board.locations.title');
  }

  private async locationForm(
    reply: FastifyReply,
    status: number,
    ctx: PageContext,
    location: LocationView,
    values: Record<string, string>,
    errors: FieldErrors,
  ) {
    // A place cannot move inside itself: those below it are not offered as parents.
    const locations = (await this.locations.list()).filter(
      (l) => l.id !== location.id && !isBelow(l.path, location.path),
    );
    return sendBoardPage(
      reply,
      status,
      'location-form',
      ctx,
      { location, values, errors, locations },
      'board.location.edit.title',
      { name: location.name },
    );
  }
}

// Both the form's and the owner field's problems, so every field shows its own at once.
function failed(
  checked: { ok: true } | { ok: false; errors: FieldErrors },
  owner: { ok: true } | { ok: false; errors: FieldErrors },
): { ok: false; errors: FieldErrors } {
  return { ok: false, errors: { ...(checked.ok ? {} : checked.errors), ...(owner.ok ? {} : owner.errors) } };
}

function isBelow(path: readonly string[], ancestor: readonly string[]): boolean {
  return path.length > ancestor.length && ancestor.every((p, i) => path[i] === p);
}
