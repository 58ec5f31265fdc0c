// The Word writer: each seed form's exact grid in the .docx (rows, columns, merges, text), the
// page and fonts, header rows that repeat, rows that never split, merged cells as docx writes a
// rowSpan, properties, cells written once and again, the zip streamed, determinism.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { Document, Packer, Table, TableCell, TableRow, WidthType } from 'docx';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { declarationDocument, summaryDocument } from '../src/layout/forms.js';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import type { GridCell, GridDocument, GridSection, GridTable } from '../src/layout/grid.js';
import { readDocx, type DocxTable } from '../src/extract/docx-read.js';
import { strFromU8, unzipSync } from 'fflate';
import { summarySections } from '../src/layout/forms.js';
import { FORM_PAGE } from '../src/layout/page-style.js';
import { docxChunks, renderDocx, wordBlocks, wordDocument, wordTableParts, type DocxOptions } from '../src/render/docx.js';
import { zipChunks } from '../src/render/docx-zip.js';
import { CLI, ROOT } from './support/cli.js';
import { buildDocx, part, readBytes } from './support/docx.js';
import { loadSeed } from './support/seed.js';

const seed = loadSeed();
let templates: FormTemplates;
let seedDir: string;
beforeAll(async () => {
  templates = await loadTemplates();
  seedDir = await buildDocx('data/minhang-2023.json');
}, 60_000);

const formFile = (i: number) => {
  const name = readFileSync(path.join(seedDir, 'manifest.json'), 'utf8');
  const files = (JSON.parse(name) as { files: Array<{ name: string }> }).files.map((f) => f.name);
  return path.join(seedDir, files.find((f) => f.startsWith(`${String(i + 1).padStart(2, '0')}-`) && f.endsWith('.docx'))!);
};

/** The Word tables a grid's tables must become: cells starting in each row, with spans and text. */
function expectedTables(grid: GridDocument): Array<Pick<DocxTable, 'gridColumns' | 'rows'>> {
  const tables = grid.sections.flatMap((s) => s.blocks).filter((b): b is GridTable => b.type === 'table');
  return tables.flatMap((table) =>
    wordTableParts(table).map((rows) => ({
      gridColumns: table.widths.length,
      rows: rows.map((row, r) => row.cells.map((cell) => ({ row: r, col: cell.col, rowSpan: cell.rowSpan, colSpan: cell.colSpan, text: cell.text }))),
    })),
  );
}

describe('each seed form in Word has the grid of the form', () => {
  it.each(seed.projects.map((p, i) => [i + 1, p.name, i] as const))('form %i %s: rows, columns, merges and text', async (_, __, i) => {
    const content = await readDocx(readBytes(formFile(i)));
    const words = content.blocks.filter((b): b is DocxTable => b.type === 'table').map(({ gridColumns, rows }) => ({ gridColumns, rows }));
    expect(words).toEqual(expectedTables(declarationDocument(templates, seed.projects[i]!, seed.year, i)));
    // Outside the tables: the title and the year line, then nothing but the joint between them.
    expect(content.blocks.filter((b) => b.type === 'paragraph').map((b) => (b.type === 'paragraph' ? b.text : ''))).toEqual([
      '财政项目支出绩效目标申报表',
      '(2023年度)',
      '',
    ]);
  });

  it('form 1 培训费, spelled out: the upper table and the indicator table with its merged groups', async () => {
    const [upper, indicators] = (await readDocx(readBytes(formFile(0)))).blocks.filter((b): b is DocxTable => b.type === 'table');
    const spans = (t: DocxTable) => t.rows.map((row) => row.map((c) => `${c.text}@${c.col}:${c.rowSpan}x${c.colSpan}`));
    expect(spans(upper!)).toEqual([
      ['项目名称@0:1x1', '培训费@1:1x2', '项目性质@3:1x1', '经常性项目@4:1x1', '项目类别@5:1x1', '特定目标类@6:1x1'],
      ['主管部门@0:1x1', '上海市闵行区地区工作办公室（汇总）@1:1x2', '实施单位@3:1x2', '上海市闵行区地区工作办公室@5:1x2'],
      ['计划开始日期@0:1x1', '2023-01-01@1:1x2', '计划完成日期@3:1x2', '2023-12-31@5:1x2'],
      ['项目资金（元）@0:4x1', '项目资金总额@1:1x1', '@2:1x1', '年度资金申请总额@3:1x2', '200,000.00@5:1x2'],
      ['其中：财政资金@1:2x1', '@2:2x1', '其中：当年财政拨款@3:1x2', '200,000.00@5:1x2'],
      ['上年结转资金@3:1x2', '0.00@5:1x2'],
      ['其他资金@1:1x1', '@2:1x1', '其他资金@3:1x2', '0.00@5:1x2'],
      ['项目绩效目标@0:2x1', '项目总目标@1:1x2', '年度总体目标@3:1x4'],
      ['@1:1x2', `${seed.projects[0]!.annualGoal}@3:1x4`],
    ]);
    const rows = spans(indicators!);
    expect(rows[0]).toEqual(['绩效指标@0:13x1', '一级指标@1:1x1', '二级指标@2:1x1', '三级指标@3:1x3', '年度(/项目)指标值@6:1x1']);
    expect(rows).toHaveLength(13);
    // 产出 over 6 rows (数量 3, 质量 2, 时效 1), 效益 over 4 (社会 3, 可持续 1), 满意度 over 2.
    expect(rows.map((row) => row.filter((c) => /指标@[12]:/.test(c)))).toEqual([
      ['一级指标@1:1x1', '二级指标@2:1x1'],
      ['产出指标@1:6x1', '数量指标@2:3x1'],
      [],
      [],
      ['质量指标@2:2x1'],
      [],
      ['时效指标@2:1x1'],
      ['效益指标@1:4x1', '社会效益指标@2:3x1'],
      [],
      [],
      ['可持续影响指标@2:1x1'],
      ['满意度指标@1:2x1', '服务对象满意度指标@2:2x1'],
      [],
    ]);
    expect(rows[1]!.slice(2)).toEqual(['社会治理培训完成次数@3:1x3', '≥4(次)@6:1x1']);
  });

  it('the 汇总表.docx: the front table, then every form, each starting a new page', async () => {
    const bytes = readBytes(path.join(seedDir, '汇总表.docx'));
    const words = (await readDocx(bytes)).blocks.filter((b): b is DocxTable => b.type === 'table').map(({ gridColumns, rows }) => ({ gridColumns, rows }));
    expect(words).toEqual(expectedTables(summaryDocument(templates, seed)));
    const xml = part(bytes, 'word/document.xml');
    // One page break before each form; none inside a form (Word flows its own pages).
    expect(xml.match(/<w:pageBreakBefore\/>/g)).toHaveLength(seed.projects.length);
    expect(xml).not.toMatch(/w:type="page"/);
  });
});

describe('Word page, fonts and table properties come from the grid', () => {
  let xml: string;
  beforeAll(() => {
    xml = part(readBytes(formFile(0)), 'word/document.xml');
  });

  it('A4 with the PDF margins; the footer 第 X 页 共 Y 页 as fields', () => {
    expect(xml).toContain('<w:pgSz w:w="11906" w:h="16838" w:orient="portrait"/>');
    expect(xml).toMatch(/<w:pgMar w:top="720" w:right="720" w:bottom="960" w:left="720" /);
    const footer = part(readBytes(path.join(seedDir, '汇总表.docx')), 'word/footer1.xml');
    expect(footer.replace(/<[^>]+>/g, '')).toBe('第 PAGE 页 共 NUMPAGES 页');
    expect(footer).toMatch(/<w:instrText xml:space="preserve">PAGE<\/w:instrText>/);
    expect(footer).toMatch(/<w:instrText xml:space="preserve">NUMPAGES<\/w:instrText>/);
  });

  it('fixed column widths summing to the text width, rows that never split, the indicator header repeated', () => {
    expect(xml.match(/<w:tblLayout w:type="fixed"\/>/g)).toHaveLength(2);
    const grids = [...xml.matchAll(/<w:tblGrid>(.*?)<\/w:tblGrid>/g)].map((m) => [...m[1]!.matchAll(/w:w="(\d+)"/g)].map((w) => Number(w[1])));
    expect(grids).toHaveLength(2);
    for (const widths of grids) expect(widths.reduce((a, b) => a + b, 0)).toBe(11906 - 720 - 720);
    expect(grids[0]).toEqual(grids[1]);
    const rows = xml.match(/<w:tr>.*?<\/w:tr>|<w:tr .*?<\/w:tr>/g)!;
    expect(rows).toHaveLength(9 + 13);
    for (const row of rows) expect(row).toContain('<w:cantSplit/>');
    // Only the 绩效指标 header row, the first row of the second table, repeats.
    expect(rows.map((row) => row.includes('<w:tblHeader/>'))).toEqual([...Array(9).fill(false), true, ...Array(12).fill(false)]);
    // Word's defaults are not written out: a row that is not a header, a height that fits the text.
    expect(xml).not.toMatch(/<w:tblHeader w:val|<w:trHeight/);
  });

  it('宋体 for Chinese (zh-CN), Times New Roman for digits; fallbacks in the font table (Liberation Serif: same widths as Times New Roman); the title bold at 18 pt', () => {
    const bytes = readBytes(formFile(0));
    const styles = part(bytes, 'word/styles.xml');
    expect(styles).toMatch(/<w:rFonts w:ascii="Times New Roman" w:cs="Times New Roman" w:eastAsia="SimSun" w:hAnsi="Times New Roman" w:hint="eastAsia"\/>/);
    expect(styles).toMatch(/<w:lang w:val="en-US" w:eastAsia="zh-CN"\/>/);
    expect(styles).toMatch(/<w:sz w:val="21"\/>/);
    expect(part(bytes, 'word/fontTable.xml')).toBe(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
        '<w:font w:name="SimSun"><w:altName w:val="Noto Serif CJK SC"/><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>' +
        '<w:font w:name="Times New Roman"><w:altName w:val="Liberation Serif"/><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>' +
        '</w:fonts>',
    );
    expect(xml).toMatch(/<w:b\/>.*?<w:sz w:val="36"\/>.*?财政项目支出绩效目标申报表/);
  });

  it('--docx-font names another East Asian font, with its Windows successor as fallback', async () => {
    const grid = declarationDocument(templates, seed.projects[0]!, seed.year, 0);
    const bytes = await renderDocx(grid, { creationDate: new Date(0), title: 't', fonts: { eastAsia: '仿宋_GB2312' } });
    expect(part(bytes, 'word/styles.xml')).toContain('w:eastAsia="仿宋_GB2312"');
    expect(part(bytes, 'word/fontTable.xml')).toContain('<w:font w:name="仿宋_GB2312"><w:altName w:val="FangSong"/>');
  });

  it('properties: title and subject, no personal data, the build date, the packet fields a form does not print', async () => {
    const bytes = readBytes(formFile(0));
    const core = part(bytes, 'docProps/core.xml');
    expect(core).toContain('<dc:title>培训费</dc:title>');
    expect(core).toContain(`<dc:subject>${seed.title}</dc:subject>`);
    expect(core).toContain('<dc:creator>shenbao</dc:creator><cp:lastModifiedBy>shenbao</cp:lastModifiedBy>');
    expect(core).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2023-01-01T00:00:00Z</dcterms:created>');
    expect(core).toContain('<dcterms:modified xsi:type="dcterms:W3CDTF">2023-01-01T00:00:00Z</dcterms:modified>');
    // The seed names no schema (the folder's .vscode/settings.json does), so no shenbao数据格式 property.
    expect((await readDocx(bytes)).custom).toEqual({ 汇总表标题: seed.title, 单位: seed.unit });
    const app = part(bytes, 'docProps/app.xml');
    expect(app).not.toMatch(/<Company>|<Manager>/);
  });

  it('XML special characters in a title stay valid XML', async () => {
    const grid = declarationDocument(templates, seed.projects[0]!, seed.year, 0);
    const bytes = await renderDocx(grid, { creationDate: new Date(0), title: 'R&D <预算> "x"', subject: 'a&b' });
    expect(part(bytes, 'docProps/core.xml')).toContain('<dc:title>R&amp;D &lt;预算&gt; &quot;x&quot;</dc:title>');
    expect((await readDocx(bytes)).core.title).toBe('R&D <预算> "x"');
  });
});

describe('what the forms do not show', () => {
  const cell = (col: number, rowSpan: number, colSpan: number, text: string, align: 'left' | 'center' | 'right', valign: 'top' | 'middle' | 'bottom') =>
    ({ col, rowSpan, colSpan, text, align, valign, role: 'value' }) as const;
  // Escapes, a heading of two lines and an empty one, a merged cell of two paragraphs, a header
  // row lower down, a table-first section, a small type size, spaces kept.
  const edges = (): GridDocument => ({
    page: FORM_PAGE,
    sections: [
      {
        blocks: [
          { type: 'heading', level: 1, text: 'R&D <预算> "甲" \'乙\'\n第二行' },
          { type: 'heading', level: 2, text: '' },
          {
            type: 'table',
            widths: [1, 2, 3],
            fontSize: 9,
            rows: [
              { repeat: true, cells: [cell(0, 3, 1, '一\n二', 'left', 'top'), cell(1, 1, 2, '', 'right', 'bottom')] },
              { repeat: false, cells: [cell(1, 1, 1, ' x  y ', 'center', 'middle'), cell(2, 1, 1, 'z', 'center', 'middle')] },
              { repeat: false, cells: [cell(1, 1, 2, 'w', 'left', 'middle')] },
              { repeat: true, cells: [cell(0, 1, 3, '表头', 'center', 'middle')] },
              { repeat: false, cells: [cell(0, 2, 1, '甲', 'center', 'middle'), cell(1, 1, 2, '乙', 'right', 'top')] },
              { repeat: false, cells: [cell(1, 1, 2, '丙', 'right', 'top')] },
            ],
          },
        ],
      },
      { blocks: [{ type: 'table', widths: [1], rows: [{ repeat: false, cells: [cell(0, 1, 1, 'only', 'left', 'top')] }] }] },
      { bookmark: 'x', blocks: [{ type: 'heading', level: 1, text: 'third' }] },
    ],
  });

  it('read back: the text as given, the merges, the two tables of the header row lower down, each section on a new page', async () => {
    const bytes = await renderDocx(edges(), { creationDate: new Date(0), title: 't' });
    const blocks = (await readDocx(bytes)).blocks;
    const tablesRead = blocks.filter((b): b is DocxTable => b.type === 'table');
    expect(tablesRead.map(({ gridColumns, rows }) => ({ gridColumns, rows }))).toEqual(expectedTables(edges()));
    expect(tablesRead.map((t) => t.headerRows)).toEqual([[true, false, false], [true, false, false], [false]]);
    // Between the tables: the joint, and the paragraph that starts the table-first section's page.
    expect(blocks.map((b) => (b.type === 'paragraph' ? b.text : 'table'))).toEqual(['R&D <预算> "甲" \'乙\'\n第二行', '', 'table', '', 'table', '', 'table', 'third']);
    const xml = part(bytes, 'word/document.xml');
    expect(xml.match(/<w:p>.{0,40}<w:pageBreakBefore\/>/g)).toEqual(['<w:p><w:pPr><w:pageBreakBefore/>', '<w:p><w:pPr><w:keepNext/><w:pageBreakBefore/>']);
    expect(xml).toContain('<w:t xml:space="preserve"> x  y </w:t>');
    // 9-pt cells; the document's own size (10.5 pt) is not repeated in each run.
    expect(xml.match(/<w:sz w:val="18"\/>/g)).toHaveLength(10);
    expect(xml).not.toContain('<w:sz w:val="21"/>');
  });

  it('merged cells: each row has the cells docx gives a rowSpan (width, span, vMerge), a table in slices too', async () => {
    const indicators = Array.from({ length: 130 }, (_, i) => ({ level1: '产出指标', level2: i < 70 ? '数量指标' : '质量指标', name: `指标${i + 1}`, target: `≥${i + 1}(次)` }));
    const grids = [declarationDocument(templates, seed.projects[0]!, seed.year, 0), edges(), declarationDocument(templates, { ...seed.projects[0]!, indicators }, seed.year, 0)];
    for (const grid of grids) {
      const xml = part(await renderDocx(grid, { creationDate: new Date(0), title: 't' }), 'word/document.xml');
      const columns = [...xml.matchAll(/<w:tblGrid>(.*?)<\/w:tblGrid>/g)].map((m) => [...m[1]!.matchAll(/w:w="(\d+)"/g)].map((w) => Number(w[1])));
      const parts = grid.sections.flatMap((s) => s.blocks).flatMap((b) => (b.type === 'table' ? wordTableParts(b) : []));
      expect(parts).toHaveLength(columns.length);
      // docx's own: the cells begun in each row, given their rowSpan; docx adds the rest.
      const tables = parts.map(
        (rows, t) =>
          new Table({
            columnWidths: columns[t]!,
            rows: rows.map(
              (row) =>
                new TableRow({
                  children: row.cells.map((cell) => {
                    const size = columns[t]!.slice(cell.col, cell.col + cell.colSpan).reduce((a, b) => a + b, 0);
                    return new TableCell({ width: { size, type: WidthType.DXA }, rowSpan: cell.rowSpan, columnSpan: cell.colSpan, children: [] });
                  }),
                }),
            ),
          }),
      );
      const docx = part(await Packer.toBuffer(new Document({ sections: [{ children: tables }] })), 'word/document.xml');
      expect(placed(xml)).toEqual(placed(docx));
      // A continuing cell in each row a merged cell covers below its first.
      const below = parts.flatMap((rows) => rows.flatMap((row, r) => row.cells.map((cell) => Math.min(cell.rowSpan, rows.length - r) - 1)));
      expect(xml.match(/<w:vMerge w:val="continue"\/>/g)?.length ?? 0).toBe(below.reduce((a, b) => a + b, 0));
    }
  }, 60_000);
});

/** Each row's cells as what places them: width, span and vMerge. */
const placed = (xml: string) =>
  (xml.match(/<w:tr>.*?<\/w:tr>/g) ?? []).map((row) => (row.match(/<w:tcPr>.*?<\/w:tcPr>/g) ?? []).map((pr) => (pr.match(/<w:(tcW|gridSpan|vMerge) [^>]*\/>/g) ?? []).join('')));

/** The Packer's document.xml and every part, packed whole in one go: the model of what is streamed. */
async function packedWhole(sections: readonly GridSection[], options: DocxOptions): Promise<Record<string, Uint8Array>> {
  return unzipSync(await Packer.toBuffer(wordDocument(FORM_PAGE, wordBlocks(sections), options)));
}

/**
 * The package streamed, and the rows of each table docx's object model serialised on the way
 * (`Table.prepForXml`, what Packer calls too): a long table a slice at a time, never whole.
 */
async function streamed(sections: readonly GridSection[], options: DocxOptions): Promise<{ entries: Record<string, Uint8Array>; rowsPerTable: number[] }> {
  const prepare = vi.spyOn(Table.prototype, 'prepForXml');
  try {
    const chunks: Uint8Array[] = [];
    for await (const chunk of docxChunks(FORM_PAGE, sections, options)) chunks.push(chunk);
    const rowsPerTable = prepare.mock.results.map((result) => ((result.value as { 'w:tbl': Array<Record<string, unknown>> })['w:tbl'] ?? []).filter((child) => 'w:tr' in child).length);
    return { entries: unzipSync(Buffer.concat(chunks)), rowsPerTable };
  } finally {
    prepare.mockRestore();
  }
}

/** Streamed and whole are the same package but for what this writes itself: core.xml (fixed dates) and the font table (fallbacks). */
function expectSamePackage(stream: Record<string, Uint8Array>, whole: Record<string, Uint8Array>) {
  expect(strFromU8(stream['word/document.xml']!)).toBe(strFromU8(whole['word/document.xml']!));
  const ours = ['docProps/core.xml', 'word/fontTable.xml', 'word/_rels/fontTable.xml.rels'];
  expect(Object.keys(stream).sort()).toEqual(Object.keys(whole).filter((name) => name !== 'word/_rels/fontTable.xml.rels').sort());
  for (const name of Object.keys(stream).filter((n) => !ours.includes(n))) expect(strFromU8(stream[name]!), name).toBe(strFromU8(whole[name]!));
}

describe('the 汇总表 written as it is made', () => {
  const options = { creationDate: new Date('2023-06-30T08:00:00Z'), title: '汇总', subject: '单位', properties: { 单位: '某单位' } };
  /** The seed's projects repeated to n, each name made unique. */
  const packetOf = (n: number) => ({ ...seed, projects: Array.from({ length: n }, (_, i) => ({ ...seed.projects[i % 10]!, name: `${seed.projects[i % 10]!.name}（第${i + 1}项）` })) });

  it('the seed’s: word/document.xml is the one docx packs whole, and the other parts are docx’s', async () => {
    const sections = [...summarySections(templates, seed)];
    const { entries } = await streamed(sections, options);
    expectSamePackage(entries, await packedWhole(sections, options));
    // And the same as the 汇总表 made from its whole grid.
    const whole = unzipSync(await renderDocx(summaryDocument(templates, seed), options));
    for (const name of Object.keys(whole)) expect(Buffer.from(entries[name]!).equals(Buffer.from(whole[name]!)), name).toBe(true);
  });

  it('12 forms and the list of 150 projects: each table serialised on its own, the list in slices of 100 rows; the result is what docx packs whole', async () => {
    const all = summarySections(templates, packetOf(150));
    const sections = Array.from({ length: 13 }, () => all.next().value as GridSection);
    const rows = sections.flatMap((s) => s.blocks).reduce((n, b) => n + (b.type === 'table' ? b.rows.length : 0), 0);
    const { entries, rowsPerTable } = await streamed(sections, options);
    // The list (a header row, 150 projects, 合计) in two slices; then each form's two tables.
    expect(rowsPerTable.slice(0, 2)).toEqual([100, 52]);
    expect(rowsPerTable).toHaveLength(2 + 12 * 2);
    expect(Math.max(...rowsPerTable)).toBeLessThanOrEqual(100);
    expect(rowsPerTable.reduce((a, b) => a + b, 0)).toBe(rows);
    expectSamePackage(entries, await packedWhole(sections, options));
  }, 60_000);

  it('a form of 250 indicators: its table packed in slices, the merged 绩效指标, 一级 and 二级 cells continuing across them, as docx packs it whole', async () => {
    const indicators = ['产出指标', '效益指标'].flatMap((level1) =>
      Array.from({ length: 125 }, (_, i) => ({ level1, level2: level1 === '产出指标' ? '数量指标' : '社会效益指标', name: `指标${i + 1}`, target: `≥${i + 1}(次)` })),
    );
    const sections = declarationDocument(templates, { ...seed.projects[0]!, indicators }, seed.year, 0).sections;
    const { entries, rowsPerTable } = await streamed(sections, options);
    // The upper table (9 rows), then the indicator table (its header and 250 rows) in slices of 100.
    expect(rowsPerTable).toEqual([9, 100, 100, 51]);
    expectSamePackage(entries, await packedWhole(sections, options));
  }, 60_000);

  it('a document.xml of many batches is deflated as one stream: the size zlib makes of the whole, within 1%', async () => {
    const sections = [...summarySections(templates, packetOf(40))];
    const chunks: Uint8Array[] = [];
    for await (const chunk of docxChunks(FORM_PAGE, sections, options)) chunks.push(chunk);
    const deflated = new Map<string, number>();
    const entries = unzipSync(Buffer.concat(chunks), { filter: (file) => (deflated.set(file.name, file.size), true) });
    const xml = entries['word/document.xml']!;
    // Deflated 262,144 characters at a time: five batches at least.
    expect(strFromU8(xml).length).toBeGreaterThan(4 * 262_144);
    const whole = deflateRawSync(xml, { level: 6 }).length;
    expect(Math.abs(deflated.get('word/document.xml')! / whole - 1)).toBeLessThan(0.01);
  }, 60_000);

  it('a part named twice is a bug, not a second entry', async () => {
    const part = { name: 'word/document.xml', pieces: ['<w:document/>'] };
    await expect(async () => {
      for await (const _ of zipChunks([part, part]));
    }).rejects.toThrow('bug: word/document.xml twice in one zip');
  });
});

describe('cells docx has written once, written again', () => {
  const options = { creationDate: new Date(0), title: 't' };
  /** The writer as a new process has it: the module loaded again, knowing no cell. */
  const freshWriter = async () => {
    vi.resetModules();
    return import('../src/render/docx.js');
  };
  const cell = (col: number, colSpan: number, text: string, more: Partial<GridCell> = {}): GridCell => ({ col, rowSpan: 1, colSpan, text, align: 'center', valign: 'middle', role: 'label', ...more });
  const table = (widths: number[], rows: GridCell[][]): GridDocument => ({ page: FORM_PAGE, sections: [{ blocks: [{ type: 'table', widths, rows: rows.map((cells) => ({ repeat: false, cells })) }] }] });

  // Two tables each, whose cells of the text x differ in one thing only ([1, 1, 2]: the first two
  // columns are as wide as the third). Each pair has its own x, so that no other cell is known with it.
  const pairs: Array<[string, (x: string) => [GridDocument, GridDocument]]> = [
    ['width', (x) => [table([1, 3], [[cell(0, 1, x), cell(1, 1, '乙')]]), table([3, 1], [[cell(0, 1, x), cell(1, 1, '乙')]])]],
    ['span', (x) => [table([1, 1, 2], [[cell(0, 2, x), cell(2, 1, '乙')]]), table([1, 1, 2], [[cell(0, 1, '乙'), cell(1, 1, '乙'), cell(2, 1, x)]])]],
    ['merge', (x) => [table([1, 1], [[cell(0, 1, x, { rowSpan: 2 }), cell(1, 1, '乙')], [cell(1, 1, '乙')]]), table([1, 1], [[cell(0, 1, x), cell(1, 1, '乙')], [cell(0, 1, '丙'), cell(1, 1, '乙')]])]],
    ['alignment', (x) => [table([1], [[cell(0, 1, x, { align: 'left' })]]), table([1], [[cell(0, 1, x, { align: 'right' })]])]],
    ['vertical alignment', (x) => [table([1], [[cell(0, 1, x, { valign: 'top' })]]), table([1], [[cell(0, 1, x, { valign: 'bottom' })]])]],
    ['type size', (x) => [table([1], [[cell(0, 1, x, { fontSize: 9 })]]), table([1], [[cell(0, 1, x)]])]],
  ];
  it.each(pairs)('cells that differ in their %s only are not taken for each other', async (name, pair) => {
    const [first, second] = pair(`${name}的格`);
    // Twice: a cell is kept from the second time it comes.
    for (let i = 0; i < 2; i++) await renderDocx(first, options);
    const known = await renderDocx(second, options);
    const fresh = await (await freshWriter()).renderDocx(second, options);
    expect(part(known, 'word/document.xml')).toBe(part(fresh, 'word/document.xml'));
  });

  it('a seed form made after the others and the 汇总表, twice (its cells kept), is byte-identical to one made by a fresh writer', async () => {
    for (let round = 0; round < 2; round++) {
      for (const [i, project] of seed.projects.entries()) await renderDocx(declarationDocument(templates, project, seed.year, i), options);
      await renderDocx(summaryDocument(templates, seed), options);
    }
    const grid = declarationDocument(templates, seed.projects[3]!, seed.year, 3);
    const known = await renderDocx(grid, options);
    const fresh = await (await freshWriter()).renderDocx(grid, options);
    expect(part(known, 'word/document.xml')).toBe(part(fresh, 'word/document.xml'));
    expect(known.equals(fresh)).toBe(true);
  });

  it('kept from the second time and within a bound: a form made a third time writes none of its cells, but after 5,000 cells of other text each of them again', async () => {
    const grid = declarationDocument(templates, seed.projects[5]!, seed.year, 5);
    const writes = vi.spyOn(TableCell.prototype, 'prepForXml');
    const written = async (writer: { renderDocx: typeof renderDocx }, document: GridDocument) => {
      writes.mockClear();
      await writer.renderDocx(document, options);
      return writes.mock.calls.length;
    };
    try {
      const writer = await freshWriter();
      // docx writes each cell of the form the first time it comes (noted) and the second (kept).
      const first = await written(writer, grid);
      expect(first).toBeGreaterThan(40);
      // The cells that came once in the form: kept now.
      expect(await written(writer, grid)).toBeGreaterThan(0);
      expect(await written(writer, grid)).toBe(0);
      expect(await written(writer, table([1], Array.from({ length: 5000 }, (_, i) => [cell(0, 1, `第${i + 1}格`)])))).toBe(5000);
      expect(await written(writer, grid)).toBe(first);
    } finally {
      writes.mockRestore();
    }
  }, 60_000);
});

describe('determinism', () => {
  const names = () => (JSON.parse(readFileSync(path.join(seedDir, 'manifest.json'), 'utf8')) as { files: Array<{ name: string }> }).files.map((f) => f.name);

  it('two builds of the seed give byte-identical .docx files', async () => {
    const again = await buildDocx('data/minhang-2023.json');
    expect(names().filter((n) => n.endsWith('.docx'))).toHaveLength(11);
    for (const name of names()) expect(readBytes(path.join(again, name)), name).toEqual(readBytes(path.join(seedDir, name)));
  }, 60_000);

  it.each(['Pacific/Kiritimati', 'America/Los_Angeles'])('the command line in the time zone %s writes the same bytes', async (zone) => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'shenbao-docx-tz-'));
    const args = [CLI, 'build', 'data/minhang-2023.json', '-o', out, '--format', 'docx', '--date', '2023-01-01'];
    await promisify(execFile)(process.execPath, args, { cwd: ROOT, env: { ...process.env, TZ: zone } });
    const docx = names().filter((n) => n.endsWith('.docx'));
    expect(docx).toHaveLength(11);
    for (const name of docx) expect(readBytes(path.join(out, 'minhang-2023', name)), name).toEqual(readBytes(path.join(seedDir, name)));
  }, 60_000);
});
