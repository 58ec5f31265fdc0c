// One project's outputs: its form as PDF (with the paginated grid the 汇总表 reuses) and as
// .docx. The same function runs in the build's thread or in a worker of the pool (form-pool.ts),
// so `--jobs` changes where forms are made, never what they are.
import type { GridDocument, GridSection } from '../layout/grid.js';
import type { LoadedFonts } from '../render/fonts.js';
import { renderDocx, type DocxOptions } from '../render/docx.js';
import { pagedPdf } from './paged-pdf.js';

export interface FormJob {
  /** The form's grid (layout/forms.ts), unpaginated. */
  grid: GridDocument;
  title: string;
  creationDate: Date;
  pdf: boolean;
  /** Word options, when a .docx is wanted. */
  docx?: Omit<DocxOptions, 'creationDate' | 'title'>;
}

export interface FormOutput {
  /** The PDF, and the form's sections as paginated for it. */
  pdf?: { bytes: Uint8Array; sections: GridSection[] };
  docx?: Uint8Array;
}

export async function makeForm(job: FormJob, fonts: LoadedFonts): Promise<FormOutput> {
  const output: FormOutput = {};
  if (job.pdf) {
    const pdf = await pagedPdf(job.grid, { fonts, creationDate: job.creationDate, title: job.title });
    output.pdf = { bytes: pdf.bytes, sections: pdf.paged.sections };
  }
  if (job.docx) output.docx = await renderDocx(job.grid, { ...job.docx, creationDate: job.creationDate, title: job.title });
  return output;
}
