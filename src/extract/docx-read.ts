// Low-level reader of .docx files: the body's paragraphs and tables (with their merged cells), and
// the document properties, as Word would show them after "Accept All Changes". It knows nothing of
// our forms: the caller maps tables to fields. Unreadable input is a UserError in Chinese.
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { SaxesParser } from 'saxes';
import { UserError } from '../errors.js';

export interface DocxCell {
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
export interface DocxParagraph {
  type: 'paragraph';
  text: string;
}
export type DocxBlock = DocxTable | DocxParagraph;
export interface DocxContent {
  blocks: DocxBlock[];
  core: Record<string, string>;
  custom: Record<string, string>;
}

/** Largest main document part we inflate: a real form is a few MB; more is a zip bomb or not a form. */
export const MAX_DOCUMENT_XML_BYTES = 200 * 1024 * 1024;
/** Package relationships and document properties are tiny; this only stops bombs. */
const MAX_SMALL_PART_BYTES = 16 * 1024 * 1024;
const MB = 1024 * 1024;

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const W_STRICT = 'http://purl.oclc.org/ooxml/wordprocessingml/main';
const MC = 'http://schemas.openxmlformats.org/markup-compatibility/2006';
const MATH = 'http://schemas.openxmlformats.org/officeDocument/2006/math';
/**
 * U+FFFC OBJECT REPLACEMENT CHARACTER stands in the text for what Word shows but is not text (a
 * text box, a picture, an equation), so that a caller can refuse it rather than lose it.
 */
export const OBJECT = '\uFFFC';

const DEFAULT_DOCUMENT = 'word/document.xml';
const DEFAULT_CORE = 'docProps/core.xml';
const DEFAULT_CUSTOM = 'docProps/custom.xml';

/** Read a .docx file's body and properties. `file` only names it in error messages. */
export function readDocx(bytes: Uint8Array, file?: string): DocxContent {
  const named = partNames(bytes, file);
  // Also ask for the usual names: a relationship may point at a part the package lacks.
  const limits = new Map<string, number>();
  for (const name of [named.core, named.custom, DEFAULT_CORE, DEFAULT_CUSTOM]) limits.set(name.toLowerCase(), MAX_SMALL_PART_BYTES);
  for (const name of [named.document, DEFAULT_DOCUMENT]) limits.set(name.toLowerCase(), MAX_DOCUMENT_XML_BYTES);
  const parts = unzipParts(bytes, file, limits);
  const pick = (name: string, fallback: string): [string, Uint8Array] | undefined => {
    const data = parts.get(name.toLowerCase());
    if (data) return [name, data];
    const usual = parts.get(fallback.toLowerCase());
    return usual ? [fallback, usual] : undefined;
  };

  const main = pick(named.document, DEFAULT_DOCUMENT);
  if (!main) throw new UserError(notDocx(file, `压缩包中没有 ${DEFAULT_DOCUMENT}`));
  const blocks = readPart(main[1], main[0], file, (root) => {
    const body = wName(root) === 'document' ? childW(root, 'body') : undefined;
    if (!body) throw new UserError(`${wordFile(file)}已损坏或不是 Word 正文：${main[0]} 中没有正文（w:body）`);
    return readBody(body);
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
/** "Word 文件 x.docx " or "Word 文件": followed directly by the predicate. */
const wordFile = (file: string | undefined): string => (file ? `Word 文件 ${file} ` : 'Word 文件');

/** Inflate only the wanted entries (matched case-insensitively, as OPC part names are). */
function unzipParts(bytes: Uint8Array, file: string | undefined, limits: Map<string, number>): Map<string, Uint8Array> {
  const filter = (info: UnzipFileInfo): boolean => {
    const max = limits.get(info.name.toLowerCase());
    if (max === undefined) return false;
    // fflate inflates into a buffer of the declared size and never grows it, so checking the
    // declared size bounds the memory even when the header lies (the part is then cut short).
    const size = Math.max(info.originalSize, info.compression === 0 ? info.size : 0);
    if (size > max) {
      throw new UserError(
        `${wordFile(file)}的 ${info.name} 解压后有 ${Math.ceil(size / MB)} MB，超过 ${max / MB} MB 的上限，不能读取（文件可能已损坏，或不是正常的 Word 文件）`,
      );
    }
    return true;
  };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter });
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(zipFailure(bytes, file, error));
  }
  const result = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(entries)) {
    const lower = name.toLowerCase();
    if (!result.has(lower)) result.set(lower, data);
  }
  return result;
}

function zipFailure(bytes: Uint8Array, file: string | undefined, error: unknown): string {
  const startsWith = (...magic: number[]) => magic.every((byte, i) => bytes[i] === byte);
  // Word's own encrypted .docx and the old binary .doc are both OLE compound files.
  if (startsWith(0xd0, 0xcf, 0x11, 0xe0)) {
    return `${notDocx(file)}。它可能是旧版的 .doc 文件或设了打开密码的文件：请用 Word 打开它，去掉密码后另存为 .docx 再试`;
  }
  if (!startsWith(0x50, 0x4b)) return notDocx(file);
  const detail = error instanceof Error ? error.message : String(error);
  return `${wordFile(file)}已损坏或不完整（${detail}）：请用 Word 打开后重新保存，或重新复制、下载这个文件`;
}

/**
 * Where the main document and the properties live. Word Online saves `word/document2.xml`, so the
 * package relationships decide; the usual names are the fallback for packages without them.
 */
function partNames(bytes: Uint8Array, file: string | undefined): { document: string; core: string; custom: string } {
  const names = { document: DEFAULT_DOCUMENT, core: DEFAULT_CORE, custom: DEFAULT_CUSTOM };
  const relsBytes = unzipParts(bytes, file, new Map([['_rels/.rels', MAX_SMALL_PART_BYTES]])).get('_rels/.rels');
  if (!relsBytes) return names;
  try {
    readPart(relsBytes, '_rels/.rels', file, (rels) => {
      for (const rel of rels.children) {
        if (typeof rel === 'string' || rel.local !== 'Relationship' || attr(rel, 'TargetMode') === 'External') continue;
        const type = attr(rel, 'Type') ?? '';
        const target = partName(attr(rel, 'Target') ?? '');
        if (!target) continue;
        if (type.endsWith('/officeDocument')) names.document = target;
        else if (type.endsWith('/core-properties')) names.core = target;
        else if (type.endsWith('/custom-properties')) names.custom = target;
      }
    });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // Word rebuilds broken relationships; the usual names still work.
  }
  return names;
}

/** A relationship target of the package root as a zip entry name. */
function partName(target: string): string {
  let name = target.replace(/^\/+/, '').replace(/^(\.\/)+/, '');
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep it as written
  }
  return name;
}

// ---------------------------------------------------------------------------------------------
// XML, parsed with saxes into a small tree. saxes checks well-formedness (tags nest and match, one
// root, references and names are valid, no duplicate attributes) and resolves namespaces. DTDs are
// refused, which also rules out entity expansion attacks.

interface XmlElement {
  /** namespace URI, '' for none */
  ns: string;
  local: string;
  /**
   * Flat [local name, namespace URI, value] triples (xmlns declarations included), kept only for
   * the elements in ATTRIBUTES_READ: a 30 MB document has a million attributes, and keeping them
   * all alive took about a third of the time to read it.
   */
  attrs: string[];
  children: XmlChild[];
}
type XmlChild = XmlElement | string;

/** A part that is not well-formed; the message starts "第 n 行：". */
class XmlSyntaxError extends Error {}

const NO_CHILDREN: XmlChild[] = [];
const NO_ATTRS: string[] = [];
/** Local names of the only elements whose attributes the reader looks at (attr() checks this). */
const ATTRIBUTES_READ: ReadonlySet<string> = new Set([
  ...['Relationship', 'property'], // package relationships, custom properties
  ...['gridSpan', 'gridBefore', 'vMerge', 'hMerge', 'tblHeader'], // tables
  ...['br', 'sym', 'fldChar', 'checked', 'default', 'showingPlcHdr', 'vanish'], // text
]);

/** Where saxes stopped, for a message: its place in `text`, and the start tag the last end tag met. */
interface Failure {
  text: string;
  position: number;
  closed: string;
}
/** The markup from the last `open` before the parser's place up to it, e.g. "</w:p>" or "&nbsp;". */
const markupBefore = ({ text, position }: Failure, open: string): string => text.slice(text.lastIndexOf(open, position - 1), position);

/** The last name in the start tag just read that begins with `prefix` and ends with `suffix`. */
function nameInTag(at: Failure, prefix: string, suffix: string): string {
  const names = markupBefore(at, '<').replace(/"[^"]*"|'[^']*'/g, '').match(/[^\s<>/=]+/g) ?? [];
  return names.filter((name) => name.startsWith(prefix) && name.endsWith(suffix)).pop() ?? `${prefix}${suffix}`;
}

/** saxes' messages ("unclosed tag: w:body"), in the words of our error messages. */
const SAXES_MESSAGES: [RegExp, (match: RegExpExecArray, at: Failure) => string][] = [
  [/^unclosed tag: (.*)$/, (m) => `元素 <${m[1]}> 没有结束标签（文件可能不完整）`],
  [/^unmatched closing tag: (.*)\.$/, (m) => `多余的结束标签 </${m[1]}>`],
  [/^unexpected close tag\.$/, (_, at) => `结束标签 ${markupBefore(at, '</')} 与开始标签 <${at.closed}> 不匹配`],
  [/^unbound namespace prefix: "(.*)"\.$/, (m, at) => `名称 ${nameInTag(at, `${m[1]}:`, '')} 的前缀 ${m[1]} 没有声明命名空间`],
  [/^duplicate attribute: (\{.*\})?(.*)\.$/, (m, at) => `属性 ${m[1] ? nameInTag(at, '', `:${m[2]}`) : m[2]} 重复`],
  [/^(?:undefined entity|disallowed character in entity name|empty entity name)\.$/, (_, at) => `“&”后面不是有效的实体引用：${markupBefore(at, '&')}`],
  [/^malformed character entity\.$/, (_, at) => `无效的字符引用 ${markupBefore(at, '&')}`],
  [/^documents may contain only one root\.$/, () => '有不止一个根元素'],
  [/^text data outside of root node\.$/, () => '根元素之外有文字'],
  [/^document must contain a root element\.$/, () => '没有根元素'],
  [/^unexpected end\.$/, () => '文件在标记中间结束（文件可能不完整）'],
  [/^disallowed character\.$/, () => '含有 XML 不允许的字符'],
  [/doctype/, () => '含有 DOCTYPE（Word 文件不会有，不予读取）'],
  [/^malformed comment\.$/, () => '注释写法有误'],
  [/"\]\]>" is disallowed/, () => '文字中不能有“]]>”'],
  [/tag name|attribute|opening tag|closing tag|malformed name/, () => '标签写法有误（标签名无效、属性写法有误或没有“>”）'],
];

function translate(message: string, at: Failure): string {
  const english = message.replace(/^\d+:\d+: /, '');
  for (const [pattern, say] of SAXES_MESSAGES) {
    const match = pattern.exec(english);
    if (match) return say(match, at);
  }
  return `XML 语法错误：${english}`;
}

/** Parse a whole part into a tree; a malformed part throws an XmlSyntaxError. */
function parseXmlText(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const open: XmlElement[] = [];
  let top: XmlElement | undefined;
  let root: XmlElement | undefined;
  let closed = '';
  // A document repeats few names: share one string for each instead of keeping a million copies.
  const names = new Map<string, string>();
  const shared = (name: string): string => {
    const known = names.get(name);
    if (known !== undefined) return known;
    names.set(name, name);
    return name;
  };
  const fail = (message: string): never => {
    throw new XmlSyntaxError(`第 ${parser.line} 行：${message}`);
  };
  // saxes calls this with its first error; throwing stops it there.
  parser.on('error', (error) => fail(translate(error.message, { text, position: parser.position, closed })));
  parser.on('doctype', () => fail('含有 DOCTYPE（Word 文件不会有，不予读取）'));
  parser.on('opentag', (tag) => {
    let attrs = NO_ATTRS;
    if (ATTRIBUTES_READ.has(tag.local)) {
      attrs = [];
      for (const qname in tag.attributes) {
        const { local, uri, value } = tag.attributes[qname]!;
        attrs.push(shared(local), uri, value);
      }
    }
    const el: XmlElement = { ns: tag.uri, local: shared(tag.local), attrs, children: tag.isSelfClosing ? NO_CHILDREN : [] };
    if (top) top.children.push(el);
    else root = el;
    open.push(el);
    top = el;
  });
  parser.on('closetag', (tag) => {
    closed = tag.name;
    open.pop();
    top = open[open.length - 1];
  });
  const addText = (chars: string): void => {
    if (top) top.children.push(chars);
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.write(text).close();
  return root!;
}

function decodeXml(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder().decode(bytes); // UTF-8; drops a BOM
}

/** Parse a part of the package and read it with `read`; a syntax error is the user's damaged file. */
function readPart<T>(bytes: Uint8Array, part: string, file: string | undefined, read: (root: XmlElement) => T): T {
  let root: XmlElement;
  try {
    root = parseXmlText(decodeXml(bytes));
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    throw new UserError(`${wordFile(file)}已损坏：其中的 ${part} 不是有效的 XML（${error.message}）。请用 Word 打开后重新保存再试`);
  }
  return read(root);
}

/** The text of an element and its descendants. */
function textOf(el: XmlElement): string {
  let text = '';
  for (const child of el.children) text += typeof child === 'string' ? child : textOf(child);
  return text;
}

/** The local name of a WordprocessingML element (transitional or strict namespace), else undefined. */
function wName(node: XmlChild): string | undefined {
  if (typeof node === 'string') return undefined;
  return node.ns === W || node.ns === W_STRICT ? node.local : undefined;
}

function childW(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!parent) return undefined;
  for (const node of parent.children) if (wName(node) === name) return node as XmlElement;
  return undefined;
}

/** An attribute by local name: w:val and friends are namespace-qualified; a few generators write them bare. */
function attr(el: XmlElement | undefined, name: string): string | null {
  if (!el) return null;
  if (!ATTRIBUTES_READ.has(el.local)) throw new Error(`docx-read: add ${el.local} to ATTRIBUTES_READ to read its attributes`);
  let bare: string | null = null;
  const { attrs } = el;
  for (let i = 0; i < attrs.length; i += 3) {
    if (attrs[i] !== name) continue;
    if (attrs[i + 1] === el.ns) return attrs[i + 2]!;
    if (attrs[i + 1] === '') bare = attrs[i + 2]!;
  }
  return bare;
}

/** An ST_OnOff property element: present means on unless its w:val says otherwise. */
function isOn(el: XmlElement | undefined): boolean {
  if (!el) return false;
  const value = attr(el, 'val');
  return value === null || !(value === '0' || value === 'false' || value === 'off');
}

function intAttr(el: XmlElement | undefined, fallback: number, min: number): number {
  const value = Number.parseInt(attr(el, 'val') ?? '', 10);
  return Number.isFinite(value) && value >= min ? value : fallback;
}

/**
 * mc:AlternateContent offers the same content several ways: read one, the first mc:Choice (or the
 * mc:Fallback if there is none), so nothing is read twice.
 */
function alternative(el: XmlElement): XmlElement | undefined {
  if (el.ns !== MC || el.local !== 'AlternateContent') return undefined;
  let fallback: XmlElement | undefined;
  for (const node of el.children) {
    if (typeof node === 'string' || node.ns !== MC) continue;
    if (node.local === 'Choice') return node;
    if (node.local === 'Fallback') fallback ??= node;
  }
  return fallback;
}

/** A content control still showing its prompt ("单击此处输入文字") holds no data. */
const showsPlaceholder = (sdt: XmlElement): boolean => isOn(childW(childW(sdt, 'sdtPr'), 'showingPlcHdr'));

// ---------------------------------------------------------------------------------------------
// Text inside a paragraph

/** Symbol-font glyphs that forms use as check boxes; other w:sym characters are kept as written. */
const SYMBOLS: Record<string, Record<number, string>> = {
  'wingdings 2': { 0x52: '☑', 0x54: '☒', 0xa3: '□' },
  wingdings: { 0xfe: '☑', 0xfd: '☒', 0xa8: '□' },
};

function symbolText(sym: XmlElement): string {
  const code = Number.parseInt(attr(sym, 'char') ?? '', 16);
  if (!Number.isFinite(code) || code <= 0 || code > 0xffff) return '';
  const font = (attr(sym, 'font') ?? '').toLowerCase();
  // Symbol fonts are addressed either directly or in the F000 private-use block.
  const mapped = SYMBOLS[font]?.[code >= 0xf000 && code <= 0xf0ff ? code - 0xf000 : code];
  return mapped ?? String.fromCharCode(code);
}

/** A legacy check box form field (FORMCHECKBOX) shows as a box; other field characters show nothing. */
function fieldCharText(fldChar: XmlElement): string {
  if (attr(fldChar, 'fldCharType') !== 'begin') return '';
  const checkBox = childW(childW(fldChar, 'ffData'), 'checkBox');
  if (!checkBox) return '';
  const checked = childW(checkBox, 'checked');
  return (checked ? isOn(checked) : isOn(childW(checkBox, 'default'))) ? '☒' : '☐';
}

/** Append the accepted text of inline content to `text`. Unknown elements (drawings, w:rPr…) add nothing. */
function inlineText(parent: XmlElement, text: string): string {
  for (const el of parent.children) {
    if (typeof el === 'string') continue;
    const name = wName(el);
    if (name === undefined) {
      const chosen = alternative(el);
      if (chosen) text = inlineText(chosen, text);
      // An equation: shown, but not text; the caller refuses what it cannot read.
      else if (el.ns === MATH) text += OBJECT;
      continue;
    }
    switch (name) {
      case 't':
        text += textOf(el);
        break;
      case 'r':
        // Hidden text (字体 → 隐藏) is neither printed nor shown: not part of the form.
        if (!isOn(childW(childW(el, 'rPr'), 'vanish'))) text = inlineText(el, text);
        break;
      case 'ruby':
        // 拼音指南: the characters, not the pinyin above them.
        text = inlineText(childW(el, 'rubyBase') ?? el, text);
        break;
      case 'drawing':
      case 'pict':
      case 'object':
        // A text box, picture or embedded object: shown, but not text the reader can take.
        text += OBJECT;
        break;
      case 'ins':
      case 'moveTo':
      case 'hyperlink':
      case 'smartTag':
      case 'customXml':
      case 'fldSimple':
      case 'dir':
      case 'bdo':
      case 'sdtContent':
        text = inlineText(el, text);
        break;
      case 'sdt':
        if (!showsPlaceholder(el)) text = inlineText(el, text);
        break;
      case 'tab':
      case 'ptab':
        text += '\t';
        break;
      case 'br': {
        const type = attr(el, 'type');
        if (type === null || type === 'textWrapping') text += '\n';
        break;
      }
      case 'cr':
        text += '\n';
        break;
      case 'noBreakHyphen':
        text += '-';
        break;
      case 'sym':
        text += symbolText(el);
        break;
      case 'fldChar':
        text += fieldCharText(el);
        break;
      default:
        // del, moveFrom, delText, instrText, delInstrText, rPr/pPr and their *Change elements,
        // commentReference, softHyphen, proofErr, drawings…: not part of the accepted text.
        break;
    }
  }
  return text;
}

/** Accepting a deleted paragraph mark joins the paragraph with the next one. */
function markDeleted(p: XmlElement): boolean {
  const rPr = childW(childW(p, 'pPr'), 'rPr');
  return childW(rPr, 'del') !== undefined || childW(rPr, 'moveFrom') !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Blocks: body and cell content

type Piece = { kind: 'p'; text: string } | { kind: 'tbl'; el: XmlElement };

/** The paragraphs and tables of block content, looking through content controls and custom XML. */
function collectBlocks(parent: XmlElement, out: Piece[], pending: { text: string | null }, placeholder: boolean): void {
  for (const el of parent.children) {
    if (typeof el === 'string') continue;
    const name = wName(el);
    if (name === undefined) {
      const chosen = alternative(el);
      if (chosen) collectBlocks(chosen, out, pending, placeholder);
      continue;
    }
    switch (name) {
      case 'p': {
        const text = (pending.text ?? '') + (placeholder ? '' : inlineText(el, ''));
        if (markDeleted(el)) pending.text = text;
        else {
          pending.text = null;
          out.push({ kind: 'p', text });
        }
        break;
      }
      case 'tbl':
        flush(out, pending); // nothing to join across a table: keep what was pending as it is
        out.push({ kind: 'tbl', el });
        break;
      case 'sdt':
        collectBlocks(el, out, pending, placeholder || showsPlaceholder(el));
        break;
      case 'sdtContent':
      case 'customXml':
      case 'ins':
      case 'moveTo':
        collectBlocks(el, out, pending, placeholder);
        break;
      default:
        break; // sectPr, sdtPr, bookmarks, altChunk…
    }
  }
}

function flush(out: Piece[], pending: { text: string | null }): void {
  if (pending.text !== null) out.push({ kind: 'p', text: pending.text });
  pending.text = null;
}

function blocksOf(parent: XmlElement): Piece[] {
  const out: Piece[] = [];
  const pending = { text: null as string | null };
  collectBlocks(parent, out, pending, false);
  flush(out, pending);
  return out;
}

function readBody(body: XmlElement): DocxBlock[] {
  return blocksOf(body).map((piece): DocxBlock =>
    piece.kind === 'p' ? { type: 'paragraph', text: piece.text } : readTable(piece.el),
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

interface RawCell {
  colSpan: number;
  vMerge: Merge;
  hMerge: Merge;
  text: string;
  nested: boolean;
}

function readCell(tc: XmlElement): RawCell | undefined {
  const tcPr = childW(tc, 'tcPr');
  if (childW(tcPr, 'cellDel')) return undefined; // a tracked cell deletion, accepted
  let text = '';
  let first = true;
  let nested = false;
  for (const piece of blocksOf(tc)) {
    if (piece.kind === 'tbl') {
      nested = true;
      continue;
    }
    text = first ? piece.text : `${text}\n${piece.text}`;
    first = false;
  }
  return {
    colSpan: intAttr(childW(tcPr, 'gridSpan'), 1, 1),
    vMerge: mergeOf(childW(tcPr, 'vMerge')),
    hMerge: mergeOf(childW(tcPr, 'hMerge')),
    text,
    nested,
  };
}

function readTable(tbl: XmlElement): DocxTable {
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
      const cell = readCell(tc);
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
        here.set(col, owner);
      } else {
        const out: DocxCell = { row, col, rowSpan: 1, colSpan: cell.colSpan, text: cell.text };
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
