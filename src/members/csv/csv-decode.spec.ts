import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, detectDelimiter } from './csv-decode.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const BOM = [0xef, 0xbb, 0xbf];

describe('decodeCsvBytes', () => {
  it.each<{ name: string; bytes: Uint8Array; text: string; encoding: string }>([
    {
      // "Müller" in Windows-1252: ü is the single byte 0xFC, invalid as UTF-8 → fallback.
      name: 'Windows-1252 umlauts',
      bytes: Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]),
      text: 'Müller',
      encoding: 'windows-1252',
    },
    {
      // 0x80 is € and 0xDF is ß in Windows-1252 (not C1 controls as in Latin-1).
      name: 'Windows-1252 euro and sharp s',
      bytes: Buffer.from([0x80, 0x20, 0x53, 0x74, 0x72, 0x61, 0xdf, 0x65]),
      text: '€ Straße',
      encoding: 'windows-1252',
    },
    {
      name: 'plain UTF-8',
      bytes: utf8('Vorname;Nachname\nJürgen;Müller\n'),
      text: 'Vorname;Nachname\nJürgen;Müller\n',
      encoding: 'utf-8',
    },
    {
      // The BOM is stripped, not returned as U+FEFF.
      name: 'UTF-8 with BOM',
      bytes: Uint8Array.from([...BOM, ...utf8('Vorname;Nachname\nJürgen;Müller')]),
      text: 'Vorname;Nachname\nJürgen;Müller',
      encoding: 'utf-8-bom',
    },
    {
      // Only a BOM → empty text.
      name: 'BOM only',
      bytes: Uint8Array.from(BOM),
      text: '',
      encoding: 'utf-8-bom',
    },
    {
      // Pure ASCII is valid UTF-8.
      name: 'ASCII',
      bytes: utf8('a,b'),
      text: 'a,b',
      encoding: 'utf-8',
    },
    {
      // "Mu" + U+0308 + "ller" (decomposed, as macOS writes it) → NFC "Müller".
      name: 'NFD input is normalized to NFC',
      bytes: utf8('Mu\u0308ller'),
      text: 'Müller',
      encoding: 'utf-8',
    },
  ])('$name', ({ bytes, text, encoding }) => {
    const result = decodeCsvBytes(bytes);
    expect(result.text).toBe(text);
    expect(result.text).toBe(result.text.normalize('NFC'));
    expect(result.encoding).toBe(encoding);
  });

  it('honours an explicit encoding', () => {
    // UTF-8 bytes of "ü" (C3 BC) read as Windows-1252 are "Ã¼" — the caller asked for it.
    expect(decodeCsvBytes(utf8('ü'), 'windows-1252')).toEqual({ text: 'Ã¼', encoding: 'windows-1252' });
    // Explicit UTF-8 on Windows-1252 bytes does not fall back: 0xFC becomes U+FFFD.
    expect(decodeCsvBytes(Buffer.from([0x4d, 0xfc]), 'utf-8')).toEqual({ text: 'M\uFFFD', encoding: 'utf-8' });
  });

  it('lets a BOM win over an explicit Windows-1252', () => {
    expect(decodeCsvBytes(Uint8Array.from([...BOM, ...utf8('ü')]), 'windows-1252')).toEqual({
      text: 'ü',
      encoding: 'utf-8-bom',
    });
  });
});

describe('detectDelimiter', () => {
  it.each([
    // German Excel.
    ['Vorname;Nachname;E-Mail\nKarl;Liebknecht;k@x.de', ';'],
    // RFC 4180 / English Excel.
    ['first_name,last_name,email\nKarl,Liebknecht,k@x.de', ','],
    // Commas inside a quoted header cell are ignored: 2 ';' vs 0 ',' outside quotes.
    ['"Name, Vorname";"a,b,c";x', ';'],
    // Semicolons inside quotes are ignored too: 0 ';' vs 1 ','.
    ['"a;b;c",d', ','],
    // Only the first line counts, whatever CR/LF style it ends with.
    ['a,b\r\n;;;;;', ','],
    ['a,b\r;;;;;', ','],
    // A tie or nothing at all → ','.
    ['a;b,c', ','],
    ['single', ','],
    ['', ','],
    // Escaped quotes "" keep the quote state right: the ';' after is outside.
    ['"say ""hi""";x;y', ';'],
  ])('%j → %s', (text, expected) => {
    expect(detectDelimiter(text)).toBe(expected);
  });
});
