import { Body, Controller, Delete, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { IdPipe } from '../http/id.pipe.js';
import { ZodBody, ZodQuery } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { inductionSchema, labelQuerySchema, type InductionInput } from './inventory.schemas.js';
import { LabelsService, type LabelSheet } from './labels.service.js';
import { LoansService } from './loans.service.js';
import { PhotosService } from './photos.service.js';

const REF = { name: 'ref', description: 'the numeric id (2342) or the short name (einding)' };
const photoQuery = z.strictObject({ size: z.enum(['full', 'thumbnail']).default('full') });
export const labelQuery = labelQuerySchema.extend({ format: z.enum(['pdf', 'svg']).default('pdf') });

export function sendSheet(reply: FastifyReply, sheet: LabelSheet): FastifyReply {
  return reply
    .header('Content-Type', sheet.contentType)
    .header('Content-Disposition', `inline; filename="${sheet.filename}"`)
    .header('Cache-Control', 'no-store')
    .send(sheet.body);
}

// Photos, inductions and labels of one thing.
@ApiTags('inventory')
@Controller('api/things/:ref')
export class ThingExtrasController {
  constructor(
    private readonly photos: PhotosService,
    private readonly loans: LoansService,
    private readonly labels: LabelsService,
  ) {}

  @Post('photos')
  @Access('helper', 'inventory:write')
  @ApiOperation({
    summary:
      'Add a photo: the image itself as the body (JPEG, PNG, WebP, AVIF, GIF, TIFF); stored as WebP without EXIF',
  })
  @ApiParam(REF)
  @ApiConsumes('image/jpeg', 'image/png', 'image/webp')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  addPhoto(@CurrentActor() actor: Actor, @Param('ref') ref: string, @Body() body: unknown) {
    if (!Buffer.isBuffer(body)) {
      throw AppError.validation([
        { field: '(body)', message: 'send the image as the body with its Content-Type, e.g. image/jpeg' },
      ]);
    }
    return this.photos.add(actor, ref, body);
  }

  @Get('photos/:photoId')
  @Access('member', 'inventory:read')
  @ApiOperation({ summary: 'A photo (WebP); cached for a year, since a photo never changes' })
  @ApiParam(REF)
  @ApiProduces('image/webp')
  @ZodQuery(photoQuery)
  async photo(
    @Param('ref') ref: string,
    @Param('photoId', IdPipe) photoId: number,
    @Query(new ZodPipe(photoQuery)) query: z.infer<typeof photoQuery>,
    @Res() reply: FastifyReply,
  ) {
    const photo = await this.photos.read(ref, photoId, query.size);
    const etag = `"${photo.sha256}"`;
    // Behind a login, so private: browsers keep it, shared caches do not.
    void reply.header('Cache-Control', 'private, max-age=31536000, immutable').header('ETag', etag);
    if (reply.request.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.header('Content-Type', photo.contentType).send(photo.data);
  }

  @Delete('photos/:photoId')
  @Access('helper', 'inventory:write')
  @ApiParam(REF)
  removePhoto(@CurrentActor() actor: Actor, @Param('ref') ref: string, @Param('photoId', IdPipe) photoId: number) {
    return this.photos.remove(actor, ref, photoId);
  }

  @Get('inductions')
  @Access('member', 'inventory:read')
  @ApiOperation({ summary: 'Who was inducted to use the thing, until when' })
  @ApiParam(REF)
  inductions(@Param('ref') ref: string) {
    return this.loans.inductions(ref);
  }

  @Put('inductions/:memberId')
  @Access('helper', 'inventory:write')
  @ApiOperation({ summary: 'Record or renew an induction; the member is reminded before it runs out' })
  @ApiParam(REF)
  @ZodBody(inductionSchema)
  induct(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Param('memberId', IdPipe) memberId: number,
    @Body(new ZodPipe(inductionSchema)) body: InductionInput,
  ) {
    return this.loans.induct(actor, ref, memberId, body);
  }

  @Delete('inductions/:memberId')
  @Access('helper', 'inventory:write')
  @ApiParam(REF)
  removeInduction(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Param('memberId', IdPipe) memberId: number,
  ) {
    return this.loans.removeInduction(actor, ref, memberId);
  }

  @Get('label')
  @Access('member', 'inventory:read')
  @ApiOperation({ summary: "The thing's label: a QR code linking to its page, its name, number and place" })
  @ApiParam(REF)
  @ApiProduces('application/pdf', 'image/svg+xml')
  @ZodQuery(labelQuery)
  async label(
    @Param('ref') ref: string,
    @Query(new ZodPipe(labelQuery)) query: z.infer<typeof labelQuery>,
    @Res() reply: FastifyReply,
  ) {
    return sendSheet(reply, await this.labels.forThing(ref, query.format, query.skip));
  }
}
