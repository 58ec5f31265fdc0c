// Reading a revised draft or an archived PDF: a .docx or a PDF back to a validated packet, and
// either side of `diff` (a data file, a .docx or a PDF) as a packet to compare.
import { readFile } from 'node:fs/promises';
import { fsStep, UserError } from '../errors.js';
import type { FormTemplates } from '../layout/templates.js';
import type { Packet } from '../model/packet.js';
import { formatDiagnostic } from '../validate/format.js';
import { hasErrors, type Diagnostic } from '../validate/diagnostic.js';
import { readPacketFile, validatePacket } from '../validate/validate.js';
import { extractDocx, type ExtractedDocx } from './docx.js';
import { documentInfo } from './pdf-read.js';
import { embeddedSource, loadPdf, readPdfForms } from './pdf.js';
import { readSignatures, signatureLabel } from '../sign/signatures.js';
import { DEFAULT_FONTS, loadFonts, type FontFiles } from '../render/fonts.js';
import { PDF_SUBJECT } from '../output/names.js';

export interface ExtractedFile extends ExtractedDocx {
  /** The data validated as a data file would be (when it could be read at all). */
  diagnostics: Diagnostic[];
  /** The valid packet, keys in the schema's order; absent when anything is an error. */
  packet?: Packet;
  projectNames: Array<string | undefined>;
  /** A PDF's data as it carries it, exactly (absent where it was read from its text, or a .docx). */
  embedded?: string;
  /**
   * A signed PDF changed since it was signed (a signature that does not hold, or bytes after it):
   * what was read is not what was signed. Each says how, for the user.
   */
  unsigned?: string[];
}

/**
 * A .docx, or a PDF, read back: a PDF's embedded data where it carries it, else the forms it
 * prints, read from their text (`fonts`: the fonts it was printed in, to tell wrapped lines from
 * line breaks).
 */
export async function extractFile(file: string, templates: FormTemplates, fonts: FontFiles = DEFAULT_FONTS): Promise<ExtractedFile> {
  const bytes = await fsStep('读取', file, () => readFile(file));
  if (!isPdfFile(file)) return checked(extractDocx(bytes, file, templates), 'Word');
  const pdf = await loadPdf(bytes, file);
  // Read as it is now; if it was signed, said where it is no longer what was signed.
  const unsigned = (await readSignatures(bytes, pdf)).flatMap((check) => [
    ...(check.problem ? [`${file}：签名无效（${check.problem}），读出的数据不一定是签名时的（${signatureLabel(check)}）`] : []),
    ...(check.appended > 0 ? [`${file}：签名以后文件又多了 ${check.appended} 字节，读出的数据是后来改过的，不是签名时的（${signatureLabel(check)}）`] : []),
  ]);
  const signed = unsigned.length > 0 ? { unsigned } : {};
  const embedded = embeddedSource(pdf, file);
  if (embedded === undefined) return { ...checked(readPdfForms(pdf, file, templates, await loadFonts(fonts)), 'PDF'), ...signed };
  let data: unknown;
  try {
    data = JSON.parse(embedded);
  } catch {
    throw new UserError(`${file} 里嵌入的数据不是有效的 JSON，无法读回`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UserError(`${file} 里嵌入的数据不是 shenbao 的数据包（应是一个 JSON 对象）`);
  const validation = validatePacket(data);
  const kind = documentInfo(pdf).subject === PDF_SUBJECT.summary ? 'summary' : 'form';
  return { kind, data: data as Record<string, unknown>, problems: [], notes: [], places: new Map(), ...validation, embedded, ...signed };
}

/** Read forms validated; a problem with a value says where in the file it was read, and what. */
function checked(extracted: ExtractedDocx, medium: string): ExtractedFile {
  if (!extracted.data) return { ...extracted, diagnostics: [], projectNames: [] };
  const validation = validatePacket(extracted.data);
  const diagnostics = validation.diagnostics.map((d) => {
    const read = extracted.places.get(d.path.join('.'));
    return read ? { ...d, message: `${d.message}（${medium} ${read.place}：「${read.text}」）` } : d;
  });
  return { ...extracted, diagnostics, packet: validation.packet, projectNames: validation.projectNames };
}

export const isWordFile = (file: string) => /\.docx$/i.test(file);
export const isPdfFile = (file: string) => /\.pdf$/i.test(file);

/** A data file or a .docx as a valid packet, for `diff`; anything that stops that is a UserError saying all of it. */
export async function comparablePacket(file: string, templates: FormTemplates): Promise<Packet> {
  if (isWordFile(file) || isPdfFile(file)) {
    const read = await extractFile(file, templates);
    if (read.problems.length > 0) throw new UserError(read.problems.join('\n'));
    if (!read.packet) throw new UserError(invalid(file, read.diagnostics, read.projectNames));
    return read.packet;
  }
  const { loaded } = await readPacketFile(file);
  if (!loaded.packet || hasErrors(loaded.diagnostics)) throw new UserError(invalid(file, loaded.diagnostics, loaded.projectNames));
  return loaded.packet;
}

function invalid(file: string, diagnostics: Diagnostic[], names: ReadonlyArray<string | undefined>): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return [...errors.map((d) => formatDiagnostic(d, file, names)), `${file} 有 ${errors.length} 个错误，改正后才能比较`].join('\n');
}
