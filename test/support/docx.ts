// Word files in tests: build them as shenbao does, and edit their XML as Word and LibreOffice do.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { buildFiles } from '../../src/output/build.js';

export const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** Builds `dataFile` as .docx only (fixed date) into a new temp folder; returns the packet folder. */
export async function buildDocx(dataFile: string): Promise<string> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-docx-'));
  const [report] = await buildFiles([dataFile], { outDir, formats: ['docx'], creationDate: new Date('2023-01-01T00:00:00Z') });
  if (!report?.ok || !report.packetDir) throw new Error(`build failed: ${JSON.stringify(report?.diagnostics)}`);
  return report.packetDir;
}

export const readBytes = (file: string): Uint8Array => new Uint8Array(readFileSync(file));

/** A part of the .docx as text. */
export function part(bytes: Uint8Array, name: string): string {
  const entry = unzipSync(bytes)[name];
  if (!entry) throw new Error(`no ${name} in the .docx`);
  return strFromU8(entry);
}

/** The .docx with word/document.xml changed by `edit` (a DOM), everything else as it was. */
export function editDocx(bytes: Uint8Array, edit: (document: Document) => void): Uint8Array {
  const entries = unzipSync(bytes);
  const document = new DOMParser().parseFromString(strFromU8(entries['word/document.xml']!), 'text/xml');
  edit(document);
  entries['word/document.xml'] = strToU8(new XMLSerializer().serializeToString(document));
  return zipSync(entries);
}

export const children = (node: Element, name: string): Element[] =>
  Array.from(node.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === W);

export const descendants = (node: Element | Document, name: string): Element[] => Array.from(node.getElementsByTagNameNS(W, name));

/** The body's tables, in order. */
export const tables = (document: Document): Element[] => children(document.documentElement!.getElementsByTagNameNS(W, 'body')[0]!, 'tbl');
export const rowsOf = (table: Element): Element[] => children(table, 'tr');
export const cellsOf = (row: Element): Element[] => children(row, 'tc');
/** All text of a node's w:t, joined. */
export const textOf = (node: Element): string => descendants(node, 't').map((t) => t.textContent ?? '').join('');

/** The first cell (in document order) whose whole text is `text`. */
export function cellWithText(document: Document, text: string): Element {
  const cell = descendants(document, 'tc').find((tc) => textOf(tc) === text);
  if (!cell) throw new Error(`no cell 「${text}」`);
  return cell;
}

/** Replaces a cell's text with one run in one paragraph, keeping its properties. */
export function setCellText(cell: Element, text: string): void {
  const document = cell.ownerDocument!;
  const paragraphs = children(cell, 'p');
  for (const p of paragraphs.slice(1)) cell.removeChild(p);
  const p = paragraphs[0]!;
  for (const r of children(p, 'r')) p.removeChild(r);
  p.appendChild(run(document, text));
}

export function run(document: Document, text: string): Element {
  const r = document.createElementNS(W, 'w:r');
  const t = document.createElementNS(W, 'w:t');
  t.setAttributeNS('http://www.w3.org/XML/1998/namespace', 'xml:space', 'preserve');
  t.appendChild(document.createTextNode(text));
  r.appendChild(t);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Editing more than word/document.xml, and properties in the order Word writes them

/** The package's XML parts, each parsed when first asked for and written back by editDocxParts. */
export interface DocxParts {
  /** word/document.xml */
  readonly document: Document;
  /** A part as a DOM (parsed once), or undefined if the package lacks it. */
  xml(name: string): Document | undefined;
  /** Adds a part the package lacks (its relationship and content type are the caller's: see addNumbering). */
  create(name: string, text: string): Document;
  /** Takes a part out of the package (its relationship and content type are the caller's). */
  remove(name: string): void;
}

/** The .docx with any of its XML parts changed by `edit`; the parts it did not ask for stay byte for byte. */
export function editDocxParts(bytes: Uint8Array, edit: (parts: DocxParts) => void): Uint8Array {
  const entries = unzipSync(bytes);
  const parsed = new Map<string, Document>();
  const xml = (name: string): Document | undefined => {
    const known = parsed.get(name);
    if (known) return known;
    const entry = entries[name];
    if (!entry) return undefined;
    const document = new DOMParser().parseFromString(strFromU8(entry), 'text/xml');
    parsed.set(name, document);
    return document;
  };
  const create = (name: string, text: string): Document => {
    if (entries[name]) throw new Error(`${name} is already in the .docx`);
    entries[name] = strToU8(text);
    return xml(name)!;
  };
  const remove = (name: string): void => {
    parsed.delete(name);
    delete entries[name];
  };
  edit({ document: xml('word/document.xml')!, xml, create, remove });
  for (const [name, document] of parsed) entries[name] = strToU8(new XMLSerializer().serializeToString(document));
  return zipSync(entries);
}

/** Child order of w:pPr, w:rPr and w:tcPr (ECMA-376 Part 1, §17.3.1.26, §17.3.2.28, §17.4.70): Word may call a file with another order damaged. */
const P_PR_ORDER = [
  'pStyle', 'keepNext', 'keepLines', 'pageBreakBefore', 'framePr', 'widowControl', 'numPr', 'suppressLineNumbers', 'pBdr', 'shd',
  'tabs', 'suppressAutoHyphens', 'kinsoku', 'wordWrap', 'overflowPunct', 'topLinePunct', 'autoSpaceDE', 'autoSpaceDN', 'bidi',
  'adjustRightInd', 'snapToGrid', 'spacing', 'ind', 'contextualSpacing', 'mirrorIndents', 'suppressOverlap', 'jc', 'textDirection',
  'textAlignment', 'textboxTightWrap', 'outlineLvl', 'divId', 'cnfStyle', 'rPr', 'sectPr', 'pPrChange',
];
const R_PR_ORDER = [
  'rStyle', 'rFonts', 'b', 'bCs', 'i', 'iCs', 'caps', 'smallCaps', 'strike', 'dstrike', 'outline', 'shadow', 'emboss', 'imprint',
  'noProof', 'snapToGrid', 'vanish', 'webHidden', 'color', 'spacing', 'w', 'kern', 'position', 'sz', 'szCs', 'highlight', 'u',
  'effect', 'bdr', 'shd', 'fitText', 'vertAlign', 'rtl', 'cs', 'em', 'lang', 'eastAsianLayout', 'specVanish', 'oMath',
];
const TC_PR_ORDER = [
  'cnfStyle', 'tcW', 'gridSpan', 'hMerge', 'vMerge', 'tcBorders', 'shd', 'noWrap', 'tcMar', 'textDirection', 'tcFitText', 'vAlign',
  'hideMark', 'headers', 'cellIns', 'cellDel', 'cellMerge', 'tcPrChange',
];

/** A WordprocessingML element, e.g. wElement(d, 'strike', { val: 'true' }). */
export function wElement(document: Document, name: string, attributes: Record<string, string> = {}): Element {
  const el = document.createElementNS(W, `w:${name}`);
  for (const [key, value] of Object.entries(attributes)) el.setAttributeNS(W, `w:${key}`, value);
  return el;
}

/** `owner`'s properties element (w:pPr, w:rPr, w:tcPr), created as its first child if missing. */
function propertiesOf(owner: Element, name: 'pPr' | 'rPr' | 'tcPr'): Element {
  const found = children(owner, name)[0];
  if (found) return found;
  const pr = owner.ownerDocument!.createElementNS(W, `w:${name}`);
  owner.insertBefore(pr, owner.firstChild);
  return pr;
}

/** Puts `property` into `pr` where the schema orders it, replacing one of the same name. */
function setProperty(pr: Element, property: Element, order: readonly string[]): void {
  const rank = (el: Element) => order.indexOf(el.localName ?? '');
  for (const old of children(pr, property.localName ?? '')) pr.removeChild(old);
  const before = Array.from(pr.childNodes).find((n): n is Element => n.nodeType === 1 && rank(n as Element) > rank(property));
  pr.insertBefore(property, before ?? null);
}

/** Sets a paragraph property (w:numPr, w:jc…) in w:pPr, in schema order. */
export const setParagraphProperty = (p: Element, property: Element): void => setProperty(propertiesOf(p, 'pPr'), property, P_PR_ORDER);
/** Sets a run property (w:strike, w:rFonts…) in w:rPr, in schema order. */
export const setRunProperty = (r: Element, property: Element): void => setProperty(propertiesOf(r, 'rPr'), property, R_PR_ORDER);
/** Sets a cell property (w:vMerge…) in w:tcPr, in schema order. */
export const setCellProperty = (tc: Element, property: Element): void => setProperty(propertiesOf(tc, 'tcPr'), property, TC_PR_ORDER);

/** A cell's vertical merge: 'restart', 'continue' (Word writes a bare <w:vMerge/>), or undefined. */
export function vMergeOf(tc: Element): 'restart' | 'continue' | undefined {
  const merge = children(children(tc, 'tcPr')[0] ?? tc, 'vMerge')[0];
  if (!merge) return undefined;
  return merge.getAttributeNS(W, 'val') === 'restart' ? 'restart' : 'continue';
}

/** Sets a cell's vertical merge as Word writes it: <w:vMerge w:val="restart"/>, a bare <w:vMerge/>, or none. */
export function setVMerge(tc: Element, merge: 'restart' | 'continue' | undefined): void {
  const tcPr = propertiesOf(tc, 'tcPr');
  if (merge === undefined) {
    for (const old of children(tcPr, 'vMerge')) tcPr.removeChild(old);
    return;
  }
  setCellProperty(tc, wElement(tc.ownerDocument!, 'vMerge', merge === 'restart' ? { val: 'restart' } : {}));
}

/** Every merge continuation written as Word writes it: <w:vMerge/> (shenbao and LibreOffice write w:val="continue"). */
export function wordStyleMerges(document: Document): void {
  for (const merge of descendants(document, 'vMerge')) {
    if (merge.getAttributeNS(W, 'val') === 'continue') merge.removeAttributeNS(W, 'val');
  }
}

/**
 * A character of the Symbol font as Word writes it after 插入 → 符号: `<w:sym w:font="Symbol"
 * w:char="F0B3"/>` in a run ('sym'), or the private-use character U+F0B3 in a run whose font is
 * Symbol ('private-use'). `code` is the character in the F000 block, e.g. 0xF0B3 for ≥.
 */
export function symbolRun(document: Document, code: number, how: 'sym' | 'private-use', font = 'Symbol'): Element {
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  if (how === 'sym') {
    const r = document.createElementNS(W, 'w:r');
    r.appendChild(wElement(document, 'sym', { font, char: hex }));
    return r;
  }
  const r = run(document, String.fromCharCode(code));
  setRunProperty(r, wElement(document, 'rFonts', { ascii: font, hAnsi: font }));
  return r;
}

const NUMBERING_PART = 'word/numbering.xml';
const NUMBERING_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering';
const NUMBERING_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml';

/** Level 0 of a list: e.g. { numFmt: 'decimal', lvlText: '%1.' }, { numFmt: 'chineseCounting', lvlText: '（%1）' }. */
export interface ListLevel {
  numFmt: string;
  lvlText: string;
  start?: number;
  /** w:suff: what follows the label; Word writes none for the default, a tab. */
  suff?: 'tab' | 'space' | 'nothing';
  /** The label's font (w:rPr/w:rFonts), e.g. Symbol for Word's default bullet U+F0B7. */
  font?: string;
}

/**
 * A new list, as Word adds one when Format → Numbering is applied: an w:abstractNum (level 0 as
 * given, levels 1–8 Word's defaults) and a w:num pointing at it, in word/numbering.xml (made, with
 * its relationship and content type, if the package has none). Returns the w:numId to give
 * paragraphs (numberParagraph). Each call makes its own abstractNum, so lists never continue
 * each other's count.
 */
export function addNumbering(parts: DocxParts, level: ListLevel): number {
  let numbering = parts.xml(NUMBERING_PART);
  if (!numbering) {
    numbering = parts.create(
      NUMBERING_PART,
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="${W}"></w:numbering>`,
    );
    const rels = parts.xml('word/_rels/document.xml.rels')!;
    const relationships = rels.documentElement!;
    const ids = new Set(Array.from(relationships.getElementsByTagName('Relationship')).map((r) => r.getAttribute('Id')));
    let n = 1;
    while (ids.has(`rId${n}`)) n++;
    const rel = rels.createElementNS(relationships.namespaceURI, 'Relationship');
    rel.setAttribute('Id', `rId${n}`);
    rel.setAttribute('Type', NUMBERING_TYPE);
    rel.setAttribute('Target', 'numbering.xml');
    relationships.appendChild(rel);
    const types = parts.xml('[Content_Types].xml')!;
    const override = types.createElementNS(types.documentElement!.namespaceURI, 'Override');
    override.setAttribute('PartName', `/${NUMBERING_PART}`);
    override.setAttribute('ContentType', NUMBERING_CONTENT_TYPE);
    types.documentElement!.appendChild(override);
  }
  const root = numbering.documentElement!;
  const abstracts = children(root, 'abstractNum');
  const nums = children(root, 'num');
  const nextId = (els: Element[], attribute: string) => Math.max(0, ...els.map((el) => Number(el.getAttributeNS(W, attribute)))) + 1;
  const abstractId = nextId(abstracts, 'abstractNumId');
  const numId = nextId(nums, 'numId');
  const hex = (n: number) => (0x1a2b0000 + n).toString(16).toUpperCase().padStart(8, '0');

  const d = numbering;
  const abstract = wElement(d, 'abstractNum', { abstractNumId: String(abstractId) });
  abstract.appendChild(wElement(d, 'nsid', { val: hex(abstractId) }));
  abstract.appendChild(wElement(d, 'multiLevelType', { val: 'hybridMultilevel' }));
  abstract.appendChild(wElement(d, 'tmpl', { val: hex(abstractId + 0x100) }));
  for (let ilvl = 0; ilvl < 9; ilvl++) {
    const lvl = wElement(d, 'lvl', { ilvl: String(ilvl), tplc: hex(0x400 + ilvl) });
    if (ilvl > 0) lvl.setAttributeNS(W, 'w:tentative', '1');
    // Word's defaults below the first level: a) i. 1. …
    const [numFmt, lvlText] = ilvl === 0 ? [level.numFmt, level.lvlText] : [['lowerLetter', 'lowerRoman', 'decimal'][(ilvl - 1) % 3]!, `%${ilvl + 1}${ilvl % 3 === 1 ? ')' : '.'}`];
    lvl.appendChild(wElement(d, 'start', { val: String(ilvl === 0 ? (level.start ?? 1) : 1) }));
    lvl.appendChild(wElement(d, 'numFmt', { val: numFmt }));
    if (ilvl === 0 && level.suff !== undefined && level.suff !== 'tab') lvl.appendChild(wElement(d, 'suff', { val: level.suff }));
    lvl.appendChild(wElement(d, 'lvlText', { val: lvlText }));
    lvl.appendChild(wElement(d, 'lvlJc', { val: 'left' }));
    const pPr = wElement(d, 'pPr');
    pPr.appendChild(wElement(d, 'ind', { left: String(420 * (ilvl + 1)), hanging: '420' }));
    lvl.appendChild(pPr);
    if (ilvl === 0 && level.font !== undefined) {
      const rPr = wElement(d, 'rPr');
      rPr.appendChild(wElement(d, 'rFonts', { ascii: level.font, hAnsi: level.font, hint: 'default' }));
      lvl.appendChild(rPr);
    }
    abstract.appendChild(lvl);
  }
  // The schema puts every w:abstractNum before the first w:num.
  root.insertBefore(abstract, nums[0] ?? null);
  const num = wElement(d, 'num', { numId: String(numId) });
  num.appendChild(wElement(d, 'abstractNumId', { val: String(abstractId) }));
  const after = Array.from(root.childNodes).find((n) => n.nodeType === 1 && (n as Element).localName === 'numIdMacAtCleanup');
  root.insertBefore(num, after ?? null);
  return numId;
}

/** Takes word/numbering.xml out with its relationship and content type, as in a file that never had a list. */
export function removeNumbering(parts: DocxParts): void {
  if (!parts.xml(NUMBERING_PART)) return;
  parts.remove(NUMBERING_PART);
  const rels = parts.xml('word/_rels/document.xml.rels')!;
  for (const rel of Array.from(rels.getElementsByTagName('Relationship'))) if (rel.getAttribute('Type') === NUMBERING_TYPE) rel.parentNode!.removeChild(rel);
  const types = parts.xml('[Content_Types].xml')!;
  for (const override of Array.from(types.getElementsByTagName('Override'))) {
    if (override.getAttribute('PartName') === `/${NUMBERING_PART}`) override.parentNode!.removeChild(override);
  }
}

/** Gives a paragraph a list's number: <w:numPr><w:ilvl/><w:numId/></w:numPr> in its w:pPr. */
export function numberParagraph(p: Element, numId: number, ilvl = 0): void {
  const d = p.ownerDocument!;
  const numPr = wElement(d, 'numPr');
  numPr.appendChild(wElement(d, 'ilvl', { val: String(ilvl) }));
  numPr.appendChild(wElement(d, 'numId', { val: String(numId) }));
  setParagraphProperty(p, numPr);
}
