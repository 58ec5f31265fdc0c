// Where a value was read back (a Word table's cell, a PDF, a workbook's cell), given to the
// problems found in it: shared by extract (revision.ts) and by validate and build reading a
// workbook (data-input.ts), which must not load the readers of Word and PDF for it.
import type { ReadPlace } from '../extract/docx.js';
import type { SheetPlace } from '../extract/workbook.js';
import type { Diagnostic, ProblemPlace } from '../model/diagnostic.js';

export type Medium = 'Word' | 'PDF' | 'Excel';

/** The diagnostic with the place its value was read from (`medium`: Word, PDF, Excel), and the text there; a blank cell is said to be empty. */
export function placed(d: Diagnostic, places: ReadonlyMap<string, ReadPlace>, medium: Medium, file: string): Diagnostic {
  // A workbook's problem of a whole project or indicator is at its row's first cell.
  const read = medium === 'Excel' ? nearestPlace(places, d.path) : places.get(d.path.join('.'));
  if (!read) return d;
  // A PDF's tables are read across its pages: its place for programs is the file.
  const place: ProblemPlace = read.cell
    ? { kind: 'sheet', file, ...read.cell }
    : medium === 'Word'
      ? { kind: 'word', file, ...read.at }
      : { kind: 'pdf', file };
  return { ...d, place, message: `${d.message}（${medium} ${read.place}${read.text.trim() === '' ? (read.cell ? ' 是空的' : '是空的') : `：「${read.text}」`}）` };
}

/** A workbook's places as a form's, each with its cell. */
export function readPlaces(places: ReadonlyMap<string, SheetPlace>): Map<string, ReadPlace> {
  return new Map([...places].map(([key, at]): [string, ReadPlace] => [key, { place: `${at.sheet}!${at.cell}`, at: {}, text: at.text, cell: { sheet: at.sheet, cell: at.cell } }]));
}

/** The place of `path`, or of the nearest value above it that has one. */
export function nearestPlace<T>(places: ReadonlyMap<string, T>, path: ReadonlyArray<string | number>): T | undefined {
  for (let n = path.length; n > 0; n--) {
    const at = places.get(path.slice(0, n).join('.'));
    if (at) return at;
  }
  return undefined;
}
