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
import { packPages, unpackPages, type PackedPages } from './form-pages.js';
import { summaryArchive } from './forms.js';
import { inFont } from './paged-pdf.js';
import { summaryPdf, type SummaryForms } from './summary-pdf.js';

interface Context {
  templates: FormTemplates;
  fonts: LoadedFonts;
}

/** Forms' pages as placed for their own PDFs, packed, by 1-based project number. */
export type FormPages = Map<number, { pages: PackedPages; pageCount: number }>;

/**
 * Every form of the packet as the 汇总表 PDF draws it: those in `made` (made for their own PDFs in
 * this build) as they are, the others laid out now and added to `made`.
 */
export async function summaryForms(context: Context, packet: Packet, made: FormPages): Promise<SummaryForms> {
  const measure = textMeasure(context.fonts);
  for (const [i, project] of packet.projects.entries()) {
    if (made.has(i + 1)) continue;
    const grid = declarationDocument(context.templates, project, packet.year, i, packet.display);
    const { pages } = await inFont(context.fonts, async () => layOutPages(grid, measure));
    made.set(i + 1, { pages: packPages(pages), pageCount: pages.length });
  }
  return {
    count: packet.projects.length,
    pageCount: (i) => made.get(i + 1)!.pageCount,
    pages: async (i) => unpackPages(made.get(i + 1)!.pages),
  };
}

/** The 汇总表 PDF, carrying the whole packet (PDF/A-3b, render/pdf-archive.ts). */
export function summaryPdfChunks(context: Context, packet: Packet, forms: SummaryForms, creationDate: Date): AsyncGenerator<Uint8Array> {
  return summaryPdf(context.templates, packet, forms, { fonts: context.fonts, creationDate, title: packet.title, archive: summaryArchive(packet) });
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
