// The 汇总表 PDF: its front table, then every form as already paginated for its own PDF.
//
// A packet of hundreds of projects makes a 汇总表 of a thousand pages and more, and pdfmake holds
// a whole document in memory while it lays it out (1.4 GB for 1,000 forms). So a long 汇总表 is
// made in parts of at most SUMMARY_PARTS.forms forms each, every part a pdfmake document of its
// own whose footers already count the pages of the whole (第 X 页 共 Y 页), and the parts are then
// joined into one PDF (pdf-lib), with one bookmark per form. The front table is paginated on its
// own; the forms are not measured or paginated again. A 汇总表 of one part is made exactly as
// before, in one document.
//
// The page count of the whole comes from the pagination (each section is a page); a row taller
// than a page makes a section run over more pages, which the parts' placements show: then the
// parts are made again with the right numbers. The result is the same bytes for the same input.
import type { PDFDocument, PDFRef } from 'pdf-lib';
import type { GridDocument, GridSection, RowPlacement } from '../layout/grid.js';
import { summaryDocument } from '../layout/forms.js';
import type { FormTemplates } from '../layout/templates.js';
import type { Packet } from '../model/packet.js';
import { renderPdf, type PdfOptions, type PdfResult } from '../render/pdf.js';
import { inOrder } from './forms.js';
import { inFont, pagedPdf, type PagedPdfOptions } from './paged-pdf.js';

type PdfLib = typeof import('pdf-lib');

/** Forms per part. Tests lower it to make a short 汇总表 in parts. */
export const SUMMARY_PARTS = { forms: 50 };

interface Part {
  sections: GridSection[];
  /** The sections (index into `sections`) that start a form, with the form's bookmark. */
  bookmarks: Array<{ section: number; title: string }>;
}

/** Renders one part: in this thread, or on a worker (`--jobs`); `ahead`: how many at a time. */
export interface PartRenderer {
  render(document: GridDocument, options: Omit<PdfOptions, 'fonts'>): Promise<PdfResult>;
  ahead: number;
}

export async function summaryPdf(
  templates: FormTemplates,
  packet: Packet,
  forms: GridSection[][],
  options: PagedPdfOptions,
  renderer: PartRenderer = { render: (document, rest) => inFont(options.fonts, () => renderPdf(document, { ...rest, fonts: options.fonts })), ahead: 1 },
): Promise<Buffer> {
  if (forms.length <= SUMMARY_PARTS.forms) return (await pagedPdf(summaryDocument(templates, packet, forms), options)).bytes;

  // Loaded only for a 汇总表 in parts: a process that makes none does not pay for it.
  const pdfLib = await import('pdf-lib');
  const front = await pagedPdf(summaryDocument(templates, packet, []), options);
  const page = front.paged.page;
  const parts: Part[] = [];
  for (let first = 0; first < forms.length; first += SUMMARY_PARTS.forms) {
    const part: Part = { sections: first === 0 ? [...front.paged.sections] : [], bookmarks: [] };
    for (const form of forms.slice(first, first + SUMMARY_PARTS.forms)) {
      if (form[0]?.bookmark) part.bookmarks.push({ section: part.sections.length, title: form[0].bookmark });
      part.sections.push(...form);
    }
    parts.push(part);
  }

  // Pages as paginated: one a section. Made again only if a part ran to more. Each part's pages
  // are copied into the whole as soon as it is made, so one part at a time is held, not all.
  let pages = parts.map((part) => part.sections.length);
  for (let pass = 1; ; pass++) {
    // The footers do not change where the body's pages break: the second pass always agrees.
    if (pass > 2) throw new Error('bug: the 汇总表 parts ran to a different number of pages twice');
    const total = pages.reduce((a, b) => a + b, 0);
    const whole = await pdfLib.PDFDocument.create({ updateMetadata: false });
    const outline: Array<{ title: string; page: number }> = [];
    const actual: number[] = [];
    const firsts = pages.map((_, k) => 1 + pages.slice(0, k).reduce((a, b) => a + b, 0));
    const documents = parts.map((part): GridDocument => ({ page, sections: part.sections }));
    const partOptions = (k: number) => ({ creationDate: options.creationDate, title: options.title, pageNumbers: { first: firsts[k]!, total } });
    const rendering = inOrder(parts.length, (k) => renderer.render(documents[k]!, partOptions(k)), renderer.ahead);
    let k = 0;
    for await (const rendered of rendering) {
      const pdf = await pdfLib.PDFDocument.load(rendered.bytes, { updateMetadata: false });
      const starts = sectionStarts(documents[k]!, rendered.placements);
      const offset = whole.getPageCount();
      for (const copied of await whole.copyPages(pdf, pdf.getPageIndices())) whole.addPage(copied);
      for (const { section, title } of parts[k]!.bookmarks) outline.push({ title, page: offset + starts[section]! });
      actual.push(pdf.getPageCount());
      k++;
    }
    if (actual.every((n, k) => n === pages[k])) return finish(pdfLib, whole, outline, options);
    pages = actual;
  }
}

/** The page (0-based) each section starts on: where its first row landed. */
function sectionStarts(document: GridDocument, placements: RowPlacement[][]): number[] {
  let table = 0;
  return document.sections.map((section, s) => {
    const first = section.blocks.some((b) => b.type === 'table') ? placements[table]?.[0]?.page : undefined;
    table += section.blocks.filter((b) => b.type === 'table').length;
    return first ?? s;
  });
}

/** The document's metadata and a bookmark per form, then the bytes. */
async function finish(pdfLib: PdfLib, whole: PDFDocument, outline: Array<{ title: string; page: number }>, options: PagedPdfOptions): Promise<Buffer> {
  if (options.title) whole.setTitle(options.title);
  whole.setCreator('shenbao');
  whole.setProducer('shenbao (pdfmake, pdf-lib)');
  whole.setCreationDate(options.creationDate);
  whole.setModificationDate(options.creationDate);
  addOutline(pdfLib, whole, outline);
  // Open with the bookmarks shown, as pdfmake's one-document 汇总表 does.
  whole.catalog.set(pdfLib.PDFName.of('PageMode'), pdfLib.PDFName.of('UseOutlines'));
  return Buffer.from(await whole.save({ useObjectStreams: false }));
}

/** One bookmark per entry, at the top level, each opening its page (pdf-lib has no outline API). */
function addOutline({ PDFHexString, PDFName }: PdfLib, document: PDFDocument, entries: ReadonlyArray<{ title: string; page: number }>): void {
  if (entries.length === 0) return;
  const { context } = document;
  const root = context.nextRef();
  const refs: PDFRef[] = entries.map(() => context.nextRef());
  entries.forEach(({ title, page }, i) => {
    const item = context.obj({
      Title: PDFHexString.fromText(title),
      Parent: root,
      Dest: [document.getPage(page).ref, 'XYZ', null, null, null],
    });
    if (i > 0) item.set(PDFName.of('Prev'), refs[i - 1]!);
    if (i < entries.length - 1) item.set(PDFName.of('Next'), refs[i + 1]!);
    context.assign(refs[i]!, item);
  });
  context.assign(root, context.obj({ Type: 'Outlines', First: refs[0]!, Last: refs.at(-1)!, Count: entries.length }));
  document.catalog.set(PDFName.of('Outlines'), root);
}
