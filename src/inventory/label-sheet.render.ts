import PDFDocument from 'pdfkit';
import { darkRuns, SHEET, type PlacedLabel } from './label-sheet.layout.js';

const PT_PER_MM = 72 / 25.4;

// The PDF standard fonts speak Windows-1252: anything else would print as garbage.
export function toWinAnsi(s: string): string {
  return s.replace(/[^\u0020-\u007e\u00a0-\u00ff€–—‘’“”•…]/gu, '?');
}

export async function renderPdf(pages: readonly PlacedLabel[][], title: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false, info: { Title: title } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  for (const page of pages) {
    doc.addPage({ size: 'A4', margin: 0 });
    for (const label of page) drawLabel(doc, label);
  }
  if (pages.length === 0) doc.addPage({ size: 'A4', margin: 0 });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

function drawLabel(doc: PDFKit.PDFDocument, l: PlacedLabel): void {
  const mm = (v: number) => v * PT_PER_MM;
  for (const run of darkRuns(l.qr)) {
    // A hair wider than the run, so neighbouring rows leave no white seam when printed.
    doc.rect(
      mm(l.qrX + run.col * l.qrModule),
      mm(l.qrY + run.row * l.qrModule),
      mm(run.length * l.qrModule) + 0.05,
      mm(l.qrModule) + 0.05,
    );
  }
  doc.fill('#000000');
  const width = mm(l.textWidth);
  doc
    .font('Helvetica-Bold')
    .fontSize(10)
    .text(toWinAnsi(l.item.name), mm(l.textX), mm(l.textY), { width, height: mm(15), ellipsis: true });
  doc
    .font('Helvetica')
    .fontSize(8)
    .text(toWinAnsi(`#${l.item.id} · ${l.item.slug}`), mm(l.textX), mm(l.textY + 16), {
      width,
      height: mm(4),
      ellipsis: true,
      lineBreak: false,
    });
  if (l.item.location) {
    doc
      .fontSize(7)
      .fillColor('#444444')
      .text(toWinAnsi(l.item.location), mm(l.textX), mm(l.textY + 20.5), { width, height: mm(8), ellipsis: true })
      .fillColor('#000000');
  }
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// One sheet as SVG (for a preview or a single label); the PDF is the one to print many.
export function renderSvg(page: readonly PlacedLabel[]): string {
  const parts: string[] = [];
  for (const l of page) {
    const path = darkRuns(l.qr)
      .map(
        (r) =>
          `M${(l.qrX + r.col * l.qrModule).toFixed(3)} ${(l.qrY + r.row * l.qrModule).toFixed(3)}h${(r.length * l.qrModule).toFixed(3)}v${l.qrModule.toFixed(3)}h-${(r.length * l.qrModule).toFixed(3)}z`,
      )
      .join('');
    parts.push(
      `<g><path d="${path}" fill="#000"/>`,
      `<text x="${l.textX}" y="${l.textY + 4}" font-family="sans-serif" font-weight="bold" font-size="3.5">${escapeXml(l.item.name)}</text>`,
      `<text x="${l.textX}" y="${l.textY + 19}" font-family="sans-serif" font-size="2.8">${escapeXml(`#${l.item.id} · ${l.item.slug}`)}</text>`,
      l.item.location
        ? `<text x="${l.textX}" y="${l.textY + 23}" font-family="sans-serif" font-size="2.4" fill="#444">${escapeXml(l.item.location)}</text>`
        : '',
      '</g>',
    );
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SHEET.width}mm" height="${SHEET.height}mm" viewBox="0 0 ${SHEET.width} ${SHEET.height}">`,
    `<rect width="${SHEET.width}" height="${SHEET.height}" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
