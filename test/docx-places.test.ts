// Refusals name the place in Word, and amounts are read as a person writes them. Each case edits
// the XML of form 1 of the distinct packet (every value differs from every other) as Word or
// LibreOffice writes it, or is a file LibreOffice saved (test/fixtures/libreoffice/), and asserts
// the exact data or the exact refusal: file, form, Word table, row, column, and what is there.
import path from 'node:path';
import type { Element } from '@xmldom/xmldom';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import type { Packet } from '../src/model/packet.js';
import { extractDocx } from '../src/extract/docx.js';
import { buildDocx, cellsOf, cellWithText, children, descendants, editDocx, readBytes, rowsOf, setCellText, tables, W } from './support/docx.js';
import { ROOT } from './support/cli.js';
import { DISTINCT_FILE, loadDistinct } from './support/golden.js';
import { lines } from './support/problems.js';

const distinct = loadDistinct();
let templates: FormTemplates;
let dir: string;
beforeAll(async () => {
  templates = await loadTemplates();
  dir = await buildDocx(DISTINCT_FILE);
}, 60_000);

/** Form 1: 社区睦邻学堂运营, 7 indicators in 4 groups. */
const form = () => readBytes(path.join(dir, '01-社区睦邻学堂运营.docx'));
const summary = () => readBytes(path.join(dir, '汇总表.docx'));
const problems = async (bytes: Uint8Array, edit: Parameters<typeof editDocx>[1]) => lines((await extractDocx(editDocx(bytes, edit), 'x.docx', templates)).problems);

const tcPr = (cell: Element) => children(cell, 'tcPr')[0]!;
const span = (cell: Element) => Number(children(tcPr(cell), 'gridSpan')[0]?.getAttributeNS(W, 'val') || '1');
const setSpan = (cell: Element, n: number) => children(tcPr(cell), 'gridSpan')[0]!.setAttributeNS(W, 'w:val', String(n));
const cellText = (cell: Element) => descendants(cell, 't').map((t) => t.textContent).join('');
/** Each row's cells (w:tc, vMerge continuations too) with the grid column each starts at. */
const placed = (table: Element) =>
  rowsOf(table).map((row) => {
    let col = 0;
    return cellsOf(row).map((cell) => ({ cell, col: (col += span(cell)) - span(cell) }));
  });

/**
 * A cell split in two as Word writes it: a new grid column inside the cell's first one, which every
 * other cell over that column now spans too, and an empty cell after the split one.
 */
function splitCell(table: Element, row: number, text: string): void {
  const rows = placed(table);
  const target = rows[row]!.find((c) => cellText(c.cell) === text)!;
  const grid = children(table, 'tblGrid')[0]!;
  const column = children(grid, 'gridCol')[target.col]!;
  const width = Number(column.getAttributeNS(W, 'w'));
  const added = column.cloneNode(true) as unknown as Element;
  column.setAttributeNS(W, 'w:w', String(Math.floor(width / 2)));
  added.setAttributeNS(W, 'w:w', String(width - Math.floor(width / 2)));
  grid.insertBefore(added as never, column.nextSibling);
  rows.forEach((cells, r) => {
    for (const { cell, col } of cells) if (!(r === row && cell === target.cell) && col <= target.col && target.col < col + span(cell)) setSpan(cell, span(cell) + 1);
  });
  const copy = target.cell.cloneNode(true) as unknown as Element;
  setCellText(copy, '');
  target.cell.parentNode!.insertBefore(copy as never, target.cell.nextSibling);
}

/** The first w:tc whose text is `text` exactly (cellWithText, typed for these helpers). */
const cell = (document: Parameters<Parameters<typeof editDocx>[1]>[0], text: string) => cellWithText(document, text) as unknown as Element;

describe('a split or merged cell is refused at its row and column', () => {
  it('a cell split in Word (a column added inside it): the row, the column and the field there', async () => {
    expect(await problems(form(), (d) => splitCell(tables(d)[0]!, 0, '特定目标类'))).toEqual([
      'x.docx：第 1 张申报表第 1 个表格第 1 行第 7 列：这一行的单元格被拆分或合并了（这里应是「项目类别」的值，不合并），无法读取。请在 Word 里撤销这一处的拆分或合并',
    ]);
    expect(await problems(form(), (d) => splitCell(tables(d)[1]!, 2, '≥2600(人)'))).toEqual([
      'x.docx：第 1 张申报表第 2 个表格第 3 行第 7 列：这一行的单元格被拆分或合并了（这里应是「绩效指标第 2 条的年度(/项目)指标值」的值，不合并），无法读取。请在 Word 里撤销这一处的拆分或合并',
    ]);
  });

  it('a label cell split: the label is named', async () => {
    expect(await problems(form(), (d) => splitCell(tables(d)[0]!, 0, '项目名称'))).toEqual([
      'x.docx：第 1 张申报表第 1 个表格第 1 行第 1 列：这一行的单元格被拆分或合并了（这里应是标签「项目名称」，不合并），无法读取。请在 Word 里撤销这一处的拆分或合并',
    ]);
  });

  // Made from form 1: the edit written as Word writes it, then saved by LibreOffice 7.4 (README there).
  it('test/fixtures/libreoffice/form-cell-split.docx: 特定目标类 split, saved by LibreOffice', async () => {
    const bytes = readBytes(path.join(ROOT, 'test', 'fixtures', 'libreoffice', 'form-cell-split.docx'));
    expect(lines((await extractDocx(bytes, 'x.docx', templates)).problems)).toEqual([
      'x.docx：第 1 张申报表第 1 个表格第 1 行第 7 列：这一行的单元格被拆分或合并了（这里应是「项目类别」的值，不合并），无法读取。请在 Word 里撤销这一处的拆分或合并',
    ]);
  });

  it('test/fixtures/libreoffice/form-cells-merged.docx: 项目性质 merged with its value; LibreOffice drops the column no other cell uses', async () => {
    const bytes = readBytes(path.join(ROOT, 'test', 'fixtures', 'libreoffice', 'form-cells-merged.docx'));
    expect(lines((await extractDocx(bytes, 'x.docx', templates)).problems)).toEqual([
      'x.docx：第 1 张申报表第 1 个表格第 1 行第 4 列：这一行的单元格被拆分或合并了（这里应是标签「项目性质」，不合并），无法读取。请在 Word 里撤销这一处的拆分或合并',
    ]);
  });

  it('a column deleted from every row is said as such: no row fits', async () => {
    expect(
      await problems(form(), (d) => {
        const table = tables(d)[1]!;
        const grid = children(table, 'tblGrid')[0]!;
        grid.removeChild(children(grid, 'gridCol').at(-1)!);
        for (const row of rowsOf(table)) row.removeChild(cellsOf(row).at(-1)!);
      }),
    ).toEqual(['x.docx：第 1 张申报表：第 2 个表格应有 7 列，现在是 6 列。列被删除或加入了，无法读取']);
  });
});

describe('a row added below the indicator groups', () => {
  /** The last indicator row copied below it, its first cell (under 绩效指标) a cell of its own. */
  const addedBelow = (d: Parameters<Parameters<typeof editDocx>[1]>[0], count = 1) => {
    const table = tables(d)[1]!;
    for (let i = 0; i < count; i++) {
      const copy = rowsOf(table).at(-1)!.cloneNode(true) as unknown as Element;
      const first = cellsOf(copy)[0]!;
      const merge = children(tcPr(first), 'vMerge')[0];
      if (merge) tcPr(first).removeChild(merge);
      setCellText(cellsOf(copy).at(-2)!, `新增指标${i + 1}`);
      setCellText(cellsOf(copy).at(-1)!, `≥${i + 1}(次)`);
      table.appendChild(copy as never);
    }
  };

  it('is named as added below the groups, with how to add a row inside a group', async () => {
    expect(await problems(form(), (d) => addedBelow(d))).toEqual([
      'x.docx：第 1 张申报表第 2 个表格第 9 行：这一行加在了「绩效指标」各组的下面，第 1 列没有与「绩效指标」合并，不属于任何一组，无法读取。要加一条指标，请在组内的一行上“在下方插入行”（新行的一级、二级指标格与这一组合并），或把新行的第 1 列与「绩效指标」合并',
    ]);
    expect(await problems(form(), (d) => addedBelow(d, 2))).toEqual([
      'x.docx：第 1 张申报表第 2 个表格第 9–10 行：这 2 行加在了「绩效指标」各组的下面，第 1 列没有与「绩效指标」合并，不属于任何一组，无法读取。要加一条指标，请在组内的一行上“在下方插入行”（新行的一级、二级指标格与这一组合并），或把新行的第 1 列与「绩效指标」合并',
    ]);
  });

  it('merged with 绩效指标 (as Word adds a row below a merged cell), it is read into the last group', async () => {
    const read = await extractDocx(
      editDocx(form(), (d) => {
        const table = tables(d)[1]!;
        const copy = rowsOf(table).at(-1)!.cloneNode(true) as unknown as Element;
        setCellText(cellsOf(copy).at(-2)!, '新增指标');
        setCellText(cellsOf(copy).at(-1)!, '≥5(次)');
        table.appendChild(copy as never);
      }),
      'x.docx',
      templates,
    );
    expect(read.problems).toEqual([]);
    expect((read.data as unknown as Packet).projects[0]!.indicators.at(-1)).toEqual({ level1: '满意度指标', level2: '服务对象满意度指标', name: '新增指标', target: '≥5(次)' });
  });
});

describe('amounts', () => {
  /** Form 1 with one amount cell retyped: its refusals. */
  const retyped = async (printed: string, text: string) => await problems(form(), (d) => setCellText(cell(d, printed), text));
  const FORMS = '金额以元为单位，写成 200000、200000.00 或 200,000.00';

  it('full-width digits: the half-width amount to write', async () => {
    expect(await retyped('48,251.36', '４８２５１．３６')).toEqual([
      `x.docx：第 1 张申报表第 1 个表格第 7 行第 6 列（年度资金·其他资金）：「４８２５１．３６」不是金额。${FORMS}；请把全角数字改成半角：48251.36`,
    ]);
  });

  it('a dash for none: write 0 (a project amount may also be left blank)', async () => {
    expect(await retyped('306,412.57', '—')).toEqual([`x.docx：第 1 张申报表第 1 个表格第 6 行第 6 列（年度资金·上年结转资金）：「—」不是金额。${FORMS}；没有这项资金请写 0`]);
    expect(await retyped('95,174.00', '－')).toEqual([
      `x.docx：第 1 张申报表第 1 个表格第 7 行第 3 列（项目资金·其他资金）：「－」不是金额。${FORMS}；没有这项资金请写 0（项目资金也可以留空）`,
    ]);
  });

  it('万 converted to 元, 元 and ￥ removed', async () => {
    expect(await retyped('95,174.00', '9.5174万')).toEqual([
      `x.docx：第 1 张申报表第 1 个表格第 7 行第 3 列（项目资金·其他资金）：「9.5174万」不是金额。${FORMS}；请把「万」换算成元：95174`,
    ]);
    expect(await retyped('95,174.00', '95,174.00元')).toEqual([
      `x.docx：第 1 张申报表第 1 个表格第 7 行第 3 列（项目资金·其他资金）：「95,174.00元」不是金额。${FORMS}；请去掉「元」「￥」：95,174.00`,
    ]);
    expect(await retyped('95,174.00', '￥95174')).toEqual([
      `x.docx：第 1 张申报表第 1 个表格第 7 行第 3 列（项目资金·其他资金）：「￥95174」不是金额。${FORMS}；请去掉「元」「￥」：95174`,
    ]);
    expect(await retyped('95,174.00', '９.５１７４万元')).toEqual([
      `x.docx：第 1 张申报表第 1 个表格第 7 行第 3 列（项目资金·其他资金）：「９.５１７４万元」不是金额。${FORMS}；请把全角数字改成半角，把「万」换算成元（不写「元」「￥」）：95174`,
    ]);
  });

  it('anything else: one amount to a cell, never pieced together', async () => {
    expect(
      await problems(form(), (d) => {
        const amount = cell(d, '2,488,903.76');
        setCellText(amount, '300000');
        const p = d.createElementNS(W, 'w:p');
        p.appendChild(d.createElementNS(W, 'w:r')).appendChild(d.createElementNS(W, 'w:t')).appendChild(d.createTextNode('50000'));
        amount.appendChild(p as never);
      }),
    ).toEqual([`x.docx：第 1 张申报表第 1 个表格第 4 行第 3 列（项目资金·项目资金总额）：「300000\n50000」不是金额。${FORMS}，一格只写一个金额，不带单位、文字或换行`]);
  });

  it('an amount of the 汇总表 front table is refused the same way', async () => {
    expect(await problems(summary(), (d) => setCellText(cell(d, '48,251.36'), '4.825136万'))).toEqual([
      `x.docx：汇总表第 1 个表格第 2 行第 9 列（年度资金·其他资金）：「4.825136万」不是金额。${FORMS}；请把「万」换算成元：48251.36`,
    ]);
  });

  const total = (key: 'total' | 'fiscal') => distinct.projects.reduce((sum, p) => sum + Math.round(Number(p.funds.annual[key]) * 100), 0);
  const printed = (cents: number) => (cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });

  it('合计 and 序号 are compared by value: 5450888.67 is 5,450,888.67, 01 is 1', async () => {
    expect(printed(total('total'))).toBe('5,450,888.67');
    const read = await extractDocx(
      editDocx(summary(), (d) => {
        setCellText(cell(d, printed(total('total'))), '5450888.67');
        setCellText(cell(d, printed(total('fiscal'))), ` ${(total('fiscal') / 100).toFixed(2)} `);
        const [first] = cellsOf(rowsOf(tables(d)[0]!)[1]!);
        setCellText(first!, '01');
      }),
      'x.docx',
      templates,
    );
    expect(read.problems).toEqual([]);
    expect(read.data).toEqual((await extractDocx(summary(), 'x.docx', templates)).data);
  });

  it('a 合计 of another value is still refused, with what it should be', async () => {
    expect(await problems(summary(), (d) => setCellText(cell(d, '5,450,888.67'), '5450888.68'))).toEqual([
      'x.docx：汇总表第 1 个表格第 5 行第 6 列：「5450888.68」是按各项目算出来的，不能改（按现在的数据应是「5,450,888.67」）。请改各项目的数据，或把它改回去',
    ]);
  });
});

describe('messages say what the file holds', () => {
  it('text typed below the headings is quoted with the year as written, not the reader\'s own', async () => {
    expect(
      await problems(form(), (d) => {
        const body = d.getElementsByTagNameNS(W, 'body')[0]!;
        const p = d.createElementNS(W, 'w:p');
        p.appendChild(d.createElementNS(W, 'w:r')).appendChild(d.createElementNS(W, 'w:t')).appendChild(d.createTextNode('附：说明'));
        body.insertBefore(p, tables(d)[0]! as never);
      }),
    ).toEqual(['x.docx：第 1 张申报表：表格外只应有标题 「财政项目支出绩效目标申报表」「(2024年度)」，现在多了 「附：说明」。请把表格外加的文字删去']);
    expect(
      await problems(summary(), (d) => {
        const body = d.getElementsByTagNameNS(W, 'body')[0]!;
        const p = d.createElementNS(W, 'w:p');
        p.appendChild(d.createElementNS(W, 'w:r')).appendChild(d.createElementNS(W, 'w:t')).appendChild(d.createTextNode('附：说明'));
        body.insertBefore(p, tables(d)[0]! as never);
      }),
    ).toEqual([`x.docx：汇总表：表格外只应有标题 「${distinct.title}」，现在多了 「附：说明」。请把表格外加的文字删去`]);
  });

  /** Form 1 with its start date retyped as 2024/2/15, and without its custom properties if `copied`. */
  const slashDate = async (copied: boolean) => {
    const entries = unzipSync(editDocx(form(), (d) => setCellText(cell(d, '2024-02-15'), '2024/2/15')));
    if (copied) entries['docProps/custom.xml'] = strToU8('<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>');
    return await extractDocx(zipSync(entries), 'x.docx', templates);
  };

  const slashRefused =
    'x.docx：第 1 张申报表第 1 个表格第 3 行第 2 列（计划开始日期）：「2024/2/15」不是这张表的日期写法（或不是真实的日期）：请写成 2027-01-01、2027-12-31 这样';

  it('a date written otherwise in a file that kept shenbao\'s properties: refused in the form\'s own way of writing dates, no hint at a lost house style', async () => {
    const read = await slashDate(false);
    expect(lines(read.problems)).toEqual([slashRefused]);
    expect(read.notes).toEqual([]);
  });

  it('the same date in a file that lost its properties (tables copied to a new file): the hint', async () => {
    const read = await slashDate(true);
    expect(lines(read.problems)).toEqual([
      slashRefused,
      'x.docx：文件里没有 shenbao 记下的印制样式（在 Word 的“文件 → 属性 → 自定义”里，名为「印制样式」；表格被复制到新文件时会丢失），日期和年度一行按默认样式（2023-01-01、(2023年度)）读。这些表若按本单位的样式印出，请在 Word 里补上这个属性（值为原数据文件 display 的 JSON，如 {"dateFormat":"yyyy/M/d"}）',
    ]);
    expect(lines(read.notes)).toEqual([
      'x.docx：文件里没有 shenbao 记下的汇总表标题和单位（在 Word 的“文件 → 属性 → 自定义”里；表格被复制到新文件时会丢失），读回的数据缺这两项，请在 JSON 里补上',
    ]);
  });
});
