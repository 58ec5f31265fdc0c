// Reading a revised draft or an archived PDF: a .docx or a PDF back to a validated packet, and
// either side of `diff` (a data file, a .docx or a PDF) as a packet to compare.
import { access, constants } from 'node:fs/promises';
import { fsStep, READ, UserError } from '../errors.js';
import type { FormTemplates } from '../layout/templates.js';
import type { Packet } from '../model/packet.js';
import { formatDiagnostic } from '../validate/format.js';
import { fileProblem, hasErrors, RefusedForProblems, sortByPlace, withSeverity, type Diagnostic, type ProblemPlace } from '../model/diagnostic.js';
import { readPacketFile, validatePacket } from '../validate/validate.js';
import { extractDocx, type ExtractedDocx, type ReadPlace } from '../extract/docx.js';
import { readWorkbook } from '../extract/workbook.js';
import { placed, readPlaces, type Medium } from './read-places.js';

export { nearestPlace, placed, readPlaces } from './read-places.js';
import { documentInfo } from '../extract/pdf-read.js';
import { embeddedSource, loadPdf, printedAgainstCarried, printedCheckLines, readPdfForms, type PrintedCheck } from '../extract/pdf.js';
import { readSignatures, signatureLabel } from '../sign/signatures.js';
import { DEFAULT_FONTS, loadFonts, type FontFiles, type LoadedFonts } from '../render/fonts.js';
import { checkPrintable } from './printable.js';
import type { Display } from '../model/display.js';
import { PDF_SUBJECT } from './names.js';
import { INPUT, readInput } from '../files.js';
import { isWorkbookFile } from './inputs.js';
import { HEADER_FIELDS, type DiffSide, type HeaderField } from '../extract/diff.js';

export interface ExtractedFile extends Omit<ExtractedDocx, 'kind'> {
  /** A 汇总表 (front table and forms), forms only, or a fill-in workbook (a packet of its own). */
  kind: ExtractedDocx['kind'] | 'workbook';
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
  unsigned?: Diagnostic[];
  /**
   * A PDF that carries its data: what it prints, read back and compared with it. Where the two
   * differ, `problems` names every field (and nothing is to be written); where the print cannot
   * be read, `notes` say so and the carried data is returned unchecked.
   */
  printedCheck?: PrintedCheck;
}

/**
 * A .docx, or a PDF, read back: a PDF's embedded data where it carries it, checked against what
 * it prints, else the forms it prints, read from their text (`fonts`: the fonts it was printed
 * in, to tell wrapped lines from line breaks).
 */
export async function extractFile(file: string, templates: FormTemplates, fonts: FontFiles = DEFAULT_FONTS): Promise<ExtractedFile> {
  if (isWorkbookFile(file)) {
    const read = await readWorkbook(await readInput(file, INPUT.workbook), file);
    return checked({ kind: 'workbook', ...(read.data && { data: read.data }), problems: read.problems, notes: read.notes, places: readPlaces(read.places) }, file, 'Excel', { templates, fonts: await loadFonts(fonts) });
  }
  // Only a regular file: a FIFO named like a form would wait for ever, a device never end.
  const bytes = await readInput(file, isPdfFile(file) ? INPUT.pdf : INPUT.word);
  // The fonts check what will be printed, as validate does (and read a PDF's text).
  if (!isPdfFile(file)) return checked(await extractDocx(bytes, file, templates), file, 'Word', { templates, fonts: await loadFonts(fonts) });
  const pdf = await loadPdf(bytes, file);
  // Read as it is now; if it was signed, said where it is no longer what was signed.
  const unsigned = (await readSignatures(bytes, pdf)).flatMap((check) => [
    ...(check.problem ? [fileProblem('signature-invalid', file, `签名无效（${check.problem}），读出的数据不一定是签名时的（${signatureLabel(check)}）`)] : []),
    ...(check.appended > 0
      ? [fileProblem('signature-bytes-after', file, `签名以后文件又多了 ${check.appended} 字节，读出的数据是后来改过的，不是签名时的（${signatureLabel(check)}）`)]
      : []),
  ]);
  const signed = unsigned.length > 0 ? { unsigned } : {};
  const embedded = embeddedSource(pdf, file);
  if (embedded === undefined) {
    const loaded = await loadFonts(fonts);
    return { ...checked(readPdfForms(pdf, file, templates, loaded), file, 'PDF', { templates, fonts: loaded }), ...signed };
  }
  let data: unknown;
  try {
    data = JSON.parse(embedded);
  } catch {
    throw new UserError(`${file} 里嵌入的数据不是有效的 JSON，无法读回`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UserError(`${file} 里嵌入的数据不是 shenbao 的数据包（应是一个 JSON 对象）`);
  const validation = validatePacket(data);
  const kind = documentInfo(pdf).subject === PDF_SUBJECT.summary ? 'summary' : 'form';
  // Not returned in silence: what the pages print is read back and compared with what it carries.
  // A difference refuses the data (every field named), and so does a print that cannot be read:
  // a page can be doctored just so that it cannot be read (an attack found exactly that), so an
  // unconfirmed print is never taken for a confirmed one. --templates and --font give the reader
  // what a PDF made with other ones needs.
  const carried = data as Record<string, unknown>;
  const printedCheck = Array.isArray(carried.projects) ? printedAgainstCarried(pdf, file, carried, templates, await loadFonts(fonts)) : undefined;
  const lines = printedCheck ? printedCheckLines(file, printedCheck) : [];
  // Refused too where what it prints cannot be confirmed (glyphs that are not the characters read, other fonts).
  const refused =
    printedCheck !== undefined &&
    (printedCheck.unverified.length > 0 || !printedCheck.readable || printedCheck.differences.length > 0);
  const said = { problems: refused ? withSeverity(lines, 'error') : [], notes: refused ? [] : withSeverity(lines, 'warning'), ...(printedCheck && { printedCheck }) };
  return { kind, data: carried, places: new Map(), ...validation, embedded, ...signed, ...said };
}

/**
 * Why a PDF's carried data is refused for what the PDF prints (its `problems` say each field), in
 * words that follow the file's name; undefined when it is not.
 */
export function printedRefusal(read: ExtractedFile): string | undefined {
  const check = read.printedCheck;
  if (!check || read.problems.length === 0) return undefined;
  if (check.readable && check.differences.length > 0) return `印出的与内嵌的数据有 ${check.differences.length} 处不同（PDF 的页面被改过，或附带的数据被换过）`;
  if (check.unverified.length > 0) return '印出的是什么字无法核对，不能当作与附带的数据相同';
  if (!check.readable && check.unprinted.length > 0) return '印出的文字读不回，页面上又有不印在纸上的文字（PDF 的页面被改过），无法与附带的数据核对';
  return '印出的文字读不回，无法确认它与附带的数据相同';
}

/** Read forms validated; a problem with a value says where in the file it was read, and what. */
function checked(extracted: Omit<ExtractedDocx, 'kind'> & Pick<ExtractedFile, 'kind'>, file: string, medium: Medium, printing: { templates: FormTemplates; fonts: LoadedFonts }): ExtractedFile {
  if (!extracted.data) return { ...extracted, diagnostics: [], projectNames: [] };
  const validation = validatePacket(extracted.data);
  // Every character against the font that will print it, as validate and build check it. A form
  // read without the packet's title or unit is checked all the same (stand-ins for those two).
  const year = extracted.data.year;
  const header = validation.header ?? (typeof year === 'number' ? { title: '', unit: '', year, ...displayOf(extracted.data) } : undefined);
  const glyphs = header ? checkPrintable({ ...validation, header, file: '' }, printing).diagnostics : [];
  const diagnostics = sortByPlace([...validation.diagnostics, ...glyphs, ...struckWarnings(extracted.places)]).map((d) => placed(d, extracted.places, medium, file));
  if (hasErrors(glyphs)) return { ...extracted, diagnostics, projectNames: validation.projectNames };
  return { ...extracted, diagnostics, packet: validation.packet, projectNames: validation.projectNames };
}

const displayOf = (data: Record<string, unknown>) => (data.display !== undefined ? { display: data.display as Display } : {});

/**
 * Struck-through words are read as deleted (the usual correction without track changes): said as
 * a warning at the value, so the reviewer sees what was left out and what was read.
 */
function struckWarnings(places: ExtractedDocx['places']): Diagnostic[] {
  return [...places].flatMap(([key, read]): Diagnostic[] => {
    if (!read.struck) return [];
    const path = key.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    const words = read.struck.map((w) => w.trim()).filter((w) => w !== '').map((w) => `「${w}」`).join('');
    return [{
      severity: 'warning',
      code: 'struck-text',
      path,
      // placed() adds where, and the text read there.
      message: `带删除线的${words}按删除读，没有读入`,
    }];
  });
}

export const isWordFile = (file: string) => /\.docx$/i.test(file);
export const isPdfFile = (file: string) => /\.pdf$/i.test(file);
export { isWorkbookFile };

/**
 * A data file, a .docx or a PDF as a valid packet, for `diff` (diffSides); a single 申报表 says
 * which packet-level fields it holds. A PDF that prints other than it carries gives both (its
 * `printed` packet and `notes` naming each difference); one whose print cannot be confirmed is
 * refused. `fonts`: those a PDF was printed in. Anything that stops that is a UserError saying all of it.
 */
export async function comparablePacket(file: string, templates: FormTemplates, fonts: FontFiles = DEFAULT_FONTS): Promise<DiffSide> {
  if (isWordFile(file) || isPdfFile(file) || isWorkbookFile(file)) {
    const read = await extractFile(file, templates, fonts);
    // A PDF that prints other than it carries is compared both ways (diffSides); any other problem stops the diff.
    const check = read.printedCheck;
    const printed = check?.readable && check.differences.length > 0 ? (check.printed as unknown as Packet) : undefined;
    if (read.problems.length > 0 && !printed) {
      const refusal = printedRefusal(read);
      throw new UserError([...read.problems.map((d) => formatDiagnostic(d, file)), ...(refusal ? [`${file}：${refusal}，不能比较`] : [])].join('\n'));
    }
    const notes = read.printedCheck ? withSeverity([...read.problems, ...read.notes], 'warning') : [];
    const fields = heldFields(file, read);
    // A form need not hold the 汇总表's title and unit (a PDF does not print the title; a table
    // copied into a new file loses both): they are not compared, so stand-ins let it validate.
    const unheld: string[] = (['title', 'unit'] as const).filter((f) => fields && !fields.includes(f));
    const diagnostics = read.diagnostics.filter((d) => !(d.path.length === 1 && unheld.includes(String(d.path[0]))));
    const packet = unheld.length === 0 ? read.packet : validatePacket({ ...Object.fromEntries(unheld.map((f) => [f, NOT_HELD])), ...read.data }).packet;
    if (!packet || hasErrors(diagnostics)) throw new RefusedForProblems(invalid(file, diagnostics, read.projectNames), file, diagnostics, read.projectNames);
    return { file, packet, ...(fields && { form: { fields } }), ...(printed && { printed }), ...(notes.length > 0 && { notes }) };
  }
  // A side named on the command line that cannot be read at all stops the diff, worded as for any input.
  await fsStep(READ, file, () => access(file, constants.R_OK));
  const { loaded } = await readPacketFile(file);
  if (!loaded.packet || hasErrors(loaded.diagnostics)) throw new RefusedForProblems(invalid(file, loaded.diagnostics, loaded.projectNames), file, loaded.diagnostics, loaded.projectNames);
  return { file, packet: loaded.packet };
}

/** Stands in for a packet field a form does not hold, so that it validates; never compared. */
const NOT_HELD = '（申报表上没有）';

/**
 * The packet-level fields a file read as one 申报表 holds; undefined for anything else (a 汇总表,
 * several forms). A PDF's embedded data holds them all. A .docx holds the title and unit in custom
 * properties, and the house style too when the data has one (build writes it only then): a file
 * that kept the others but has no style was printed in the default one. A PDF read from its
 * text holds the unit (its Author) and the style it visibly prints.
 */
function heldFields(file: string, read: ExtractedFile): HeaderField[] | undefined {
  const data = read.data;
  if (read.kind !== 'form' || !data || (data.projects as unknown[] | undefined)?.length !== 1) return undefined;
  if (read.embedded !== undefined) return [...HEADER_FIELDS];
  const properties = data.title !== undefined || data.unit !== undefined;
  return HEADER_FIELDS.filter((f) => data[f] !== undefined || f === 'year' || (f === 'display' && isWordFile(file) && properties));
}

function invalid(file: string, diagnostics: Diagnostic[], names: ReadonlyArray<string | undefined>): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return [...errors.map((d) => formatDiagnostic(d, file, names)), `${file} 有 ${errors.length} 个错误，改正后才能比较`].join('\n');
}
