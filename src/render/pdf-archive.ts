// Every PDF as an archive file: PDF/A-3b, with the declaration it was made from inside it.
//
// pdfkit 0.19.1 does most of it when asked (`subset: 'PDF/A-3b'` with `pdfVersion: '1.7'`): the sRGB output intent, the XMP stream with pdfaid part 3 / B, and
// the catalog's /AF for a file attached with `relationship`. What it gets wrong is set right
// through render/pdfkit-adapter.ts, before the document ends: its XMP writes the Info values
// unescaped (a title `R&D <预算>` is not XML) and lacks xmp:ModifyDate, which PDF/A requires to
// match the Info dictionary's ModDate.
// The source JSON is attached as an associated file (AFRelationship /Source, application/json);
// `shenbao extract` reads it back (extract/pdf.ts).
//
// The attached JSON comes in pieces and is never one string: a 汇总表 of 10,000 projects carries
// 29 MB of it (a 42 MB string), and the string, the string hashed for the file ID, and pdfkit's
// copies of the bytes were some 170 MB at once. Here the pieces are gone through twice, once for
// the file ID and the bytes' size, once to write the bytes into one buffer of that size, which
// pdfkit's `file()` is given. (pdfkit then copies them twice to hash and deflate them, some 60 MB
// for a moment; handing it deflated bytes through its internals did not lower the build's peak,
// which the front table's layout sets: 490 against 465 MB at 10,000 projects, 2026-12-07.)
import { createHash } from 'node:crypto';
import { SHENBAO_VERSION } from '../version.js';
import { archiveInternals } from './pdfkit-adapter.js';

/** Written as every PDF's Producer. */
export const PRODUCER = `shenbao ${SHENBAO_VERSION}`;

/** pdfkit document options that make a PDF/A-3b file. */
export const ARCHIVE_OPTIONS = { pdfVersion: '1.7', subset: 'PDF/A-3b', lang: 'zh-CN' } as const;

export interface ArchiveInfo {
  /** The project's name, or the 汇总表's title. */
  title?: string;
  /** What the document is: 财政项目支出绩效目标申报表, or 项目绩效目标汇总表. */
  subject?: string;
  /** The unit that declares. */
  author?: string;
  /** The budget year, as a keyword: 2023年度. */
  keywords?: string;
  creationDate: Date;
  /** The declaration as data, attached as the document's source: its JSON text in pieces (output/json-pieces.ts), made twice alike. */
  source?: { name: string; json: () => Iterable<string>; description: string };
}

/** What this file uses of a pdfkit document: its public API. */
interface PdfkitDocument {
  info: Record<string, unknown>;
  file(data: Buffer, options: { name: string; type: string; description: string; relationship: string; creationDate: Date; modifiedDate: Date }): void;
}

/** The Info dictionary for `info` (pdfkit writes it; the XMP below repeats it). */
export function archiveInfoDictionary(info: ArchiveInfo, producer: string): Record<string, unknown> {
  return {
    Producer: producer,
    Creator: 'shenbao',
    ...(info.title ? { Title: info.title } : {}),
    ...(info.author ? { Author: info.author } : {}),
    ...(info.subject ? { Subject: info.subject } : {}),
    ...(info.keywords ? { Keywords: info.keywords } : {}),
    CreationDate: info.creationDate,
    ModDate: info.creationDate,
  };
}

/** Makes `doc` (not yet ended) an archive file: escaped, complete XMP; the source attached; an ID from the content. */
export function makeArchival(doc: PdfkitDocument, info: ArchiveInfo): void {
  const { fileId, file } = packSource(doc.info, info.source?.json ?? (() => []));
  archiveInternals(doc, xmpOf, fileId);
  if (info.source) {
    doc.file(file, {
      name: info.source.name,
      type: 'application/json',
      description: info.source.description,
      relationship: 'Source',
      creationDate: info.creationDate,
      modifiedDate: info.creationDate,
    });
  }
}

/** Characters of JSON text taken at a time. */
const BLOCK = 1 << 16;

/** The pieces of `json()` joined into blocks of about BLOCK characters: whole pieces, so no half of a surrogate pair. */
function* blocks(json: () => Iterable<string>): Generator<string> {
  let text = '';
  for (const piece of json()) {
    text += piece;
    if (text.length >= BLOCK) {
      yield text;
      text = '';
    }
  }
  if (text) yield text;
}

/**
 * The attached file's bytes (UTF-8), and the file ID (trailer /ID): the MD5 of
 * `JSON.stringify([infoDictionary, the whole JSON text])`, from the Info dictionary and the data
 * the PDF carries, taken a block at a time (escaping each block escapes the whole: a block is
 * whole characters).
 */
function packSource(infoDictionary: Record<string, unknown>, json: () => Iterable<string>): { fileId: Buffer; file: Buffer } {
  const id = createHash('md5').update(`[${JSON.stringify(infoDictionary)},"`);
  let size = 0;
  for (const text of blocks(json)) {
    size += Buffer.byteLength(text, 'utf8');
    id.update(JSON.stringify(text).slice(1, -1));
  }
  id.update('"]');
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  for (const text of blocks(json)) at += bytes.write(text, at, 'utf8');
  if (at !== size) throw new Error(`bug: the attached JSON was ${size} bytes, then ${at}`);
  return { fileId: id.digest(), file: bytes };
}

const xml = (text: unknown) =>
  String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const xmpDate = (date: unknown) => (date as Date).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The XMP descriptions of the Info dictionary, every value escaped. */
function xmpOf(info: Record<string, unknown>): string {
  const parts = [
    '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">',
    `<xmp:CreateDate>${xmpDate(info.CreationDate)}</xmp:CreateDate>`,
    `<xmp:ModifyDate>${xmpDate(info.ModDate)}</xmp:ModifyDate>`,
    `<xmp:CreatorTool>${xml(info.Creator)}</xmp:CreatorTool>`,
    '</rdf:Description>',
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '<dc:format>application/pdf</dc:format>',
    '<dc:language><rdf:Bag><rdf:li>zh-CN</rdf:li></rdf:Bag></dc:language>',
    ...(info.Title ? [`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xml(info.Title)}</rdf:li></rdf:Alt></dc:title>`] : []),
    ...(info.Author ? [`<dc:creator><rdf:Seq><rdf:li>${xml(info.Author)}</rdf:li></rdf:Seq></dc:creator>`] : []),
    ...(info.Subject ? [`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xml(info.Subject)}</rdf:li></rdf:Alt></dc:description>`] : []),
    '</rdf:Description>',
    '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
    `<pdf:Producer>${xml(info.Producer)}</pdf:Producer>`,
    ...(info.Keywords ? [`<pdf:Keywords>${xml(info.Keywords)}</pdf:Keywords>`] : []),
    '</rdf:Description>',
  ];
  return parts.join('\n');
}
