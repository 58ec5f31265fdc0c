// The markup subset: what it accepts becomes the grid with resolved slots; anything else is an
// error naming the template and line.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { declarationDocument, loadTemplates, parseMarkup, type GridTable } from '../src/index.js';
import { checkTemplateSource } from '../src/layout/markup.js';
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
    expect(t.rows[0]!.cells[1]).toMatchObject({ align: 'right', role: 'label', field: 'x', valign: 'middle' });
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
});

describe('checkTemplateSource', () => {
  it('checks the template as written, with the template’s own line numbers', () => {
    const source = '{{!-- a comment\nover two lines --}}\n<h1>{{title}}</h1>\n<span>{{x}}</span>';
    expect(errorOf(() => checkTemplateSource(source, 'templates/x.hbs'))).toBe(
      '模板 templates/x.hbs 第 4 行：<span> 不在支持的标记范围内；此处只能是 <h1> <h2> <table> <page-break>',
    );
  });

  it('refuses unescaped output', () => {
    expect(errorOf(() => checkTemplateSource('<h1>\n{{{title}}}</h1>', 'x.hbs'))).toBe(
      '模板 x.hbs 第 2 行：不允许用 {{{…}}} 或 {{&…}} 输出不转义的内容',
    );
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
      expect(errorOf(() => declarationDocument(templates, loadSeed().projects[0]!, 2023))).toBe(
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
    const document = declarationDocument(await loadTemplates(), project, 2023);
    const table = document.sections[0]!.blocks[2] as GridTable;
    expect(table.rows[0]!.cells[1]!.text).toBe('<td>注入</td>&');
  });

  it('merges 一级/二级 labels down their groups (seed form 1)', async () => {
    const seed = loadSeed();
    const document = declarationDocument(await loadTemplates(), seed.projects[0]!, seed.year);
    const table = document.sections[0]!.blocks[2] as GridTable;
    expect(table.widths).toHaveLength(7);
    const labels = table.rows
      .flatMap((row) => row.cells)
      .filter((cell) => /^indicators\.\d+\.level[12]$/.test(cell.field ?? ''))
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
