// A PDF back to packet data. A shenbao PDF carries its declaration as an associated file
// (AFRelationship /Source, application/json; render/pdf-archive.ts): `sourceOfPdf` returns it
// exactly as embedded. A PDF without one (an older shenbao's, or one whose attachment was
// removed) is read from the text it prints (`readPdfForms`): its pages' glyphs and rules become
// paragraphs and tables (pdf-read.ts, pdf-tables.ts), read against the templates' grid like a
// .docx (docx.ts). That reading says that it was made from the printed text.
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef, PDFStream, type PDFObject } from 'pdf-lib';
import { UserError } from '../errors.js';
import { FORM_PAGE } from '../layout/page-style.js';
import type { FormTemplates } from '../layout/templates.js';
import { WORD_PROPERTY } from '../output/word-properties.js';
import type { LoadedFonts } from '../render/fonts.js';
import { pdfLineBreaker } from '../render/pdf.js';
import { readForms, rowKey, tableHints, type ExtractedDocx, type FormsMedium } from './docx.js';
import { documentInfo, quietly, readPdfPages } from './pdf-read.js';
import { printedStyle } from './printed-style.js';
import { pdfBlocks, type LineJoiner } from './pdf-tables.js';

/** A PDF loaded for reading; a file that is not one (or is damaged past reading), or is encrypted, is refused. */
export async function loadPdf(bytes: Uint8Array, file: string): Promise<PDFDocument> {
  let pdf: PDFDocument;
  try {
    pdf = await quietly(() => PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: false }));
    // A file whose objects could not be read has no catalog or pages tree to speak of.
    if (!(pdf.catalog instanceof PDFDict)) throw new Error('no catalog');
    pdf.getPageCount();
  } catch {
    throw new UserError(`${file} 不是可以读取的 PDF 文件（已损坏，或不是 PDF）`);
  }
  if (pdf.isEncrypted) throw new UserError(`${file} 是加密的 PDF，无法读出其中的数据；shenbao 生成的 PDF 不加密`);
  return pdf;
}

/** The JSON text of the PDF's Source file. */
export async function sourceOfPdf(bytes: Uint8Array, file: string): Promise<string> {
  const source = embeddedSource(await loadPdf(bytes, file), file);
  if (source === undefined) {
    throw new UserError(`${file} 里没有 shenbao 嵌入的数据（AFRelationship /Source 的 JSON 附件）：不是 shenbao 生成的，或是较早的版本生成的`);
  }
  return source;
}

/** The JSON text of the PDF's Source file; undefined when it has none. */
export function embeddedSource(pdf: PDFDocument, file: string): string | undefined {
  const lookup = (object: PDFObject | undefined) => (object instanceof PDFRef ? pdf.context.lookup(object) : object);
  const associated = lookup(pdf.catalog.get(PDFName.of('AF')));
  const specs = associated instanceof PDFArray ? associated.asArray().map(lookup) : [];
  for (const spec of specs) {
    if (!(spec instanceof PDFDict) || lookup(spec.get(PDFName.of('AFRelationship'))) !== PDFName.of('Source')) continue;
    const embedded = lookup(spec.get(PDFName.of('EF')));
    const stream = embedded instanceof PDFDict ? lookup(embedded.get(PDFName.of('F'))) : undefined;
    if (!(stream instanceof PDFStream)) continue;
    // Compared decoded: a re-save may write the name's slash as #2F (pdfkit) or #2f (qpdf), and
    // pdf-lib decodes only the first.
    const subtype = lookup(stream.dict.get(PDFName.of('Subtype')));
    const type = subtype instanceof PDFName ? subtype.decodeText().replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : undefined;
    if (subtype !== undefined && type !== 'application/json') continue;
    try {
      const data = stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents();
      return new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      throw new UserError(`${file} 里附带的数据已损坏，无法读出`);
    }
  }
  return undefined;
}

const PDF_MEDIUM: FormsMedium = {
  name: 'PDF',
  recordsStyle: false,
  noStyle: (file) =>
    `${file}：PDF 没有记下印制样式，日期和年度一行按默认样式（2023-01-01、(2023年度)）读。这些表若按本单位的样式印出，请在读回的 JSON 里补上 display（如 {"dateFormat":"yyyy/M/d"}）再核对日期`,
  missing: (file, fields) => `${file}：PDF 上没有印${fields.join('和')}，读回的数据缺这${fields.length > 1 ? '两' : '一'}项，请在 JSON 里补上`,
};

/**
 * The forms a PDF prints, read back from its text. The unit comes from the document's Author (as
 * shenbao writes it), the 汇总表's title from its heading; the page is shenbao's form page.
 */
export function readPdfForms(pdf: PDFDocument, file: string, templates: FormTemplates, fonts: LoadedFonts): ExtractedDocx {
  const page = FORM_PAGE;
  const lineBreaker = pdfLineBreaker(page, fonts);
  const bold = fonts.faces.bold.name;
  // A line ends where the text wrapped if the writer, given it with the next line after it, ends
  // it there too; else the value has a line break there. A gap of k lines' height is k − 1 empty lines.
  const join: LineJoiner = (lines, { size, width, font }) => {
    const style = { size, width, bold: font === bold };
    let text = lines[0]?.text ?? '';
    for (let i = 1; i < lines.length; i++) {
      const [before, after] = [lines[i - 1]!, lines[i]!];
      const [first] = lineBreaker(before.text + after.text, style);
      const height = lineBreaker(after.text, style)[0]?.height ?? size;
      const empty = Math.max(0, Math.round((before.baseline - after.baseline) / height) - 1);
      text += first?.text === before.text && empty === 0 ? after.text : `${'\n'.repeat(empty + 1)}${after.text}`;
    }
    return text;
  };
  const { repeated, spanning } = tableHints(templates);
  let pages: ReturnType<typeof readPdfPages>;
  try {
    pages = readPdfPages(pdf);
  } catch (error) {
    // A content stream in a filter pdf-lib cannot decode, or damaged: not a page shenbao wrote.
    throw new UserError(`${file}：读不出页面上的文字（${(error as Error).message}），不是 shenbao 生成的申报表或汇总表，或文件已损坏`);
  }
  const blocks = pdfBlocks(
    pages,
    { paddingX: page.table.paddingX, footerTop: page.margins.bottom, textWidth: page.size.width - page.margins.left - page.margins.right },
    join,
    { repeated: (cells) => repeated.has(rowKey(cells.map((cell) => cell.text))), spansRows: (text) => spanning.has(rowKey([text])) },
  );
  const info = documentInfo(pdf);
  const custom: Record<string, string> = info.author !== undefined ? { [WORD_PROPERTY.unit]: info.author } : {};
  // A PDF does not say its house style (a .docx does): it is read off the printed forms.
  const plain = readForms({ blocks, custom }, file, templates, PDF_MEDIUM);
  const style = printedStyle(blocks, plain.places);
  const read = style === undefined ? plain : readForms({ blocks, custom: { ...custom, [WORD_PROPERTY.display]: JSON.stringify(style) } }, file, templates, PDF_MEDIUM);
  const notes = [`${file}：PDF 里没有嵌入的数据，按它印出的文字读回`, ...(style ? [`${file}：印制样式按 PDF 上印出的样子读作 ${JSON.stringify(style)}，已写入读回数据的 display`] : []), ...read.notes];
  // The reader's messages speak of edits made in Word; in a PDF they mean its pages are not laid
  // out as this shenbao lays out its forms.
  const problems =
    read.problems.length === 0
      ? []
      : [
          `${file}：PDF 里没有嵌入的数据，按印出的文字也读不回：它的版式与 shenbao 的申报表不符（不是 shenbao 生成的，或由别的版本、别的模板生成；高过一页的单元格跨页印出后也读不回）。下面是读不上的地方；请改用它的原数据文件或 .docx`,
          ...read.problems,
        ];
  return { ...read, notes, problems };
}
