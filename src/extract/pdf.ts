// A shenbao PDF read back as data: the declaration it carries as an associated file
// (AFRelationship /Source, application/json; render/pdf-archive.ts), exactly as embedded. A PDF
// without one (another tool's, or an older shenbao's) is refused with a message that says so;
// reading a form's text back is not done yet.
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef, PDFStream, type PDFObject } from 'pdf-lib';
import { UserError } from '../errors.js';

/** The JSON text of the PDF's Source file. */
export async function sourceOfPdf(bytes: Uint8Array, file: string): Promise<string> {
  let pdf: PDFDocument;
  try {
    pdf = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: false });
  } catch {
    throw new UserError(`${file} 不是可以读取的 PDF 文件`);
  }
  if (pdf.isEncrypted) throw new UserError(`${file} 是加密的 PDF，无法读出其中的数据；shenbao 生成的 PDF 不加密`);
  const lookup = (object: PDFObject | undefined) => (object instanceof PDFRef ? pdf.context.lookup(object) : object);
  const associated = lookup(pdf.catalog.get(PDFName.of('AF')));
  const specs = associated instanceof PDFArray ? associated.asArray().map(lookup) : [];
  for (const spec of specs) {
    if (!(spec instanceof PDFDict) || lookup(spec.get(PDFName.of('AFRelationship'))) !== PDFName.of('Source')) continue;
    const embedded = lookup(spec.get(PDFName.of('EF')));
    const stream = embedded instanceof PDFDict ? lookup(embedded.get(PDFName.of('F'))) : undefined;
    if (!(stream instanceof PDFStream)) continue;
    const subtype = stream.dict.get(PDFName.of('Subtype'));
    if (subtype !== undefined && subtype !== PDFName.of('application/json') && subtype.toString() !== '/application#2Fjson') continue;
    try {
      const data = stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents();
      return new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      throw new UserError(`${file} 里附带的数据已损坏，无法读出`);
    }
  }
  throw new UserError(
    `${file} 里没有 shenbao 嵌入的数据（AFRelationship /Source 的 JSON 附件）：不是 shenbao 生成的，或是较早的版本生成的。` +
      '从 PDF 上的文字读回申报表还不支持；请用同一数据的 .docx，或原数据文件',
  );
}
