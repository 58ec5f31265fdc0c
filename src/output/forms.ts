// One project's outputs: its form as PDF (with what the 汇总表 needs to know of its pages) and
// as .docx. The same function runs in the build's thread or in a worker of the pool (form-pool.ts),
// so `--jobs` changes where forms are made, never what they are.
import type { GridDocument, GridSection } from '../layout/grid.js';
import { declarationDocument } from '../layout/forms.js';
import type { FormTemplates } from '../layout/templates.js';
import type { Display, Packet, Project } from '../model/packet.js';
import type { PacketHeader } from './word-properties.js';
import type { LoadedFonts } from '../render/fonts.js';
import { renderDocx, type DocxOptions } from '../render/docx.js';
import { pdfMeasure, renderPdf, type PdfOptions, type PdfResult } from '../render/pdf.js';
import { fitOneLine } from '../layout/fit.js';
import { formData, packetData } from './manifest.js';
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
  /** Word options, when a .docx is wanted. */
  docx?: Omit<DocxOptions, 'creationDate' | 'title'>;
}

export interface FormOutput {
  /**
   * The PDF, its pages, and whether it was laid out here (the 汇总表 can then draw the form again
   * as is). A form pdfmake laid out itself (a row taller than a page) also hands back its sections
   * as finally paginated (a measurement may have been corrected): the 汇总表 then uses those.
   */
  pdf?: { bytes: Uint8Array; pages: number; laidOutHere: boolean; sections?: GridSection[] };
  docx?: Uint8Array;
}

/** `fonts`: the PDF's; the Word form prints its amounts at the sizes the PDF's fonts need (layout/fit.ts). */
export async function makeForm(job: FormJob, fonts: LoadedFonts, templates: FormTemplates): Promise<FormOutput> {
  const output: FormOutput = {};
  // Amounts fitted once, for both writers (paginate leaves a fitted grid as it is).
  const form = declarationDocument(templates, job.project, job.year, job.index, job.display);
  const grid = fitOneLine(form, pdfMeasure(form.page, fonts));
  if (job.pdf) {
    const pdf = await pagedPdf(grid, { fonts, creationDate: job.creationDate, title: job.title, archive: formArchive(job) });
    const { sections } = pdf.paged;
    output.pdf = { bytes: pdf.bytes, pages: sections.length, laidOutHere: pdf.laidOutHere, ...(pdf.laidOutHere ? {} : { sections }) };
  }
  if (job.docx) output.docx = await renderDocx(grid, { ...job.docx, creationDate: job.creationDate, title: job.title });
  return output;
}

/**
 * What a form's PDF says of itself and carries: its packet with this one project, as validated,
 * so that `shenbao extract` gives back data that builds this form again.
 */
export function formArchive(job: Pick<FormJob, 'project' | 'header'>): PdfOptions['archive'] {
  const { header } = job;
  return {
    subject: PDF_SUBJECT.form,
    author: header.unit,
    keywords: `${header.year}年度`,
    source: { name: 'declaration.json', json: `${JSON.stringify(formData(header, job.project), null, 2)}\n`, description: '本申报表的数据（shenbao 数据格式）' },
  };
}

/** What the 汇总表's PDF says of itself and carries: the whole packet, as validated. */
export function summaryArchive(packet: Packet): PdfOptions['archive'] {
  return {
    subject: PDF_SUBJECT.summary,
    author: packet.unit,
    keywords: `${packet.year}年度`,
    source: { name: 'packet.json', json: `${JSON.stringify(packetData(packet), null, 2)}\n`, description: '本汇总表的全部数据（shenbao 数据格式）' },
  };
}

/** A part of a long 汇总表 (summary-pdf.ts): an already paginated grid, rendered once. */
export interface PartJob {
  grid: GridDocument;
  options: Omit<PdfOptions, 'fonts'>;
}

export function renderPart(job: PartJob, fonts: LoadedFonts): Promise<PdfResult> {
  return renderPdf(job.grid, { ...job.options, fonts });
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
