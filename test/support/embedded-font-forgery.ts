// Forged font programs inside a built PDF (issue 19's hostile tests), the page content, ToUnicode
// and attached data kept: what a viewer draws changes, what a text reader reads does not.
//  - `withShiftedCffCharset`: each CID-keyed CFF program's charset (a format 1 or 2 range, as
//    fontkit writes it) starts one CID later, so a viewer (CID → glyph through the charset, PDF
//    32000-1 §9.7.4.2) draws each character with the glyph before it.
//  - `withEmbeddedUnitsPerEm`: each TrueType program's head.unitsPerEm changed: its glyphs drawn
//    at 1000/unitsPerEm of their size.
import { decodePDFRawStream, PDFDict, PDFDocument, PDFName, PDFRawStream } from '@pdfme/pdf-lib';
import { tableOffsets } from './hostile-fonts.js';

/** An INDEX of a CFF (count, offSize, offsets, data): each item's [start, end), and where it ends. */
function cffIndex(cff: Buffer, at: number): { items: Array<[number, number]>; end: number } {
  const count = cff.readUInt16BE(at);
  if (count === 0) return { items: [], end: at + 2 };
  const offSize = cff[at + 2]!;
  const offset = (i: number) => cff.readUIntBE(at + 3 + i * offSize, offSize);
  const base = at + 3 + (count + 1) * offSize - 1;
  const items: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) items.push([base + offset(i), base + offset(i + 1)]);
  return { items, end: base + offset(count) };
}

/** Where the top DICT's charset operator (15) points: its one operand, as fontkit writes it (an integer). */
function charsetOffset(cff: Buffer): number {
  const names = cffIndex(cff, cff[2]!); // after the header (hdrSize)
  const [start, end] = cffIndex(cff, names.end).items[0]!;
  let operands: number[] = [];
  for (let p = start; p < end; ) {
    const b = cff[p]!;
    if (b <= 21) {
      if (b === 15) return operands[0]!;
      p += b === 12 ? 2 : 1;
      operands = [];
    } else if (b === 28) (operands.push(cff.readInt16BE(p + 1)), (p += 3));
    else if (b === 29) (operands.push(cff.readInt32BE(p + 1)), (p += 5));
    else if (b === 30) {
      // A real number: nibbles up to one of 0xf.
      for (p++; (cff[p]! & 0xf) !== 0xf && cff[p]! >> 4 !== 0xf; p++);
      p++;
      operands.push(NaN);
    } else if (b <= 246) (operands.push(b - 139), p++);
    else if (b <= 250) (operands.push((b - 247) * 256 + cff[p + 1]! + 108), (p += 2));
    else (operands.push(-(b - 251) * 256 - cff[p + 1]! - 108), (p += 2));
  }
  throw new Error('no charset in the top DICT');
}

/** Each embedded stream whose dictionary `pick` accepts, its decoded bytes replaced by `forge`'s. */
async function forgeStreams(pdfBytes: Uint8Array, pick: (dict: PDFDict, bytes: Buffer) => boolean, forge: (bytes: Buffer) => Buffer): Promise<Uint8Array> {
  const pdf = await PDFDocument.load(pdfBytes, { updateMetadata: false });
  let forged = 0;
  for (const [ref, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream)) continue;
    let bytes: Buffer;
    try {
      bytes = Buffer.from(decodePDFRawStream(object).decode());
    } catch {
      continue; // a filter pdf-lib does not decode: no font program shenbao writes
    }
    if (!pick(object.dict, bytes)) continue;
    const stream = pdf.context.flateStream(forge(bytes));
    for (const [key, value] of object.dict.entries()) if (!['Length', 'Filter', 'DecodeParms'].includes(key.asString().slice(1))) stream.dict.set(key, value);
    pdf.context.assign(ref, stream);
    forged++;
  }
  if (forged === 0) throw new Error('no font program to forge');
  return pdf.save({ useObjectStreams: false });
}

/** `pdf` with every CFF program's charset shifted `by` CIDs (its first CID `by` higher). */
export function withShiftedCffCharset(pdf: Uint8Array, by = 1): Promise<Uint8Array> {
  return forgeStreams(
    pdf,
    (dict) => dict.get(PDFName.of('Subtype')) === PDFName.of('CIDFontType0C'),
    (cff) => {
      const at = charsetOffset(cff);
      if (cff[at] !== 1 && cff[at] !== 2) throw new Error(`charset format ${cff[at]}, not a range`);
      cff.writeUInt16BE(cff.readUInt16BE(at + 1) + by, at + 1);
      return cff;
    },
  );
}

/** `pdf` with every TrueType program's head.unitsPerEm set to `unitsPerEm`. */
export function withEmbeddedUnitsPerEm(pdf: Uint8Array, unitsPerEm: number): Promise<Uint8Array> {
  return forgeStreams(
    pdf,
    // A TrueType program (FontFile2) starts with sfnt version 1.0, or 'true' as fontkit's subsets do.
    (_dict, bytes) => bytes.length > 12 && (bytes.readUInt32BE(0) === 0x00010000 || bytes.toString('latin1', 0, 4) === 'true'),
    (font) => {
      font.writeUInt16BE(unitsPerEm, tableOffsets(font).get('head')!.offset + 18);
      return font;
    },
  );
}
