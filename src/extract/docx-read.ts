// Low-level reader of .docx files: the body's paragraphs and tables (with their merged cells), and
// the document properties, as a person reads the printed page after "Accept All Changes". It
// knows nothing of our forms: the caller maps tables to fields. What the page shows but the reader
// cannot take as text (a footnote, a symbol with no Unicode character, a numbering format it does
// not know) is named on the paragraph or cell, for the caller to refuse; struck-through text is
// left out and named, for the caller to warn. Unreadable input is a UserError in Chinese.
import { UserError } from '../errors.js';
import { ListCounters, NO_NUMBERING, readNumbering, type Numbering } from './docx-numbering.js';
import { effectiveLook, NO_STYLES, paragraphLook, readStyles, type ParagraphLook, type Styles } from './docx-styles.js';
import { alternative, attr, childW, intAttr, isOn, MATH, readPart, textOf, wName, wordFile, type XmlElement } from './docx-xml.js';
import { isSymbolFont, symbolCharacter, symbolCode } from './word-symbols.js';
import { ZipArchive, ZipDamaged, ZipEntryTooLarge, type ZipEntry } from './docx-zip.js';

/** What the page shows in a paragraph or cell besides its text, for the caller to warn or refuse. */
export interface DocxMarks {
  /** Struck-through text (w:strike, w:dstrike) left out of `text`: each stretch as it stood. */
  struck?: string[];
  /** Why some of what the page shows here cannot be read as text (each a sentence in Chinese). */
  unreadable?: string[];
}

export interface DocxCell extends DocxMarks {
  /** 0-based row index in the table (after tracked-deleted rows are dropped) where the cell starts. */
  row: number;
  /** First grid column it covers (0-based, counting w:gridBefore and earlier cells' gridSpan). */
  col: number;
  rowSpan: number;
  colSpan: number;
  /** Text as accepted: paragraphs joined with '\n'. */
  text: string;
  /** true if the cell contains a nested w:tbl (the caller refuses those). */
  nestedTable?: boolean;
}
export interface DocxTable {
  type: 'table';
  /** number of w:gridCol in w:tblGrid */
  gridColumns: number;
  /** cells starting in each row, left to right */
  rows: DocxCell[][];
  /** per row: w:trPr/w:tblHeader present */
  headerRows: boolean[];
}
export interface DocxParagraph extends DocxMarks {
  type: 'paragraph';
  text: string;
}
export type DocxBlock = DocxTable | DocxParagraph;
export interface DocxContent {
  blocks: DocxBlock[];
  core: Record<string, string>;
  custom: Record<string, string>;
}

// Bounds on what a .docx may make the reader hold. Real forms are inside them: shenbao writes a
// form of 10,000 indicator rows as an 11.7 MB word/document.xml (537,729 elements, 31,468 texts)
// and a 汇总表 of 1,000 forms as 22.8 MB (1.1 million nodes); LibreOffice saving a 汇总表 again
// makes it 2.1× the bytes and 1.7× the nodes (measured on the one of test/fixtures/distinct.json;
// it did not finish saving the 10,000-row form), so a 汇总表 of 1,000 forms as an office saves it
// is ~48 MB and ~1.9 million nodes. The XML limits (depth, nodes) are in docx-xml.ts.

/** Largest main document part we inflate (actual bytes, not what the zip claims): ~1,300 forms as LibreOffice saves them. */
export const MAX_DOCUMENT_XML_BYTES = 64 * 1024 * 1024;
/** Package relationships, properties, styles and numbering are a few KB (Word's styles.xml: ~300 KB at most); this only stops bombs. */
const MAX_SMALL_PART_BYTES = 16 * 1024 * 1024;
/** All the parts read from one file together: the main part at its cap and room for the small ones. */
const MAX_PACKAGE_XML_BYTES = 80 * 1024 * 1024;
const MB = 1024 * 1024;

/**
 * U+FFFC OBJECT REPLACEMENT CHARACTER stands in the text for what Word shows but is not text (a
 * text box, a picture, an equation), so that a caller can refuse it rather than lose it.
 */
export const OBJECT = '\uFFFC';

const DEFAULT_DOCUMENT = 'word/document.xml';
const DEFAULT_CORE = 'docProps/core.xml';
const DEFAULT_CUSTOM = 'docProps/custom.xml';
const DEFAULT_STYLES = 'word/styles.xml';
const DEFAULT_NUMBERING = 'word/numbering.xml';

/** Read a .docx file's body and properties. `file` only names it in error messages. */
export async function readDocx(bytes: Uint8Array, file?: string): Promise<DocxContent> {
  const zip = await Package.open(bytes, file);
  const named = await partNames(zip);
  // Also ask for the usual names: a relationship may point at a part the package lacks.
  const limits = new Map<string, number>();
  for (const name of [named.core, named.custom, named.styles, named.numbering, DEFAULT_CORE, DEFAULT_CUSTOM, DEFAULT_STYLES, DEFAULT_NUMBERING]) {
    limits.set(name.toLowerCase(), MAX_SMALL_PART_BYTES);
  }
  for (const name of [named.document, DEFAULT_DOCUMENT]) limits.set(name.toLowerCase(), MAX_DOCUMENT_XML_BYTES);
  const parts = await zip.inflate(limits);
  const pick = (name: string, fallback: string): [string, Uint8Array] | undefined => {
    const data = parts.get(name.toLowerCase());
    if (data) return [name, data];
    const usual = parts.get(fallback.toLowerCase());
    return usual ? [fallback, usual] : undefined;
  };

  const main = pick(named.document, DEFAULT_DOCUMENT);
  if (!main) throw new UserError(notDocx(file, `压缩包中没有 ${DEFAULT_DOCUMENT}`));
  const stylesPart = pick(named.styles, DEFAULT_STYLES);
  const numberingPart = pick(named.numbering, DEFAULT_NUMBERING);
  const styles = stylesPart ? readPart(stylesPart[1], stylesPart[0], file, readStyles) : NO_STYLES;
  const numbering = numberingPart ? readPart(numberingPart[1], numberingPart[0], file, readNumbering) : NO_NUMBERING;
  const blocks = readPart(main[1], main[0], file, (root) => {
    const body = wName(root) === 'document' ? childW(root, 'body') : undefined;
    if (!body) throw new UserError(`${wordFile(file)}已损坏或不是 Word 正文：${main[0]} 中没有正文（w:body）`);
    return readBody(body, new Reading(styles, numbering));
  });

  const core = pick(named.core, DEFAULT_CORE);
  const custom = pick(named.custom, DEFAULT_CUSTOM);
  return {
    blocks,
    core: core ? readPart(core[1], core[0], file, readCore) : {},
    custom: custom ? readPart(custom[1], custom[0], file, readCustom) : {},
  };
}

// ---------------------------------------------------------------------------------------------
// Package: zip entries and the relationships that name the parts

const notDocx = (file: string | undefined, reason?: string): string =>
  file
    ? `不是 Word 文件（.docx）：${file}${reason ? `（${reason}）` : ''}`
    : `不是 Word 文件（.docx）${reason ? `：${reason}` : ''}`;

/**
 * The zip of one .docx: its directory read once, and the parts asked for inflated within their caps
 * and within MAX_PACKAGE_XML_BYTES together (the bytes actually inflated are counted).
 */
class Package {
  /** bytes inflated so far, for MAX_PACKAGE_XML_BYTES */
  private inflated = 0;
  private readonly read = new Map<string, Uint8Array>();

  private constructor(
    private readonly bytes: Uint8Array,
    readonly file: string | undefined,
    private readonly zip: ZipArchive,
  ) {}

  static async open(bytes: Uint8Array, file: string | undefined): Promise<Package> {
    try {
      return new Package(bytes, file, await ZipArchive.open(bytes));
    } catch (error) {
      throw failure(bytes, file, error);
    }
  }

  /** The wanted entries (matched case-insensitively, as OPC part names are), by lower-case name. */
  async inflate(limits: Map<string, number>): Promise<Map<string, Uint8Array>> {
    const result = new Map<string, Uint8Array>();
    for (const entry of this.zip.entries) {
      const lower = entry.name.toLowerCase();
      const max = limits.get(lower);
      if (max === undefined) continue;
      // OPC part names are unique ignoring case: with two, Word and this reader might read different ones.
      if (result.has(lower)) throw new UserError(zipFailure(this.bytes, this.file, `压缩包里有两个 ${entry.name}`));
      result.set(lower, await this.part(entry, max));
    }
    return result;
  }

  private async part(entry: ZipEntry, max: number): Promise<Uint8Array> {
    const known = this.read.get(entry.name);
    if (known) return known;
    const where = `${wordFile(this.file)}的 ${entry.name} 解压后`;
    const why = '，不能读取（文件可能已损坏，或不是正常的 Word 文件）';
    // What the directory claims, first: a bomb that says what it is, is refused without inflating.
    if (entry.originalSize > max) throw new UserError(`${where}有 ${Math.ceil(entry.originalSize / MB)} MB，超过 ${max / MB} MB 的上限${why}`);
    const room = MAX_PACKAGE_XML_BYTES - this.inflated;
    let data: Uint8Array;
    try {
      data = await this.zip.inflate(entry, Math.min(max, room));
    } catch (error) {
      if (!(error instanceof ZipEntryTooLarge)) throw failure(this.bytes, this.file, error);
      if (error.inflated > max) throw new UserError(`${where}超过 ${max / MB} MB 的上限${why}`);
      throw new UserError(`${where}与其他部分合计超过 ${MAX_PACKAGE_XML_BYTES / MB} MB 的上限${why}`);
    }
    this.inflated += data.length;
    this.read.set(entry.name, data);
    return data;
  }
}

function failure(bytes: Uint8Array, file: string | undefined, error: unknown): Error {
  if (!(error instanceof ZipDamaged)) return error as Error;
  return new UserError(zipFailure(bytes, file, error.message));
}

function zipFailure(bytes: Uint8Array, file: string | undefined, detail: string): string {
  const startsWith = (...magic: number[]) => magic.every((byte, i) => bytes[i] === byte);
  // Word's own encrypted .docx and the old binary .doc are both OLE compound files.
  if (startsWith(0xd0, 0xcf, 0x11, 0xe0)) {
    return `${notDocx(file)}。它可能是旧版的 .doc 文件或设了打开密码的文件：请用 Word 打开它，去掉密码后另存为 .docx 再试`;
  }
  if (!startsWith(0x50, 0x4b)) return notDocx(file);
  return `${wordFile(file)}已损坏或不完整（${detail}）：请用 Word 打开后重新保存，或重新复制、下载这个文件`;
}

interface PartNames {
  document: string;
  core: string;
  custom: string;
  styles: string;
  numbering: string;
}

/**
 * Where the parts live. Word Online saves `word/document2.xml`, so the package relationships
 * decide (and the main part's own relationships name its styles and numbering); the usual names
 * are the fallback for packages without them.
 */
async function partNames(zip: Package): Promise<PartNames> {
  const names: PartNames = { document: DEFAULT_DOCUMENT, core: DEFAULT_CORE, custom: DEFAULT_CUSTOM, styles: DEFAULT_STYLES, numbering: DEFAULT_NUMBERING };
  const relationships = async (rels: string, base: string, take: (type: string, target: string) => void): Promise<void> => {
    const relsBytes = (await zip.inflate(new Map([[rels.toLowerCase(), MAX_SMALL_PART_BYTES]]))).get(rels.toLowerCase());
    if (!relsBytes) return;
    try {
      readPart(relsBytes, rels, zip.file, (root) => {
        for (const rel of root.children) {
          if (typeof rel === 'string' || rel.local !== 'Relationship' || attr(rel, 'TargetMode') === 'External') continue;
          const target = partName(attr(rel, 'Target') ?? '', base);
          if (target) take(attr(rel, 'Type') ?? '', target);
        }
      });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      // Word rebuilds broken relationships; the usual names still work.
    }
  };
  await relationships('_rels/.rels', '', (type, target) => {
    if (type.endsWith('/officeDocument')) names.document = target;
    else if (type.endsWith('/core-properties')) names.core = target;
    else if (type.endsWith('/custom-properties')) names.custom = target;
  });
  const slash = names.document.lastIndexOf('/');
  const folder = names.document.slice(0, slash + 1);
  await relationships(`${folder}_rels/${names.document.slice(slash + 1)}.rels`, folder, (type, target) => {
    if (type.endsWith('/styles')) names.styles = target;
    else if (type.endsWith('/numbering')) names.numbering = target;
  });
  return names;
}

/** A relationship target as a zip entry name: from the package root (`/word/x.xml`) or relative to `base`. */
function partName(target: string, base: string): string {
  const absolute = target.startsWith('/');
  let name = target.replace(/^\/+/, '').replace(/^(\.\/)+/, '');
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep it as written
  }
  return absolute ? name : base + name;
}

// ---------------------------------------------------------------------------------------------
// Text inside a paragraph

/** A complex field (w:fldChar begin … separate … end) being read: its code, then its shown result. */
interface OpenField {
  code: string;
  result: boolean;
  locked: boolean;
}

/**
 * The document's styles and numbering, the numbered paragraphs counted so far, and the fields open
 * at this point (all in document order).
 */
class Reading {
  readonly counters: ListCounters;
  private readonly fields: OpenField[] = [];
  /** How many open fields are still in their code (kept, not counted, so that each element asks in constant time). */
  private inCode = 0;
  constructor(
    readonly styles: Styles,
    numbering: Numbering,
  ) {
    this.counters = new ListCounters(numbering);
  }

  /** Outside any field's code: text here is shown (a field's code, and fields nested in it, are not). */
  showing(): boolean {
    return this.inCode === 0;
  }

  /** The innermost open field. */
  get field(): OpenField | undefined {
    return this.fields.at(-1);
  }

  get anyOpen(): boolean {
    return this.fields.length > 0;
  }

  begin(field: OpenField): void {
    this.fields.push(field);
    if (!field.result) this.inCode++;
  }

  /** The innermost field's code ends: its result follows. */
  separate(): void {
    const top = this.fields.at(-1);
    if (!top || top.result) return;
    top.result = true;
    this.inCode--;
  }

  end(): OpenField | undefined {
    const field = this.fields.pop();
    if (field && !field.result) this.inCode--;
    return field;
  }

  /** Forget every open field. */
  clear(): void {
    this.fields.length = 0;
    this.inCode = 0;
  }
}

/**
 * Fields whose shown text Word or LibreOffice works out again when the file is opened or printed
 * (the date, a page number, a formula or condition): the text saved in the file is not what the
 * page will show. Unless the field is locked, it cannot be read.
 */
const VOLATILE_FIELD = /^(DATE|TIME|PRINTDATE|SAVEDATE|EDITTIME|CREATEDATE|PAGE|NUMPAGES|SECTIONPAGES|SECTION|IF|=|SEQ|AUTONUM\w*|LISTNUM|REF|PAGEREF|NOTEREF|DOCPROPERTY|DOCVARIABLE|INFO|FILENAME|FILESIZE|NUMWORDS|NUMCHARS|USERNAME|USERINITIALS|USERADDRESS|AUTHOR|TITLE|SUBJECT|KEYWORDS|COMMENTS|LASTSAVEDBY|REVNUM|TEMPLATE|QUOTE|FORMULA)$/i;

const fieldName = (code: string): string => (/^\s*(=|[^\s\\]+)/.exec(code)?.[1] ?? '').toUpperCase();

const volatileField = (code: string): string | undefined => {
  const name = fieldName(code);
  return VOLATILE_FIELD.test(name) ? `这里有会自动更新的域（${name}），打开或打印文件时会换成别的内容，读不准。请改成直接输入的文字（在 Word 里选中域按 Ctrl+Shift+F9 可把域变成文字）` : undefined;
};

/** What a paragraph (or a cell) reads as so far. */
interface Sink {
  text: string;
  struck: string[];
  unreadable: string[];
  /** `text.length` right after the last struck stretch: a struck run next to it continues it. */
  struckEnd: number;
}
const newSink = (): Sink => ({ text: '', struck: [], unreadable: [], struckEnd: -1 });

/** Where the text is read: the paragraph's look (styles) and the run's fonts. */
interface RunContext {
  paragraph: ParagraphLook;
  /** The font a character prints in, where the run names one (a symbol font's Latin-1 and F0xx characters are pictures). */
  fontOf?: (code: number) => string | undefined;
  /** w:caps, w:smallCaps: letters print as capitals (a symbol font's pictures do not change). */
  caps?: boolean;
}

const SYMBOL_UNREADABLE = (font: string, code: number) =>
  `这里有 ${font} 字体的符号（代码 ${symbolCode(code)}），它没有对应的文字，无法读取。请改成直接输入的字符（如 ≥ ≤ ±）`;

/** A symbol font's character (w:sym, or a run's text in a symbol font) as Unicode, or refused. */
function symbolInto(sink: Sink, font: string, code: number): void {
  if (!isSymbolFont(font)) {
    // A w:sym naming an ordinary font shows that font's character at that code.
    if (code >= 0xf000 && code <= 0xf0ff) sink.unreadable.push(SYMBOL_UNREADABLE(font, code));
    else sink.text += String.fromCharCode(code);
    return;
  }
  const char = symbolCharacter(font, code);
  if (char === undefined) sink.unreadable.push(SYMBOL_UNREADABLE(font, code));
  else sink.text += char;
}

function symText(sym: XmlElement, sink: Sink): void {
  const written = attr(sym, 'char') ?? '';
  const code = /^[0-9a-f]{1,4}$/i.test(written) ? Number.parseInt(written, 16) : Number.NaN;
  const font = attr(sym, 'font') ?? '';
  if (Number.isNaN(code) || code === 0) sink.unreadable.push(`这里有 ${font || '未指明'} 字体的符号，但它的代码「${written}」不是有效的字符代码，读不出印的是什么。请改成直接输入的字符`);
  else symbolInto(sink, font, code);
}

/** The characters a symbol font draws as pictures: Latin-1, and the private-use F0xx. */
const SYMBOL_CODES = /[\u0020-\u00ff\uf020-\uf0ff]/g;

/**
 * A w:t's text; in a symbol font, its Latin-1 and F0xx characters are the font's pictures. Added
 * in stretches between those: a 60 MB w:t added a character at a time held 2 GB of string pieces.
 */
function runText(text: string, sink: Sink, { fontOf, caps }: RunContext): void {
  // Capitals as w:caps prints them: ß as ẞ (one letter, as Word and LibreOffice print it), ﬁ as FI.
  const printed = (stretch: string): string => (caps ? stretch.replaceAll('ß', 'ẞ').toUpperCase() : stretch);
  let from = 0;
  if (fontOf) {
    const symbolFont = new Map<string, boolean>();
    SYMBOL_CODES.lastIndex = 0;
    for (let match = SYMBOL_CODES.exec(text); match; match = SYMBOL_CODES.exec(text)) {
      const code = text.charCodeAt(match.index);
      const font = fontOf(code);
      if (font === undefined) continue;
      let symbol = symbolFont.get(font);
      if (symbol === undefined) symbolFont.set(font, (symbol = isSymbolFont(font)));
      if (!symbol) continue;
      sink.text += printed(text.slice(from, match.index));
      symbolInto(sink, font, code);
      from = match.index + 1;
    }
  }
  sink.text += printed(text.slice(from));
}

/**
 * What a legacy form field shows where it begins: a check box (FORMCHECKBOX) as a box, a drop-down
 * (FORMDROPDOWN) as its chosen entry. Other fields show their result, read as text.
 */
function formFieldText(fldChar: XmlElement): string {
  const ffData = childW(fldChar, 'ffData');
  const checkBox = childW(ffData, 'checkBox');
  if (checkBox) {
    const checked = childW(checkBox, 'checked');
    return (checked ? isOn(checked) : isOn(childW(checkBox, 'default'))) ? '☒' : '☐';
  }
  const list = childW(ffData, 'ddList');
  if (!list) return '';
  const entries = list.children.filter((node): node is XmlElement => wName(node) === 'listEntry').map((entry) => attr(entry, 'val') ?? '');
  const chosen = intAttr(childW(list, 'result'), intAttr(childW(list, 'default'), 0, 0), 0);
  return entries[chosen] ?? '';
}

/** w:fldChar: a field begins (its code follows), shows its result, or ends. */
function fieldChar(fldChar: XmlElement, sink: Sink, reading: Reading): void {
  const type = attr(fldChar, 'fldCharType');
  const lock = attr(fldChar, 'fldLock');
  const locked = lock !== null && !['0', 'false', 'off'].includes(lock);
  const top = reading.field;
  if (type === 'begin') {
    if (reading.showing()) sink.text += formFieldText(fldChar);
    reading.begin({ code: '', result: false, locked });
  } else if (type === 'separate' && top) {
    reading.separate();
    const why = top.locked || !reading.showing() ? undefined : volatileField(top.code);
    if (why) sink.unreadable.push(why);
  } else if (type === 'end') {
    const field = reading.end();
    // A field without a stored result shows what the application works out (a DATE, a SYMBOL, an
    // EQ): not in the file. Only the fields that show nothing may go without one.
    if (field && !field.result && reading.showing() && !SHOWS_NOTHING.test(fieldName(field.code))) {
      sink.unreadable.push(`这里有域（${fieldName(field.code) || '没有代码'}），文件里没有存它显示的内容，读不出印的是什么。请改成直接输入的文字`);
    }
  }
}

/** Fields that show nothing on the page (index entries, bookmarks set, form fields shown at their start). */
const SHOWS_NOTHING = /^(XE|TC|TA|RD|SET|PRIVATE|ADDIN|FORMCHECKBOX|FORMDROPDOWN)$/i;

/** A content control still showing its prompt ("单击此处输入文字") holds no data, but the page prints the prompt. */
const showsPlaceholder = (sdt: XmlElement): boolean => isOn(childW(childW(sdt, 'sdtPr'), 'showingPlcHdr'));

const placeholderUnreadable = (prompt: string) =>
  `这里是内容控件的提示文字「${prompt.trim()}」（还没有填写，但会印出来），无法读取。请填写这一栏，或删去提示文字`;

/** A placeholder's prompt, if it shows any: read aside, and named rather than taken as data. */
function placeholderInto(sdt: XmlElement, sink: Sink, reading: Reading, context: RunContext): void {
  const prompt = newSink();
  inlineText(sdt, prompt, reading, context);
  if (prompt.text.trim() !== '') sink.unreadable.push(placeholderUnreadable(prompt.text));
}

/** w:position, in half-points, from which text reads as raised or lowered (smaller shifts align type). */
const RAISED_ENOUGH = 3;
const RAISED: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '+': '⁺', '-': '⁻', '=': '⁼', '(': '⁽', ')': '⁾' };
const LOWERED: Record<string, string> = { '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉', '+': '₊', '-': '₋', '=': '₌', '(': '₍', ')': '₎' };

/**
 * Raised or lowered text as the characters a person reads (m² typed as m2 with 2 superscript); where
 * Unicode has no such character, undefined.
 */
function shifted(text: string, position: 'superscript' | 'subscript'): string | undefined {
  const table = position === 'superscript' ? RAISED : LOWERED;
  let out = '';
  for (const char of text) {
    const mapped = /\s/.test(char) ? char : table[char];
    if (mapped === undefined) return undefined;
    out += mapped;
  }
  return out;
}

/**
 * A run: hidden text is neither printed nor shown; struck-through text is read as deleted; capitals
 * (w:caps, w:smallCaps) and raised or lowered digits read as printed.
 */
function readRun(r: XmlElement, sink: Sink, reading: Reading, context: RunContext): void {
  const look = effectiveLook(reading.styles, context.paragraph, childW(r, 'rPr'));
  if (look.hidden) return;
  const run = newSink();
  inlineText(r, run, reading, { paragraph: context.paragraph, fontOf: look.fontOf, caps: look.caps });
  append(sink.unreadable, run.unreadable);
  let text = run.text;
  // White text (the usual way to hide words without Word's hidden-text setting): not on paper.
  if (look.invisible && text.trim() !== '') {
    sink.unreadable.push(`这里有白色的字「${text.trim()}」，印在白纸上看不见，读不准。请删去，或改成看得见的颜色`);
  }
  // Raised by w:position (LibreOffice's superscript of a set height, Word's Font → Position):
  // digits read as ⁵ as with vertAlign; other text raised a little reads as it is.
  const position = look.vertAlign !== 'baseline' ? look.vertAlign : Math.abs(look.raised) >= RAISED_ENOUGH && shifted(text, look.raised > 0 ? 'superscript' : 'subscript') !== undefined ? (look.raised > 0 ? 'superscript' : 'subscript') : 'baseline';
  if (position !== 'baseline' && text !== '') {
    const moved = shifted(text, position);
    if (moved === undefined) {
      const how = position === 'superscript' ? '上标' : '下标';
      sink.unreadable.push(`这里有设为${how}的「${text}」，它没有对应的${how}字符，无法读取。请改成普通文字（只有数字和 + - = ( ) 能读成${how}字符，如 m²、H₂O）`);
    } else text = moved;
  }
  if (!look.struck) {
    sink.text += text;
    return;
  }
  if (text === '') return;
  if (sink.struckEnd === sink.text.length && sink.struck.length > 0) sink.struck[sink.struck.length - 1] += text;
  else sink.struck.push(text);
  sink.struckEnd = sink.text.length;
}

/** Append the accepted text of inline content to the sink. Unknown elements (drawings, w:rPr…) add nothing. */
function inlineText(parent: XmlElement, sink: Sink, reading: Reading, context: RunContext): void {
  for (const el of parent.children) {
    if (typeof el === 'string') continue;
    const name = wName(el);
    if (name === undefined) {
      const chosen = alternative(el);
      if (chosen) inlineText(chosen, sink, reading, context);
      // An equation: shown, but not text; the caller refuses what it cannot read.
      else if (el.ns === MATH) sink.text += OBJECT;
      continue;
    }
    // Inside a field's code (and fields nested in it) nothing shows but the fields themselves.
    if (!reading.showing() && name !== 'r' && name !== 'fldChar' && name !== 'instrText' && name !== 'ins' && name !== 'moveTo') continue;
    switch (name) {
      case 't':
        runText(textOf(el), sink, context);
        break;
      case 'instrText': {
        const top = reading.field;
        if (top && !top.result) top.code += textOf(el);
        break;
      }
      case 'fldSimple': {
        const locked = attr(el, 'fldLock');
        const why = locked !== null && !['0', 'false', 'off'].includes(locked) ? undefined : volatileField(attr(el, 'instr') ?? '');
        if (why) sink.unreadable.push(why);
        inlineText(el, sink, reading, context);
        break;
      }
      case 'r':
        readRun(el, sink, reading, context);
        break;
      case 'ruby':
        // 拼音指南: the characters, not the pinyin above them.
        inlineText(childW(el, 'rubyBase') ?? el, sink, reading, context);
        break;
      case 'drawing':
      case 'pict':
      case 'object':
        // A text box, picture or embedded object: shown, but not text the reader can take.
        sink.text += OBJECT;
        break;
      case 'footnoteReference':
        sink.unreadable.push('这里有脚注：脚注不是任何一栏的内容，无法读取。请删去脚注，要说明的话写进单元格的文字里');
        break;
      case 'endnoteReference':
        sink.unreadable.push('这里有尾注：尾注不是任何一栏的内容，无法读取。请删去尾注，要说明的话写进单元格的文字里');
        break;
      case 'ins':
      case 'moveTo':
      case 'hyperlink':
      case 'smartTag':
      case 'customXml':
      case 'dir':
      case 'bdo':
      case 'sdtContent':
        inlineText(el, sink, reading, context);
        break;
      case 'sdt':
        if (showsPlaceholder(el)) placeholderInto(el, sink, reading, context);
        else inlineText(el, sink, reading, context);
        break;
      case 'tab':
      case 'ptab':
        sink.text += '\t';
        break;
      case 'br': {
        const type = attr(el, 'type');
        if (type === null || type === 'textWrapping') sink.text += '\n';
        break;
      }
      case 'cr':
        sink.text += '\n';
        break;
      case 'noBreakHyphen':
        sink.text += '-';
        break;
      case 'sym':
        symText(el, sink);
        break;
      case 'fldChar':
        fieldChar(el, sink, reading);
        break;
      default:
        // del, moveFrom, delText, instrText, delInstrText, rPr/pPr and their *Change elements,
        // commentReference, softHyphen, proofErr, drawings…: not part of the accepted text.
        break;
    }
  }
}

/**
 * Accepting a deleted paragraph mark joins the paragraph with the next one; a hidden mark
 * (w:vanish on it, directly or by its style) does the same on the page.
 */
function markJoins(p: XmlElement, reading: Reading, look: ParagraphLook): boolean {
  const rPr = childW(childW(p, 'pPr'), 'rPr');
  return childW(rPr, 'del') !== undefined || childW(rPr, 'moveFrom') !== undefined || effectiveLook(reading.styles, look, rPr).hidden;
}

/** A paragraph as read: its number (automatic numbering) and its text. */
function readParagraph(p: XmlElement, reading: Reading): { sink: Sink; joins: boolean } {
  const pPr = childW(p, 'pPr');
  const look = paragraphLook(reading.styles, attr(childW(pPr, 'pStyle'), 'val'), childW(pPr, 'numPr'));
  const sink = newSink();
  const joins = markJoins(p, reading, look);
  const number = joins ? undefined : reading.counters.next(look.numbering);
  if (number && 'unreadable' in number) sink.unreadable.push(number.unreadable);
  else if (number) sink.text += number.label;
  inlineText(p, sink, reading, { paragraph: look });
  return { sink, joins };
}

// ---------------------------------------------------------------------------------------------
// Blocks: body and cell content

type Piece = ({ kind: 'p' } & Sink) | { kind: 'tbl'; table: DocxTable };

/**
 * The paragraphs and tables of block content in order, looking through content controls and
 * custom XML. Tables are read where they stand, so numbered paragraphs are counted in document order.
 */
function collectBlocks(parent: XmlElement, out: Piece[], pending: { sink: Sink | null }, placeholder: boolean, reading: Reading, nested: boolean): void {
  for (const el of parent.children) {
    if (typeof el === 'string') continue;
    const name = wName(el);
    if (name === undefined) {
      const chosen = alternative(el);
      if (chosen) collectBlocks(chosen, out, pending, placeholder, reading, nested);
      continue;
    }
    switch (name) {
      case 'p': {
        const read = readParagraph(el, reading);
        // A content control's prompt is printed but is no data: named, not read.
        if (placeholder) {
          const prompt = read.sink.text;
          read.sink = { ...newSink(), unreadable: [...read.sink.unreadable, ...(prompt.trim() !== '' ? [placeholderUnreadable(prompt)] : [])] };
        }
        const sink = pending.sink ? joinSinks(pending.sink, read.sink) : read.sink;
        if (read.joins) pending.sink = sink;
        else {
          pending.sink = null;
          out.push({ kind: 'p', ...sink });
        }
        break;
      }
      case 'tbl':
        flush(out, pending); // nothing to join across a table: keep what was pending as it is
        // A table inside a cell is refused by the caller; its cells are not read.
        out.push({ kind: 'tbl', table: nested ? { type: 'table', gridColumns: 0, rows: [], headerRows: [] } : readTable(el, reading) });
        break;
      case 'sdt':
        collectBlocks(el, out, pending, placeholder || showsPlaceholder(el), reading, nested);
        break;
      case 'sdtContent':
      case 'customXml':
      case 'ins':
      case 'moveTo':
        collectBlocks(el, out, pending, placeholder, reading, nested);
        break;
      default:
        break; // sectPr, sdtPr, bookmarks, altChunk…
    }
  }
}

/**
 * Two paragraphs read as one (the first one's mark deleted or hidden): `b` added to `a`, which is
 * only the pending paragraph's (copying it for each of 40,000 joined paragraphs took 30 s).
 */
function joinSinks(a: Sink, b: Sink): Sink {
  a.struckEnd = b.struckEnd >= 0 ? a.text.length + b.struckEnd : -1;
  a.text += b.text;
  append(a.struck, b.struck);
  append(a.unreadable, b.unreadable);
  return a;
}

/** `items` added to the end of `list` (push(...items) overflows the stack at some 100,000 items). */
function append<T>(list: T[], items: readonly T[]): void {
  for (const item of items) list.push(item);
}

function flush(out: Piece[], pending: { sink: Sink | null }): void {
  if (pending.sink !== null) out.push({ kind: 'p', ...pending.sink });
  pending.sink = null;
}

function blocksOf(parent: XmlElement, reading: Reading, nested: boolean): Piece[] {
  const out: Piece[] = [];
  const pending = { sink: null as Sink | null };
  collectBlocks(parent, out, pending, false, reading, nested);
  flush(out, pending);
  return out;
}

/** The marks of a sink, set only where there are any (so plain blocks compare as before). */
function marks(sink: Pick<Sink, 'struck' | 'unreadable'>): DocxMarks {
  return {
    ...(sink.struck.length > 0 ? { struck: sink.struck } : {}),
    ...(sink.unreadable.length > 0 ? { unreadable: [...new Set(sink.unreadable)] } : {}),
  };
}

function readBody(body: XmlElement, reading: Reading): DocxBlock[] {
  return blocksOf(body, reading, false).map((piece): DocxBlock =>
    piece.kind === 'p' ? { type: 'paragraph', text: piece.text, ...marks(piece) } : piece.table,
  );
}

// ---------------------------------------------------------------------------------------------
// Tables

/** Children named `name` of a table or row, looking through row/cell-level content controls. */
function collectChildren(parent: XmlElement, name: 'tr' | 'tc', out: XmlElement[]): XmlElement[] {
  for (const el of parent.children) {
    if (typeof el === 'string') continue;
    const local = wName(el);
    if (local === name) out.push(el);
    else if (local === 'sdt' || local === 'sdtContent' || local === 'customXml') collectChildren(el, name, out);
    else if (local === undefined) {
      const chosen = alternative(el);
      if (chosen) collectChildren(chosen, name, out);
    }
  }
  return out;
}

type Merge = 'restart' | 'continue' | undefined;
const mergeOf = (el: XmlElement | undefined): Merge =>
  el === undefined ? undefined : attr(el, 'val') === 'restart' ? 'restart' : 'continue';

interface RawCell extends DocxMarks {
  colSpan: number;
  vMerge: Merge;
  hMerge: Merge;
  text: string;
  nested: boolean;
}

function readCell(tc: XmlElement, reading: Reading): RawCell | undefined {
  const tcPr = childW(tc, 'tcPr');
  if (childW(tcPr, 'cellDel')) return undefined; // a tracked cell deletion, accepted
  let text = '';
  let first = true;
  let nested = false;
  const struck: string[] = [];
  const unreadable: string[] = [];
  // A field does not run from one cell into another: one left open hides what follows it (Word
  // and LibreOffice print the later cells empty). Named in the cell where it is left open.
  reading.clear();
  for (const piece of blocksOf(tc, reading, true)) {
    if (piece.kind === 'tbl') {
      nested = true;
      continue;
    }
    text = first ? piece.text : `${text}\n${piece.text}`;
    append(struck, piece.struck);
    append(unreadable, piece.unreadable);
    first = false;
  }
  if (reading.anyOpen) {
    unreadable.push('这里有一个没有结束的域（缺少域结束符），它后面的内容印不出来，读不准。请在 Word 里删去这个域，改成直接输入的文字');
    reading.clear();
  }
  return {
    colSpan: intAttr(childW(tcPr, 'gridSpan'), 1, 1),
    vMerge: mergeOf(childW(tcPr, 'vMerge')),
    hMerge: mergeOf(childW(tcPr, 'hMerge')),
    text,
    nested,
    ...marks({ struck, unreadable }),
  };
}

function readTable(tbl: XmlElement, reading: Reading): DocxTable {
  let gridColumns = 0;
  const grid = childW(tbl, 'tblGrid');
  for (const node of grid?.children ?? []) if (wName(node) === 'gridCol') gridColumns++;

  const rows: DocxCell[][] = [];
  const headerRows: boolean[] = [];
  // The cell occupying each start column in the row above: what a vMerge continue cell extends.
  let above = new Map<number, DocxCell>();
  for (const tr of collectChildren(tbl, 'tr', [])) {
    const trPr = childW(tr, 'trPr');
    if (childW(trPr, 'del')) continue; // a tracked row deletion, accepted
    const row = rows.length;

    // Old-style horizontal merges become one wider cell.
    const raw: RawCell[] = [];
    for (const tc of collectChildren(tr, 'tc', [])) {
      const cell = readCell(tc, reading);
      if (!cell) continue;
      const previous = raw.at(-1);
      if (cell.hMerge === 'continue' && previous?.hMerge !== undefined) previous.colSpan += cell.colSpan;
      else raw.push(cell);
    }

    const cells: DocxCell[] = [];
    const here = new Map<number, DocxCell>();
    let col = intAttr(childW(trPr, 'gridBefore'), 0, 0);
    for (const cell of raw) {
      const owner = cell.vMerge === 'continue' ? above.get(col) : undefined;
      if (owner && owner.colSpan === cell.colSpan) {
        owner.rowSpan++;
        // What a merged-away cell still holds is not shown by Word; its marks are not either.
        here.set(col, owner);
      } else {
        const out: DocxCell = { row, col, rowSpan: 1, colSpan: cell.colSpan, text: cell.text, ...marks({ struck: cell.struck ?? [], unreadable: cell.unreadable ?? [] }) };
        if (cell.nested) out.nestedTable = true;
        cells.push(out);
        here.set(col, out);
      }
      col += cell.colSpan;
    }
    above = here;
    rows.push(cells);
    headerRows.push(isOn(childW(trPr, 'tblHeader')));
  }
  return { type: 'table', gridColumns, rows, headerRows };
}

// ---------------------------------------------------------------------------------------------
// Document properties

/** A key from the file, even "__proto__", as a plain own property. */
const setOwn = (record: Record<string, string>, key: string, value: string): void => {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
};

/** docProps/core.xml: each property element's local name and text (dc:title → title). */
function readCore(root: XmlElement): Record<string, string> {
  const core: Record<string, string> = {};
  for (const el of root.children) {
    if (typeof el !== 'string' && !Object.hasOwn(core, el.local)) setOwn(core, el.local, textOf(el));
  }
  return core;
}

/** docProps/custom.xml: each property's name and the text of its value (vt:lpwstr, vt:i4…). */
function readCustom(root: XmlElement): Record<string, string> {
  const custom: Record<string, string> = {};
  for (const el of root.children) {
    if (typeof el === 'string' || el.local !== 'property') continue;
    const name = attr(el, 'name');
    if (name !== null && !Object.hasOwn(custom, name)) setOwn(custom, name, textOf(el));
  }
  return custom;
}
