// Cutting a table at page breaks: header rows repeat, merged labels split and repeat.
import { describe, expect, it } from 'vitest';
import { parseMarkup } from '../src/layout/markup.js';
import { splitTable } from '../src/layout/paginate.js';
import type { GridTable } from '../src/layout/grid.js';

const table = parseMarkup(
  `<table><col width="1"><col width="1"><col width="1">
   <tr><td colspan="3">表头之上</td></tr>
   <tr class="repeat"><td rowspan="5">绩效指标</td><td>一级</td><td>三级</td></tr>
   <tr><td rowspan="4">产出指标</td><td>r2</td></tr>
   <tr><td>r3</td></tr>
   <tr><td>r4</td></tr>
   <tr><td>r5</td></tr></table>`,
  't.hbs',
)[0]!.blocks[0] as GridTable;

const show = (t: GridTable) => t.rows.map((row) => row.cells.map((c) => `${c.text}@${c.col}x${c.rowSpan}`).join(' | '));

describe('splitTable', () => {
  it('returns the table whole when nothing breaks', () => {
    const [only] = splitTable(table, []);
    expect(only!.table).toEqual(table);
    expect(only!.sourceRows).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('repeats the header row and splits the spans crossing the break', () => {
    const pieces = splitTable(table, [4]);
    expect(pieces.map((p) => show(p.table))).toEqual([
      ['表头之上@0x1', '绩效指标@0x3 | 一级@1x1 | 三级@2x1', '产出指标@1x2 | r2@2x1', 'r3@2x1'],
      ['绩效指标@0x3 | 一级@1x1 | 三级@2x1', '产出指标@1x2 | r4@2x1', 'r5@2x1'],
    ]);
    expect(pieces.map((p) => [p.sourceRows, p.repeatedRows])).toEqual([
      [[0, 1, 2, 3], 0],
      [[1, 4, 5], 1],
    ]);
  });

  it('repeats nothing above a break that comes before the header row', () => {
    const pieces = splitTable(table, [1]);
    expect(pieces[1]!.sourceRows).toEqual([1, 2, 3, 4, 5]);
    expect(pieces[1]!.repeatedRows).toBe(0);
  });
});
