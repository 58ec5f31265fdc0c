// Text set in lines: where a cell's or heading's text breaks, and how wide and high each line is.
//
// Layout owns this (it decides every position); the font only answers how wide a word is and how
// high its lines are (`TextMeasure`, given by render/measure.ts from the parsed font). Break
// opportunities are Unicode's (UAX #14, the `linebreak` package, the one pdfkit uses): between
// any two Chinese characters, after a space or a hyphen, never before a closing 。or ）. Lines are
// filled greedily, as a typesetter without hyphenation does:
//   - a '\n' in the value always starts a new line; an empty paragraph is an empty line;
//   - a word goes on the line if it fits without its trailing spaces;
//   - a word wider than a whole line (a long number, a run of Latin letters) is cut between
//     characters, as many on each line as fit.
// The PDF reader uses the same breaker to tell a wrapped line from a line break in the value.
import LineBreaker from 'linebreak';

/** The faces a form prints in: body text and labels, and the title. */
export type Face = 'regular' | 'bold';

/** What layout asks of the fonts. All lengths in pt. */
export interface TextMeasure {
  /** Advance width of `text` (a word) set on its own in `face` at `size`. */
  width(text: string, face: Face, size: number): number;
  /** Width of `text` as the writer draws it in one line: a word may be shaped otherwise in its line's context. */
  lineWidth(text: string, face: Face, size: number): number;
  /** The face's ascent above and descent below the baseline (positive), per pt of size. */
  extent(face: Face): { ascent: number; descent: number };
}

export interface TextStyle {
  face: Face;
  size: number;
  /** Line height as a multiple of the face's ascent + descent. */
  lineHeight: number;
  /** Width the lines must fit in. */
  width: number;
}

/** One line of set text. */
export interface TextLine {
  /** As printed, trailing spaces included (they print nothing). */
  text: string;
  /** Width without trailing spaces: what alignment centres or pushes right. */
  width: number;
  /** How far the line moves the next one down. */
  height: number;
  /** From the line's top to its baseline. */
  ascent: number;
}

const TRAILING_SPACE = /\s+$/u;
/** Longer words are measured character by character (a 200,000-letter run without a space). */
const SHAPED_WORD_LIMIT = 64;

/** `text` set in lines of `style.width`: at least one line, an empty text one empty line. */
export function breakLines(text: string, style: TextStyle, measure: TextMeasure): TextLine[] {
  const { ascent, descent } = measure.extent(style.face);
  const height = (ascent + descent) * style.size * style.lineHeight;
  const { face, size } = style;
  const wordWidth = (word: string) => (word.length <= SHAPED_WORD_LIMIT ? measure.width(word, face, size) : charWidths(word, style, measure).reduce((a, b) => a + b, 0));
  /** The line as the writer draws it: its width without trailing spaces. */
  const line = (chars: string): TextLine => ({ text: chars, width: drawnWidth(chars, style, measure), height, ascent: ascent * size });
  const lines: TextLine[] = [];
  for (const paragraph of text.split('\n')) {
    const first = lines.length;
    const all = [...words(paragraph)].map(({ word, required }) => {
      const spaces = TRAILING_SPACE.exec(word)?.[0];
      return { word, required, width: wordWidth(word), cut: spaces ? wordWidth(spaces) : 0 };
    });
    let i = 0;
    while (i < all.length) {
      // As many words as fit, added up; then the line as drawn (shaping may set a word in its
      // context otherwise: digits after a Latin letter), given back a word at a time till it fits.
      let j = i;
      let width = 0;
      while (j < all.length && (j === i || width + all[j]!.width - all[j]!.cut <= style.width)) {
        width += all[j]!.width;
        if (all[j++]!.required) break;
      }
      let set = line(all.slice(i, j).map((w) => w.word).join(''));
      while (j - i > 1 && set.width > style.width) set = line(all.slice(i, --j).map((w) => w.word).join(''));
      if (set.width > style.width && [...set.text.trimEnd()].length > 1) {
        // Too wide for any line: as many characters on each line as fit (at least one).
        const pieces = cutWord(set.text, style, measure);
        for (const piece of pieces.slice(0, -1)) lines.push(line(piece));
        const rest = pieces.at(-1)!;
        if (j < all.length && !all[j - 1]!.required) {
          // The word's last piece begins the next line, with what follows it.
          all.splice(i, j - i, { word: rest, required: false, width: wordWidth(rest), cut: TRAILING_SPACE.test(rest) ? wordWidth(TRAILING_SPACE.exec(rest)![0]) : 0 });
          continue;
        }
        set = line(rest);
      }
      lines.push(set);
      i = j;
    }
    if (lines.length === first) lines.push(line(''));
  }
  return lines;
}

/** A line's width as drawn, without its trailing spaces (they print nothing). */
function drawnWidth(text: string, style: TextStyle, measure: TextMeasure): number {
  const shown = text.replace(TRAILING_SPACE, '');
  return shown === '' ? 0 : measure.lineWidth(shown, style.face, style.size);
}

/** The paragraph's words: from one break opportunity to the next (a required break ends a line). */
function* words(paragraph: string): Generator<{ word: string; required: boolean }> {
  if (paragraph === '') return;
  const breaker = new LineBreaker(paragraph);
  let last = 0;
  for (let next = breaker.nextBreak(); next; next = breaker.nextBreak()) {
    const word = paragraph.slice(last, next.position);
    last = next.position;
    if (word !== '') yield { word, required: next.required && next.position < paragraph.length };
  }
}

function charWidths(word: string, style: TextStyle, measure: TextMeasure): number[] {
  return [...word].map((ch) => measure.width(ch, style.face, style.size));
}

/** A word too wide for a line, cut between characters into lines that fit as drawn (at least one character each). */
function cutWord(word: string, style: TextStyle, measure: TextMeasure): string[] {
  const chars = [...word];
  const widths = charWidths(word, style, measure);
  const pieces: string[] = [];
  let from = 0;
  while (from < chars.length) {
    // Added up first, then shortened while the piece as drawn is too wide.
    let to = from + 1;
    let width = widths[from]!;
    while (to < chars.length && (width + widths[to]! <= style.width || chars[to]!.trim() === '')) width += widths[to++]!;
    while (to - from > 1 && drawnWidth(chars.slice(from, to).join(''), style, measure) > style.width) to--;
    pieces.push(chars.slice(from, to).join(''));
    from = to;
  }
  return pieces;
}

/** Texts whose lines are kept, per measure: a few forms' worth (a form sets about 200 texts, measured, then placed). */
const KEPT_TEXTS = 2_000;
const kept = new WeakMap<TextMeasure, Map<string, TextLine[]>>();

/**
 * `breakLines`, remembered: pagination measures every text and placement sets it again, and a
 * form's labels are the same in every form. The lines are shared and must not be changed.
 */
export function setText(text: string, style: TextStyle, measure: TextMeasure): readonly TextLine[] {
  let cache = kept.get(measure);
  if (!cache) kept.set(measure, (cache = new Map()));
  const key = `${style.face}|${style.size}|${style.lineHeight}|${style.width}|${text}`;
  let lines = cache.get(key);
  if (lines) {
    // Most recently used last: the labels stay, a finished form's values go.
    cache.delete(key);
  } else {
    lines = breakLines(text, style, measure);
    if (cache.size >= KEPT_TEXTS) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, lines);
  return lines;
}

/**
 * Where each of `lines` (the lines `text` is set in) starts and ends in `text`: the part lines
 * `from` to `to` print is `text.slice(spans[from][0], spans[to - 1][1])`, a line break between
 * two of them kept, one before or after them left out. Set in the same width, that part gives
 * those very lines again, since lines are filled greedily from each line's start.
 */
export function lineSpans(text: string, lines: readonly TextLine[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let at = 0;
  for (const [i, { text: line }] of lines.entries()) {
    if (!text.startsWith(line, at)) throw new Error(`bug: line ${i + 1} 「${line}」 is not the text's at ${at}`);
    spans.push([at, at + line.length]);
    at += line.length;
    if (text[at] === '\n') at++;
  }
  return spans;
}
