// The XML of a .docx part as a small tree: saxes parses, this keeps elements, text and (for the
// few elements a reader looks at) attributes. Shared by the body reader (docx-read.ts) and the
// readers of styles and numbering.
import { SaxesParser } from 'saxes';
import { UserError } from '../errors.js';

export const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
export const W_STRICT = 'http://purl.oclc.org/ooxml/wordprocessingml/main';
export const MC = 'http://schemas.openxmlformats.org/markup-compatibility/2006';
export const MATH = 'http://schemas.openxmlformats.org/officeDocument/2006/math';

/** "Word 文件 x.docx " or "Word 文件": followed directly by the predicate. */
export const wordFile = (file: string | undefined): string => (file ? `Word 文件 ${file} ` : 'Word 文件');

// XML, parsed with saxes into a small tree. saxes checks well-formedness (tags nest and match, one
// root, references and names are valid, no duplicate attributes) and resolves namespaces. DTDs are
// refused, which also rules out entity expansion attacks.

export interface XmlElement {
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
export type XmlChild = XmlElement | string;

/** A part that is not well-formed; the message starts "第 n 行：". */
class XmlSyntaxError extends Error {}

const NO_CHILDREN: XmlChild[] = [];
const NO_ATTRS: string[] = [];
/** Local names of the only elements whose attributes the reader looks at (attr() checks this). */
const ATTRIBUTES_READ: ReadonlySet<string> = new Set([
  ...['Relationship', 'property'], // package relationships, custom properties
  ...['gridSpan', 'gridBefore', 'vMerge', 'hMerge', 'tblHeader'], // tables
  ...['br', 'sym', 'fldChar', 'fldSimple', 'checked', 'default', 'result', 'listEntry', 'showingPlcHdr'], // text, fields
  ...['vanish', 'strike', 'dstrike', 'caps', 'smallCaps', 'vertAlign', 'position', 'color', 'highlight', 'shd', 'rFonts', 'pStyle', 'rStyle'], // how a run looks
  ...['style', 'basedOn', 'numId', 'ilvl'], // styles.xml, and a paragraph's numbering
  ...['abstractNum', 'num', 'abstractNumId', 'lvl', 'start', 'numFmt', 'lvlText', 'suff', 'isLgl', 'lvlRestart', 'lvlOverride', 'startOverride'], // numbering.xml
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
export function readPart<T>(bytes: Uint8Array, part: string, file: string | undefined, read: (root: XmlElement) => T): T {
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
export function textOf(el: XmlElement): string {
  let text = '';
  for (const child of el.children) text += typeof child === 'string' ? child : textOf(child);
  return text;
}

/** The local name of a WordprocessingML element (transitional or strict namespace), else undefined. */
export function wName(node: XmlChild): string | undefined {
  if (typeof node === 'string') return undefined;
  return node.ns === W || node.ns === W_STRICT ? node.local : undefined;
}

export function childW(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!parent) return undefined;
  for (const node of parent.children) if (wName(node) === name) return node as XmlElement;
  return undefined;
}

/** An attribute by local name: w:val and friends are namespace-qualified; a few generators write them bare. */
export function attr(el: XmlElement | undefined, name: string): string | null {
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
export function isOn(el: XmlElement | undefined): boolean {
  if (!el) return false;
  const value = attr(el, 'val');
  return value === null || !(value === '0' || value === 'false' || value === 'off');
}

export function intAttr(el: XmlElement | undefined, fallback: number, min: number): number {
  const value = Number.parseInt(attr(el, 'val') ?? '', 10);
  return Number.isFinite(value) && value >= min ? value : fallback;
}

/**
 * mc:AlternateContent offers the same content several ways: read one, the first mc:Choice (or the
 * mc:Fallback if there is none), so nothing is read twice.
 */
export function alternative(el: XmlElement): XmlElement | undefined {
  if (el.ns !== MC || el.local !== 'AlternateContent') return undefined;
  let fallback: XmlElement | undefined;
  for (const node of el.children) {
    if (typeof node === 'string' || node.ns !== MC) continue;
    if (node.local === 'Choice') return node;
    if (node.local === 'Fallback') fallback ??= node;
  }
  return fallback;
}
