import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  darkRuns,
  LABELS_PER_PAGE,
  layoutSheet,
  qrMatrix,
  type LabelItem,
  type QrMatrix,
} from './label-sheet.layout.js';
import { renderPdf, renderSvg, toWinAnsi } from './label-sheet.render.js';

// jsqr is CommonJS whose types claim a default export.
const jsQR = createRequire(import.meta.url)('jsqr') as (typeof import('jsqr'))['default'];

function item(id: number): LabelItem {
  return {
    id,
    slug: `ding-${id}`,
    name: `Ding ${id}`,
    location: 'Werkstatt / Regal',
    url: `https://space.example/things/${id}`,
  };
}

// Draws the matrix as pixels (4 per module, with the quiet zone) and reads it like a phone would.
function decode(qr: QrMatrix): string | undefined {
  const scale = 4;
  const side = (qr.size + 8) * scale;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const run of darkRuns(qr)) {
    for (let c = run.col; c < run.col + run.length; c++) {
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const px = ((run.row + 4) * scale + dy) * side + (c + 4) * scale + dx;
          pixels.fill(0, px * 4, px * 4 + 3);
        }
      }
    }
  }
  return jsQR(pixels, side, side)?.data;
}

describe('layoutSheet', () => {
  it('puts 24 labels on a page and carries on on the next', () => {
    const pages = layoutSheet(Array.from({ length: 30 }, (_, i) => item(i + 1)));
    expect(pages.map((p) => p.length)).toEqual([LABELS_PER_PAGE, 6]);
    const [first, second, , fourth] = pages[0] ?? [];
    expect([first?.x, first?.y]).toEqual([0, 0.5]);
    expect([second?.x, second?.y]).toEqual([70, 0.5]);
    expect([fourth?.x, fourth?.y]).toEqual([0, 37.5]);
  });

  it('skips the used cells of a partly used sheet', () => {
    const [page] = layoutSheet([item(1)], 5);
    expect([page?.[0]?.x, page?.[0]?.y]).toEqual([140, 37.5]);
  });

  it("draws a QR code that reads as the thing's URL", () => {
    const [page] = layoutSheet([item(2342)]);
    const qr = page?.[0]?.qr;
    expect(qr && decode(qr)).toBe('https://space.example/things/2342');
  });
});

describe('renderers', () => {
  it('writes a PDF with one page per 24 labels', async () => {
    const pdf = await renderPdf(layoutSheet(Array.from({ length: 25 }, (_, i) => item(i + 1))), 'Etiketten');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length).toBe(2);
  });

  it('writes an SVG page that escapes names', () => {
    const svg = renderSvg(layoutSheet([{ ...item(1), name: 'Säge <&> "Bosch"' }])[0] ?? []);
    expect(svg).toContain('S\u00e4ge &#60;&#38;&#62; &#34;Bosch&#34;');
    expect(svg).toContain('<path d="M');
  });

  it('keeps Latin-1 text and replaces what the PDF fonts cannot show', () => {
    expect(toWinAnsi('Lötkolben – 3€ ✓ 中')).toBe('Lötkolben – 3€ ? ?');
  });

  it('makes codes of the expected size', () => {
    expect(qrMatrix('https://space.example/things/1').size).toBeGreaterThanOrEqual(25);
  });
});
