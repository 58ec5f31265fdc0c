// A project's form previewed: the PDF build writes for it, and where on each page every value of
// the data is printed, so that a click on the preview selects its field. The boxes come from the
// very pages the PDF was drawn from (one layout), not from laying the form out again.
import type { PositionedPage } from '../layout/place.js';
import type { TextMeasure } from '../layout/text.js';
import type { BuildContext } from '../output/build.js';
import { makeForm, type FormJob } from '../output/forms.js';
import { textMeasure } from '../render/measure.js';
import { pathText } from '../validate/format.js';
import type { PreviewAnswer, PreviewBox } from './contract.js';

type PreviewPage = PreviewAnswer['pages'][number];

/** The form's PDF as build makes it (makeForm), and its pages' boxes from the pages that PDF was drawn from. */
export async function previewForm(job: FormJob, context: BuildContext): Promise<{ pdf: Uint8Array; pages: PreviewPage[] }> {
  const made = await makeForm({ ...job, pdf: true, docx: undefined, placed: true }, context.fonts, context.templates);
  const measure = textMeasure(context.fonts);
  return { pdf: made.pdf!.bytes, pages: made.pdf!.placed!.map((page) => previewPage(page, measure)) };
}

/** Each line of text that shows a value: from its top (the face's ascent above the baseline), as wide as it is drawn. */
function previewPage(page: PositionedPage, measure: TextMeasure): PreviewPage {
  const boxes: PreviewBox[] = [];
  for (const item of page.items) {
    if (item.type !== 'text' || !item.path) continue;
    const { ascent, descent } = measure.extent(item.face);
    boxes.push({
      path: pathText(item.path),
      x: item.x,
      y: item.baseline - ascent * item.size,
      // Trailing spaces are not drawn (layout/text.ts measures a line so too).
      width: measure.lineWidth(item.text.trimEnd(), item.face, item.size),
      height: (ascent + descent) * item.size,
    });
  }
  return { width: page.width, height: page.height, boxes };
}
