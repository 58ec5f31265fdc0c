// Automatic numbering (Format → Numbering, word/numbering.xml) read as printed: "1.", "（一）",
// "一、", "①", "a)", "•". Word does not store the numbers; it counts the numbered paragraphs in
// document order, so the reader counts them the same way (ECMA-376 §17.9). A format this file
// does not know is not guessed: the paragraph is refused with its place.
import { alternative, attr, childW, intAttr, isOn, wName, type XmlElement } from './docx-xml.js';
import { runLook, type NumberingRef } from './docx-styles.js';
import { isSymbolFont, symbolCharacter } from './word-symbols.js';

interface Level {
  start: number;
  /** w:numFmt; for "custom", its w:format (Word 2010+ and LibreOffice write 001, 002, 003 this way). */
  format: string;
  /** w:lvlRestart: restart after a use of this level (0-based; -1 never); by default after any level above. */
  restartAfter?: number;
  /** w:lvlText, e.g. "%1." or "（%1）"; "%n" is level n's number. */
  text: string;
  suffix: 'tab' | 'space' | 'nothing';
  /** w:isLgl: the numbers of the levels above print as decimals. */
  legal: boolean;
  hidden: boolean;
  caps: boolean;
  font?: string;
}

interface NumberingInstance {
  abstractId: string;
  /** Levels restarted (w:lvlOverride/w:startOverride) or redefined (w:lvlOverride/w:lvl) by this instance. */
  starts: Map<number, number>;
  levels: Map<number, Level>;
}

export interface Numbering {
  abstract: Map<string, Map<number, Level>>;
  instances: Map<string, NumberingInstance>;
}

export const NO_NUMBERING: Numbering = { abstract: new Map(), instances: new Map() };

/**
 * A level's w:numFmt. Newer formats stand in an mc:AlternateContent whose Choice has the real one
 * (`<w:numFmt w:val="custom" w:format="001, 002, 003, ..."/>`) and whose Fallback says decimal.
 */
function numberFormat(lvl: XmlElement): string {
  let numFmt = childW(lvl, 'numFmt');
  for (const node of lvl.children) {
    const chosen = typeof node === 'string' ? undefined : alternative(node);
    const inside = chosen && childW(chosen, 'numFmt');
    if (inside) numFmt = inside;
  }
  const value = attr(numFmt, 'val') ?? 'decimal';
  return value === 'custom' ? `custom:${attr(numFmt, 'format') ?? ''}` : value;
}

function readLevel(lvl: XmlElement): Level {
  const suffix = attr(childW(lvl, 'suff'), 'val');
  const look = runLook(childW(lvl, 'rPr'));
  const restart = Number.parseInt(attr(childW(lvl, 'lvlRestart'), 'val') ?? '', 10);
  return {
    start: intAttr(childW(lvl, 'start'), 1, 0),
    format: numberFormat(lvl),
    ...(Number.isInteger(restart) && restart >= 0 ? { restartAfter: restart - 1 } : {}),
    text: attr(childW(lvl, 'lvlText'), 'val') ?? '',
    suffix: suffix === 'space' || suffix === 'nothing' ? suffix : 'tab',
    legal: childW(lvl, 'isLgl') !== undefined && isOn(childW(lvl, 'isLgl')),
    hidden: look.toggles.vanish ?? false,
    caps: (look.toggles.caps ?? false) || (look.toggles.smallCaps ?? false),
    ...((look.ascii ?? look.hAnsi) !== undefined ? { font: (look.ascii ?? look.hAnsi)! } : {}),
  };
}

const levelIndex = (el: XmlElement): number | undefined => {
  const value = Number.parseInt(attr(el, 'ilvl') ?? '', 10);
  return Number.isInteger(value) && value >= 0 && value <= 8 ? value : undefined;
};

export function readNumbering(root: XmlElement): Numbering {
  const numbering: Numbering = { abstract: new Map(), instances: new Map() };
  for (const el of root.children) {
    const name = wName(el);
    if (name === 'abstractNum') {
      const id = attr(el as XmlElement, 'abstractNumId');
      if (id === null || numbering.abstract.has(id)) continue;
      const levels = new Map<number, Level>();
      for (const lvl of (el as XmlElement).children) {
        if (wName(lvl) !== 'lvl') continue;
        const index = levelIndex(lvl as XmlElement);
        if (index !== undefined && !levels.has(index)) levels.set(index, readLevel(lvl as XmlElement));
      }
      numbering.abstract.set(id, levels);
    } else if (name === 'num') {
      const id = attr(el as XmlElement, 'numId');
      const abstractId = attr(childW(el as XmlElement, 'abstractNumId'), 'val');
      if (id === null || abstractId === null || numbering.instances.has(id)) continue;
      const instance: NumberingInstance = { abstractId, starts: new Map(), levels: new Map() };
      for (const override of (el as XmlElement).children) {
        if (wName(override) !== 'lvlOverride') continue;
        const index = levelIndex(override as XmlElement);
        if (index === undefined) continue;
        const start = childW(override as XmlElement, 'startOverride');
        if (start) instance.starts.set(index, intAttr(start, 0, 0));
        const lvl = childW(override as XmlElement, 'lvl');
        if (lvl) instance.levels.set(index, readLevel(lvl));
      }
      numbering.instances.set(id, instance);
    }
  }
  return numbering;
}

/** A numbered paragraph's label as printed, with what follows it; or why it cannot be read. */
export type NumberLabel = { label: string } | { unreadable: string };

/**
 * Counts numbered paragraphs in document order. The instances (w:num) of one abstract numbering
 * count one list; an instance that restarts a level (w:startOverride, which "restart numbering"
 * writes) sets that level back when its first paragraph comes, and the list counts on from there,
 * whichever instance the later paragraphs name (LibreOffice gives only the restarted paragraph the
 * new instance; Word gives it to the ones after too: both print 1. 2. 3. 1. 2.).
 */
export class ListCounters {
  private readonly counts = new Map<string, number[]>();
  private readonly started = new Set<string>();

  constructor(private readonly numbering: Numbering) {}

  /** The label of the next paragraph numbered `ref`; undefined when it is not numbered. */
  next(ref: NumberingRef): NumberLabel | undefined {
    if (ref.numId === undefined || ref.numId === '0') return undefined;
    const instance = this.numbering.instances.get(ref.numId);
    const abstract = instance && this.numbering.abstract.get(instance.abstractId);
    if (!instance || !abstract) return { unreadable: `段落有自动编号，但文件里找不到它的编号格式（编号 ${ref.numId}），读不出印的是什么编号` };
    const ilvl = ref.ilvl ?? 0;
    const levelOf = (i: number): Level | undefined => instance.levels.get(i) ?? abstract.get(i);
    const level = levelOf(ilvl);
    if (!level) return { unreadable: `段落有自动编号，但文件里找不到它这一级（第 ${ilvl + 1} 级）的编号格式，读不出印的是什么编号` };

    const startOf = (i: number) => (instance.starts.get(i) ?? levelOf(i)?.start ?? 1) - 1;
    let counts = this.counts.get(instance.abstractId);
    if (!counts) {
      counts = Array.from({ length: 9 }, (_, i) => startOf(i));
      this.counts.set(instance.abstractId, counts);
    }
    if (!this.started.has(ref.numId)) {
      this.started.add(ref.numId);
      for (const [i, start] of instance.starts) counts[i] = start - 1;
    }
    counts[ilvl]!++;
    // A deeper level starts again after this one is used (unless its w:lvlRestart says otherwise).
    for (let deeper = ilvl + 1; deeper < 9; deeper++) {
      const after = levelOf(deeper)?.restartAfter ?? deeper - 1;
      if (after >= ilvl) counts[deeper] = startOf(deeper);
    }
    if (level.hidden) return { label: '' };

    const tooLong = { unreadable: `段落的自动编号超过 ${MAX_LABEL} 个字，不是 Word 给的编号，读不准。请把编号改成直接输入的文字（如“1.”）` };
    let label = '';
    const pattern = level.text;
    if (pattern.length > MAX_LABEL) return tooLong;
    for (let i = 0; i < pattern.length; i++) {
      const at = pattern[i]!;
      const digit = pattern.charCodeAt(i + 1) - 0x30;
      if (at === '%' && digit >= 1 && digit <= 9) {
        const shown = levelOf(digit - 1);
        // Levels above this one print in decimal when this level is "legal" numbering (1.1.1).
        const format = digit - 1 < ilvl && level.legal ? 'decimal' : (shown?.format ?? 'decimal');
        const number = formatNumber(Math.max(counts[digit - 1]!, digit - 1 < ilvl ? 1 : 0), format);
        if (number === undefined) return { unreadable: `段落的自动编号格式「${format}」无法读成文字，请把编号改成直接输入的文字（如“1.”）` };
        label += number;
        if (label.length > MAX_LABEL) return tooLong;
        i++;
        continue;
      }
      label += at;
    }
    if (level.caps) label = label.toUpperCase();
    if (isSymbolFont(level.font)) {
      let mapped = '';
      for (const char of label) {
        const symbol = symbolCharacter(level.font!, char.codePointAt(0)!);
        if (symbol === undefined) return { unreadable: `段落的项目符号是 ${level.font} 字体的符号 U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}，没有对应的文字，请改成直接输入的符号（如“•”）` };
        mapped += symbol;
      }
      label = mapped;
    } else if ([...label].some((char) => char.codePointAt(0)! >= 0xf000 && char.codePointAt(0)! <= 0xf0ff)) {
      return { unreadable: `段落的项目符号是私用区字符（字体 ${level.font ?? '未指明'}），没有对应的文字，请改成直接输入的符号（如“•”）` };
    }
    // The tab or space after the label: one space after a Latin label ("1. 加强"), none after a
    // Chinese one ("一、加强"), as a person would type it.
    const last = label.codePointAt(label.length - 1) ?? 0;
    const gap = level.suffix !== 'nothing' && label !== '' && last < 0x80 ? ' ' : '';
    return { label: label + gap };
  }
}

/**
 * Longest number label read. Word's are a few characters ("1.1.1.", "第一章", "（一）"); a longer
 * one is not a list Word numbers, and making it could take minutes and GBs: a 609-byte file whose
 * letters start at 2,000,000,000 asks for 77 million letters per paragraph.
 */
const MAX_LABEL = 100;

const CHINESE_DIGITS = '〇一二三四五六七八九';
const LEGAL_DIGITS = '零壹贰叁肆伍陆柒捌玖';

/** 1–9999 in Chinese counting: 十一, 二十, 一百零五. */
function chineseCounting(n: number, digits: string, units: readonly string[]): string | undefined {
  // 一百零五: a skipped place is read 零.
  if (!Number.isInteger(n) || n < 1 || n > 9999) return undefined;
  const places = String(n).split('').map(Number);
  let text = '';
  let zero = false;
  places.forEach((d, i) => {
    const unit = units[places.length - 1 - i]!;
    if (d === 0) {
      zero = text !== '';
      return;
    }
    if (zero) text += '零';
    zero = false;
    text += digits[d] + unit;
  });
  // 十一, not 一十一 (ordinary counting; the legal form keeps 壹拾).
  return digits === CHINESE_DIGITS && n >= 10 && n < 20 ? text.slice(1) : text;
}

const enclosed = (n: number, first: number, count: number): string | undefined =>
  Number.isInteger(n) && n >= 1 && n <= count ? String.fromCodePoint(first + n - 1) : undefined;

function letters(n: number, alphabet: string): string | undefined {
  if (n < 1) return undefined;
  // Word: a … z, aa … zz, aaa … (never more than MAX_LABEL + 1 letters: next() refuses a longer label)
  return alphabet[(n - 1) % 26]!.repeat(Math.min(Math.ceil(n / 26), MAX_LABEL + 1));
}

function roman(n: number): string | undefined {
  if (n < 1 || n > 3999) return undefined;
  const table: Array<[number, string]> = [
    [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
    [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
  ];
  let text = '';
  for (const [value, symbol] of table) while (n >= value) (text += symbol), (n -= value);
  return text;
}

/** `n` in a w:numFmt, or undefined for a format (or a number) this reader does not print. */
export function formatNumber(n: number, format: string): string | undefined {
  // Word's and LibreOffice's custom formats of zero-padded numbers: "001, 002, 003, ...".
  const padded = /^custom:(0*)1, \1(?:0)?2, /.exec(format);
  if (padded && n >= 0) return String(n).padStart(Math.min(padded[1]!.length + 1, MAX_LABEL + 1), '0');
  switch (format) {
    case 'decimal':
    case 'decimalHalfWidth':
      return String(n);
    case 'decimalZero':
      return n < 10 ? `0${n}` : String(n);
    case 'decimalFullWidth':
    case 'decimalFullWidth2':
      return String(n).replace(/\d/g, (d) => String.fromCodePoint(0xff10 + Number(d)));
    case 'upperRoman':
      return roman(n);
    case 'lowerRoman':
      return roman(n)?.toLowerCase();
    case 'upperLetter':
      return letters(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    case 'lowerLetter':
      return letters(n, 'abcdefghijklmnopqrstuvwxyz');
    case 'decimalEnclosedCircle':
    case 'decimalEnclosedCircleChinese':
      return enclosed(n, 0x2460, 20);
    case 'decimalEnclosedParen':
      return enclosed(n, 0x2474, 20);
    case 'decimalEnclosedFullstop':
      return enclosed(n, 0x2488, 20);
    case 'chineseCounting':
    case 'chineseCountingThousand':
    case 'taiwaneseCounting':
    case 'taiwaneseCountingThousand':
      return chineseCounting(n, CHINESE_DIGITS, ['', '十', '百', '千']);
    case 'chineseLegalSimplified':
      return chineseCounting(n, LEGAL_DIGITS, ['', '拾', '佰', '仟']);
    case 'ideographDigital':
    case 'taiwaneseDigital':
      return n >= 0 ? String(n).replace(/\d/g, (d) => CHINESE_DIGITS[Number(d)]!) : undefined;
    case 'ideographTraditional':
      return n >= 1 && n <= 10 ? '甲乙丙丁戊己庚辛壬癸'[n - 1] : undefined;
    case 'ideographZodiac':
      return n >= 1 && n <= 12 ? '子丑寅卯辰巳午未申酉戌亥'[n - 1] : undefined;
    case 'none':
    case 'bullet':
      return '';
    default:
      return undefined;
  }
}
