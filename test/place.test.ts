// Layout places every line of text and every rule itself (layout/place.ts); the PDF writer only
// draws them. The forms' geometry, asserted on the positioned pages with the real fonts' measure:
// a table's rules, a cell's text at its padding in its alignment, a merged label in the middle of
// its rows, headings centred, a row taller than a page continued on the next, every line placed
// once, the footers; and the PDF drawn from the pages puts every glyph where it was placed.
import { PDFDocument } from '@pdfme/pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { breakLines, type TextMeasure } from '../src/layout/text.js';
import { declarationDocument } from '../src/layout/forms.js';
import { FORM_PAGE } from '../src/layout/page-style.js';
import { layOutPages } from '../src/layout/pages.js';
import { loadFonts, type LoadedFonts } from '../src/render/fonts.js';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import { numberPages, type PlacedRule, type PlacedText, type PositionedPage } from '../src/layout/place.js';
import { pagedPdf } from '../src/output/paged-pdf.js';
import { renderPdf } from '../src/render/pdf.js';
import { textMeasure } from '../src/render/measure.js';
import type { GridCell, GridDocument, GridTable } from '../src/layout/grid.js';
import { pdfPages } from '../src/extract/pdf-read.js';
import { cellTextWidth, contentWidths } from '../src/layout/place.js';
import { loadDistinct } from './support/golden.js';
import { loadSeed } from './support/seed.js';

const seed = loadSeed();
const distinct = loadDistinct();
const PAGE = FORM_PAGE;
const { rule, paddingX, paddingY } = PAGE.table;
const LEFT = PAGE.margins.left;
/** The table's full width, its outer rules included: the page's text width. */
const TEXT_WIDTH = PAGE.size.width - PAGE.margins.left - PAGE.margins.right;
/** Where a row's text must end on a page: above the bottom margin, the row's padding and its rule. */
const TEXT_BOTTOM = PAGE.size.height - PAGE.margins.bottom - rule - paddingY;

let templates: FormTemplates;
let fonts: LoadedFonts;
let measure: TextMeasure;
beforeAll(async () => {
  [templates, fonts] = await Promise.all([loadTemplates(), loadFonts()]);
  measure = textMeasure(fonts);
});

const texts = (page: PositionedPage) => page.items.filter((item): item is PlacedText => item.type === 'text');
const rules = (page: PositionedPage) => page.items.filter((item): item is PlacedRule => item.type === 'rule');
/** The one line of text `text` on the pages (fails if there is none, or more than one). */
function only(pages: PositionedPage[], text: string): PlacedText & { page: number } {
  const found = pages.flatMap((page, p) => texts(page).filter((t) => t.text === text).map((t) => ({ ...t, page: p })));
  expect(found.map((t) => t.text), `「${text}」 placed once`).toEqual([text]);
  return found[0]!;
}
/** A line's box: from its top to the next line's top. */
const lineHeight = (size: number) => (measure.extent('regular').ascent + measure.extent('regular').descent) * size * PAGE.lineHeight;
const top = (line: PlacedText) => line.baseline - measure.extent(line.face).ascent * line.size;
/** A line's width as layout sets it (word by word, kerned within words; trailing spaces left out). */
const width = (line: Pick<PlacedText, 'text' | 'face' | 'size'>) =>
  breakLines(line.text, { face: line.face, size: line.size, lineHeight: PAGE.lineHeight, width: Infinity }, measure)[0]!.width;
/** Rules rounded, to compare sets of them. */
const rounded = (r: PlacedRule) => [r.x1, r.y1, r.x2, r.y2, r.width].map((v) => Math.round(v * 1e6) / 1e6);
const horizontal = (y: number, x1: number, x2: number): PlacedRule => ({ type: 'rule', x1, y1: y, x2, y2: y, width: rule });
const vertical = (x: number, y1: number, y2: number): PlacedRule => ({ type: 'rule', x1: x, y1, x2: x, y2, width: rule });
const sortedRules = (list: PlacedRule[]) => list.map(rounded).sort((a, b) => a.join().localeCompare(b.join()));

const cell = (col: number, text: string, more: Partial<GridCell> = {}): GridCell => ({
  col,
  rowSpan: 1,
  colSpan: 1,
  text,
  role: 'value',
  align: 'left',
  valign: 'top',
  ...more,
});
const oneTable = (table: GridTable, blocks: GridDocument['sections'][number]['blocks'] = []): GridDocument => ({
  page: PAGE,
  sections: [{ blocks: [...blocks, table] }],
});

describe('a table', () => {
  // Columns 1 : 2 : 1. Row 0: three aligned cells; row 1: 丁 merged down rows 1–2 (middle), 戊
  // across columns 1–2; row 2: 己 in three lines, 庚 at the bottom right.
  const table: GridTable = {
    type: 'table',
    widths: [1, 2, 1],
    rows: [
      { repeat: false, cells: [cell(0, '甲在左'), cell(1, '乙居中', { align: 'center' }), cell(2, '丙靠右', { align: 'right' })] },
      { repeat: false, cells: [cell(0, '丁合并', { rowSpan: 2, align: 'center', valign: 'middle' }), cell(1, '戊跨两列', { colSpan: 2 })] },
      { repeat: false, cells: [cell(1, '己一\n己二\n己三'), cell(2, '庚在底', { align: 'right', valign: 'bottom' })] },
    ],
  };
  // Each column's outer left edge, and the table's right edge: shares of the text width less one rule.
  const edge = [0, 1 / 4, 3 / 4, 1].map((share) => LEFT + share * (TEXT_WIDTH - rule));
  let page: PositionedPage;
  let h: number;
  /** The top of each row's text. */
  let rowText: number[];
  beforeAll(() => {
    const { pages } = layOutPages(oneTable(table), measure);
    expect(pages).toHaveLength(1);
    page = pages[0]!;
    h = lineHeight(PAGE.fontSize);
    const first = PAGE.margins.top + rule + paddingY;
    rowText = [first, first + h + 2 * paddingY + rule, first + 2 * (h + 2 * paddingY + rule)];
  });
  /** The y of the rule below row r (its centre). */
  const ruleBelow = (r: number) => rowText[r]! + (r === 2 ? 3 : 1) * h + paddingY + rule / 2;

  it('has a rule above the first row, one under every row, and one at every cell edge, none across a merged cell going on below', () => {
    const top = PAGE.margins.top;
    const x = (col: number) => edge[col]! + rule / 2;
    const expected = [
      horizontal(top + rule / 2, edge[0]!, edge[3]!),
      // Row 0: four edges; the rule below it across the table.
      ...[0, 1, 2, 3].map((col) => vertical(x(col), top, ruleBelow(0) + rule / 2)),
      horizontal(ruleBelow(0), edge[0]!, edge[3]!),
      // Row 1: 戊 spans columns 1–2, so no edge between them; 丁 goes on below, so the rule under row 1 stops at it.
      ...[0, 1, 3].map((col) => vertical(x(col), ruleBelow(0) - rule / 2, ruleBelow(1) + rule / 2)),
      horizontal(ruleBelow(1), edge[1]!, edge[3]!),
      ...[0, 1, 2, 3].map((col) => vertical(x(col), ruleBelow(1) - rule / 2, ruleBelow(2) + rule / 2)),
      horizontal(ruleBelow(2), edge[0]!, edge[3]!),
    ];
    expect(sortedRules(rules(page))).toEqual(sortedRules(expected));
  });

  it('sets a left-aligned cell’s text at its padding, below the rule and padding above it', () => {
    const first = only([page], '甲在左');
    expect(first.x).toBeCloseTo(LEFT + rule + paddingX, 9);
    expect(first.baseline).toBeCloseTo(PAGE.margins.top + rule + paddingY + measure.extent('regular').ascent * PAGE.fontSize, 9);
    expect([first.face, first.size]).toEqual(['regular', PAGE.fontSize]);
    const spanning = only([page], '戊跨两列');
    expect(spanning.x).toBeCloseTo(edge[1]! + rule + paddingX, 9);
    expect(top(spanning)).toBeCloseTo(rowText[1]!, 9);
  });

  it('centres a centred cell’s line, and ends a right-aligned one at the padding', () => {
    const centred = only([page], '乙居中');
    expect(centred.x + width(centred) / 2).toBeCloseTo((edge[1]! + rule + paddingX + edge[2]! - paddingX) / 2, 9);
    const right = only([page], '丙靠右');
    expect(right.x + width(right)).toBeCloseTo(edge[3]! - paddingX, 9);
    // All three on the first row's baseline.
    expect(centred.baseline).toBe(only([page], '甲在左').baseline);
    expect(right.baseline).toBe(centred.baseline);
  });

  it('puts a merged label in the middle of the rows it spans, and a bottom-aligned cell at the bottom', () => {
    const label = only([page], '丁合并');
    expect(label.x + width(label) / 2).toBeCloseTo((edge[0]! + rule + paddingX + edge[1]! - paddingX) / 2, 9);
    // The line's box halfway between the rule above row 1 and the rule below row 2.
    expect(top(label) + h / 2).toBeCloseTo((ruleBelow(0) + ruleBelow(2)) / 2, 9);
    expect(top(label)).toBeGreaterThan(rowText[1]! + h);
    const lines = ['己一', '己二', '己三'].map((text) => only([page], text));
    lines.forEach((line, i) => expect(top(line)).toBeCloseTo(rowText[2]! + i * h, 9));
    const bottom = only([page], '庚在底');
    expect(top(bottom) + h).toBeCloseTo(ruleBelow(2) - rule / 2 - paddingY, 9);
    expect(bottom.x + width(bottom)).toBeCloseTo(edge[3]! - paddingX, 9);
  });

  it('ends a right-aligned line of kerned Latin text at the padding, on paper', async () => {
    const latin = 'AVAWAY To Wa Ty, R&D 2023/01';
    const { pages } = layOutPages(oneTable({ type: 'table', widths: [1], rows: [{ repeat: false, cells: [cell(0, latin, { align: 'right' })] }] }), measure);
    const line = only(pages, latin);
    const right = PAGE.size.width - PAGE.margins.right - rule - paddingX;
    expect(line.x + width(line)).toBeCloseTo(right, 9);
    const [drawn] = [...pdfPages(await PDFDocument.load(await renderPdf(pages, { fonts, creationDate: new Date(0) })))];
    const glyphs = drawn!.glyphs;
    expect(glyphs.map((g) => g.text).join('')).toBe(latin);
    // Kerned (AV, To, Wa …): narrower than its glyphs' advances; and it still ends at the padding.
    expect(glyphs.reduce((sum, g) => sum + g.width, 0) - width(line)).toBeGreaterThan(3);
    expect(glyphs[0]!.x).toBeCloseTo(line.x, 3);
    expect(glyphs.at(-1)!.x + glyphs.at(-1)!.width).toBeCloseTo(right, 3);
  });

  it('breaks a cell’s text to its width, every line placed once and in order', () => {
    const text = Array.from({ length: 12 }, (_, i) => `第${i + 1}句：社区睦邻学堂运营 Target ${i + 1} done。`).join('');
    const narrow: GridTable = { type: 'table', widths: [1, 3], rows: [{ repeat: false, cells: [cell(0, text), cell(1, '右栏')] }] };
    const { pages } = layOutPages(oneTable(narrow), measure);
    const left = texts(pages[0]!).filter((t) => t.text !== '右栏');
    expect(left.length).toBeGreaterThan(5);
    expect(left.map((t) => t.text).join('')).toBe(text);
    const room = cellTextWidth(PAGE, contentWidths(PAGE, narrow.widths), narrow.rows[0]!.cells[0]!);
    for (const line of left) expect(width(line)).toBeLessThanOrEqual(room + 1e-9);
    left.forEach((line, i) => expect(top(line)).toBeCloseTo(PAGE.margins.top + rule + paddingY + i * lineHeight(PAGE.fontSize), 9));
  });
});

describe('headings', () => {
  it('are centred on the page, the title bold, the table below their space after', () => {
    const table: GridTable = { type: 'table', widths: [1], rows: [{ repeat: false, cells: [cell(0, '表内')] }] };
    const { pages } = layOutPages(
      oneTable(table, [
        { type: 'heading', level: 1, text: '财政项目支出绩效目标申报表' },
        { type: 'heading', level: 2, text: '(2031年度)', path: ['year'] },
      ]),
      measure,
    );
    const { title: titleStyle, subtitle: subtitleStyle } = PAGE.headings;
    const title = only(pages, '财政项目支出绩效目标申报表');
    const subtitle = only(pages, '(2031年度)');
    expect([title.face, title.size, subtitle.face, subtitle.size]).toEqual(['bold', titleStyle.fontSize, 'regular', subtitleStyle.fontSize]);
    for (const line of [title, subtitle]) expect(line.x - LEFT).toBeCloseTo(LEFT + TEXT_WIDTH - (line.x + width(line)), 9);
    expect(subtitle.path).toEqual(['year']);
    expect(top(title)).toBeCloseTo(PAGE.margins.top + titleStyle.spaceBefore, 9);
    const titleBottom = top(title) + lineHeight(titleStyle.fontSize);
    expect(top(subtitle)).toBeCloseTo(titleBottom + titleStyle.spaceAfter + subtitleStyle.spaceBefore, 9);
    const tableTop = top(subtitle) + lineHeight(subtitleStyle.fontSize) + subtitleStyle.spaceAfter;
    expect(rules(pages[0]!)[0]).toEqual(horizontal(tableTop + rule / 2, LEFT, LEFT + TEXT_WIDTH - rule));
    expect(top(only(pages, '表内'))).toBeCloseTo(tableTop + rule + paddingY, 9);
  });
});

describe('a row taller than a page', () => {
  // 60 lines of 18.1 pt (about 1,090 pt) below a one-line row: over two pages.
  const lines = Array.from({ length: 60 }, (_, i) => `第${String(i + 1).padStart(2, '0')}行：推进基层社会治理`);
  const table: GridTable = {
    type: 'table',
    widths: [1, 3],
    rows: [
      { repeat: false, cells: [cell(0, '上一行'), cell(1, '上一行的值')] },
      { repeat: false, cells: [cell(0, '长文', { role: 'label', align: 'center', valign: 'middle' }), cell(1, lines.join('\n'), { path: ['goal'] })] },
      { repeat: false, cells: [cell(0, '下一行'), cell(1, '下一行的值')] },
    ],
  };
  let pages: PositionedPage[];
  const h = () => lineHeight(PAGE.fontSize);
  beforeAll(() => {
    pages = layOutPages(oneTable(table), measure).pages;
  });

  it('is cut where its page ends and goes on at the top of the next, every line drawn once, in order, its label beside each part', () => {
    // No page holds it: it is not moved, but cut at the foot of the first page below the first
    // row, and the next row follows its last part.
    expect(pages).toHaveLength(2);
    expect(texts(pages[0]!).map((t) => t.text).slice(0, 2)).toEqual(['上一行', '上一行的值']);
    expect(texts(pages[1]!).map((t) => t.text).slice(-2)).toEqual(['下一行', '下一行的值']);
    const goal = pages.map((page) => texts(page).filter((t) => t.path?.[0] === 'goal'));
    expect(goal.flat().map((t) => t.text)).toEqual(lines);
    const [first, second] = goal as [PlacedText[], PlacedText[]];
    expect(first.length).toBeGreaterThan(30);
    expect(second.length).toBeGreaterThan(10);
    // As many lines on the first page as fit above its bottom padding, from below the first row; the rest from the top of the next.
    const firstRowEnd = top(only(pages, '上一行的值')) + h() + paddingY + rule;
    first.forEach((line, i) => expect(top(line)).toBeCloseTo(firstRowEnd + paddingY + i * h(), 9));
    const lastBottom = top(first.at(-1)!) + h();
    expect(lastBottom).toBeLessThanOrEqual(TEXT_BOTTOM + 1e-9);
    expect(lastBottom + h()).toBeGreaterThan(TEXT_BOTTOM);
    second.forEach((line, i) => expect(top(line)).toBeCloseTo(PAGE.margins.top + rule + paddingY + i * h(), 9));
    // The label printed again beside the second part: in the middle of each part.
    const middles = [(firstRowEnd + paddingY + TEXT_BOTTOM) / 2, (top(second[0]!) + top(second.at(-1)!) + h()) / 2];
    pages.forEach((page, p) => {
      const label = texts(page).filter((t) => t.text === '长文');
      expect(label).toHaveLength(1);
      expect(top(label[0]!) + h() / 2).toBeCloseTo(middles[p]!, 6);
    });
  });

  it('is left open at the foot of the page it is cut on, and goes on below a rule of its own on the next', () => {
    const right = LEFT + TEXT_WIDTH - rule;
    const across = (page: PositionedPage) => rules(page).filter((r) => r.y1 === r.y2);
    const firstRowEnd = top(only(pages, '上一行的值')) + h() + paddingY + rule;
    // The page's bottom margin: the cut part's edges run down to it, and no rule closes it.
    const foot = TEXT_BOTTOM + paddingY + rule;
    const goalLines = texts(pages[1]!).filter((t) => t.path?.[0] === 'goal');
    const goalEnd = top(goalLines.at(-1)!) + h() + paddingY + rule;
    expect(across(pages[0]!).map((r) => r.y1)).toEqual([PAGE.margins.top + rule / 2, expect.closeTo(firstRowEnd - rule / 2, 9)]);
    expect(across(pages[0]!).map((r) => [r.x1, r.x2])).toEqual([[LEFT, right], [LEFT, right]]);
    expect(across(pages[1]!).slice(0, 2)).toEqual([horizontal(PAGE.margins.top + rule / 2, LEFT, right), horizontal(goalEnd - rule / 2, LEFT, right)]);
    // The row's three edges: on the page it is cut on from the rule above it to the foot, on the next from the top rule to the rule below its last line.
    const xs = [LEFT, LEFT + (TEXT_WIDTH - rule) / 4, right].map((x) => expect.closeTo(x + rule / 2, 9));
    const edges = (page: PositionedPage) => rules(page).filter((r) => r.x1 === r.x2);
    expect(edges(pages[0]!).slice(-3).map((r) => [r.x1, r.y1, r.y2])).toEqual(xs.map((x) => [x, expect.closeTo(firstRowEnd - rule, 9), expect.closeTo(foot, 9)]));
    expect(edges(pages[1]!).slice(0, 3).map((r) => [r.x1, r.y1, r.y2])).toEqual(xs.map((x) => [x, PAGE.margins.top, expect.closeTo(goalEnd, 9)]));
  });

  it('in a form: the 年度总体目标 of 90 lines continues onto the next page, nothing lost or printed twice', () => {
    const annualGoal = Array.from({ length: 90 }, (_, i) => `第${i + 1}项：推进基层社会治理体系建设，提升居民群众的获得感和满意度。`).join('\n');
    const project = { ...distinct.projects[1]!, annualGoal };
    const grid = declarationDocument(templates, project, distinct.year, 1);
    const { pages: form } = layOutPages(grid, measure);
    expect(form.length).toBeGreaterThan(2);
    const goalLines = form.map((page) => texts(page).filter((t) => t.path?.join('.') === 'projects.1.annualGoal'));
    // Each page of the goal holds its own run of lines; together they are the goal's lines, once each.
    expect(goalLines.filter((onPage) => onPage.length > 0).length).toBeGreaterThan(1);
    const table = grid.sections[0]!.blocks.find((b): b is GridTable => b.type === 'table')!;
    const goalCell = table.rows.flatMap((row) => row.cells).find((c) => c.path?.join('.') === 'projects.1.annualGoal')!;
    const cellWidth = cellTextWidth(PAGE, contentWidths(PAGE, table.widths), goalCell);
    const expected = breakLines(annualGoal, { face: 'regular', size: PAGE.fontSize, lineHeight: PAGE.lineHeight, width: cellWidth }, measure).map((l) => l.text);
    expect(goalLines.flat().map((t) => t.text)).toEqual(expected);
    expect(expected.join('')).toBe(annualGoal.replace(/\n/g, ''));
  });
});

describe('the forms', () => {
  it('the seed’s forms 4 and 9 take two pages, the others one', () => {
    const counts = seed.projects.map((project, i) => layOutPages(declarationDocument(templates, project, seed.year, i), measure).pages.length);
    expect(counts).toEqual([1, 1, 1, 2, 1, 1, 1, 1, 2, 1]);
  });

  it('every value of the distinct forms is placed once, inside its cell, in its cell’s alignment', () => {
    for (const [i, project] of distinct.projects.entries()) {
      const grid = declarationDocument(templates, project, distinct.year, i);
      const { pages, paged } = layOutPages(grid, measure);
      const placed = pages.flatMap((page) => texts(page));
      let values = 0;
      for (const table of paged.sections.flatMap((s) => s.blocks).filter((b): b is GridTable => b.type === 'table')) {
        const widths = contentWidths(PAGE, table.widths);
        const edges = [LEFT];
        for (const w of widths) edges.push(edges.at(-1)! + w + 2 * paddingX + rule);
        for (const c of table.rows.flatMap((row) => row.cells).filter((c) => c.path && c.text !== '')) {
          const key = c.path!.join('.');
          const lines = placed.filter((t) => t.path?.join('.') === key);
          expect(lines.map((t) => t.text).join(''), key).toBe(c.text.replace(/\n/g, ''));
          const left = edges[c.col]! + rule + paddingX;
          const right = left + cellTextWidth(PAGE, widths, c);
          for (const line of lines) {
            const at = c.align === 'left' ? line.x - left : c.align === 'right' ? right - (line.x + width(line)) : (left + right) / 2 - (line.x + width(line) / 2);
            expect(Math.abs(at), `${key} 「${line.text}」 ${c.align}`).toBeLessThan(1e-9);
            expect(line.x).toBeGreaterThanOrEqual(left - 1e-9);
            expect(line.x + width(line)).toBeLessThanOrEqual(right + 1e-9);
          }
          values++;
        }
      }
      expect(values).toBeGreaterThan(20);
    }
  });

  it('a form of 120 indicators: five pages, the header row and the merged labels printed again on each, every indicator once', () => {
    const indicators = Array.from({ length: 120 }, (_, i) => ({
      level1: i < 60 ? '产出指标' : '效益指标',
      level2: i < 60 ? `数量指标${Math.floor(i / 25)}` : '社会效益指标',
      name: `第${i + 1}项指标`,
      target: `≥${i + 1}(次)`,
    }));
    const { pages } = layOutPages(declarationDocument(templates, { ...distinct.projects[0]!, indicators }, distinct.year, 0), measure);
    expect(pages).toHaveLength(5);
    const onPage = pages.map((page) => texts(page).map((t) => t.text));
    for (const [p, page] of onPage.entries()) {
      // The header row: the first text of a continuation page, on one baseline.
      if (p > 0) expect(page.slice(0, 5)).toEqual(['绩效指标', '一级指标', '二级指标', '三级指标', '年度(/项目)指标值']);
      // Every page's indicators under a level-1 label of their own.
      const names = page.filter((t) => /^第\d+项指标$/.test(t)).map((t) => Number(/\d+/.exec(t)![0]));
      expect(names.length, `page ${p + 1}`).toBeGreaterThan(0);
      if (names.some((n) => n <= 60)) expect(page).toContain('产出指标');
      if (names.some((n) => n > 60)) expect(page).toContain('效益指标');
    }
    const names = onPage.flat().filter((t) => /^第\d+项指标$/.test(t));
    expect(names).toEqual(indicators.map((indicator) => indicator.name));
    expect(onPage.flat().filter((t) => t.startsWith('≥'))).toEqual(indicators.map((indicator) => indicator.target));
  });

  it('an empty section takes a page of its own, the others as they were', () => {
    const grid = declarationDocument(templates, distinct.projects[0]!, distinct.year, 0);
    const alone = layOutPages(grid, measure).pages;
    const { pages } = layOutPages({ page: PAGE, sections: [...grid.sections, { blocks: [] }] }, measure);
    expect(pages).toEqual([...alone, { width: PAGE.size.width, height: PAGE.size.height, items: [] }]);
  });
});

describe('footers', () => {
  it('numberPages adds 第 X 页 共 Y 页 centred in the bottom margin, from the page it is told', () => {
    const { pages } = layOutPages(declarationDocument(templates, seed.projects[3]!, seed.year, 3), measure);
    expect(pages).toHaveLength(2);
    const numbered = [...numberPages(pages, PAGE, 4, 9, measure)];
    const size = PAGE.footer.fontSize;
    numbered.forEach((page, p) => {
      // The page as placed, then its footer.
      expect(page.items.slice(0, -1)).toEqual(pages[p]!.items);
      const footer = page.items.at(-1) as PlacedText;
      expect(footer).toMatchObject({ type: 'text', text: `第 ${4 + p} 页 共 9 页`, face: 'regular', size });
      expect(footer.x).toBeCloseTo((PAGE.size.width - width(footer)) / 2, 9);
      expect(footer.baseline).toBeCloseTo(PAGE.size.height - PAGE.margins.bottom + PAGE.footer.offset + measure.extent('regular').ascent * size, 9);
    });
    // The pages given are not changed: a 汇总表 numbers the same pages again.
    expect(pages[0]!.items.some((item) => item.type === 'text' && item.text.startsWith('第 '))).toBe(false);
  });
});

describe('the PDF drawn from the pages', () => {
  it('prints every placed line at its place (kerning included) and strokes every placed rule', async () => {
    const latin = 'AVAWAY To Wa Ty, R&D 2023/01';
    const project = { ...distinct.projects[0]!, name: latin, annualGoal: `${latin}\n社区睦邻学堂运营：${latin}` };
    const { bytes, pages } = await pagedPdf(declarationDocument(templates, project, distinct.year, 0), { fonts, creationDate: new Date(0) });
    const drawn = [...pdfPages(await PDFDocument.load(bytes))];
    const placed = [...numberPages(pages, PAGE, 1, pages.length, measure)];
    expect(drawn).toHaveLength(placed.length);
    placed.forEach((page, p) => {
      const glyphs = [...drawn[p]!.glyphs];
      for (const line of texts(page)) {
        // The line's glyphs, one after another; spaces draw glyphs too.
        const own = glyphs.splice(0, [...line.text].length);
        expect(own.map((g) => g.text).join(''), `page ${p + 1}`).toBe(line.text);
        expect(own[0]!.x).toBeCloseTo(line.x, 3);
        for (const g of own) expect([g.y, g.size]).toEqual([expect.closeTo(page.height - line.baseline, 3), line.size]);
        // Its last printing glyph ends where layout measured the line to end (trailing spaces left out).
        const last = [...own].reverse().find((g) => g.text.trim() !== '')!;
        expect(last.x + last.width, `「${line.text}」 ends`).toBeCloseTo(line.x + width(line), 3);
      }
      expect(glyphs).toEqual([]);
      const flip = (r: PlacedRule) => [r.x1, page.height - r.y1, r.x2, page.height - r.y2, r.width].map((v) => v.toFixed(3));
      const read = drawn[p]!.rules.map((r) => [r.x1, r.y1, r.x2, r.y2, r.width].map((v) => v.toFixed(3)));
      expect(read.map(String).sort()).toEqual(rules(page).map(flip).map(String).sort());
    });
  });

  it('keeps every glyph inside its cell where shaping depends on context: digits after Latin letters, a number too long for a line', async () => {
    // Found by a hostile test: Noto Serif SC draws the digits after a Latin letter (nw12344) with
    // wider glyphs than the same digits alone, and words measured one by one added up to 26 pt less
    // than the line drew, across the table's right rule; and a word cut for being too long left the
    // spaces after it out of the line's width, so the next word joined a line it did not fit.
    const url = `参见 http://www.shanghai.gov.cn/nw12344/2021${'/11'.repeat(23)}.html`;
    const link = '详见 https://www.shanghai.gov.cn/nw12344/20211111/1d1f1a1b1c1e1111.html';
    const digits = `6222021001${'2345678901'.repeat(5)}     指标`;
    const project = structuredClone(distinct.projects[0]!);
    project.annualGoal = url;
    project.indicators[0]!.name = digits;
    project.indicators[2]!.name = link;
    project.indicators[1]!.target = `${'62220210012345678901234567890'} (元)`;
    const { bytes } = await pagedPdf(declarationDocument(templates, project, distinct.year, 0), { fonts, creationDate: new Date(0) });
    const drawn = [...pdfPages(await PDFDocument.load(bytes))];
    const across: string[] = [];
    for (const [p, page] of drawn.entries()) {
      const verticals = page.rules.filter((r) => Math.abs(r.x1 - r.x2) < 1e-6);
      for (const g of page.glyphs) {
        if (g.text.trim() === '') continue;
        const [from, to] = [g.x + 0.01, g.x + g.width - 0.01];
        for (const r of verticals) {
          const [low, high] = [Math.min(r.y1, r.y2), Math.max(r.y1, r.y2)];
          if (g.y > low && g.y < high && r.x1 > from && r.x1 < to) across.push(`page ${p + 1}: 「${g.text}」 at ${g.x.toFixed(2)} across the rule at ${r.x1.toFixed(2)}`);
        }
        if (to > PAGE.size.width - PAGE.margins.right) across.push(`page ${p + 1}: 「${g.text}」 in the right margin`);
      }
    }
    expect(across).toEqual([]);
    // And what is printed is the text, in order, wrapped but not lost.
    const printed = drawn.map((page) => page.glyphs.map((g) => g.text).join('')).join('');
    for (const text of [url, link, digits, '62220210012345678901234567890 (元)']) expect(printed.replace(/\s+/g, '')).toContain(text.replace(/\s+/g, ''));
  });
});
