// A grid to PDF bytes: layout places every page (layout/pages.ts), the writer draws them
// (render/pdf.ts). One pass: pagination and placement set text with the same breaker and the
// same measure, so there is nothing to check and lay out again.
import type { GridDocument } from '../layout/grid.js';
import { layOutPages } from '../layout/pages.js';
import { numberPages, type PositionedPage } from '../layout/place.js';
import { UserError } from '../errors.js';
import type { LoadedFonts } from '../render/fonts.js';
import { textMeasure } from '../render/measure.js';
import { renderPdf, type PdfOptions } from '../render/pdf.js';

export interface PagedPdf {
  bytes: Buffer;
  /** The grid as printed: tables cut at their page breaks, each continuation a section of its own. */
  paged: GridDocument;
  /** The pages as placed, without footers: what a 汇总表 draws of this form. */
  pages: PositionedPage[];
}

export async function pagedPdf(document: GridDocument, options: PdfOptions): Promise<PagedPdf> {
  return inFont(options.fonts, async () => {
    const measure = textMeasure(options.fonts);
    const { paged, pages } = layOutPages(document, measure);
    const bytes = await renderPdf(numberPages(pages, document.page, 1, pages.length, measure), options);
    return { bytes, paged, pages };
  });
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
