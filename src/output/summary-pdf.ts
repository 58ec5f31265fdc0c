// The 汇总表 PDF: its front table, then every form as already paginated for its own PDF.
//
// A packet of thousands of projects makes a 汇总表 of thousands of pages. So it is written as a
// stream: the front table is paginated on its own, then each form in turn is paginated again
// (exactly as for its own PDF; the forms are not held meanwhile), laid out (render/pdf-pages.ts)
// and drawn into one PDF whose bytes go to the file as they are made. The page count of the whole,
// which every footer prints (第 X 页 共 Y 页), is known before the first page is drawn: each
// section is one page, and each form's page count comes from making its own PDF. Memory stays
// flat and time linear in the number of forms; the result is byte for byte the one-document
// 汇总表 (for the seed, its SHA-256 did not change).
//
// A form with a row taller than a page needs pdfmake's own layout, which holds a whole document
// in memory while it lays it out (1.4 GB for 1,000 forms). A 汇总表 with such a form is made as
// before this stream existed: in one pdfmake document up to SUMMARY_PARTS.forms forms, else in
// parts of that many forms, each part a document whose footers already count the pages of the
// whole, joined into one PDF (pdf-lib) with one bookmark per form. Where a row runs over more
// pages than its sections (the parts' placements show it), the parts are made again with the
// right numbers. The result is the same bytes for the same input.
import type { PDFDocument, PDFRef } from 'pdf-lib';
import type { GridDocument, GridSection, RowPlacement } from '../layout/grid.js';
import { summaryDocument } from '../layout/forms.js';
import { FORM_PAGE } from '../layout/page-style.js';
import type { FormTemplates } from '../layout/templates.js';
import type { Packet } from '../model/packet.js';
import { laysOutHere, pdfPartWriter, renderPdf, type PdfOptions, type PdfPartWriter, type PdfResult } from '../render/pdf.js';
import { archiveFileId, archiveInfoDictionary, PRODUCER } from '../render/pdf-archive.js';
import { inOrder } from './forms.js';
import { inFont, pagedPdf, paginatedSections, type PagedPdfOptions } from './paged-pdf.js';

type PdfLib = typeof import('pdf-lib');

/**
 * forms: forms per part (a 汇总表 made by pdfmake's own layout); frontPages: pages of the front
 * table laid out and drawn at a time (streamed). Tests lower them.
 */
export const SUMMARY_PARTS = { forms: 50, frontPages: 20 };

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

/** The forms of the 汇总表, in packet order. */
export interface SummaryForms {
  count: number;
  /** Form i (0-based), paginated as for its own PDF. */
  sections(i: number): Promise<GridSection[]>;
  /** What making form i's own PDF showed: its pages, and whether it was laid out here. Else found from `sections`. */
  known?(i: number): { pages: number; laidOutHere: boolean } | undefined;
}

/** The 汇总表 PDF, as chunks of bytes in order, made as they are taken. */
export async function* summaryPdf(
  templates: FormTemplates,
  packet: Packet,
  forms: SummaryForms,
  options: PagedPdfOptions,
  renderer?: PartRenderer,
): AsyncGenerator<Uint8Array> {
  const { fonts } = options;
  const page = FORM_PAGE; // the 汇总表's page, as summaryDocument sets it
  // Every form's pages first: the footers count the pages of the whole.
  const pages: number[] = [];
  let streamable = true;
  for (let i = 0; i < forms.count; i++) {
    const known = forms.known?.(i);
    if (known) {
      pages.push(known.pages);
      streamable &&= known.laidOutHere;
    } else {
      const sections = await forms.sections(i);
      pages.push(sections.length);
      streamable &&= await inFont(fonts, async () => laysOutHere({ page, sections }, fonts));
    }
  }
  // The front table (a row per project) is let go once drawn.
  const drawFront = async (writer: PdfPartWriter) => {
    const front = await paginatedSections(summaryDocument(templates, packet, []), fonts);
    const total = front.length + pages.reduce((a, b) => a + b, 0);
    // A few pages at a time: a page's laid-out items are many (600 pages for 10,000 projects).
    for (let first = 0; first < front.length; first += SUMMARY_PARTS.frontPages) {
      const sections = front.slice(first, first + SUMMARY_PARTS.frontPages);
      if (!(await inFont(fonts, async () => writer.draw({ page, sections }, { first: 1 + first, total })))) return undefined;
    }
    return { first: 1 + front.length, total };
  };
  const writer = streamable ? pdfPartWriter(page, { fonts, creationDate: options.creationDate, title: options.title, archive: options.archive }) : undefined;
  const numbers = writer && (await drawFront(writer));
  if (!writer || !numbers) {
    const all: GridSection[][] = [];
    for (let i = 0; i < forms.count; i++) all.push(await forms.sections(i));
    yield await summaryInParts(templates, packet, all, options, renderer);
    return;
  }
  const { total } = numbers;
  yield Buffer.concat(await writer.take());
  let { first } = numbers;
  for (let i = 0; i < forms.count; i++) {
    const sections = await forms.sections(i);
    if (sections.length !== pages[i]) throw new Error(`bug: form ${i + 1} of the 汇总表 paginated to ${sections.length} pages, its own PDF to ${pages[i]}`);
    if (!(await inFont(fonts, async () => writer.draw({ page, sections }, { first, total })))) {
      throw new Error(`bug: form ${i + 1} of the 汇总表 was laid out for its own PDF, not in the 汇总表`);
    }
    first += sections.length;
    yield Buffer.concat(await writer.take());
  }
  yield Buffer.concat(await writer.end());
}

/** The 汇总表 made by pdfmake's own layout: in one document, or in parts joined by pdf-lib. */
async function summaryInParts(
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
    // Each part says of itself what the whole does (its XMP becomes the whole's); the data goes to the whole only.
    const archive = options.archive && { ...options.archive, source: undefined };
    const partOptions = (k: number) => ({ creationDate: options.creationDate, title: options.title, archive, pageNumbers: { first: firsts[k]!, total } });
    const rendering = inOrder(parts.length, (k) => renderer.render(documents[k]!, partOptions(k)), renderer.ahead);
    let k = 0;
    let first: PDFDocument | undefined;
    for await (const rendered of rendering) {
      const pdf = await pdfLib.PDFDocument.load(rendered.bytes, { updateMetadata: false });
      first ??= pdf;
      const starts = sectionStarts(documents[k]!, rendered.placements);
      const offset = whole.getPageCount();
      for (const copied of await whole.copyPages(pdf, pdf.getPageIndices())) whole.addPage(copied);
      for (const { section, title } of parts[k]!.bookmarks) outline.push({ title, page: offset + starts[section]! });
      actual.push(pdf.getPageCount());
      k++;
    }
    if (actual.every((n, k) => n === pages[k])) return finish(pdfLib, whole, outline, options, first!);
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

/**
 * The document's metadata and a bookmark per form, then the bytes. An archive file as the parts
 * are (render/pdf-archive.ts): the first part's XMP and output intent, the same Info, the data
 * attached as the Source, the language and a file ID.
 */
async function finish(pdfLib: PdfLib, whole: PDFDocument, outline: Array<{ title: string; page: number }>, options: PagedPdfOptions, first: PDFDocument): Promise<Buffer> {
  const { PDFName, PDFString, PDFHexString, PDFRawStream, PDFDict, PDFArray, decodePDFRawStream } = pdfLib;
  const info = archiveInfoDictionary({ ...options.archive, title: options.title, creationDate: options.creationDate }, PRODUCER);
  if (info.Title) whole.setTitle(info.Title as string);
  if (info.Author) whole.setAuthor(info.Author as string);
  if (info.Subject) whole.setSubject(info.Subject as string);
  if (info.Keywords) whole.setKeywords([info.Keywords as string]);
  whole.setCreator(info.Creator as string);
  whole.setProducer(info.Producer as string);
  whole.setCreationDate(options.creationDate);
  whole.setModificationDate(options.creationDate);
  const { context } = whole;
  const metadata = first.catalog.lookup(PDFName.of('Metadata'));
  if (metadata instanceof PDFRawStream) {
    whole.catalog.set(PDFName.of('Metadata'), context.register(context.stream(metadata.getContents(), { Type: 'Metadata', Subtype: 'XML' })));
  }
  const intents = first.catalog.lookup(PDFName.of('OutputIntents'));
  const intent = intents instanceof PDFArray ? intents.lookup(0) : undefined;
  const profile = intent instanceof PDFDict ? intent.lookup(PDFName.of('DestOutputProfile')) : undefined;
  if (intent instanceof PDFDict && profile instanceof PDFRawStream) {
    const icc = context.register(context.flateStream(decodePDFRawStream(profile).decode(), { N: 3 }));
    const copied = context.obj({ Type: 'OutputIntent', S: 'GTS_PDFA1', Info: PDFString.of('sRGB IEC61966-2.1'), OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1') });
    copied.set(PDFName.of('DestOutputProfile'), icc);
    whole.catalog.set(PDFName.of('OutputIntents'), context.obj([context.register(copied)]));
  }
  whole.catalog.set(PDFName.of('Lang'), PDFString.of('zh-CN'));
  const source = options.archive?.source;
  if (source) {
    await whole.attach(Buffer.from(source.json, 'utf8'), source.name, {
      mimeType: 'application/json',
      description: source.description,
      creationDate: options.creationDate,
      modificationDate: options.creationDate,
      afRelationship: pdfLib.AFRelationship.Source,
    });
  }
  const id = PDFHexString.of(archiveFileId(info, { source }).toString('hex'));
  context.trailerInfo.ID = context.obj([id, id]);
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
