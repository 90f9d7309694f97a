import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { NotAnImageError, processPhoto, THUMBNAIL_EDGE } from './photo-image.js';

async function jpegWithExif(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .jpeg()
    .withExif({ IFD0: { Copyright: 'Geheim', Artist: 'Kamera 12345' } })
    .toBuffer();
}

describe('processPhoto', () => {
  it('re-encodes as WebP, shrinks to the longer edge and drops EXIF', async () => {
    const input = await jpegWithExif(3000, 2000);
    expect((await sharp(input).metadata()).exif).toBeDefined();
    const out = await processPhoto(input, 1600);
    const meta = await sharp(out.data).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, meta.height]).toEqual([1600, 1067]);
    expect(meta.exif).toBeUndefined();
    const thumb = await sharp(out.thumbnail).metadata();
    expect(Math.max(thumb.width, thumb.height)).toBe(THUMBNAIL_EDGE);
    expect(out.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not enlarge a small image', async () => {
    const out = await processPhoto(await jpegWithExif(200, 100), 1600);
    expect([out.width, out.height]).toEqual([200, 100]);
  });

  it('turns the image upright by its EXIF orientation', async () => {
    const input = await sharp({ create: { width: 300, height: 100, channels: 3, background: 'white' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const out = await processPhoto(input, 1600);
    expect([out.width, out.height]).toEqual([100, 300]);
  });

  it('refuses an SVG, which would be rendered with whatever it references', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    await expect(processPhoto(svg, 1600)).rejects.toThrow(/SVG file is not taken as a photo/);
  });

  it('refuses what is not an image', async () => {
    await expect(processPhoto(Buffer.from('%PDF-1.7 not a photo'), 1600)).rejects.toBeInstanceOf(NotAnImageError);
  });
});
