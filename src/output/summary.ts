// The 汇总表's two files, as chunks of bytes made as they are taken: its PDF (the front table, then
// every form's pages as placed for the form's own PDF) and its .docx. build writes them into the
// packet folder; the library's renderSummary hands them over in memory: one path, the same bytes.
import type { Packet } from '../model/packet.js';
import { declarationDocument, summarySections } from '../layout/forms.js';
import { FORM_PAGE } from '../layout/page-style.js';
import { fitEach } from '../layout/fit.js';
import { pageMeasure } from '../layout/page-measure.js';
import { layOutPages } from '../layout/pages.js';
import type { FormTemplates } from '../layout/templates.js';
import type { DocxFonts } from '../render/docx.js';
import type { LoadedFonts } from '../render/fonts.js';
import { textMeasure } from '../render/measure.js';
import { wordProperties } from '../render/word-properties.js';
import { packPages, unpackPages, type PackedPageFile, type PackedPages } from './form-pages.js';
import { summaryArchive } from './forms.js';
import { inFont } from './paged-pdf.js';
import { beginSummaryPdf, summaryPdf, type BegunSummaryPdf, type SummaryForms } from './summary-pdf.js';
import type { PdfOptions } from '../render/pdf.js';

interface Context {
  templates: FormTemplates;
  fonts: LoadedFonts;
}

/** Forms' pages as placed for their own PDFs, packed (in memory, or in a file: `read` gets them), by 1-based project number. */
export type FormPages = Map<number, { pageCount: number; read(): Promise<PackedPages> }>;

/**
 * Every form of the packet as the 汇总表 PDF draws it: those in `made` (made for their own PDFs in
 * this build) as they are, the others laid out now and added to `made` (into `file`, if given).
 */
export async function summaryForms(context: Context, packet: Packet, made: FormPages, file?: PackedPageFile): Promise<SummaryForms> {
  const measure = textMeasure(context.fonts);
  for (const [i, project] of packet.projects.entries()) {
    if (made.has(i + 1)) continue;
    const grid = declarationDocument(context.templates, project, packet.year, i, packet.display);
    const { pages } = await inFont(context.fonts, async () => layOutPages(grid, measure));
    const packed = packPages(pages);
    made.set(i + 1, { pageCount: pages.length, read: file ? await file.add(packed) : async () => packed });
  }
  return {
    count: packet.projects.length,
    pageCount: (i) => made.get(i + 1)!.pageCount,
    pages: async (i) => unpackPages(await made.get(i + 1)!.read()),
  };
}

/** The 汇总表 PDF, carrying the whole packet (PDF/A-3b, render/pdf-archive.ts). */
export function summaryPdfChunks(context: Context, packet: Packet, forms: SummaryForms, creationDate: Date): AsyncGenerator<Uint8Array> {
  return summaryPdf(context.templates, packet, forms, summaryPdfOptions(context, packet, creationDate));
}

/** The same PDF, its first steps taken now (summary-pdf.ts: a build takes them before its forms). */
export function beginSummaryPdfChunks(context: Context, packet: Packet, creationDate: Date): Promise<BegunSummaryPdf> {
  return beginSummaryPdf(context.templates, packet, summaryPdfOptions(context, packet, creationDate));
}

function summaryPdfOptions(context: Context, packet: Packet, creationDate: Date): PdfOptions {
  // The attached packet's JSON (29 MB at 10,000 projects) is made when the writer takes it, a
  // project at a time (render/pdf-archive.ts), and not held by these options.
  return {
    fonts: context.fonts,
    creationDate,
    title: packet.title,
    get archive() {
      return summaryArchive(packet);
    },
  };
}

/** The 汇总表 .docx: its amounts at the sizes the PDF's fonts need (layout/fit.ts), the packet's fields as properties. */
export async function* summaryDocxChunks(
  context: Context,
  packet: Packet,
  options: { creationDate: Date; docxFonts?: Partial<DocxFonts> },
): AsyncGenerator<Uint8Array> {
  const sections = fitEach(summarySections(context.templates, packet), FORM_PAGE, pageMeasure(FORM_PAGE, textMeasure(context.fonts)));
  // Loaded for Word files only, as in makeForm.
  const { docxChunks } = await import('../render/docx.js');
  const properties = wordProperties(packet);
  yield* docxChunks(FORM_PAGE, sections, { creationDate: options.creationDate, fonts: options.docxFonts, properties, title: packet.title, subject: packet.unit });
}
