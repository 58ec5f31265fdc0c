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
  /** Advance width of `text` set in `face` at `size`. */
  width(text: string, face: Face, size: number): number;
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
  const line = (chars: string, width: number): TextLine => ({ text: chars, width, height, ascent: ascent * style.size });
  const wordWidth = (word: string) =>
    word.length <= SHAPED_WORD_LIMIT ? measure.width(word, style.face, style.size) : charWidths(word, style, measure).reduce((a, b) => a + b, 0);
  const lines: TextLine[] = [];
  for (const paragraph of text.split('\n')) {
    const first = lines.length;
    let current = '';
    let currentWidth = 0; // with the last word's trailing spaces
    let trailing = 0; // the last word's trailing spaces
    const flush = () => {
      lines.push(line(current, currentWidth - trailing));
      current = '';
      currentWidth = 0;
      trailing = 0;
    };
    for (const { word, required } of words(paragraph)) {
      const width = wordWidth(word);
      const spaces = TRAILING_SPACE.exec(word)?.[0];
      const cut = spaces ? wordWidth(spaces) : 0;
      if (current !== '' && currentWidth + width - cut > style.width) flush();
      if (current === '' && width - cut > style.width && [...word].length > 1) {
        // Too wide for any line: as many characters on each line as fit (at least one).
        const pieces = cutWord(word, style, measure);
        for (const piece of pieces.slice(0, -1)) lines.push(line(piece.text, piece.width));
        const last = pieces.at(-1)!;
        [current, currentWidth, trailing] = [last.text, last.width, 0];
      } else {
        current += word;
        currentWidth += width;
        trailing = cut;
      }
      if (required) flush();
    }
    if (current !== '' || lines.length === first) flush();
  }
  return lines;
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

/** A word too wide for a line, cut between characters into lines that fit. */
function cutWord(word: string, style: TextStyle, measure: TextMeasure): Array<{ text: string; width: number }> {
  const chars = [...word];
  const widths = charWidths(word, style, measure);
  const pieces: Array<{ text: string; width: number }> = [];
  let text = '';
  let width = 0;
  chars.forEach((ch, i) => {
    if (text !== '' && width + widths[i]! > style.width && ch.trim() !== '') {
      pieces.push({ text, width });
      [text, width] = ['', 0];
    }
    text += ch;
    width += widths[i]!;
  });
  pieces.push({ text, width: width - (TRAILING_SPACE.exec(text) ? measure.width(TRAILING_SPACE.exec(text)![0], style.face, style.size) : 0) });
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
