// word/styles.xml, as far as reading a form's text needs it: whether a style hides its text
// (w:vanish), strikes it through (w:strike, w:dstrike), sets a symbol font (w:rFonts), or numbers
// its paragraphs (w:numPr). A run's look is its own properties, else its character style's, else
// its paragraph style's, else the document defaults (ECMA-376 §17.7.2, without the toggle
// subtleties: a style that turns strike on twice along one chain still strikes).
import { attr, childW, isOn, wName, type XmlElement } from './docx-xml.js';

/** What properties say about reading text; a field is absent where they say nothing. */
export interface RunLook {
  hidden?: boolean;
  struck?: boolean;
  /** The font Latin and symbol characters print in (w:rFonts ascii, else hAnsi). */
  font?: string;
  /** w:caps or w:smallCaps: Latin letters print as capitals. */
  caps?: boolean;
  /** w:vertAlign: raised (m²) or lowered (H₂O) text. */
  position?: 'superscript' | 'subscript' | 'baseline';
}

/** A paragraph's list membership: numId '0' means "not numbered" (it overrides a style's). */
export interface NumberingRef {
  numId?: string;
  ilvl?: number;
}

interface StyleDef {
  basedOn?: string;
  run: RunLook;
  numbering: NumberingRef;
}

export interface Styles {
  byId: Map<string, StyleDef>;
  /** The paragraph style of paragraphs that name none. */
  defaultParagraph?: string;
  defaults: RunLook;
}

export const NO_STYLES: Styles = { byId: new Map(), defaults: {} };

/** Styles are chained by basedOn; a loop (a damaged file) ends the chain. */
const MAX_CHAIN = 32;

export function readStyles(root: XmlElement): Styles {
  const styles: Styles = { byId: new Map(), defaults: {} };
  for (const el of root.children) {
    const name = wName(el);
    if (name === 'docDefaults') {
      styles.defaults = runLook(childW(childW(el as XmlElement, 'rPrDefault'), 'rPr'));
    } else if (name === 'style') {
      const style = el as XmlElement;
      const id = attr(style, 'styleId');
      if (id === null || styles.byId.has(id)) continue;
      const type = attr(style, 'type');
      const isDefault = ['1', 'true', 'on'].includes(attr(style, 'default') ?? '');
      if (type === 'paragraph' && isDefault && styles.defaultParagraph === undefined) {
        styles.defaultParagraph = id;
      }
      const basedOn = attr(childW(style, 'basedOn'), 'val') ?? undefined;
      styles.byId.set(id, {
        ...(basedOn !== undefined ? { basedOn } : {}),
        run: runLook(childW(style, 'rPr')),
        numbering: numberingRef(childW(childW(style, 'pPr'), 'numPr')),
      });
    }
  }
  return styles;
}

/** What one w:rPr says. */
export function runLook(rPr: XmlElement | undefined): RunLook {
  if (!rPr) return {};
  const look: RunLook = {};
  const vanish = childW(rPr, 'vanish');
  if (vanish) look.hidden = isOn(vanish);
  const strike = childW(rPr, 'strike');
  const double = childW(rPr, 'dstrike');
  if (strike || double) look.struck = isOn(strike) || isOn(double);
  const caps = childW(rPr, 'caps');
  const small = childW(rPr, 'smallCaps');
  if (caps || small) look.caps = isOn(caps) || isOn(small);
  const position = attr(childW(rPr, 'vertAlign'), 'val');
  if (position === 'superscript' || position === 'subscript' || position === 'baseline') look.position = position;
  const fonts = childW(rPr, 'rFonts');
  const font = attr(fonts, 'ascii') ?? attr(fonts, 'hAnsi');
  if (font !== null) look.font = font;
  return look;
}

export function numberingRef(numPr: XmlElement | undefined): NumberingRef {
  if (!numPr) return {};
  const ref: NumberingRef = {};
  const numId = attr(childW(numPr, 'numId'), 'val');
  if (numId !== null) ref.numId = numId;
  const ilvl = Number.parseInt(attr(childW(numPr, 'ilvl'), 'val') ?? '', 10);
  if (Number.isInteger(ilvl) && ilvl >= 0 && ilvl <= 8) ref.ilvl = ilvl;
  return ref;
}

/** The style and the styles it is based on, nearest first. */
function chain(styles: Styles, id: string | undefined): StyleDef[] {
  const found: StyleDef[] = [];
  const seen = new Set<string>();
  while (id !== undefined && !seen.has(id) && found.length < MAX_CHAIN) {
    seen.add(id);
    const style = styles.byId.get(id);
    if (!style) break;
    found.push(style);
    id = style.basedOn;
  }
  return found;
}

/** The first look along `looks` that says something about `key`. */
function first<K extends keyof RunLook>(looks: RunLook[], key: K): RunLook[K] {
  for (const look of looks) if (look[key] !== undefined) return look[key];
  return undefined;
}

/** How a paragraph's runs look unless they say otherwise, and its numbering. */
export interface ParagraphLook {
  /** Run looks in order of precedence after the run's own: paragraph style chain, defaults. */
  looks: RunLook[];
  numbering: NumberingRef;
}

export function paragraphLook(styles: Styles, pStyle: string | null, numPr: XmlElement | undefined): ParagraphLook {
  const styleChain = chain(styles, pStyle ?? styles.defaultParagraph);
  const own = numberingRef(numPr);
  const numId = own.numId ?? styleChain.map((s) => s.numbering.numId).find((n) => n !== undefined);
  const ilvl = own.ilvl ?? styleChain.map((s) => s.numbering.ilvl).find((n) => n !== undefined);
  return {
    looks: [...styleChain.map((s) => s.run), styles.defaults],
    numbering: { ...(numId !== undefined ? { numId } : {}), ...(ilvl !== undefined ? { ilvl } : {}) },
  };
}

/** A run's effective look: its own w:rPr, its character style chain, then the paragraph's. */
export function effectiveLook(
  styles: Styles,
  paragraph: ParagraphLook,
  rPr: XmlElement | undefined,
): Required<Pick<RunLook, 'hidden' | 'struck' | 'caps' | 'position'>> & Pick<RunLook, 'font'> {
  const rStyle = attr(childW(rPr, 'rStyle'), 'val');
  const looks = [runLook(rPr), ...(rStyle !== null ? chain(styles, rStyle).map((s) => s.run) : []), ...paragraph.looks];
  const font = first(looks, 'font');
  return {
    hidden: first(looks, 'hidden') ?? false,
    struck: first(looks, 'struck') ?? false,
    caps: first(looks, 'caps') ?? false,
    position: first(looks, 'position') ?? 'baseline',
    ...(font !== undefined ? { font } : {}),
  };
}
