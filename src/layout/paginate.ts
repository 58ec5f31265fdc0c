// Pagination, a layout stage: grid in, paginated grid out. page-flow.ts decides from the text's
// measurements (PageMeasure, layout/page-measure.ts) where every table breaks, and this cuts the
// tables there into one piece per page: every later piece starts with the header rows marked
// `repeat` above its first row, and a merged cell cut by the break is split, its text (the
// 一级/二级 label) printed again on the new page. place.ts then places the pieces.
import { fitOneLine } from './fit.js';
import type { GridCell, GridDocument, GridRow, GridSection, GridTable, PageMeasure } from './grid.js';
import { planBreaks } from './page-flow.js';

export interface PagedDocument extends LaidOutDocument {
  /** For each table of the unpaginated document, the rows that begin a page. */
  breaks: number[][];
}

/**
 * The document paginated: every table cut where `measure` says its pages break (page-flow.ts),
 * each continuation a section of its own. `forced[t]`: rows of the t-th table that must begin a
 * page in any case.
 */
export function paginate(grid: GridDocument, measure: PageMeasure, forced: ReadonlyArray<readonly number[]> = []): PagedDocument {
  // Amounts on one line first: a smaller size can make a row lower.
  const document = fitOneLine(grid, measure);
  const breaks = planBreaks(document, measure, forced);
  return { ...cutDocument(document, breaks), breaks };
}

export interface TablePiece {
  table: GridTable;
  /** For each row of the piece, the row of the whole table it shows. */
  sourceRows: number[];
  /** How many leading rows are repeated headers (0 on the first piece). */
  repeatedRows: number;
}

/** `breaks`: row indexes (ascending, > 0) that must begin a page. */
export function splitTable(table: GridTable, breaks: readonly number[]): TablePiece[] {
  const bounds = [0, ...breaks, table.rows.length];
  const repeatRows = range(0, table.rows.length).filter((r) => table.rows[r]!.repeat);
  // Cells may start above a piece and reach into it: look back as far as the longest span.
  let longestSpan = 1;
  for (const row of table.rows) for (const cell of row.cells) longestSpan = Math.max(longestSpan, cell.rowSpan);
  const pieces: TablePiece[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const [start, end] = [bounds[k]!, bounds[k + 1]!];
    const repeated = k === 0 ? [] : repeatRows.filter((r) => r < start);
    const sourceRows = [...repeated, ...range(start, end)];
    const candidates = [...new Set([...repeated, ...range(Math.max(0, start - longestSpan + 1), end)])].sort((a, b) => a - b);
    pieces.push({ table: tableOfRows(table, sourceRows, candidates), sourceRows, repeatedRows: repeated.length });
  }
  return pieces;
}

/**
 * A table made of the given rows of `table` (in order). Each cell that covers any of them appears
 * once, at the first of them it covers, spanning those it covers. `candidates`: the rows (ascending)
 * whose cells may cover one of them (the piece's rows and, above its first, as far as a span reaches),
 * so that cutting a long table into pages takes time linear in its length.
 */
function tableOfRows(table: GridTable, rows: number[], candidates: number[]): GridTable {
  const position = new Map(rows.map((r, i) => [r, i]));
  const pieceRows: GridRow[] = rows.map((r) => ({ repeat: table.rows[r]!.repeat, cells: [] }));
  for (const r of candidates) {
    for (const cell of table.rows[r]!.cells) {
      const covered: number[] = [];
      for (let c = r; c < r + cell.rowSpan; c++) if (position.has(c)) covered.push(position.get(c)!);
      if (covered.length === 0) continue;
      const first = covered[0]!;
      if (covered[covered.length - 1]! - first + 1 !== covered.length) {
        throw new Error(`bug: cell at row ${r} col ${cell.col} covers non-adjacent rows of a page piece`);
      }
      const copy: GridCell = { ...cell, rowSpan: covered.length };
      pieceRows[first]!.cells.push(copy);
    }
  }
  for (const row of pieceRows) row.cells.sort((a, b) => a.col - b.col);
  return { ...table, rows: pieceRows };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

export interface LaidOutDocument {
  /** The document with every table cut at its breaks; each continuation piece opens a new section. */
  document: GridDocument;
  /** The tables of `document`, in order: which original table (0-based, document order) and piece each is. */
  pieces: Array<{ table: number; piece: TablePiece }>;
}

/** Cut each table of the document at its breaks (`breaks[t]` for the t-th table). */
export function cutDocument(document: GridDocument, breaks: ReadonlyArray<readonly number[]>): LaidOutDocument {
  const sections: GridSection[] = [];
  const pieces: LaidOutDocument['pieces'] = [];
  let table = 0;
  for (const section of document.sections) {
    let current: GridSection = { ...section, blocks: [] };
    for (const block of section.blocks) {
      if (block.type !== 'table') {
        current.blocks.push(block);
        continue;
      }
      splitTable(block, breaks[table] ?? []).forEach((piece, p) => {
        if (p > 0) {
          sections.push(current);
          current = { blocks: [] };
        }
        current.blocks.push(piece.table);
        pieces.push({ table, piece });
      });
      table++;
    }
    sections.push(current);
  }
  return { document: { page: document.page, sections }, pieces };
}
