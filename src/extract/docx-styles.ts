// word/styles.xml, as far as reading a form's text needs it: whether a style hides its text
// (w:vanish), strikes it through (w:strike, w:dstrike), sets a symbol font (w:rFonts), or numbers
// its paragraphs (w:numPr). A run's look is its own properties, else its character style's, else
// its paragraph style's, else the document defaults (ECMA-376 §17.7.2, without the toggle
// subtleties: a style that turns strike on twice along one chain still strikes).
import { attr, childW, isOn, wName, type XmlElement } from './docx-xml.js';

/** Properties that toggle (ECMA-376 §17.7.3): on in a paragraph style and again in a character style is off. */
const TOGGLES = ['vanish', 'strike', 'dstrike', 'caps', 'smallCaps'] as const;
type Toggle = (typeof TOGGLES)[number];

/** What properties say about reading text; a field is absent where they say nothing. */
export interface RunLook {
  toggles: Partial<Record<Toggle, boolean>>;
  /** w:rFonts: the font of ASCII characters, and of the other Latin (and private-use symbol) characters. */
  ascii?: string;
  hAnsi?: string;
  /** w:vertAlign: raised (m²) or lowered (H₂O) text. */
  vertAlign?: 'superscript' | 'subscript' | 'baseline';
  /** w:position: text raised (positive) or lowered by this many half-points. */
  raised?: number;
  /** w:color's value (FFFFFF, auto), and whether w:highlight or w:shd gives the text a background. */
  color?: string;
  background?: boolean;
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

export const NO_STYLES: Styles = { byId: new Map(), defaults: { toggles: {} } };

/** Styles are chained by basedOn; a loop (a damaged file) ends the chain. */
const MAX_CHAIN = 32;

export function readStyles(root: XmlElement): Styles {
  const styles: Styles = { byId: new Map(), defaults: { toggles: {} } };
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
  const look: RunLook = { toggles: {} };
  if (!rPr) return look;
  for (const toggle of TOGGLES) {
    const el = childW(rPr, toggle);
    if (el) look.toggles[toggle] = isOn(el);
  }
  const vertAlign = attr(childW(rPr, 'vertAlign'), 'val');
  if (vertAlign === 'superscript' || vertAlign === 'subscript' || vertAlign === 'baseline') look.vertAlign = vertAlign;
  const color = attr(childW(rPr, 'color'), 'val');
  if (color !== null) look.color = color.toUpperCase();
  const highlight = attr(childW(rPr, 'highlight'), 'val');
  const shading = attr(childW(rPr, 'shd'), 'fill');
  if (highlight !== null || shading !== null) look.background = (highlight !== null && highlight !== 'none') || (shading !== null && !['AUTO', 'FFFFFF'].includes(shading.toUpperCase()));
  const raised = Number.parseInt(attr(childW(rPr, 'position'), 'val') ?? '', 10);
  if (Number.isInteger(raised)) look.raised = raised;
  const fonts = childW(rPr, 'rFonts');
  const ascii = attr(fonts, 'ascii');
  const hAnsi = attr(fonts, 'hAnsi');
  if (ascii !== null) look.ascii = ascii;
  if (hAnsi !== null) look.hAnsi = hAnsi;
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

/** Chains already walked, per styles part: every run and paragraph asks for its style's. */
const CHAINS = new WeakMap<Styles, Map<string, StyleDef[]>>();

/** The style and the styles it is based on, nearest first. */
function chain(styles: Styles, id: string | undefined): StyleDef[] {
  if (id === undefined) return [];
  let known = CHAINS.get(styles);
  if (!known) CHAINS.set(styles, (known = new Map()));
  let found = known.get(id);
  if (!found) known.set(id, (found = walk(styles, id)));
  return found;
}

function walk(styles: Styles, id: string | undefined): StyleDef[] {
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
function first<K extends Exclude<keyof RunLook, 'toggles'>>(looks: RunLook[], key: K): RunLook[K] {
  for (const look of looks) if (look[key] !== undefined) return look[key];
  return undefined;
}

const firstToggle = (looks: RunLook[], key: Toggle): boolean | undefined => looks.find((look) => look.toggles[key] !== undefined)?.toggles[key];

/** How a paragraph's runs look unless they say otherwise, and its numbering. */
export interface ParagraphLook {
  /** The paragraph style and the styles it is based on, nearest first. */
  styles: RunLook[];
  defaults: RunLook;
  numbering: NumberingRef;
}

export function paragraphLook(styles: Styles, pStyle: string | null, numPr: XmlElement | undefined): ParagraphLook {
  const styleChain = chain(styles, pStyle ?? styles.defaultParagraph);
  const own = numberingRef(numPr);
  const numId = own.numId ?? styleChain.map((s) => s.numbering.numId).find((n) => n !== undefined);
  const ilvl = own.ilvl ?? styleChain.map((s) => s.numbering.ilvl).find((n) => n !== undefined);
  return {
    styles: styleChain.map((s) => s.run),
    defaults: styles.defaults,
    numbering: { ...(numId !== undefined ? { numId } : {}), ...(ilvl !== undefined ? { ilvl } : {}) },
  };
}

/** What a run prints, as far as reading its text goes. */
export interface EffectiveLook {
  hidden: boolean;
  struck: boolean;
  caps: boolean;
  vertAlign: 'superscript' | 'subscript' | 'baseline';
  raised: number;
  /** White text on no background of its own: on white paper, nothing shows. */
  invisible: boolean;
  /** The font a character of this run prints in (ASCII in the ascii font, the rest in hAnsi). */
  fontOf(code: number): string | undefined;
}

/**
 * A run's effective look: its own w:rPr, else its character style chain and the paragraph style
 * chain (a toggle set in both cancels out, as Word prints it), else the document defaults.
 */
export function effectiveLook(styles: Styles, paragraph: ParagraphLook, rPr: XmlElement | undefined): EffectiveLook {
  const own = runLook(rPr);
  const rStyle = attr(childW(rPr, 'rStyle'), 'val');
  const character = rStyle !== null ? chain(styles, rStyle).map((s) => s.run) : [];
  const looks = [own, ...character, ...paragraph.styles, paragraph.defaults];
  const toggle = (key: Toggle): boolean => {
    const direct = own.toggles[key];
    if (direct !== undefined) return direct;
    const [inCharacter, inParagraph] = [firstToggle(character, key), firstToggle(paragraph.styles, key)];
    if (inCharacter === undefined && inParagraph === undefined) return paragraph.defaults.toggles[key] ?? false;
    return (inCharacter ?? false) !== (inParagraph ?? false);
  };
  const ascii = first(looks, 'ascii');
  const hAnsi = first(looks, 'hAnsi') ?? ascii;
  return {
    hidden: toggle('vanish'),
    struck: toggle('strike') || toggle('dstrike'),
    caps: toggle('caps') || toggle('smallCaps'),
    vertAlign: first(looks, 'vertAlign') ?? 'baseline',
    raised: first(looks, 'raised') ?? 0,
    invisible: first(looks, 'color') === 'FFFFFF' && !(first(looks, 'background') ?? false),
    fontOf: (code) => (code < 0x80 ? ascii : hAnsi),
  };
}
