// Blank forms: `shenbao blank` writes an empty 申报表 .docx, a department fills it in Word (here:
// its XML, as Word writes it), and `extract` reads back exactly what was typed. Rows left empty
// are dropped; a required value left empty is named with its Word table, row, column and label.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Document } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import type { Packet, Project } from '../src/model/packet.js';
import { blankForm } from '../src/output/blank.js';
import { extractDocx } from '../src/extract/docx.js';
import { extractFile } from '../src/output/revision.js';
import { validatePacket } from '../src/validate/validate.js';
import { formatDiagnostic } from '../src/validate/format.js';
import { cellsOf, descendants, editDocx, rowsOf, setCellText, tables, textOf } from './support/docx.js';
import { departmentProject, fillBlank, insertRowBelow, TITLE, UNIT, YEAR } from './support/blank-fill.js';
import { shenbao, shenbaoHere } from './support/cli.js';
import { lines } from './support/problems.js';

let templates: FormTemplates;
let blank: Uint8Array;
beforeAll(async () => {
  templates = await loadTemplates();
  blank = await blankForm({ year: YEAR, unit: UNIT, templates, creationDate: new Date('2026-12-01T00:00:00Z') });
});

const packetOf = (project: Project): Packet => ({ title: TITLE, unit: UNIT, year: YEAR, projects: [project] });

/** extract, expecting every edit readable; the data as read. */
async function read(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const extracted = await extractDocx(bytes, 'x.docx', templates);
  expect(extracted.problems).toEqual([]);
  return extracted.data!;
}

/** The indicator rows of the blank (below the header row of the lower table). */
const indicatorRows = (d: Document) => rowsOf(tables(d)[1]!).slice(1);

describe('a blank form', () => {
  it('has every label, the year line, the usual groups with empty rows, and the unit; read back it holds no values', async () => {
    const texts = (d: Document) => descendants(d, 'p').map((p) => textOf(p)).filter((t) => t !== '');
    let printed: string[] = [];
    let rows = 0;
    editDocx(blank, (d) => {
      printed = texts(d);
      rows = indicatorRows(d).length;
    });
    expect(printed).toEqual([
      '财政项目支出绩效目标申报表',
      '(2027年度)',
      '项目名称', '项目性质', '项目类别',
      '主管部门', '实施单位',
      '计划开始日期', '计划完成日期',
      '项目资金（元）', '项目资金总额', '年度资金申请总额',
      '其中：财政资金', '其中：当年财政拨款',
      '上年结转资金',
      '其他资金', '其他资金',
      '项目绩效目标', '项目总目标', '年度总体目标',
      '绩效指标', '一级指标', '二级指标', '三级指标', '年度(/项目)指标值',
      '产出指标', '数量指标', '质量指标', '时效指标', '成本指标',
      '效益指标', '经济效益指标', '社会效益指标', '可持续影响指标',
      '满意度指标', '服务对象满意度指标',
    ]);
    expect(rows).toBe(19);
    expect(await read(blank)).toEqual({ title: TITLE, unit: UNIT, year: YEAR, projects: [{ funds: { project: {}, annual: {} }, indicators: [] }] });
  });

  it('without a unit carries neither unit nor title; a title given is carried as is', async () => {
    const bare = await extractDocx(await blankForm({ year: 2030, templates, creationDate: new Date(0) }), 'x.docx', templates);
    expect(bare.data).toEqual({ year: 2030, projects: [{ funds: { project: {}, annual: {} }, indicators: [] }] });
    const titled = await extractDocx(await blankForm({ year: 2030, unit: '甲', title: '甲单位汇总', templates, creationDate: new Date(0) }), 'x.docx', templates);
    expect(titled.data).toMatchObject({ title: '甲单位汇总', unit: '甲', year: 2030 });
  });
});

describe('a blank form filled in Word reads back exactly', () => {
  it('every value as typed; the rows left empty are dropped', async () => {
    const project = departmentProject(0);
    const data = await read(editDocx(blank, (d) => fillBlank(d, project)));
    expect(data).toEqual(packetOf(project));
    expect(validatePacket(data).diagnostics).toEqual([]);
  });

  it('a group with more indicators than empty rows: a row inserted in it', async () => {
    const project = departmentProject(2); // four 数量指标, the blank has three rows
    expect(await read(editDocx(blank, (d) => fillBlank(d, project)))).toEqual(packetOf(project));
  });

  it('a row added inside a group and a filled row deleted', async () => {
    const project = departmentProject(1); // three 数量指标, one 质量指标
    const data = await read(
      editDocx(blank, (d) => {
        fillBlank(d, project);
        const rows = indicatorRows(d);
        // 数量指标's second row (filled) deleted; a row inserted after 质量指标's first one and typed in.
        rows[1]!.parentNode!.removeChild(rows[1]!);
        const added = cellsOf(insertRowBelow(rows[3]!));
        setCellText(added.at(-2)!, '复检合格率');
        setCellText(added.at(-1)!, '≥97(%)');
      }),
    );
    const expected = structuredClone(project);
    expected.indicators.splice(1, 1);
    expected.indicators.splice(3, 0, { level1: '产出指标', level2: '质量指标', name: '复检合格率', target: '≥97(%)' });
    expect(data).toEqual(packetOf(expected));
  });

  it('a required value left empty is an error naming the Word table, row, column and field', async () => {
    const project = departmentProject(3);
    const bytes = editDocx(blank, (d) => {
      fillBlank(d, { ...project, category: undefined as never });
      // 数量指标's first row emptied (dropped), the second row's 指标值 left empty.
      const [first, second] = indicatorRows(d);
      for (const cell of [...cellsOf(first!).slice(-2), cellsOf(second!).at(-1)!]) setCellText(cell, '');
    });
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'shenbao-blank-')), 'x.docx');
    writeFileSync(file, bytes);
    const extracted = await extractFile(file, templates);
    expect(extracted.problems).toEqual([]);
    expect(extracted.diagnostics.map((d) => formatDiagnostic(d, 'x.docx', extracted.projectNames))).toEqual([
      'x.docx：项目 1「校园安全护导」：项目类别（projects[0].category）：错误：缺少必填项（Word 第 1 张申报表第 1 个表格第 1 行第 7 列是空的）',
      'x.docx：项目 1「校园安全护导」：绩效指标第 1 条的年度(/项目)指标值（projects[0].indicators[0].target）：错误：缺少必填项（Word 第 1 张申报表第 2 个表格第 3 行第 7 列是空的）',
    ]);
  });

  it('the year line emptied of its year is refused: the year is printed on the blank and must stay', async () => {
    const yearLine = (d: Document) => descendants(d, 'p').find((p) => textOf(p) === '(2027年度)')!;
    const edited = editDocx(blank, (d) => {
      fillBlank(d, departmentProject(0));
      const t = descendants(yearLine(d), 't')[0]!;
      t.textContent = '(年度)';
    });
    expect(lines((await extractDocx(edited, 'x.docx', templates)).problems)).toEqual(['x.docx：第 1 张申报表：标题「(年度)」应是「(YYYY年度)」这样（YYYY 是四位数的年份）']);
  });
});

describe('shenbao blank', () => {
  it('writes 新项目.docx in the current folder, never over a file, and extract reads what is missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-blank-cli-'));
    const made = await shenbao(['blank', '--unit', UNIT, '--year', '2027'], dir);
    expect([made.code, made.stdout, made.stderr]).toEqual([0, '', `新项目.docx：空白申报表（2027年度，${UNIT}），发给部门填写；填好后用 shenbao extract 新项目.docx 读回\n`]);
    expect(existsSync(path.join(dir, '新项目.docx'))).toBe(true);

    const again = await shenbaoHere(['blank', '-o', '新项目.docx'], dir);
    expect([again.code, again.stderr]).toEqual([2, '新项目.docx 已存在：shenbao 不会覆盖它。请换一个文件名，或先把它移走\n']);
    const badYear = await shenbaoHere(['blank', '--year', '27', '-o', 'b.docx'], dir);
    expect([badYear.code, badYear.stderr]).toEqual([2, '--year 应是 2000 到 2100 之间的年份，如 2027，现在是「27」\n']);
    expect(existsSync(path.join(dir, 'b.docx'))).toBe(false);

    const extracted = await shenbaoHere(['extract', '新项目.docx'], dir);
    const place = (table: number, row: number, column: number) => `（Word 第 1 张申报表第 ${table} 个表格第 ${row} 行第 ${column} 列是空的）`;
    expect(extracted.code).toBe(1);
    expect(extracted.stderr.split('\n')).toEqual([
      `新项目.docx：文件里没有记下汇总表标题，按单位和年度写成「${UNIT}2027年度项目绩效目标汇总表」`,
      `新项目.docx：项目 1：项目名称（projects[0].name）：错误：缺少必填项${place(1, 1, 2)}`,
      `新项目.docx：项目 1：项目性质（projects[0].nature）：错误：缺少必填项${place(1, 1, 5)}`,
      `新项目.docx：项目 1：项目类别（projects[0].category）：错误：缺少必填项${place(1, 1, 7)}`,
      `新项目.docx：项目 1：主管部门（projects[0].department）：错误：缺少必填项${place(1, 2, 2)}`,
      `新项目.docx：项目 1：实施单位（projects[0].implementer）：错误：缺少必填项${place(1, 2, 6)}`,
      `新项目.docx：项目 1：计划开始日期（projects[0].startDate）：错误：缺少必填项${place(1, 3, 2)}`,
      `新项目.docx：项目 1：计划完成日期（projects[0].endDate）：错误：缺少必填项${place(1, 3, 6)}`,
      `新项目.docx：项目 1：年度资金·年度资金申请总额（projects[0].funds.annual.total）：错误：缺少必填项${place(1, 4, 6)}`,
      `新项目.docx：项目 1：年度资金·其中：当年财政拨款（projects[0].funds.annual.fiscal）：错误：缺少必填项${place(1, 5, 6)}`,
      `新项目.docx：项目 1：年度资金·上年结转资金（projects[0].funds.annual.carryover）：错误：缺少必填项${place(1, 6, 6)}`,
      `新项目.docx：项目 1：年度资金·其他资金（projects[0].funds.annual.other）：错误：缺少必填项${place(1, 7, 6)}`,
      `新项目.docx：项目 1：年度总体目标（projects[0].annualGoal）：错误：缺少必填项${place(1, 9, 4)}`,
      '新项目.docx：读回申报表，1 个项目，12 个错误，1 条警告',
      '',
    ]);
  }, 30_000);

  it('--help explains every option', async () => {
    const help = await shenbaoHere(['blank', '--help'], os.tmpdir());
    expect(help.code).toBe(0);
    for (const option of ['--out', '--unit', '--title', '--year', '--templates', '--docx-font']) expect(help.stdout).toContain(option);
    expect(help.stdout).toContain(`默认明年（${new Date().getFullYear() + 1}）`);
  });
});
