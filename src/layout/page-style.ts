// The page every form and 汇总表 is printed on, as data in the grid (GridDocument.page), so that
// the PDF and the Word writer print the same page from one place. Changing a value here changes
// both; the PDF writer's measurements follow it.
import type { PageStyle } from './grid.js';

/** A4 portrait, the forms' Song face at 10.5 pt (五号), title 18 pt bold, 第 X 页 共 Y 页 below. */
export const FORM_PAGE: PageStyle = {
  size: { width: 595.28, height: 841.89 },
  // The bottom margin holds the footer.
  margins: { top: 36, right: 36, bottom: 48, left: 36 },
  fontSize: 10.5,
  lineHeight: 1.2,
  headings: {
    title: { fontSize: 18, bold: true, align: 'center', spaceBefore: 0, spaceAfter: 4 },
    subtitle: { fontSize: 12, bold: false, align: 'center', spaceBefore: 0, spaceAfter: 8 },
  },
  table: { rule: 0.6, paddingX: 3, paddingY: 3 },
  footer: { parts: ['第 ', { field: 'page' }, ' 页 共 ', { field: 'pages' }, ' 页'], fontSize: 9, offset: 18 },
};
