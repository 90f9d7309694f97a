import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AppError } from '../core/app.errors.js';
import { LABELS_PER_PAGE, layoutSheet, type LabelItem } from './label-sheet.layout.js';
import { renderPdf, renderSvg } from './label-sheet.render.js';
import { formatPath } from './location-tree.js';
import { LocationsService } from './locations.service.js';
import { ThingsService } from './things.service.js';
import { thingUrl, type ThingView } from './thing-view.js';

export type LabelFormat = 'pdf' | 'svg';

export interface LabelSheet {
  contentType: string;
  body: Buffer | string;
  filename: string;
}

// A sheet of 5,000 labels is 209 pages: enough for any location, and bounded.
const MAX_LABELS = 5000;

@Injectable()
export class LabelsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly things: ThingsService,
    private readonly locations: LocationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async forThing(ref: string, format: LabelFormat, skip: number): Promise<LabelSheet> {
    const thing = await this.things.get(ref);
    return this.render([this.item(thing)], format, skip, `label-${thing.slug}`);
  }

  // Every thing in the location and below it, in name order.
  async forLocation(locationId: number, format: LabelFormat, skip: number): Promise<LabelSheet> {
    const location = await this.locations.get(locationId);
    const em = this.orm.em.fork();
    const things = await this.things.views(em, { locationId }, MAX_LABELS + 1, 0);
    if (things.length > MAX_LABELS) {
      throw AppError.validation([{ field: 'id', message: `more than ${MAX_LABELS} things; print a smaller place` }]);
    }
    return this.render(
      things.map((t) => this.item(t)),
      format,
      skip,
      `labels-${location.name}`,
    );
  }

  private item(t: ThingView): LabelItem {
    return {
      id: t.id,
      slug: t.slug,
      name: t.name,
      location: t.location ? formatPath(t.location.path) : null,
      url: thingUrl(this.config.http.publicUrl, t.id),
    };
  }

  private async render(items: LabelItem[], format: LabelFormat, skip: number, name: string): Promise<LabelSheet> {
    const pages = layoutSheet(items, skip);
    const filename = `${name.replace(/[^\p{L}\p{N}._-]+/gu, '-')}.${format}`;
    if (format === 'svg') {
      if (pages.length > 1) {
        throw AppError.validation([
          { field: 'format', message: `SVG holds one sheet (${LABELS_PER_PAGE} labels); use pdf for more` },
        ]);
      }
      return { contentType: 'image/svg+xml; charset=utf-8', body: renderSvg(pages[0] ?? []), filename };
    }
    return { contentType: 'application/pdf', body: await renderPdf(pages, name), filename };
  }
}
