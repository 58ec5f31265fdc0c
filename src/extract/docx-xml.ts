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
// root, references and names are valid, no attribute written twice); namespaces are resolved here
// (NamespaceScope says why). DTDs are refused, which also rules out entity expansion attacks.

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

/** saxes' messages ("unclosed tag: w:body"), in the words of our error messages. */
const SAXES_MESSAGES: [RegExp, (match: RegExpExecArray, at: Failure) => string][] = [
  [/^unclosed tag: (.*)$/, (m) => `元素 <${m[1]}> 没有结束标签（文件可能不完整）`],
  [/^unmatched closing tag: (.*)\.$/, (m) => `多余的结束标签 </${m[1]}>`],
  [/^unexpected close tag\.$/, (_, at) => `结束标签 ${markupBefore(at, '</')} 与开始标签 <${at.closed}> 不匹配`],
  [/^duplicate attribute: (.*)\.$/, (m) => `属性 ${m[1]} 重复`],
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

// Bounds on one part's XML, so that what a file can make the reader do is bounded by more than its
// bytes. Real parts are inside them (see the measurements above MAX_DOCUMENT_XML_BYTES in
// docx-read.ts): shenbao's forms and LibreOffice's re-saves nest 8 deep; a text box in a table cell
// is about 20 (document body tbl tr tc p r AlternateContent Choice drawing anchor graphic
// graphicData wsp txbx txbxContent p r t); a 汇总表 of 1,000 forms as an office saves it has ~1.9
// million nodes.

/**
 * Deepest element nesting read: the default limit of libxml2, MSXML 6 and XmlLite too. The tree
 * readers recurse once or twice per level, so this also bounds their stack (5,000 levels overflowed
 * it); the time per element does not grow with depth (NamespaceScope).
 */
const MAX_XML_DEPTH = 256;
/**
 * Most elements and text nodes in one part: 1.6× the ~1.9 million of a 汇总表 of 1,000 forms as
 * an office saves it (real forms have 38,000–51,000 nodes per MB). Memory is what bounds it: at
 * this cap the reader holds about 1 GB (3 million empty paragraphs, 17 MB of XML), and without it
 * 64 MB of them (six bytes each) would be 11 million nodes and several GB.
 */
const MAX_XML_NODES = 3_000_000;

/** A part past MAX_XML_DEPTH or MAX_XML_NODES; the message is the predicate after the part's name. */
class XmlTooBig extends Error {}

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/**
 * Namespaces in scope (Namespaces in XML 1.0). saxes resolves a prefix by walking every open
 * element, which made a part nested 20,000 deep take minutes; here each lookup is one Map get and
 * each element undoes only its own declarations.
 */
class NamespaceScope {
  private readonly bound = new Map<string, string>([
    ['xml', XML_NAMESPACE],
    ['xmlns', XMLNS_NAMESPACE],
  ]);
  /** per open element: the bindings its declarations replaced, to restore when it closes (null: it declared none) */
  private readonly saved: (Map<string, string | undefined> | null)[] = [];

  constructor(private readonly fail: (message: string) => never) {}

  /** Enter an element: apply its xmlns declarations. */
  enter(attributes: Record<string, string>): void {
    let saved: Map<string, string | undefined> | null = null;
    for (const name in attributes) {
      let prefix: string;
      if (name === 'xmlns') prefix = '';
      else if (name.startsWith('xmlns:')) prefix = name.slice(6);
      else continue;
      if (prefix === '' && name !== 'xmlns') this.fail('标签写法有误（标签名无效、属性写法有误或没有“>”）');
      const uri = attributes[name]!.trim();
      if (prefix !== '' && uri === '') this.fail(`前缀 ${prefix} 的命名空间声明是空的`);
      if ((prefix === 'xml') !== (uri === XML_NAMESPACE) || prefix === 'xmlns' || uri === XMLNS_NAMESPACE) {
        this.fail(`命名空间声明 ${name}="${uri}" 不允许`);
      }
      saved ??= new Map();
      if (!saved.has(prefix)) saved.set(prefix, this.bound.get(prefix));
      this.bound.set(prefix, uri);
    }
    this.saved.push(saved);
  }

  /** Leave the innermost element: its declarations go out of scope. */
  leave(): void {
    const saved = this.saved.pop();
    if (!saved) return;
    for (const [prefix, uri] of saved) {
      if (uri === undefined) this.bound.delete(prefix);
      else this.bound.set(prefix, uri);
    }
  }

  /** A qualified name's namespace URI and local name; `isElement`: unprefixed names take the default namespace. */
  resolve(qname: string, isElement: boolean): [uri: string, local: string] {
    const colon = qname.indexOf(':');
    if (colon === -1) return [isElement ? (this.bound.get('') ?? '') : '', qname];
    const prefix = qname.slice(0, colon);
    const local = qname.slice(colon + 1);
    if (prefix === '' || local === '' || local.includes(':')) this.fail('标签写法有误（标签名无效、属性写法有误或没有“>”）');
    if (isElement && prefix === 'xmlns') this.fail(`元素名 ${qname} 不能用 xmlns 作前缀`);
    const uri = this.bound.get(prefix);
    if (uri === undefined || uri === '') this.fail(`名称 ${qname} 的前缀 ${prefix} 没有声明命名空间`);
    return [uri!, local];
  }
}

/** Parse a whole part into a tree; a malformed part throws an XmlSyntaxError, one too deep or too big an XmlTooBig. */
function parseXmlText(text: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const open: XmlElement[] = [];
  let top: XmlElement | undefined;
  let root: XmlElement | undefined;
  let closed = '';
  let nodes = 0;
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
  const scope = new NamespaceScope(fail);
  const count = (): void => {
    if (++nodes > MAX_XML_NODES) throw new XmlTooBig(`有超过 ${MAX_XML_NODES / 10_000} 万个元素和文字段，远多于 1,000 张申报表的汇总表，shenbao 不读取`);
  };
  // saxes calls this with its first error; throwing stops it there.
  parser.on('error', (error) => fail(translate(error.message, { text, position: parser.position, closed })));
  parser.on('doctype', () => fail('含有 DOCTYPE（Word 文件不会有，不予读取）'));
  // Told as soon as a start tag's name is read, before its attributes: too deep stops here.
  parser.on('opentagstart', () => {
    if (open.length >= MAX_XML_DEPTH) throw new XmlTooBig(`嵌套超过 ${MAX_XML_DEPTH} 层，不是 Word 保存的文件，shenbao 不读取`);
    count();
  });
  parser.on('opentag', (tag) => {
    const attributes = tag.attributes as Record<string, string>;
    scope.enter(attributes);
    const [ns, local] = scope.resolve(tag.name, true);
    const read = ATTRIBUTES_READ.has(local);
    let attrs = NO_ATTRS;
    let expanded: Set<string> | undefined;
    for (const qname in attributes) {
      // Declarations stay among the attributes as saxes gave them: in the xmlns namespace, named by their prefix.
      const [uri, name] = qname === 'xmlns' ? [XMLNS_NAMESPACE, qname] : scope.resolve(qname, false);
      // Two prefixes for one namespace can name one attribute twice (saxes caught the same prefix twice).
      if (uri !== '' && uri !== XMLNS_NAMESPACE) {
        expanded ??= new Set();
        const key = `{${uri}}${name}`;
        if (expanded.has(key)) fail(`属性 ${qname} 重复`);
        expanded.add(key);
      }
      if (read) {
        if (attrs === NO_ATTRS) attrs = [];
        attrs.push(shared(name), uri, attributes[qname]!);
      }
    }
    const el: XmlElement = { ns, local: shared(local), attrs, children: tag.isSelfClosing ? NO_CHILDREN : [] };
    if (top) top.children.push(el);
    else root = el;
    if (tag.isSelfClosing) {
      scope.leave();
      return;
    }
    open.push(el);
    top = el;
  });
  parser.on('closetag', (tag) => {
    closed = tag.name;
    if (tag.isSelfClosing) return;
    scope.leave();
    open.pop();
    top = open[open.length - 1];
  });
  const addText = (chars: string): void => {
    count();
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
    if (error instanceof XmlTooBig) throw new UserError(`${wordFile(file)}的 ${part} ${error.message}`);
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
