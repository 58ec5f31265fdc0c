// A grid to PDF bytes, pages checked: layout paginates the grid from the PDF writer's measurements
// (one measuring pass places every break of every table), the writer lays it out once, and the
// rows' placements it reports are checked against the plan. With exact measurements that is the
// end: one layout pass per document, whatever its length (laid out by render/pdf-pages.ts, which
// places rows exactly as planned; pdfmake's own layout, for a row taller than a page, reports
// where rows really went). Where a piece still spilled onto a
// further page (a measurement was off), its first row that did is forced to begin a page, the
// grid is paginated again and laid out again; each such pass forces a row strictly inside a
// piece, never the same row twice, so it ends.
import type { GridDocument } from '../layout/grid.js';
import { cutDocument, paginate, spilledRows, withForcedRows, type LaidOutDocument } from '../layout/paginate.js';
import { UserError } from '../errors.js';
import type { LoadedFonts } from '../render/fonts.js';
import { pdfMeasure, renderPdf, type PdfOptions } from '../render/pdf.js';

export interface PagedPdfOptions extends PdfOptions {
  /**
   * true (default): place every page break from one measurement, then lay out once. false: find
   * them the slow way, laying the document out again after each break found (one layout pass per
   * continuation page); tests compare the two.
   */
  planBreaks?: boolean;
}

export interface PagedPdf {
  bytes: Buffer;
  /** The grid as printed: tables cut at their page breaks, each continuation a section of its own. */
  paged: GridDocument;
  /** How many times the document was laid out (1 unless a measurement was off). */
  layoutPasses: number;
  /** Laid out here (render/pdf-pages.ts), not by pdfmake: no row taller than a page. */
  laidOutHere: boolean;
}

export async function pagedPdf(document: GridDocument, options: PagedPdfOptions): Promise<PagedPdf> {
  return inFont(options.fonts, async () => {
    const measure = pdfMeasure(document.page, options.fonts);
    let forced: number[][] = [];
    for (let passes = 1; ; passes++) {
      const paged: LaidOutDocument =
        options.planBreaks === false ? cutDocument(document, forced) : paginate(document, measure, forced);
      const { bytes, placements, laidOutHere } = await renderPdf(paged.document, options);
      const spilled = spilledRows(paged, placements);
      if (spilled.length === 0) return { bytes, paged: paged.document, layoutPasses: passes, laidOutHere };
      forced = withForcedRows(forced, spilled);
    }
  });
}

/** The document paginated from the PDF writer's measurements, without writing it (a form the 汇总表 needs, not made this time). */
export function paginatedSections(document: GridDocument, fonts: LoadedFonts): Promise<GridDocument['sections']> {
  return inFont(fonts, async () => paginate(document, pdfMeasure(document.page, fonts)).document.sections);
}

/**
 * Measuring and rendering, with a font damaged past what loading checks (fontkit reads glyphs
 * lazily, so a broken glyph deep in the file fails only when it is measured or drawn) said as
 * such rather than as a bug.
 */
export async function inFont<T>(fonts: LoadedFonts, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const inFontFile = error instanceof Error && /node_modules[\\/](fontkit|restructure)[\\/]/.test(error.stack ?? '');
    if (!inFontFile) throw error;
    const files = [...new Set([fonts.faces.regular.file, fonts.faces.bold.file])].join('、');
    throw new UserError(`排版时读取字体出错，字体文件可能已损坏：${files}（${(error as Error).message}）。请重新复制字体文件，或换用别的字体`);
  }
}
