// Where every table breaks, from one measurement. layout/page-measure.ts measures (the heights of the lines
// each heading and cell is printed in, its rules and paddings, the page's height); this flows the
// document down its pages and decides, like a print engine would, which rows must begin a page:
//   - each section starts a new page; headings flow line by line;
//   - a table row fits if all its lines do: above it its top rule (first row of a table piece
//     only) and padding, below it padding and the rule, as place.ts lays out a table;
//   - a row whose text does not fit is moved whole to a new page, where the table's `repeat` rows
//     are printed again and every merged label that covers the row is printed again with it;
//   - a row taller than a page is not moved (moving it gains nothing): it is cut between lines
//     where the page ends and goes on at
//     the top of the next, below the `repeat` rows, its labels and the merged labels covering it
//     printed again, as after any break; the row after it follows it there;
//   - a row that a cut cannot help (a label taller than a page) runs on over the pages, each
//     continuation page starting with the row's rule and padding;
//   - a merged label taller than the rows it spans makes the last of them taller.
// Pure: measurements in, row indexes and cuts out (paginate.ts cuts the tables there). The measurements are
// the lines placement sets (one breaker, one measure), so the plan is exact, not an estimate.
import type { GridCell, GridDocument, GridTable, PageMeasure, TableBox } from './grid.js';

export type { HeadingBox, PageMeasure, TableBox } from './grid.js';

/** A place on the page flow: page index, and the height still available below it on that page. */
interface Spot {
  page: number;
  available: number;
}

const later = (a: Spot, b: Spot): Spot =>
  a.page > b.page || (a.page === b.page && a.available < b.available) ? a : b;

/** Where a table's pages break. */
export interface TablePlan {
  /** The rows (ascending, > 0) that begin a page. */
  breaks: number[];
  /** Rows taller than their page, cut between lines, in row order (a row cut twice has two). */
  cuts: RowCut[];
}

/**
 * Row `row` ends its page after `lines[i]` lines of its cell `i` (counted from the cell's first)
 * and goes on at the top of the next. A label's count is all its lines: it is printed again there.
 */
export interface RowCut {
  row: number;
  lines: number[];
}

/**
 * For each table of the document (document order), where its pages break. `forced[t]`: rows of
 * table t that must begin a page whatever the measurements say.
 */
export function planBreaks(
  document: GridDocument,
  measure: PageMeasure,
  forced: ReadonlyArray<readonly number[]> = [],
): TablePlan[] {
  const plans: TablePlan[] = [];
  let spot: Spot = { page: -1, available: 0 };
  let atTop = true;
  for (const section of document.sections) {
    spot = { page: spot.page + 1, available: measure.pageHeight };
    atTop = true;
    for (const block of section.blocks) {
      if (block.type === 'heading') {
        const box = measure.heading(block);
        spot = { ...spot, available: spot.available - box.marginTop };
        for (const height of box.lines) {
          if (height > spot.available && !atTop) spot = { page: spot.page + 1, available: measure.pageHeight };
          spot = { ...spot, available: spot.available - height };
          atTop = false;
        }
        spot = { ...spot, available: spot.available - box.marginBottom };
      } else {
        const t = plans.length;
        const planned = planTable(block, measure.table(block), measure.pageHeight, spot, new Set(forced[t] ?? []));
        plans.push({ breaks: planned.breaks, cuts: planned.cuts });
        spot = planned.end;
        atTop = false;
      }
    }
  }
  return plans;
}

/** A cell of the whole table: its row, its index in that row. */
interface CellRef {
  row: number;
  index: number;
  cell: GridCell;
}

function planTable(
  table: GridTable,
  box: TableBox,
  pageHeight: number,
  start: Spot,
  forced: ReadonlySet<number>,
): TablePlan & { end: Spot } {
  const { rule, paddingTop, paddingBottom } = box;
  const reserved = rule + paddingBottom;
  // Text space on a page a row continues onto: the row's rule and padding above, reserved below.
  const continuedAvailable = pageHeight - reserved - (paddingTop + rule);

  // The merged cells (rowSpan > 1) covering each row, in row then column order.
  const covering: CellRef[][] = table.rows.map(() => []);
  table.rows.forEach((row, r) => {
    row.cells.forEach((cell, index) => {
      if (cell.rowSpan <= 1) return;
      for (let c = r; c < Math.min(r + cell.rowSpan, table.rows.length); c++) covering[c]!.push({ row: r, index, cell });
    });
  });

  /** Where a cell's lines end when they start at `from`: lines that do not fit go to the next page. */
  const flow = (lines: number[], from: Spot) => {
    let spot = from;
    let firstPage: number | undefined;
    for (const height of lines) {
      if (height > spot.available) spot = { page: spot.page + 1, available: continuedAvailable };
      firstPage ??= spot.page;
      spot = { page: spot.page, available: spot.available - height };
    }
    return { end: spot, firstPage, lastPage: spot.page };
  };
  const printed = (ref: { cell: GridCell }, lines: number[]) => ref.cell.text !== '' && lines.length > 0;
  const total = (lines: readonly number[]) => lines.reduce((sum, height) => sum + height, 0);
  // How much of a continuation page the header rows printed again above row r take.
  let headers = 0;
  const headersAbove = table.rows.map((row, h) => {
    const above = headers;
    if (row.repeat) headers += Math.max(0, ...row.cells.map((cell, i) => (cell.rowSpan > 1 ? 0 : total(box.lines[h]![i]!)))) + paddingTop + paddingBottom + rule;
    return above;
  });
  /** Lines of row r that no page holds below its header rows: moving the row to a new page gains nothing. */
  const taller = (lines: number[], r: number) => total(lines) > continuedAvailable - headersAbove[r]!;

  const breaks: number[] = [];
  const cuts: RowCut[] = [];
  let spot = start;
  // The piece being filled: how many rows it has, the page its first own row starts on, and the
  // merged cells it has started, each with where its text ends.
  let pieceRows = 0;
  let startPage: number | undefined;
  let started = new Map<string, { last: number; end: Spot }>();

  let pieceFirst = 0;
  // The piece's rows after its first own row: for each, whether it would have to begin a page if
  // the piece ended with it (its merged cells then span it alone and count as its own text).
  let movable: Array<{ row: number; aloneSplit: boolean }> = [];
  /**
   * The last row of the piece a merged cell covers: its own last row, unless the piece skips it (a
   * repeated header row's cell that ends above the piece's first own row).
   */
  const lastInPiece = (last: number, r: number, role: 'repeated' | 'first' | 'next'): number => {
    if (role !== 'repeated' || last >= pieceFirst) return last;
    let h = last;
    while (h > r && !table.rows[h]!.repeat) h--;
    return h;
  };
  /** A new piece at the top of the next page: the table's header rows first, then row `r`. */
  const newPiece = (r: number) => {
    spot = { page: spot.page + 1, available: pageHeight };
    pieceRows = 0;
    startPage = undefined;
    started = new Map();
    movable = [];
    pieceFirst = r;
    for (let h = 0; h < r; h++) if (table.rows[h]!.repeat) place(h, 'repeated');
  };
  /**
   * Lays out source row `r` as the next row of the piece. Returns false if it has to begin a page
   * instead (asked for rows after a piece's first own row only), else moves `spot` below it.
   * A row that does not fit on its page and is not moved is cut between lines where the page ends
   * (`cuts`, if the measure can cut texts) and goes on in a piece of its own on the next page.
   */
  const place = (r: number, role: 'repeated' | 'first' | 'next'): boolean => {
    const row = table.rows[r]!;
    // Lines of each cell already printed above a cut (a value's lines go on after them; a label is printed again whole).
    let from: number[] | undefined;
    for (;;) {
      let available = spot.available;
      if (pieceRows === 0) available -= rule; // the table's top rule
      available -= reserved;
      available -= paddingTop;
      const top: Spot = { page: spot.page, available };
      const linesOf = (index: number) => (row.cells[index]!.role === 'label' ? box.lines[r]![index]! : box.lines[r]![index]!.slice(from?.[index] ?? 0));

      let bottom: Spot = top;
      let firstPage = Infinity;
      let lastStart = -Infinity;
      let split = false;
      let tall = false;
      row.cells.forEach((cell, index) => {
        if (cell.rowSpan > 1) return;
        const lines = linesOf(index);
        const laid = flow(lines, top);
        bottom = later(bottom, laid.end);
        if (!printed({ cell }, lines)) return;
        firstPage = Math.min(firstPage, laid.firstPage!);
        lastStart = Math.max(lastStart, laid.firstPage!);
        if (laid.lastPage > laid.firstPage!) split = true;
        if (taller(lines, r)) tall = true;
      });
      // Merged cells start in the first row of the piece they cover: their own row, or the first
      // row of a continuation, where their label is printed again.
      let aloneSplit = split;
      let aloneTall = tall;
      for (const ref of covering[r]!) {
        const key = `${ref.row}:${ref.index}`;
        if (started.has(key)) continue;
        const lines = box.lines[ref.row]![ref.index]!;
        const laid = flow(lines, top);
        started.set(key, { last: lastInPiece(ref.row + ref.cell.rowSpan - 1, r, role), end: laid.end });
        if (!printed(ref, lines)) continue;
        firstPage = Math.min(firstPage, laid.firstPage!);
        lastStart = Math.max(lastStart, laid.firstPage!);
        if (laid.lastPage > laid.firstPage!) aloneSplit = true;
        if (taller(lines, r)) aloneTall = true;
      }
      // Cells of one row in different sizes (an amount fitted smaller): the small one's first line
      // may fit where the others' do not. The row then starts on two pages: it is split too.
      if (lastStart > firstPage) split = aloneSplit = true;

      if (role === 'first') startPage = firstPage === Infinity ? undefined : firstPage;
      const after = role === 'next' && startPage !== undefined && firstPage !== Infinity;
      if (after && (firstPage > startPage! || (split && !tall))) return false;

      const cut = (split || from) && role !== 'repeated' ? cutRow(r, from, top.available) : undefined;
      if (cut === 'move' && role === 'next') return false;
      if (Array.isArray(cut)) {
        // The row's lines down to the page's foot here; the rest in a piece of its own on the next page.
        cuts.push({ row: r, lines: cut });
        from = cut;
        newPiece(r);
        role = 'first';
        continue;
      }

      if (after) movable.push({ row: r, aloneSplit: aloneSplit && !aloneTall });
      for (const ref of covering[r]!) {
        const span = started.get(`${ref.row}:${ref.index}`)!;
        if (span.last === r) bottom = later(bottom, span.end);
      }
      available = bottom.available;
      available -= paddingBottom;
      available += reserved;
      available -= rule;
      spot = { page: bottom.page, available };
      pieceRows++;
      return true;
    }
  };

  /**
   * Where row `r` (its values' lines from `from` on) is cut to end the page with `available` pt
   * for text: for each of its cells, how many of its lines go above the cut (from its first). A
   * value is cut between two lines that print something (an empty line at a cut would not show
   * where it is), and never so that what goes on reads as what is above (a reader would take it
   * for a label printed again); labels are printed again whole below the cut. 'move': nothing of
   * the row's values fits here; undefined: the row is not cut (the measure cannot, or nothing
   * would go on past where it is).
   */
  const cutRow = (r: number, from: number[] | undefined, available: number): number[] | 'move' | undefined => {
    const text = box.text;
    if (!text) return undefined;
    let above = 0;
    let goesOn = false;
    const cut = table.rows[r]!.cells.map((cell, i) => {
      const lines = box.lines[r]![i]!;
      if (cell.rowSpan > 1 || cell.role === 'label') return lines.length;
      const start = from?.[i] ?? 0;
      const prints = (line: number) => text(r, i, line, line + 1).trim() !== '';
      // What a reader sees of lines: their characters, not where a line break was (a '\n' after a
      // full line prints as a wrap does) nor spaces at their ends.
      const seen = (from: number, to: number) => text(r, i, from, to).replace(/\s+/gu, '');
      const fine = (k: number) => (k === lines.length || (prints(k - 1) && prints(k))) && (start === 0 || seen(start, k) !== seen(0, start));
      let k = start;
      for (let room = available; k < lines.length && lines[k]! <= room; k++) room -= lines[k]!;
      while (k > start && !fine(k)) k--;
      if (k < lines.length) goesOn = true;
      above += k - start;
      return k;
    });
    if (!goesOn) return undefined;
    return above === 0 ? 'move' : cut;
  };

  for (let r = 0; r < table.rows.length; r++) {
    if (r === 0) {
      place(r, 'first');
      continue;
    }
    if (!forced.has(r) && place(r, 'next')) continue;
    // Row r begins a page. The row above it then ends the piece, and a merged label starting
    // there spans it alone: if that label now runs onto the next page, that row goes too.
    for (let last = movable.pop(); last && last.row === r - 1 && last.aloneSplit; last = movable.pop()) r--;
    // A new piece, its repeated header rows first.
    breaks.push(r);
    newPiece(r);
    place(r, 'first');
  }
  return { breaks, cuts, end: spot };
}
