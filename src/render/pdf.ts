// Positioned pages -> PDF bytes, through pdfkit's public API. Layout has decided every position
// (layout/place.ts): this writes each line of text as one text run at its baseline, each rule as
// a stroke, a bookmark where a page opens one, and makes the file an archive (pdf-archive.ts).
// The fonts are embedded as subsets of the faces loadFonts parsed once (render/pdfkit-adapter.ts).
//
// A PDF is written page after page and its bytes handed on as they come (`take`): a 汇总表 of
// thousands of pages is never held whole, and it is one document, however many forms it holds.
import PDFDocument from 'pdfkit';
import type { Face } from '../layout/text.js';
import type { PlacedRule, PlacedText, PositionedPage } from '../layout/place.js';
import type { LoadedFonts } from './fonts.js';
import { ARCHIVE_OPTIONS, archiveInfoDictionary, makeArchival, PRODUCER, type ArchiveInfo } from './pdf-archive.js';
import { embedParsedFont } from './pdfkit-adapter.js';

export interface PdfOptions {
  fonts: LoadedFonts;
  /** Written as the PDF's CreationDate/ModDate; pass a fixed date for reproducible output. */
  creationDate: Date;
  /** Document title (PDF metadata): the project's name, or the 汇总表's title. */
  title?: string;
  /** The rest of what the archive file says of itself, and the declaration it carries (render/pdf-archive.ts). */
  archive?: Omit<ArchiveInfo, 'title' | 'creationDate'>;
}

export interface PdfWriter {
  /** Draws the next page. */
  page(page: PositionedPage): void;
  /** The bytes written since the last call, once pdfkit has handed them on. */
  take(): Promise<Buffer[]>;
  /** Ends the PDF: its last bytes. */
  end(): Promise<Buffer[]>;
}

/** The whole PDF of `pages` (footers already placed). */
export async function renderPdf(pages: Iterable<PositionedPage>, options: PdfOptions): Promise<Buffer> {
  const writer = pdfWriter(options);
  for (const page of pages) writer.page(page);
  return Buffer.concat(await writer.end());
}

export function pdfWriter(options: PdfOptions): PdfWriter {
  const archive: ArchiveInfo = { ...options.archive, title: options.title, creationDate: options.creationDate };
  const doc = new PDFDocument({
    autoFirstPage: false,
    pdfVersion: ARCHIVE_OPTIONS.pdfVersion,
    subset: ARCHIVE_OPTIONS.subset,
    lang: ARCHIVE_OPTIONS.lang,
    tagged: false,
    displayTitle: false,
    compress: true,
    info: archiveInfoDictionary(archive, PRODUCER),
    // No default font: pdfkit would read and parse Helvetica's metrics file for every document
    // (a fifth of a one-page form's time), and a PDF/A file may not use an unembedded font anyway.
    font: null as unknown as string,
  });
  // pdfkit's types lack `file`'s relationship and dates: the document as pdf-archive.ts uses it.
  makeArchival(doc as unknown as Parameters<typeof makeArchival>[0], archive);
  const faces = new FaceVariants(doc, options.fonts);
  let chunks: Buffer[] = [];
  let failed: Error | undefined;
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', (error: Error) => reject((failed = error)));
  });
  ended.catch(() => undefined); // said by take() or end()
  const taken = () => {
    if (failed) throw failed;
    const out = chunks;
    chunks = [];
    return out;
  };
  return {
    page(page) {
      doc.addPage({ size: [page.width, page.height], margin: 0 });
      if (page.bookmark !== undefined) doc.outline.addItem(page.bookmark);
      doc.fillColor('black').strokeColor('black');
      for (const item of page.items) {
        if (item.type === 'text') drawText(doc, faces, item);
        else drawRule(doc, item);
      }
    },
    async take() {
      await new Promise((resolve) => setImmediate(resolve));
      return taken();
    },
    async end() {
      doc.end();
      await ended;
      return taken();
    },
  };
}

function drawText(doc: PDFKit.PDFDocument, faces: FaceVariants, text: PlacedText): void {
  const runs = faces.runs(text.face, text.text);
  let x = text.x;
  for (const run of runs) {
    doc.font(run.font).fontSize(text.size);
    doc.text(run.text, x, text.baseline, { lineBreak: false, baseline: 'alphabetic' });
    if (runs.length > 1) x += doc.widthOfString(run.text);
  }
}

function drawRule(doc: PDFKit.PDFDocument, rule: PlacedRule): void {
  doc.moveTo(rule.x1, rule.y1).lineTo(rule.x2, rule.y2).lineWidth(rule.width).stroke();
}

/** A character and the marks that go with it (a variation selector): what one glyph stands for. */
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gu;

/**
 * A font draws some characters with one glyph: 工 and the radical ⼯ (U+2F2F), a space and a
 * no-break space, 试 and 试 + a variation selector. A PDF font's ToUnicode map gives each glyph one
 * text, the first it was drawn for: every 工 of a form that printed ⼯ first would copy, search and
 * read back as ⼯. So a glyph drawn for another text than before in the same document is drawn
 * from a second embedding of the face (its own subset and map, a few hundred bytes), and so on.
 */
class FaceVariants {
  /** Per face: for each embedding, the text each glyph stands for in it. */
  private readonly used: Record<Face, Array<Map<number, string>>> = { regular: [], bold: [] };
  private readonly glyphs: Record<Face, (codePoint: number) => number>;
  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly fonts: LoadedFonts,
  ) {
    this.glyphs = { regular: glyphOf(fonts.faces.regular.font), bold: glyphOf(fonts.faces.bold.font) };
  }

  /** `text` as runs, each in the first embedding of the face where its glyphs stand for themselves. */
  runs(face: Face, text: string): Array<{ font: string; text: string }> {
    const runs: Array<{ font: string; text: string }> = [];
    const used = this.used[face];
    for (const cluster of text.match(CLUSTER) ?? []) {
      const glyph = this.glyphs[face](cluster.codePointAt(0)!);
      let k = 0;
      for (; k < used.length; k++) {
        const seen = used[k]!.get(glyph);
        if (seen === undefined || seen === cluster) break;
      }
      if (k === used.length) used.push(new Map());
      used[k]!.set(glyph, cluster);
      const font = this.font(face, k);
      const last = runs.at(-1);
      if (last?.font === font) last.text += cluster;
      else runs.push({ font, text: cluster });
    }
    return runs;
  }

  private readonly embedded = new Set<string>();
  private font(face: Face, k: number): string {
    const name = k === 0 ? face : `${face}~${k}`;
    if (!this.embedded.has(name)) {
      embedParsedFont(this.doc, name, this.fonts.faces[face].font);
      this.embedded.add(name);
    }
    return name;
  }
}

/** The font's glyph for a character, remembered (fontkit's cmap lookup, public API). */
function glyphOf(font: LoadedFonts['faces']['regular']['font']): (codePoint: number) => number {
  let known = glyphIds.get(font);
  if (!known) glyphIds.set(font, (known = new Map()));
  const ids = known;
  return (codePoint) => {
    let id = ids.get(codePoint);
    if (id === undefined) ids.set(codePoint, (id = font.glyphForCodePoint(codePoint).id));
    return id;
  };
}
const glyphIds = new WeakMap<object, Map<number, number>>();
