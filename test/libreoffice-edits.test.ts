// Departments' edits made in a real LibreOffice (7.4), not written by hand: form 1 of the distinct
// packet (every value differs from every other) edited through LibreOffice's own API and saved by
// it as .docx (scripts/make-libreoffice-fixtures.py; test/fixtures/libreoffice/README.md says how
// each file was made and what LibreOffice prints). `extract` must read each exactly as the page
// reads, or refuse at the place in Word. Where the page and the data can differ, the test says what
// the page shows.
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/validate/format.js';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import type { Project } from '../src/model/packet.js';
import { extractDocx } from '../src/extract/docx.js';
import { extractFile } from '../src/output/revision.js';
import { ROOT } from './support/cli.js';
import { loadDistinct } from './support/golden.js';
import { lines } from './support/problems.js';

const distinct = loadDistinct();
let templates: FormTemplates;
beforeAll(async () => {
  templates = await loadTemplates();
});

const fixture = (name: string) => path.join(ROOT, 'test', 'fixtures', 'libreoffice', name);
/** extract's reading of the Word file (before validation), the file named x.docx in messages. */
const read = async (name: string) => { const read = await extractDocx(new Uint8Array(readFileSync(fixture(name))), 'x.docx', templates); return { ...read, problems: lines(read.problems) }; };

/**
 * As `extract` reads it: validated and glyph-checked (`packet` is what it writes); messages as the
 * command line prints them, the file named x.docx.
 */
async function extracted(name: string) {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'shenbao-lo-')), 'x.docx');
  copyFileSync(fixture(name), file);
  const result = await extractFile(file, templates);
  const said = (severity: string) => result.diagnostics.filter((d) => d.severity === severity).map((d) => formatDiagnostic(d, 'x.docx', result.projectNames).replaceAll(file, 'x.docx'));
  const named = (messages: string[]) => messages.map((m) => m.replaceAll(file, 'x.docx'));
  return { ...result, errors: said('error'), warnings: said('warning'), problems: named(lines(result.problems)), notes: named(lines(result.notes)) };
}

/** Form 1 as its data reads back unedited (amounts with two decimals), with `edit` applied to its project. */
function form1(edit: (project: Project) => void = () => undefined): Record<string, unknown> {
  const project = structuredClone(distinct.projects[0]!);
  project.funds.project!.other = '95174.00';
  edit(project);
  return { $schema: distinct.$schema, title: distinct.title, unit: distinct.unit, year: distinct.year, projects: [project] };
}

/** The indicator whose 三级指标 is `name`. */
const indicator = (project: Project, name: string) => project.indicators.find((i) => i.name === name)!;

describe('edits LibreOffice saves that extract reads as the page shows', () => {
  it('distinct-01-strike: struck words (direct, by a character style, by a paragraph style) left out and named; a fully struck indicator dropped with a note', async () => {
    const result = await extracted('distinct-01-strike.docx');
    expect([result.problems, result.errors]).toEqual([[], []]);
    expect(result.packet).toEqual(
      form1((p) => {
        indicator(p, '睦邻学堂开课场次').target = '≥150(场)';
        indicator(p, '学堂学员注册人数').target = '≥2800(人)';
        indicator(p, '课程评估优良率').name = '课程优良率';
        p.indicators.splice(3, 1); // 季度课表发布时限 / 每季度首月10日前, both struck
      }),
    );
    expect(result.notes).toEqual([
      'x.docx：第 1 张申报表第 2 个表格第 5 行：这一行的三级指标和指标值都带删除线（「季度课表发布时限」「每季度首月10日前」），按删除这条指标读',
    ]);
    expect(result.warnings).toEqual([
      'x.docx：项目 1「社区睦邻学堂运营」：绩效指标第 1 条的年度(/项目)指标值（projects[0].indicators[0].target）：警告：带删除线的「120」按删除读，没有读入（Word 第 1 张申报表第 2 个表格第 2 行第 7 列：「≥150(场)」）',
      'x.docx：项目 1「社区睦邻学堂运营」：绩效指标第 2 条的年度(/项目)指标值（projects[0].indicators[1].target）：警告：带删除线的「2600」按删除读，没有读入（Word 第 1 张申报表第 2 个表格第 3 行第 7 列：「≥2800(人)」）',
      'x.docx：项目 1「社区睦邻学堂运营」：绩效指标第 3 条的三级指标（projects[0].indicators[2].name）：警告：带删除线的「课程评估优良率」按删除读，没有读入（Word 第 1 张申报表第 2 个表格第 4 行第 4 列：「\n课程优良率」）',
    ]);
  });

  it('distinct-02-numbering: 一、（一） in two levels, and one list continued across three cells', async () => {
    const result = await extracted('distinct-02-numbering.docx');
    expect([result.problems, result.errors, result.warnings]).toEqual([[], [], []]);
    expect(result.packet).toEqual(
      form1((p) => {
        p.annualGoal = '一、开设睦邻学堂课程\n（一）每月开课\n二、覆盖辖区全部居民区\n三、提升居民参与积极性';
        indicator(p, '睦邻学堂开课场次').name = '1. 睦邻学堂开课场次';
        indicator(p, '学员满意度').name = '2. 学员满意度';
        indicator(p, '居委干部满意度').name = '3. 居委干部满意度';
      }),
    );
  });

  it('distinct-06-hidden-symbols-caps: hidden text by styles left out; Symbol-font ≥ and ≤; UPPERCASE and small capitals; m² typed as m2', async () => {
    const expected = form1((p) => {
      indicator(p, '睦邻学堂开课场次').target = '≥1200(m²)';
      indicator(p, '课程评估优良率').target = '≥90(%)';
      indicator(p, '学员满意度').name = 'APP 用户满意度';
      const last = indicator(p, '居委干部满意度');
      last.name = '居委干部满意度（SMS 回访）';
      last.target = '≤5(%)';
    });
    const result = await extracted('distinct-06-hidden-symbols-caps.docx');
    expect([result.problems, result.errors, result.warnings]).toEqual([[], [], []]);
    expect(result.packet).toEqual(expected);
  });
});

// Each of these was read as other data than the page shows, with exit code 0, when they were made
// (shenbao at f21941f). The tests say what is right: the page's data, or a refusal at the cell.
describe('edits LibreOffice saves whose page differs from what extract read', () => {
  it('distinct-03-numbering-restart: List → Restart Numbering on the 4th paragraph; the 5th continues from it (the page: 1. 2. 3. 1. 2.)', async () => {
    // LibreOffice writes the restarted paragraph with a new w:num (startOverride) on the same
    // abstract numbering, and the paragraphs after it with the old w:num: one list, restarted.
    const result = await extracted('distinct-03-numbering-restart.docx');
    expect([result.problems, result.errors]).toEqual([[], []]);
    expect(result.packet).toEqual(form1((p) => (p.annualGoal = '1. 总目标甲\n2. 分项一\n3. 分项二\n1. 总目标乙\n2. 分项三')));
  });

  it('distinct-04-numbering-001: number format 001, 002, 003 (the page: 001. 002. 003.)', async () => {
    // w:numFmt w:val="custom" w:format="001, 002, 003, ..." inside mc:AlternateContent, as Word 2010+ writes it too.
    const result = await extracted('distinct-04-numbering-001.docx');
    expect([result.problems, result.errors]).toEqual([[], []]);
    expect(result.packet).toEqual(form1((p) => (p.annualGoal = '001. 开设睦邻学堂课程\n002. 覆盖辖区全部居民区\n003. 提升居民参与积极性')));
  });

  it('distinct-05-numbering-label-caps: a) b) c) in a character style set to UPPERCASE (the page: A) B) C))', async () => {
    // The level's w:rPr has w:caps.
    const result = await extracted('distinct-05-numbering-label-caps.docx');
    expect([result.problems, result.errors]).toEqual([[], []]);
    expect(result.packet).toEqual(form1((p) => (p.annualGoal = 'A) 开设睦邻学堂课程\nB) 覆盖辖区全部居民区\nC) 提升居民参与积极性')));
  });

  it('distinct-07-raised-position: ≥10⁵ typed as 105 with the 5 raised 40 % at 50 % size (w:position, not w:vertAlign): never ≥105', async () => {
    // Read as ⁵ it is refused by the glyph check at its cell, as a superscript 5 is; or refused as raised text.
    const checked = await extracted('distinct-07-raised-position.docx');
    expect(checked.packet).toBeUndefined();
    expect([...checked.problems, ...checked.errors].filter((m) => m.includes('第 1 张申报表第 2 个表格第 3 行第 7 列'))).not.toEqual([]);
  });

  it('distinct-08-date-field: Insert → Field → Date in 计划开始日期 prints the day it is printed, not the value saved; a fixed date field is plain data', async () => {
    // The file as saved on 2024-02-15 (its field's value); LibreOffice prints today's date there.
    // 计划完成日期 holds a fixed (w:fldLock) date field: 2024-11-20 on every page.
    expect((await read('distinct-08-date-field.docx')).problems).toEqual([
      'x.docx：第 1 张申报表第 1 个表格第 3 行第 2 列（计划开始日期）：这里有会自动更新的域（DATE），打开或打印文件时会换成别的内容，读不准。请改成直接输入的文字（在 Word 里选中域按 Ctrl+Shift+F9 可把域变成文字）',
    ]);
  });

  it('distinct-09-placeholder: a placeholder field in the empty 项目总目标 prints its text; it is not left out silently', async () => {
    // LibreOffice saves it as a content control showing its placeholder (w:showingPlcHdr), and prints
    // 「三年内建成覆盖全区的睦邻学堂网络」 in the cell.
    // It is a prompt, not what the department wrote: refused at its cell, not read as data or as blank.
    expect((await read('distinct-09-placeholder.docx')).problems).toEqual([
      'x.docx：第 1 张申报表第 1 个表格第 9 行第 2 列（项目总目标）：这里是内容控件的提示文字「三年内建成覆盖全区的睦邻学堂网络」（还没有填写，但会印出来），无法读取。请填写这一栏，或删去提示文字',
    ]);
  });
});

describe('refusals of edits LibreOffice saves name the place', () => {
  it('distinct-10-split-rows: the 项目类别 value split in two rows (Table → Split Cells, horizontally) is refused at its row', async () => {
    expect((await read('distinct-10-split-rows.docx')).problems).toEqual([
      'x.docx：第 1 张申报表第 1 个表格第 1 行第 7 列：这个表格应有 9 行，现在有 10 行，从这里起与原表不同（这里应是「项目类别」的值，不合并）：单元格被拆成了几行，或加入、删去了行。只有绩效指标表可以增删行，请撤销这一处的修改',
    ]);
  });
});
