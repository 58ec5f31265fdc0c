// A grid as printed pages, the whole of layout for the PDF: amounts fitted to one line, tables
// broken where they must (paginate.ts), every line and rule placed (place.ts). One measure does
// all three, so what pagination planned is what the pages get.
import type { GridDocument } from './grid.js';
import { pageMeasure } from './page-measure.js';
import { paginate } from './paginate.js';
import { placeDocument, type PositionedPage } from './place.js';
import type { TextMeasure } from './text.js';

export interface LaidOutPages {
  /** The grid as printed: tables cut at their page breaks, each continuation a section of its own. */
  paged: GridDocument;
  /** Every page, footers not yet numbered (a form's pages may be pages of a longer 汇总表). */
  pages: PositionedPage[];
}

export function layOutPages(grid: GridDocument, measure: TextMeasure): LaidOutPages {
  const { document } = paginate(grid, pageMeasure(grid.page, measure));
  return { paged: document, pages: placeDocument(document, measure) };
}

/**
 * The pages of layOutPages, a section's at a time (every section starts a page, so placing one
 * alone places it the same): a long table is never held placed whole. The 汇总表's front table of
 * 10,000 projects is 601 pages, about 70 MB placed.
 */
export function* layOutPagesPiecewise(grid: GridDocument, measure: TextMeasure): Generator<PositionedPage[]> {
  const { page, sections } = paginate(grid, pageMeasure(grid.page, measure)).document;
  for (const section of sections) yield placeDocument({ page, sections: [section] }, measure);
}
