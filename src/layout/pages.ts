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
