import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { ThingPhoto } from './entities/thing-photo.entity.js';
import { NotAnImageError, processPhoto } from './photo-image.js';
import { recordThingEvent } from './thing-history.js';
import { ThingsService } from './things.service.js';
import type { ThingView } from './thing-view.js';

export const MAX_PHOTOS_PER_THING = 20;

export interface StoredPhoto {
  contentType: string;
  sha256: string;
  data: Buffer;
}

@Injectable()
export class PhotosService {
  constructor(
    private readonly orm: MikroORM,
    private readonly things: ThingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async add(actor: Actor, ref: string, upload: Buffer): Promise<ThingView> {
    const { photoMaxBytes, photoMaxEdge } = this.config.inventory;
    // Uploads sent as application/octet-stream pass the CSV parser's larger limit: checked here.
    if (upload.length > photoMaxBytes) throw photoTooLarge(photoMaxBytes);
    if (upload.length === 0) throw AppError.validation([{ field: '(body)', message: 'send the image as the body' }]);
    // The thing is checked before the image work, so a wrong address costs nothing.
    await this.things.resolve(this.orm.em.fork(), ref);
    let photo;
    try {
      photo = await processPhoto(upload, photoMaxEdge);
    } catch (err) {
      if (err instanceof NotAnImageError) throw AppError.validation([{ field: '(body)', message: err.message }]);
      throw err;
    }
    const id = await this.orm.em.fork().transactional(async (em) => {
      const thing = await this.things.resolve(em, ref);
      const count = await em.count(ThingPhoto, { thing });
      if (count >= MAX_PHOTOS_PER_THING) {
        throw new AppError('INVALID_STATE', `a thing has at most ${MAX_PHOTOS_PER_THING} photos; remove one first`);
      }
      const row = em.create(ThingPhoto, {
        thing,
        contentType: photo.contentType,
        width: photo.width,
        height: photo.height,
        sha256: photo.sha256,
        data: photo.data,
        thumbnail: photo.thumbnail,
        uploadedByLabel: actor.label,
      });
      await em.flush();
      recordThingEvent(em, actor, thing, 'photo-added', [{ field: 'photo', old: null, new: row.id }]);
      await em.flush();
      return thing.id;
    });
    return this.things.get(String(id));
  }

  async remove(actor: Actor, ref: string, photoId: number): Promise<ThingView> {
    const id = await this.orm.em.fork().transactional(async (em) => {
      const thing = await this.things.resolve(em, ref);
      const photo = await em.findOne(ThingPhoto, { id: photoId, thing }, { fields: ['id'] });
      if (!photo) throw AppError.notFound('photo');
      em.remove(photo);
      recordThingEvent(em, actor, thing, 'photo-removed', [{ field: 'photo', old: photoId, new: null }]);
      await em.flush();
      return thing.id;
    });
    return this.things.get(String(id));
  }

  // Only the requested size is read from the database.
  async read(ref: string, photoId: number, size: 'full' | 'thumbnail'): Promise<StoredPhoto> {
    const em = this.orm.em.fork();
    const thing = await this.things.resolve(em, ref);
    const column = size === 'full' ? 'data' : 'thumbnail';
    const [row] = await em.execute<{ content_type: string; sha256: string; bytes: Buffer }[]>(
      `select content_type, sha256, ${column} as bytes from thing_photo where id = ? and thing_id = ?`,
      [photoId, thing.id],
    );
    if (!row) throw AppError.notFound('photo');
    return { contentType: row.content_type, sha256: size === 'full' ? row.sha256 : `${row.sha256}-t`, data: row.bytes };
  }
}

export function photoTooLarge(maxBytes: number): AppError {
  return new AppError(
    'TOO_LARGE',
    `the photo is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; send a smaller one (it is resized anyway)`,
  );
}
