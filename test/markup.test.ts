// The markup subset: what it accepts becomes the grid with resolved slots; anything else is an
// error naming the template and line.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { declarationDocument, summaryDocument } from '../src/layout/forms.js';
import { loadTemplates } from '../src/layout/templates.js';
import { parseMarkup } from '../src/layout/markup.js';
import type { GridCell, GridTable } from '../src/layout/grid.js';
import { anchorPaths, checkTemplateSource } from '../src/layout/markup.js';
import { loadSeed } from './support/seed.js';

const table = (markup: string) => parseMarkup(markup, 't.hbs')[0]!.blocks[0] as GridTable;
const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('parseMarkup', () => {
  it('resolves spans to column slots as HTML does', () => {
    const t = table(`<table><col width="1"><col width="2"><col width="3">
      <tr><td rowspan="2">a</td><td colspan="2" align="right" class="label" field="x">b</td></tr>
      <tr><td>c</td><td valign="top">d<br>e</td></tr></table>`);
    expect(t.widths).toEqual([1, 2, 3]);
    expect(t.rows.map((r) => r.cells.map((c) => [c.text, c.col, c.rowSpan, c.colSpan]))).toEqual([
      [['a', 0, 2, 1], ['b', 1, 1, 2]],
      [['c', 1, 1, 1], ['d\ne', 2, 1, 1]],
    ]);
    expect(t.rows[0]!.cells[1]).toMatchObject({ align: 'right', role: 'label', path: ['x'], valign: 'middle' });
  });

  it('reads `field` as a path: dotted, numbers as list positions, a leading / for the top level', () => {
    const [section] = parseMarkup(
      '<h1 field="/title">t</h1><h2 field="/year">(2023年度)</h2><table><col width="1"><col width="1">' +
        '<tr><td field="indicators.12.target">≥4(次)</td><td>label</td></tr></table>',
      't.hbs',
    );
    const [h1, h2, t] = section!.blocks as [unknown, unknown, GridTable];
    expect(h1).toEqual({ type: 'heading', level: 1, text: 't', path: ['/', 'title'] });
    expect(h2).toEqual({ type: 'heading', level: 2, text: '(2023年度)', path: ['/', 'year'] });
    expect(t.rows[0]!.cells.map((c) => c.path)).toEqual([['indicators', 12, 'target'], undefined]);
    expect('path' in t.rows[0]!.cells[1]!).toBe(false);

    // anchorPaths: relative paths from the project, rooted ones from the data file's top level.
    const [anchored] = anchorPaths([section!], ['projects', 2]);
    const [a1, a2, at] = anchored!.blocks as [{ path: unknown }, { path: unknown }, GridTable];
    expect([a1.path, a2.path, at.rows[0]!.cells[0]!.path]).toEqual([['title'], ['year'], ['projects', 2, 'indicators', 12, 'target']]);
    expect(section!.blocks[2]).toBe(t); // the parsed sections are left as they were
    expect(t.rows[0]!.cells[0]!.path).toEqual(['indicators', 12, 'target']);
  });

  it('rejects a field that is not a dotted path', () => {
    for (const field of ['funds..total', 'funds.annual.', 'a b', '//year', 'a/b', '']) {
      expect(errorOf(() => table(`<table><col width="1">\n<tr><td field="${field}">a</td></tr></table>`))).toBe(
        `模板 t.hbs 第 2 行（模板输出）：field="${field}" 应为用点分隔的字段路径，如 funds.annual.total，或以 / 开头的数据文件顶层字段，如 /year`,
      );
    }
  });

  it('splits sections at <page-break/> and reads headings', () => {
    const sections = parseMarkup('<h1>标题</h1><h2>(2023年度)</h2><page-break/><h1>二</h1>', 't.hbs');
    expect(sections).toEqual([
      { blocks: [{ type: 'heading', level: 1, text: '标题' }, { type: 'heading', level: 2, text: '(2023年度)' }] },
      { blocks: [{ type: 'heading', level: 1, text: '二' }] },
    ]);
  });

  it('rejects elements outside the subset, naming template and line', () => {
    expect(errorOf(() => parseMarkup('<h1>x</h1>\n\n<div>y</div>', 'forms/a.hbs'))).toBe(
      '模板 forms/a.hbs 第 3 行（模板输出）：<div> 不在支持的标记范围内；此处只能是 <h1> <h2> <table> <page-break>',
    );
    expect(errorOf(() => parseMarkup('<table><col width="1">\n<tr><td style="x">a</td></tr></table>', 'a.hbs'))).toBe(
      '模板 a.hbs 第 2 行（模板输出）：<td> 不支持属性 style',
    );
  });

  it('rejects rows that do not tile the columns, and overlapping spans', () => {
    expect(errorOf(() => table('<table><col width="1"><col width="1">\n<tr><td>a</td></tr></table>'))).toBe(
      '模板 t.hbs 第 2 行（模板输出）：这一行第 2 列空缺：每行的单元格（含上方跨行的）应正好铺满 2 列',
    );
    expect(errorOf(() => table('<table><col width="1"><tr><td colspan="2">a</td></tr></table>'))).toBe(
      '模板 t.hbs 第 1 行（模板输出）：这一行的单元格超出了 1 列',
    );
    expect(errorOf(() => table('<table><col width="1"><tr><td rowspan="3">a</td></tr><tr></tr></table>'))).toBe(
      '模板 t.hbs 第 1 行（模板输出）：rowspan="3" 超出了表格的最后一行',
    );
    expect(errorOf(() => table('<table><col width="1"><tr><td rowspan="x">a</td></tr></table>'))).toBe(
      '模板 t.hbs 第 1 行（模板输出）：rowspan="x" 应为不小于 1 的整数',
    );
  });

  // A top-level table is read a row at a time as its rows close (the 汇总表's front table is never
  // a whole tree): what comes first in the markup is still found wrong first, as over the whole tree.
  it('says the first mistake in the markup, though a table’s rows are read as they close', () => {
    const parse = (markup: string) => errorOf(() => parseMarkup(markup, 't.hbs'));
    const badRow = '<tr><td colspan="x">a</td></tr>';
    expect(parse(`<h1 x="1">t</h1>\n<table><col width="1">${badRow}</table>`)).toBe('模板 t.hbs 第 1 行（模板输出）：<h1> 不支持属性 x');
    expect(parse(`<h1>t</h1>文字\n<table><col width="1">${badRow}</table>`)).toBe('模板 t.hbs 第 1 行（模板输出）：此处不能有文字「文字」，只能是 <h1> <h2> <table> <page-break>');
    expect(parse(`<h1>t</h1>\n<table bogus="1">\n<col width="1">\n${badRow}</table>`)).toBe('模板 t.hbs 第 2 行（模板输出）：<table> 不支持属性 bogus');
    expect(parse(`<table><col width="1">\n<tr><td>a</td></tr>\n<h2>x</h2>${badRow}</table>`)).toBe('模板 t.hbs 第 3 行（模板输出）：<h2> 不能放在这里；此处只能是 <tr>');
    // Cells are placed once the table has closed, before its size is checked and before what follows it.
    expect(parse(`<table size="0"><col width="1">\n<tr><td>a</td></tr>\n<tr><td>b</td><td>c</td></tr></table>\n<p>`)).toBe(
      '模板 t.hbs 第 3 行（模板输出）：这一行的单元格超出了 1 列',
    );
    expect(parse(`<table size="0"><col width="1">\n<tr><td>a</td></tr></table>\n<p>`)).toBe('模板 t.hbs 第 1 行（模板输出）：size="0" 应为正数');
    // The grid of a table read a row at a time.
    const rows = '<tr class="repeat"><td>序号</td><td>名称</td></tr>\n<tr><td rowspan="2">1</td><td>甲</td></tr><tr><td>乙</td></tr>';
    const whole = parseMarkup(`<h1>t</h1><table><col width="1"><col width="2">${rows}</table><page-break/><h2>二</h2>`, 't.hbs');
    expect(whole).toEqual([
      {
        blocks: [
          { type: 'heading', level: 1, text: 't' },
          {
            type: 'table',
            widths: [1, 2],
            rows: [
              { repeat: true, cells: [cellOf('序号', 0), cellOf('名称', 1)] },
              { repeat: false, cells: [{ ...cellOf('1', 0), rowSpan: 2 }, cellOf('甲', 1)] },
              { repeat: false, cells: [cellOf('乙', 1)] },
            ],
          },
        ],
      },
      { blocks: [{ type: 'heading', level: 2, text: '二' }] },
    ]);
  });
});

const cellOf = (text: string, col: number): GridCell => ({ col, rowSpan: 1, colSpan: 1, text, role: 'value', align: 'left', valign: 'middle' });

describe('checkTemplateSource', () => {
  it('checks the template as written, with the template’s own line numbers', () => {
    const source = '{{!-- a comment\nover two lines --}}\n<h1>{{title}}</h1>\n<span>{{x}}</span>';
    expect(errorOf(() => checkTemplateSource(source, 'templates/x.hbs'))).toBe(
      '模板 templates/x.hbs 第 4 行：<span> 不在支持的标记范围内；此处只能是 <h1> <h2> <table> <page-break>',
    );
  });

  it('refuses unescaped output, with or without whitespace control', () => {
    for (const tag of ['{{{title}}}', '{{&title}}', '{{~{title}~}}', '{{~&title}}', '{{~& title}}', '{{ &title}}']) {
      expect(errorOf(() => checkTemplateSource(`<h1>\n${tag}</h1>`, 'x.hbs')), tag).toBe('模板 x.hbs 第 2 行：不允许用 {{{…}}} 或 {{&…}} 输出不转义的内容');
    }
  });

  it('is applied when an office’s template folder is loaded', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-templates-'));
    try {
      await mkdir(path.join(dir, 'partials'));
      await writeFile(path.join(dir, 'declaration.hbs'), '<h1>{{name}}</h1>\n<p>{{name}}</p>');
      await writeFile(path.join(dir, 'summary.hbs'), '<h1>{{title}}</h1>');
      await expect(loadTemplates(dir)).rejects.toThrow(`模板 ${path.join(dir, 'declaration.hbs')} 第 2 行：<p> 不在支持的标记范围内`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a template naming a field the view does not have', () => {
  it('fails with the template, line and field', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-templates-'));
    try {
      await writeFile(path.join(dir, 'declaration.hbs'), '<h1>{{name}}</h1>\n<h2>{{nmae}}</h2>');
      await writeFile(path.join(dir, 'summary.hbs'), '<h1>{{title}}</h1>');
      const templates = await loadTemplates(dir);
      expect(errorOf(() => declarationDocument(templates, loadSeed().projects[0]!, 2023, 0))).toBe(
        `模板 ${path.join(dir, 'declaration.hbs')} 第 2 行：没有名为「nmae」的字段`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the 申报表 template', () => {
  it('escapes data: markup in a value is printed as text', async () => {
    const project = { ...loadSeed().projects[0]!, name: '<td>注入</td>&' };
    const document = declarationDocument(await loadTemplates(), project, 2023, 0);
    const table = document.sections[0]!.blocks[2] as GridTable;
    expect(table.rows[0]!.cells[1]!.text).toBe('<td>注入</td>&');
  });

  it('merges 一级/二级 labels down their groups (seed form 1)', async () => {
    const seed = loadSeed();
    const document = declarationDocument(await loadTemplates(), seed.projects[0]!, seed.year, 0);
    const table = document.sections[0]!.blocks[2] as GridTable;
    expect(table.widths).toHaveLength(7);
    const labels = table.rows
      .flatMap((row) => row.cells)
      .filter((cell) => cell.path?.[2] === 'indicators' && /^level[12]$/.test(String(cell.path[4])))
      .map((cell) => [cell.text, cell.col, cell.rowSpan]);
    expect(labels).toEqual([
      ['产出指标', 1, 6], ['数量指标', 2, 3], ['质量指标', 2, 2], ['时效指标', 2, 1],
      ['效益指标', 1, 4], ['社会效益指标', 2, 3], ['可持续影响指标', 2, 1],
      ['满意度指标', 1, 2], ['服务对象满意度指标', 2, 2],
    ]);
    const block = table.rows.flatMap((row) => row.cells).find((cell) => cell.text === '绩效指标')!;
    expect([block.col, block.rowSpan]).toEqual([0, 13]);
    expect(table.rows.filter((row) => row.repeat)).toHaveLength(1);
  });
});

describe('paths from the cells back to the data', () => {
  const cells = (table: GridTable) => table.rows.flatMap((row) => row.cells);
  const byPath = (table: GridTable) =>
    Object.fromEntries(cells(table).filter((c) => c.path).map((c: GridCell) => [JSON.stringify(c.path), c.text]));

  it('every value cell of a 申报表 names its absolute path (seed form 3)', async () => {
    const seed = loadSeed();
    const project = seed.projects[2]!;
    const document = declarationDocument(await loadTemplates(), project, seed.year, 2);
    const [title, year, table] = document.sections[0]!.blocks as [{ path?: unknown }, { path?: unknown; text: string }, GridTable];
    expect(title.path).toBeUndefined();
    expect([year.path, year.text]).toEqual([['year'], '(2023年度)']);

    const values = byPath(table);
    expect(values[JSON.stringify(['projects', 2, 'funds', 'annual', 'total'])]).toBe('24,820.00');
    expect(values[JSON.stringify(['projects', 2, 'name'])]).toBe('残疾人就业保障金');
    expect(values[JSON.stringify(['projects', 2, 'annualGoal'])]).toBe('按时缴纳 残疾人就业保障金');
    const last = project.indicators.length - 1;
    expect(values[JSON.stringify(['projects', 2, 'indicators', last, 'target'])]).toBe(project.indicators[last]!.target);

    // Every path is under the project, and no two cells claim the same value.
    const paths = cells(table).flatMap((c) => (c.path ? [JSON.stringify(c.path)] : []));
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.every((p) => p.startsWith('["projects",2,'))).toBe(true);
    // Labels carry none but the 一级/二级 names and the goal column's heading (data printed as labels):
    // the value cells are exactly the paths listed.
    const labelled = cells(table).filter((c) => c.role === 'label' && c.path).map((c) => c.path!.at(-1));
    expect(new Set(labelled)).toEqual(new Set(['level1', 'level2', 'overallGoalHeading']));
    expect(paths).toHaveLength(7 + 7 + 2 + 2 * project.indicators.length + labelled.length);
  });

  it('the 汇总表: title, every project row, nothing on 序号 and 合计; the forms keep their own', async () => {
    const seed = loadSeed();
    const document = summaryDocument(await loadTemplates(), seed);
    const [title, table] = document.sections[0]!.blocks as [{ path?: unknown; text: string }, GridTable];
    expect([title.path, title.text]).toEqual([['title'], seed.title]);

    const rows = table.rows.map((row) => row.cells.map((c) => c.path ?? null));
    const row = (i: number) =>
      [null, 'name', 'nature', 'category', 'implementer'].map((f) => (f ? ['projects', i, f] : null))
        .concat(['total', 'fiscal', 'carryover', 'other'].map((f) => ['projects', i, 'funds', 'annual', f]));
    expect(rows).toEqual([
      Array(9).fill(null),
      ...seed.projects.map((_, i) => row(i)),
      Array(5).fill(null), // 合计 and its four sums: computed, no path
    ]);
    expect(byPath(table)[JSON.stringify(['projects', 2, 'funds', 'annual', 'total'])]).toBe('24,820.00');

    // The forms that follow: the 4th form's year line and values point into projects[3].
    const fourth = document.sections.filter((s) => s.bookmark)[3]!;
    expect((fourth.blocks[1] as { path?: unknown }).path).toEqual(['year']);
    expect(cells(fourth.blocks[2] as GridTable).find((c) => c.path)!.path).toEqual(['projects', 3, 'name']);
  });
});
