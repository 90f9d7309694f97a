import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';

export interface ProcessedPhoto {
  contentType: 'image/webp';
  width: number;
  height: number;
  data: Buffer;
  thumbnail: Buffer;
  sha256: string;
}

export const THUMBNAIL_EDGE = 320;
// A decompression bomb (a small file of 50,000 × 50,000 pixels) is refused before it is decoded.
const MAX_INPUT_PIXELS = 100_000_000;

const PHOTO_FORMATS = new Set(['jpeg', 'png', 'webp', 'avif', 'gif', 'tiff', 'heif']);

export class NotAnImageError extends Error {}

// A photo (JPEG, PNG, WebP, AVIF, GIF, TIFF) → WebP, turned upright by its
// EXIF orientation, at most maxEdge pixels on the longer side. The output carries no metadata:
// sharp writes none unless asked, so EXIF (GPS position, camera serial) stays behind.
export async function processPhoto(input: Buffer, maxEdge: number): Promise<ProcessedPhoto> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch {
    throw new NotAnImageError('this is not an image (JPEG, PNG, WebP, AVIF, GIF or TIFF)');
  }
  // Photos only: an SVG (which libvips would render, references and all) or a PDF is refused.
  if (!PHOTO_FORMATS.has(meta.format)) {
    throw new NotAnImageError(
      `a ${meta.format.toUpperCase()} file is not taken as a photo (JPEG, PNG, WebP, AVIF, GIF, TIFF)`,
    );
  }
  if (!meta.width || !meta.height) throw new NotAnImageError('this image has no size');
  if (meta.width * meta.height > MAX_INPUT_PIXELS) {
    throw new NotAnImageError(`this image has more than ${MAX_INPUT_PIXELS / 1_000_000} megapixels`);
  }
  try {
    // Decoded once: the big image is read, turned and shrunk to pixels, and both sizes are encoded
    // from those (decoding a 12-megapixel JPEG is most of the work).
    const { data: pixels, info: shrunk } = await sharp(input, {
      limitInputPixels: MAX_INPUT_PIXELS,
      failOn: 'error',
      animated: false,
    })
      .rotate()
      .resize({ width: maxEdge, height: maxEdge, fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: shrunk.width, height: shrunk.height, channels: shrunk.channels } };
    const [data, thumbnail] = await Promise.all([
      sharp(pixels, raw).webp({ quality: 82 }).toBuffer(),
      sharp(pixels, raw)
        .resize({ width: THUMBNAIL_EDGE, height: THUMBNAIL_EDGE, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 75 })
        .toBuffer(),
    ]);
    const info = { width: shrunk.width, height: shrunk.height };
    return {
      contentType: 'image/webp',
      width: info.width,
      height: info.height,
      data,
      thumbnail,
      sha256: createHash('sha256').update(data).digest('hex'),
    };
  } catch {
    // HEIF with HEVC (iPhone "HEIC") is not in sharp's prebuilt libvips, for patent reasons.
    throw new NotAnImageError(
      meta.format === 'heif'
        ? 'HEIC photos cannot be read here; send it as JPEG (on the iPhone: Settings → Camera → Formats → Most Compatible)'
        : 'this image is damaged and cannot be read',
    );
  }
}
