// The 汇总表 PDF: its front table, then every form's pages as placed for the form's own PDF.
//
// A packet of thousands of projects makes a 汇总表 of thousands of pages. It is one pdfkit
// document, written page after page, its bytes going to the file as they are made: the front
// table is laid out (a few hundred pages at most), then each form's placed pages are drawn as they
// are, not laid out again. The page count of the whole, which every footer prints (第 X 页 共 Y
// 页), is known before the first page is drawn: every form's pages are.
//
// Memory, at 10,000 projects: the front table's 601 pages are kept packed (form-pages.ts: 2.7 MB,
// against some 70 MB placed), each page placed and packed in turn; and the two costly first steps
// (beginSummaryPdf) can be taken early, when the build holds least.
import type { PositionedPage } from '../layout/place.js';
import { numberPages } from '../layout/place.js';
import { layOutPagesPiecewise } from '../layout/pages.js';
import { summaryDocument } from '../layout/forms.js';
import { FORM_PAGE } from '../layout/page-style.js';
import type { FormTemplates } from '../layout/templates.js';
import type { Packet } from '../model/packet.js';
import { textMeasure } from '../render/measure.js';
import { pdfWriter, type PdfOptions } from '../render/pdf.js';
import { packPages, unpackPages, type PackedPages } from './form-pages.js';
import { inFont } from './paged-pdf.js';

/** The forms of the 汇总表, in packet order. */
export interface SummaryForms {
  count: number;
  /** How many pages form i (0-based) has. */
  pageCount(i: number): number;
  /** Form i's pages as placed for its own PDF, without footers. */
  pages(i: number): Promise<PositionedPage[]>;
}

/** Front-table pages drawn between two hand-overs of bytes. */
const PAGES_AT_A_TIME = 20;

/** A 汇总表 PDF begun (beginSummaryPdf): `chunks` draws it, once, its forms' pages taken as they are drawn. */
export interface BegunSummaryPdf {
  chunks(forms: SummaryForms): AsyncGenerator<Uint8Array>;
}

/** The 汇总表 PDF, as chunks of bytes in order, made as they are taken. */
export async function* summaryPdf(templates: FormTemplates, packet: Packet, forms: SummaryForms, options: PdfOptions): AsyncGenerator<Uint8Array> {
  yield* (await beginSummaryPdf(templates, packet, options)).chunks(forms);
}

/**
 * The 汇总表 PDF's first steps: its writer made, the packet attached, and its front table laid out
 * and packed, a page at a time. A build takes them before its forms, while it holds the least (no
 * worker of --jobs yet, no form made): at 10,000 projects the attached packet's bytes are some
 * 35 MB for a moment (render/pdf-archive.ts), the front table's layout leaves the heap some 60 MB
 * larger (mostly garbage not yet collected; some 125 MB while its markup was made a whole tree
 * before it was read, layout/markup.ts, and the data file's places were held, output/build.ts), and
 * either on top of the forms' phase made the build's peak.
 * Laid out on a thread of its own that then ends, the garbage goes with it, but that thread (its
 * modules, fonts and copy of the packet) made the peak higher still: 485–533 MB against 387–419 MB
 * for these steps alone (2026-12-07).
 */
export async function beginSummaryPdf(templates: FormTemplates, packet: Packet, options: PdfOptions): Promise<BegunSummaryPdf> {
  const { fonts } = options;
  const measure = textMeasure(fonts);
  const page = FORM_PAGE; // the 汇总表's page, as summaryDocument sets it
  const writer = pdfWriter(options);
  const front: PackedPages[] = [];
  await inFont(fonts, async () => {
    for (const pages of layOutPagesPiecewise(summaryDocument(templates, packet, []), measure)) front.push(...pages.map((placed) => packPages([placed])));
  });

  return {
    async *chunks(forms) {
      let total = front.length;
      for (let i = 0; i < forms.count; i++) total += forms.pageCount(i);
      let drawn = 0;
      const draw = async function* (pages: Iterable<PositionedPage>) {
        for (const placed of numberPages(pages, page, drawn + 1, total, measure)) {
          await inFont(fonts, async () => writer.page(placed));
          if (++drawn % PAGES_AT_A_TIME === 0) yield Buffer.concat(await writer.take());
        }
      };
      yield* draw(
        (function* () {
          for (const packed of front.splice(0)) yield* unpackPages(packed);
        })(),
      );
      for (let i = 0; i < forms.count; i++) {
        const pages = await forms.pages(i);
        if (pages.length !== forms.pageCount(i)) throw new Error(`bug: form ${i + 1} of the 汇总表 has ${pages.length} pages, its count says ${forms.pageCount(i)}`);
        yield* draw(pages);
        yield Buffer.concat(await writer.take());
      }
      yield Buffer.concat(await writer.end());
    },
  };
}
