import QRCode from 'qrcode';

// A4 sheets of 3 × 8 labels of 70 × 37 mm (the common "3474" format); all sizes in millimetres.
export const SHEET = {
  width: 210,
  height: 297,
  columns: 3,
  rows: 8,
  labelWidth: 70,
  labelHeight: 37,
  top: 0.5,
  padding: 3,
  // Four modules of white around the code, as the QR standard asks.
  quietModules: 4,
} as const;

export const LABELS_PER_PAGE = SHEET.columns * SHEET.rows;

export interface LabelItem {
  id: number;
  slug: string;
  name: string;
  location: string | null;
  url: string;
}

export interface QrMatrix {
  size: number;
  // Row-major, 1 = dark.
  modules: Uint8Array;
}

export interface PlacedLabel {
  item: LabelItem;
  // Top-left corner of the label.
  x: number;
  y: number;
  qr: QrMatrix;
  // Side of one module and the code's top-left corner (inside the quiet zone).
  qrModule: number;
  qrX: number;
  qrY: number;
  // Where the text goes.
  textX: number;
  textY: number;
  textWidth: number;
  textHeight: number;
}

export function qrMatrix(text: string): QrMatrix {
  const code = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return { size: code.modules.size, modules: code.modules.data };
}

// Pure: items in, pages of placed labels out. `skip` leaves the first cells of a partly used sheet empty.
export function layoutSheet(items: readonly LabelItem[], skip = 0): PlacedLabel[][] {
  const pages: PlacedLabel[][] = [];
  const qrBox = SHEET.labelHeight - 2 * SHEET.padding;
  items.forEach((item, i) => {
    const cell = i + skip;
    const pageIndex = Math.floor(cell / LABELS_PER_PAGE);
    const inPage = cell % LABELS_PER_PAGE;
    const x = (inPage % SHEET.columns) * SHEET.labelWidth;
    const y = SHEET.top + Math.floor(inPage / SHEET.columns) * SHEET.labelHeight;
    const qr = qrMatrix(item.url);
    const qrModule = qrBox / (qr.size + 2 * SHEET.quietModules);
    const placed: PlacedLabel = {
      item,
      x,
      y,
      qr,
      qrModule,
      qrX: x + SHEET.padding + SHEET.quietModules * qrModule,
      qrY: y + SHEET.padding + SHEET.quietModules * qrModule,
      textX: x + SHEET.padding + qrBox + 1,
      textY: y + SHEET.padding + 1,
      textWidth: SHEET.labelWidth - qrBox - 2 * SHEET.padding - 1,
      textHeight: qrBox - 2,
    };
    (pages[pageIndex] ??= []).push(placed);
  });
  return pages;
}

// The dark modules as runs per row, so a renderer draws a few hundred rectangles, not thousands.
export function darkRuns(qr: QrMatrix): { row: number; col: number; length: number }[] {
  const runs: { row: number; col: number; length: number }[] = [];
  for (let row = 0; row < qr.size; row++) {
    let start = -1;
    for (let col = 0; col <= qr.size; col++) {
      const dark = col < qr.size && qr.modules[row * qr.size + col] === 1;
      if (dark && start < 0) start = col;
      if (!dark && start >= 0) {
        runs.push({ row, col: start, length: col - start });
        start = -1;
      }
    }
  }
  return runs;
}
