// One project's outputs: its form as PDF (with what the 汇总表 needs to know of its pages) and
// as .docx. The same function runs in the build's thread or in a worker of the pool (form-pool.ts),
// so `--jobs` changes where forms are made, never what they are.
import { declarationDocument } from '../layout/forms.js';
import type { PositionedPage } from '../layout/place.js';
import type { FormTemplates } from '../layout/templates.js';
import type { Display, Packet, Project } from '../model/packet.js';
import { wordProperties, type PacketHeader } from '../render/word-properties.js';
import type { LoadedFonts } from '../render/fonts.js';
import type { DocxFonts, DocxOptions } from '../render/docx.js';
import type { PdfOptions } from '../render/pdf.js';
import { textMeasure } from '../render/measure.js';
import { fitOneLine } from '../layout/fit.js';
import { pageMeasure } from '../layout/page-measure.js';
import { packPages, type PackedPages } from './form-pages.js';
import { formData, packetData } from './manifest.js';
import { jsonPieces } from './json-pieces.js';
import { pagedPdf } from './paged-pdf.js';
import { PDF_SUBJECT } from './names.js';

export interface FormJob {
  /** The project, its packet's year and its index (the form's grid is laid out where it is made: a
   * project is a few KB to send to a worker, its grid a hundred). */
  project: Project;
  year: number;
  /** The packet's house style. */
  display?: Display;
  /** The packet's header (title, unit), for the PDF's metadata and the data it carries. */
  header: PacketHeader;
  index: number;
  title: string;
  creationDate: Date;
  pdf: boolean;
  /** Keep the PDF's pages as placed, with their data paths (serve's preview: a click finds its field). */
  placed?: boolean;
  /** Word options, when a .docx is wanted. */
  docx?: Omit<DocxOptions, 'creationDate' | 'title'>;
}

export interface FormOutput {
  /** The PDF, and its pages as placed, packed: the 汇总表 draws them as they are. */
  pdf?: { bytes: Uint8Array; pages: PackedPages; pageCount: number; placed?: PositionedPage[] };
  docx?: Uint8Array;
}

/**
 * The job of a packet's project (0-based `index`), as build gives it and the library's renderForm:
 * the Word form carries the packet's fields as properties and its title as the subject.
 */
export function formJob(
  header: PacketHeader,
  project: Project,
  index: number,
  options: { creationDate: Date; pdf: boolean; docx: boolean; docxFonts?: Partial<DocxFonts> },
): FormJob {
  return {
    project,
    year: header.year,
    display: header.display,
    header,
    index,
    title: project.name,
    creationDate: options.creationDate,
    pdf: options.pdf,
    docx: options.docx ? { fonts: options.docxFonts, properties: wordProperties(header), subject: header.title } : undefined,
  };
}

/** `fonts`: the PDF's; the Word form prints its amounts at the sizes the PDF's fonts need (layout/fit.ts). */
export async function makeForm(job: FormJob, fonts: LoadedFonts, templates: FormTemplates): Promise<FormOutput> {
  const output: FormOutput = {};
  // Amounts fitted once, for both writers (paginate leaves a fitted grid as it is).
  const form = declarationDocument(templates, job.project, job.year, job.index, job.display);
  const grid = fitOneLine(form, pageMeasure(form.page, textMeasure(fonts)));
  if (job.pdf) {
    const pdf = await pagedPdf(grid, { fonts, creationDate: job.creationDate, title: job.title, archive: formArchive(job) });
    output.pdf = { bytes: pdf.bytes, pages: packPages(pdf.pages), pageCount: pdf.pages.length, ...(job.placed && { placed: pdf.pages }) };
  }
  if (job.docx) {
    // The Word writer is loaded only for Word files: the docx library takes 25–30 ms of a PDF-only
    // build's start to load (seed, cold).
    const { renderDocx } = await import('../render/docx.js');
    output.docx = await renderDocx(grid, { ...job.docx, creationDate: job.creationDate, title: job.title });
  }
  return output;
}

/**
 * What a form's PDF says of itself and carries: its packet with this one project, as validated,
 * so that `shenbao extract` gives back data that builds this form again.
 */
export function formArchive(job: Pick<FormJob, 'project' | 'header'>): PdfOptions['archive'] {
  const { header } = job;
  const json = `${JSON.stringify(formData(header, job.project), null, 2)}\n`;
  return {
    subject: PDF_SUBJECT.form,
    author: header.unit,
    keywords: `${header.year}年度`,
    source: { name: 'declaration.json', json: () => [json], description: '本申报表的数据（shenbao 数据格式）' },
  };
}

/** What the 汇总表's PDF says of itself and carries: the whole packet, as validated. */
export function summaryArchive(packet: Packet): PdfOptions['archive'] {
  return {
    subject: PDF_SUBJECT.summary,
    author: packet.unit,
    keywords: `${packet.year}年度`,
    // A piece a project (one string would be 42 MB at 10,000 projects: output/json-pieces.ts), made twice (render/pdf-archive.ts).
    source: { name: 'packet.json', json: () => packetJson(packet), description: '本汇总表的全部数据（shenbao 数据格式）' },
  };
}

function* packetJson(packet: Packet): Generator<string> {
  yield* jsonPieces(packetData(packet));
  yield '\n';
}

/**
 * The results of `count` jobs in order, each started by `start(i)` at most `window` ahead of the
 * one being taken: a pool keeps busy, and no batch of results is held in memory.
 */
export async function* inOrder<T>(count: number, start: (i: number) => Promise<T>, window: number): AsyncGenerator<T> {
  const ahead: Array<Promise<T>> = [];
  let next = 0;
  try {
    for (let i = 0; i < count; i++) {
      while (next < count && ahead.length < window) {
        const started = start(next++);
        started.catch(() => undefined); // taken below, in order; not an unhandled rejection meanwhile
        ahead.push(started);
      }
      yield await ahead.shift()!;
    }
  } finally {
    // Stopped early (an error, an abort): let the started jobs settle, their results unused.
    await Promise.allSettled(ahead);
  }
}
