// The incremental update that carries a signature (ISO 32000-1 §7.5.6 and §12.8), appended after
// the original's last %%EOF. Not one original byte changes, so the file stays the PDF/A-3b file it
// was (PDF/A allows incremental updates) and keeps its data. The update holds:
//   - the signature dictionary (/Type /Sig) with /ByteRange and a /Contents placeholder;
//   - the signature field, merged with its widget: invisible (/Rect [0 0 0 0], which PDF/A lets
//     go without an appearance) and printable (/F 4, as PDF/A wants of every annotation);
//   - new versions of the catalog (/AcroForm with /SigFlags 3 and the field; for ETSI.CAdES.detached,
//     which PDF 1.7 knows only as an extension, the ESIC extension as PAdES asks) and of the first
//     page (/Annots with the widget);
//   - a cross-reference section of the kind the file already ends with (a table, as pdfkit and
//     pdf-lib without object streams write, or a stream), and a trailer with /Prev and the same /ID.
// pdf-lib only reads the original and prints its dictionaries; the bytes are written here, so
// every offset is known. No @signpdf placeholder package: they bring old pdfkit copies along, drop
// the trailer's /ID and misplace startxref (DESIGN.md, "Signing").
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFDocument } from '@pdfme/pdf-lib';
import { UserError } from '../errors.js';

export interface SignatureDictionary {
  subFilter: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';
  /** /M: when it was signed. */
  signedAt: Date;
  /** /Name: who signs (the certificate's CN; informative only, the certificate decides). */
  name?: string;
  reason?: string;
  location?: string;
}

export interface Placeholder {
  /** The whole file: the original, then the update; /Contents all zeros. */
  bytes: Buffer;
  /** [0, where /Contents' `<` is, just after its `>`, to the end of the file]. */
  byteRange: [number, number, number, number];
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** `[0 a b c]` padded to one width, so that the numbers can be written in after every offset is known. */
const BYTE_RANGE_WIDTH = 36;
const byteRangeText = (range: readonly number[]) => `[${range.join(' ')}]`.padEnd(BYTE_RANGE_WIDTH, ' ');

/** The original with the update appended; `capacity`: bytes the CMS may take. */
export function withPlaceholder(original: Buffer, pdf: PDFDocument, dictionary: SignatureDictionary, capacity: number, file: string): Placeholder {
  const previous = lastSection(original, file);
  const { context } = pdf;
  const rootRef = context.trailerInfo.Root;
  if (!(rootRef instanceof PDFRef)) throw new UserError(`${file} 的文件尾没有指向目录（/Root）：文件已损坏，无法签名`);
  // New objects after every number the file has used, free ones included.
  const first = Math.max(previous.size, context.largestObjectNumber + 1);
  const signatureRef = PDFRef.of(first);
  const widgetRef = PDFRef.of(first + 1);
  const page = firstPage(pdf, file);

  const catalog = pdf.catalog.clone(context);
  const acroForm = copyOf(pdf, catalog.get(PDFName.of('AcroForm')));
  const fields = arrayOf(pdf, acroForm.get(PDFName.of('Fields')));
  acroForm.set(PDFName.of('Fields'), context.obj([...fields, widgetRef]));
  acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(3)); // SignaturesExist, AppendOnly
  catalog.set(PDFName.of('AcroForm'), acroForm);
  if (dictionary.subFilter === 'ETSI.CAdES.detached') {
    const extensions = copyOf(pdf, catalog.get(PDFName.of('Extensions')));
    extensions.set(PDFName.of('ESIC'), context.obj({ BaseVersion: PDFName.of('1.7'), ExtensionLevel: 2 }));
    catalog.set(PDFName.of('Extensions'), extensions);
  }
  const pageDict = page.dict.clone(context);
  pageDict.set(PDFName.of('Annots'), context.obj([...arrayOf(pdf, pageDict.get(PDFName.of('Annots'))), widgetRef]));

  const taken = new Set(fields.map((f) => pdf.context.lookup(f)).flatMap((f) => (f instanceof PDFDict ? [textOf(f.get(PDFName.of('T')))] : [])));
  let k = 1;
  while (taken.has(`Signature${k}`)) k++;
  const widget = context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    T: PDFString.of(`Signature${k}`),
    V: signatureRef,
    F: 4,
    Rect: [0, 0, 0, 0],
    P: page.ref,
  });

  const signature = (range: readonly number[]) =>
    [
      '<<',
      '/Type /Sig',
      '/Filter /Adobe.PPKLite',
      `/SubFilter /${dictionary.subFilter}`,
      `/M ${PDFString.of(pdfDate(dictionary.signedAt)).toString()}`,
      ...(dictionary.name ? [`/Name ${PDFHexString.fromText(dictionary.name).toString()}`] : []),
      ...(dictionary.reason ? [`/Reason ${PDFHexString.fromText(dictionary.reason).toString()}`] : []),
      ...(dictionary.location ? [`/Location ${PDFHexString.fromText(dictionary.location).toString()}`] : []),
      `/ByteRange ${byteRangeText(range)}`,
      `/Contents <${'0'.repeat(capacity * 2)}>`,
      '>>',
    ].join('\n');
  const objects: Array<{ ref: PDFRef; text: (range: readonly number[]) => string }> = [
    { ref: signatureRef, text: signature },
    { ref: widgetRef, text: () => widget.toString() },
    { ref: rootRef, text: () => catalog.toString() },
    { ref: page.ref, text: () => pageDict.toString() },
  ];

  // The update, laid out once with a blank /ByteRange of the final width: every offset is final.
  const start = original.length + (/[\r\n]$/.test(latin1(original.subarray(-1))) ? 0 : 1);
  const parts: Buffer[] = [Buffer.from('\n'.repeat(start - original.length))];
  let at = start;
  const offsets = new Map<number, number>();
  const add = (bytes: Buffer) => {
    parts.push(bytes);
    at += bytes.length;
  };
  const bodies = objects.map(({ ref, text }) => {
    offsets.set(ref.objectNumber, at);
    const body = Buffer.from(`${ref.objectNumber} ${ref.generationNumber} obj\n${checked(text([0, 0, 0, 0]))}\nendobj\n`, 'latin1');
    add(body);
    return body;
  });
  const generations = new Map(objects.map(({ ref }) => [ref.objectNumber, ref.generationNumber]));
  const trailer = {
    Root: rootRef.toString(),
    ...(context.trailerInfo.Info ? { Info: context.trailerInfo.Info.toString() } : {}),
    // The same /ID: it names the document, and PDF/A requires one.
    ...(context.trailerInfo.ID ? { ID: context.trailerInfo.ID.toString() } : {}),
    Prev: String(previous.offset),
  };
  const xrefAt = at;
  if (previous.stream) add(xrefStream(first + 2, offsets, generations, trailer, xrefAt));
  else add(xrefTable(first + 2, offsets, generations, trailer));
  add(Buffer.from(`startxref\n${xrefAt}\n%%EOF\n`, 'latin1'));

  const bytes = Buffer.concat([original, ...parts]);
  const contents = start + bodies[0]!.toString('latin1').indexOf('/Contents <') + '/Contents '.length;
  const end = contents + 2 + capacity * 2;
  const byteRange: Placeholder['byteRange'] = [0, contents, end, bytes.length - end];
  const written = Buffer.from(byteRangeText(byteRange), 'latin1');
  const rangeAt = start + bodies[0]!.toString('latin1').indexOf('/ByteRange ') + '/ByteRange '.length;
  if (written.length !== BYTE_RANGE_WIDTH || bytes[contents] !== 0x3c || bytes[end - 1] !== 0x3e) throw new Error(`bug: the signature placeholder of ${file} is misplaced`);
  written.copy(bytes, rangeAt);
  return { bytes, byteRange };
}

/** Where the last cross-reference section is, whether it is a stream, and the trailer's /Size. */
function lastSection(original: Buffer, file: string): { offset: number; stream: boolean; size: number } {
  const tail = latin1(original.subarray(Math.max(0, original.length - 1024)));
  const found = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  const offset = Number(found?.[1] ?? -1);
  if (!found || offset >= original.length) throw new UserError(`${file} 的末尾不是完整的 PDF 文件尾（startxref … %%EOF）：文件不完整或已损坏，无法签名`);
  // The last section runs to the end of the file: its table, then its trailer (or the stream's dictionary first).
  const section = latin1(original.subarray(offset));
  const size = /\/Size\s+(\d+)/.exec(section);
  if (!size) throw new UserError(`${file} 的文件尾没有 /Size：文件已损坏，无法签名`);
  return { offset, stream: !section.startsWith('xref'), size: Number(size[1]) };
}

interface Trailer {
  Root: string;
  Info?: string;
  ID?: string;
  Prev: string;
}

/** Consecutive object numbers as [first, count] runs. */
function runs(numbers: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const n of [...numbers].sort((a, b) => a - b)) {
    const last = out.at(-1);
    if (last && last[0] + last[1] === n) last[1]++;
    else out.push([n, 1]);
  }
  return out;
}

/** `next`: the first object number not in use after the update. */
function xrefTable(next: number, offsets: Map<number, number>, generations: Map<number, number>, trailer: Trailer): Buffer {
  const lines = ['xref'];
  for (const [from, count] of runs([...offsets.keys()])) {
    lines.push(`${from} ${count}`);
    // Each entry exactly 20 bytes: 10-digit offset, 5-digit generation, n, and a two-byte end of line.
    for (let n = from; n < from + count; n++) lines.push(`${String(offsets.get(n)).padStart(10, '0')} ${String(generations.get(n)).padStart(5, '0')} n `);
  }
  const entries = Object.entries(trailer).map(([key, value]) => `/${key} ${value}`);
  lines.push('trailer', '<<', `/Size ${next}`, ...entries, '>>', '');
  return Buffer.from(lines.join('\n'), 'latin1');
}

/** The section as a cross-reference stream (a file whose sections are streams gets no table), itself object `next`. */
function xrefStream(next: number, offsets: Map<number, number>, generations: Map<number, number>, trailer: Trailer, at: number): Buffer {
  const self = next;
  const all = new Map([...offsets, [self, at]]);
  const numbers = [...all.keys()].sort((a, b) => a - b);
  const data = Buffer.alloc(numbers.length * 7);
  numbers.forEach((n, i) => {
    data.writeUInt8(1, i * 7);
    data.writeUInt32BE(all.get(n)!, i * 7 + 1);
    data.writeUInt16BE(generations.get(n) ?? 0, i * 7 + 5);
  });
  const index = runs(numbers).flat().join(' ');
  const entries = Object.entries(trailer).map(([key, value]) => `/${key} ${value}`);
  const head = ['<<', '/Type /XRef', `/Size ${next + 1}`, `/Index [${index}]`, '/W [1 4 2]', ...entries, `/Length ${data.length}`, '>>', 'stream', ''].join('\n');
  return Buffer.concat([Buffer.from(`${self} 0 obj\n${head}`, 'latin1'), data, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
}

/** The first page's leaf and its reference, found through /Kids (not through pdf-lib's page objects, which may normalise it). */
function firstPage(pdf: PDFDocument, file: string): { ref: PDFRef; dict: PDFDict } {
  let node: PDFObjectLike = pdf.catalog.get(PDFName.of('Pages'));
  for (let depth = 0; depth < 64 && node instanceof PDFRef; depth++) {
    const dict = pdf.context.lookup(node);
    if (!(dict instanceof PDFDict)) break;
    if (dict.get(PDFName.of('Type')) === PDFName.of('Page')) return { ref: node, dict };
    const kids = pdf.context.lookup(dict.get(PDFName.of('Kids')));
    node = kids instanceof PDFArray ? kids.get(0) : undefined;
  }
  throw new UserError(`${file} 里找不到第一页：文件已损坏，无法签名`);
}

type PDFObjectLike = ReturnType<PDFDict['get']>;

/** A dictionary to write anew: a copy of the one given (direct or not), or an empty one. */
function copyOf(pdf: PDFDocument, value: PDFObjectLike): PDFDict {
  const dict = value instanceof PDFRef ? pdf.context.lookup(value) : value;
  return dict instanceof PDFDict ? dict.clone(pdf.context) : pdf.context.obj({});
}

/** An array's elements (direct or not); none if it is not there. */
function arrayOf(pdf: PDFDocument, value: PDFObjectLike): PDFObjectLike[] {
  const array = value instanceof PDFRef ? pdf.context.lookup(value) : value;
  return array instanceof PDFArray ? array.asArray() : [];
}

const textOf = (value: PDFObjectLike) => (value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined);

/** Written one byte a character: pdf-lib prints what it read that way. */
function checked(text: string): string {
  if (/[^\x00-\xff]/.test(text)) throw new Error('bug: a PDF object printed as text has characters beyond one byte');
  return text;
}

/** A PDF date in Beijing time, the same on every machine: D:20230101080000+08'00'. */
export function pdfDate(date: Date): string {
  const beijing = new Date(date.getTime() + 8 * 3600_000).toISOString();
  return `D:${beijing.slice(0, 19).replace(/[-T:]/g, '')}+08'00'`;
}
