// Turns uploaded CSV bytes into text, guessing the encoding Excel chose.

export type CsvEncoding = 'utf-8' | 'windows-1252';
export type DetectedCsvEncoding = 'utf-8' | 'utf-8-bom' | 'windows-1252';

export interface DecodedCsv {
  text: string;
  encoding: DetectedCsvEncoding;
}

function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/**
 * Decodes CSV bytes. A UTF-8 BOM wins over everything (it is an explicit statement);
 * otherwise the given encoding, or strict UTF-8 with a Windows-1252 fallback.
 */
export function decodeCsvBytes(bytes: Uint8Array, encoding?: CsvEncoding): DecodedCsv {
  if (hasUtf8Bom(bytes)) {
    // ignoreBOM keeps a second (doubled) BOM visible instead of silently eating it.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(3));
    return { text: text.normalize('NFC'), encoding: 'utf-8-bom' };
  }
  if (encoding !== undefined) {
    return { text: new TextDecoder(encoding).decode(bytes).normalize('NFC'), encoding };
  }
  try {
    // Windows-1252 umlauts (0xFC for ü) are invalid UTF-8, so fatal decoding tells them apart.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.normalize('NFC'), encoding: 'utf-8' };
  } catch {
    // German Excel's "CSV (Trennzeichen-getrennt)" writes Windows-1252.
    const text = new TextDecoder('windows-1252').decode(bytes);
    return { text: text.normalize('NFC'), encoding: 'windows-1252' };
  }
}

/** ';' if the first line (outside quotes) has more ';' than ',', else ','. */
export function detectDelimiter(text: string): ';' | ',' {
  let semicolons = 0;
  let commas = 0;
  let inQuotes = false;
  for (const ch of text) {
    // A doubled "" toggles twice, so escaped quotes need no special case.
    if (ch === '"') inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (ch === '\n' || ch === '\r') break;
    else if (ch === ';') semicolons++;
    else if (ch === ',') commas++;
  }
  // Excel in a German locale writes ';' because ',' is the decimal separator.
  return semicolons > commas ? ';' : ',';
}
