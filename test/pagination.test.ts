// Every page break of a table planned from one measurement (layout/page-flow.ts), and the pages
// placed from that plan in one pass (layout/pages.ts): every row of every piece lands on the page
// planned for its piece, nothing is lost or printed twice (read from the positioned pages, and
// back from the PDF with pdf-parse).
import { beforeAll, describe, expect, it } from 'vitest';
import { breakLines, type TextMeasure } from '../src/layout/text.js';
import { declarationDocument, summaryDocument } from '../src/layout/forms.js';
import { loadFonts } from '../src/render/fonts.js';
import { loadTemplates } from '../src/layout/templates.js';
import { pagedPdf } from '../src/output/paged-pdf.js';
import { textMeasure } from '../src/render/measure.js';
import type { GridDocument, GridTable } from '../src/layout/grid.js';
import type { Packet, Project } from '../src/model/packet.js';
import type { PositionedPage } from '../src/layout/place.js';
import { planBreaks as plan, type PageMeasure } from '../src/layout/page-flow.js';
import { FORM_PAGE } from '../src/layout/page-style.js';
import { cellTextWidth, contentWidths } from '../src/layout/place.js';
import type { LoadedFonts } from '../src/render/fonts.js';
import type { FormTemplates } from '../src/layout/templates.js';
import { compact, expectInOrder, readPdf, withoutFooters } from './support/pdf.js';
import { declarationValues, loadSeed, money, LEVELS } from './support/seed.js';

/** The rows that begin a page, table by table (these measures cannot cut a row: `cuts` stays empty). */
const planBreaks = (...args: Parameters<typeof plan>) => plan(...args).map((table) => table.breaks);

let templates: FormTemplates;
let fonts: LoadedFonts;
let fontMeasure: TextMeasure;
beforeAll(async () => {
  [templates, fonts] = await Promise.all([loadTemplates(), loadFonts()]);
  fontMeasure = textMeasure(fonts);
});

const PHRASE = '推进基层社会治理体系建设，提升居民群众的获得感和安全感，Target done 2023。';

/** `chars` characters starting with a unique tag 【N0001】 (so each text can be counted). */
const tagged = (tag: string, chars: number) => {
  let text = `【${tag}】`;
  while (text.length < chars) text += PHRASE;
  return text.slice(0, chars);
};

/** The seed's first project with `n` indicators in four groups; names and targets `chars` long. */
function manyIndicators(n: number, chars: number | null): Project {
  const base = loadSeed().projects[0]!;
  return {
    ...base,
    name: `${n}项指标测试项目`,
    indicators: Array.from({ length: n }, (_, i) => {
      const [level1, level2] = LEVELS[Math.floor((i * LEVELS.length) / n)]!;
      const id = String(i + 1).padStart(4, '0');
      return chars === null
        ? { level1, level2, name: `【N${id}】测试指标`, target: `≥${i + 1}(次)` }
        : { level1, level2, name: tagged(`N${id}`, chars), target: tagged(`T${id}`, chars) };
    }),
  };
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

async function renderForm(project: Project) {
  return pagedPdf(declarationDocument(templates, project, 2023, 0), { fonts, creationDate: new Date(0) });
}

/**
 * Each piece of the paginated document (a section: the first page of a table, or a continuation)
 * on the page planned for it, the next piece on the next page: all of a piece's rows on that page,
 * a row taller than a page cut into parts on pages of their own. Every line of every heading and
 * cell is found on its page, and nothing else is on the pages: no text lost, none printed twice.
 * Returns how many rows were cut (parts that go on on the next page).
 */
function expectRowsOnPlannedPages(paged: GridDocument, pages: PositionedPage[]): number {
  const { page: style } = paged;
  const key = (path: unknown, text: string) => `${JSON.stringify(path ?? null)}|${text}`;
  // The lines on each page not yet accounted for.
  const unaccounted = pages.map((page) => {
    const lines = new Map<string, number>();
    for (const item of page.items) if (item.type === 'text') lines.set(key(item.path, item.text), (lines.get(key(item.path, item.text)) ?? 0) + 1);
    return lines;
  });
  const take = (p: number, line: string) => {
    const n = unaccounted[p]!.get(line) ?? 0;
    if (n > 0) unaccounted[p]!.set(line, n - 1);
    return n > 0;
  };
  let cut = 0;
  let next = 0;
  for (const [s, section] of paged.sections.entries()) {
    let at = next; // the page the piece's rows are on
    for (const block of section.blocks) {
      if (block.type === 'heading') {
        const heading = block.level === 1 ? style.headings.title : style.headings.subtitle;
        const textWidth = style.size.width - style.margins.left - style.margins.right;
        for (const line of breakLines(block.text, { face: heading.bold ? 'bold' : 'regular', size: heading.fontSize, lineHeight: style.lineHeight, width: textWidth }, fontMeasure)) {
          if (line.text !== '') expect(take(at, key(block.path, line.text)), `piece ${s + 1}: heading 「${line.text}」 on page ${at + 1}`).toBe(true);
        }
        continue;
      }
      const widths = contentWidths(style, block.widths);
      for (const [r, row] of block.rows.entries()) {
        let last = at;
        let tallest = 0;
        for (const cell of row.cells) {
          const size = cell.fontSize ?? block.fontSize ?? style.fontSize;
          const lines = breakLines(cell.text, { face: 'regular', size, lineHeight: style.lineHeight, width: cellTextWidth(style, widths, cell) }, fontMeasure);
          tallest = Math.max(tallest, lines.reduce((sum, line) => sum + line.height, 0));
          // A cell's lines in order, from the piece's page on.
          let p = at;
          for (const line of lines.filter((l) => l.text !== '')) {
            while (p < pages.length && !take(p, key(cell.path, line.text))) p++;
            expect(p < pages.length, `piece ${s + 1} row ${r + 1}: 「${line.text}」 placed`).toBe(true);
            last = Math.max(last, p);
          }
        }
        // A row taller than a page is cut into parts (`continues`), each on a page of its own: none runs over.
        expect(last, `piece ${s + 1} row ${r + 1} (${Math.round(tallest)} pt) runs from page ${at + 1} to ${last + 1}`).toBe(at);
        if (row.continues) cut++;
      }
    }
    next = at + 1;
  }
  expect(next, 'pages').toBe(pages.length);
  expect(unaccounted.flatMap((lines, p) => [...lines].filter(([, n]) => n > 0).map(([line]) => `page ${p + 1}: ${line}`))).toEqual([]);
  return cut;
}

describe('every row on the page planned for its piece, whatever the length', () => {
  it('a form of 100 indicators with 500-character names and targets', async () => {
    const project = manyIndicators(100, 500);
    const result = await renderForm(project);
    // A 500-character target in its narrow column is taller than a page: each indicator row is
    // cut where it starts, its rest on the next page (moving it first would gain nothing).
    expect(result.paged.sections.length).toBeGreaterThan(100);
    // Each row is cut once or, where it starts low on a page, twice (it is less than two pages tall).
    const cuts = expectRowsOnPlannedPages(result.paged, result.pages);
    expect(cuts).toBeGreaterThanOrEqual(100);
    expect(cuts).toBeLessThanOrEqual(200);
    const pdf = await readPdf(result.bytes);
    expect(pdf.pages).toHaveLength(result.paged.sections.length);
    const text = withoutFooters(pdf.pages).join('');
    const indicators = project.indicators;
    expectInOrder(text, declarationValues({ ...project, indicators: [] }, 2023));
    // The two cells of a row that runs over two pages come back interleaved page by page, so
    // check the tags that open them: each printed once, in order.
    expectInOrder(text, indicators.flatMap((indicator) => [indicator.name.slice(0, 7), indicator.target.slice(0, 7)]));
    expect(count(text, '【N'), 'names printed').toBe(100);
    expect(count(text, '【T'), 'targets printed').toBe(100);
  }, 120_000);

  it('a form of 1,000 indicators', async () => {
    const project = manyIndicators(1000, null);
    const result = await renderForm(project);
    expect(expectRowsOnPlannedPages(result.paged, result.pages)).toBe(0);
    const pdf = await readPdf(result.bytes);
    expect(pdf.pages.length).toBeGreaterThan(30);
    expect(result.paged.sections).toHaveLength(pdf.pages.length);
    const text = withoutFooters(pdf.pages).join('');
    expectInOrder(text, declarationValues(project, 2023));
    expect(count(text, '【N'), 'names printed').toBe(1000);
    // Every continuation page opens with the indicator header row.
    for (const page of pdf.pages.slice(1)) expect(compact(page).startsWith('绩效指标一级指标二级指标三级指标')).toBe(true);
  }, 120_000);

  it('the 汇总表 front table of 300 projects', async () => {
    const seed = loadSeed();
    const projects = Array.from({ length: 300 }, (_, i) => {
      const p = seed.projects[i % seed.projects.length]!;
      return { ...p, name: `${p.name}（第${String(i + 1).padStart(3, '0')}号）` };
    });
    const packet: Packet = { ...seed, projects };
    const result = await pagedPdf(summaryDocument(templates, packet, []), { fonts, creationDate: new Date(0) });
    expect(expectRowsOnPlannedPages(result.paged, result.pages)).toBe(0);
    const pdf = await readPdf(result.bytes);
    expect(pdf.pages.length).toBeGreaterThan(5);
    expect(result.paged.sections).toHaveLength(pdf.pages.length);
    const text = withoutFooters(pdf.pages).join('');
    expectInOrder(text, [packet.title, ...projects.flatMap((p, i) => [String(i + 1), p.name, money(p.funds.annual.total)]), '合计']);
    expect(count(text, '号）'), 'project rows printed').toBe(300);
    for (const page of pdf.pages.slice(1)) expect(compact(page).startsWith('序号项目名称项目性质')).toBe(true);
  }, 120_000);

  const cases: Array<[string, () => Project, number]> = [
    ['80 short indicators', () => manyIndicators(80, null), 0],
    ['30 indicators of 120 characters', () => manyIndicators(30, 120), 0],
    ['40 indicators below a 1,200-character goal', () => ({ ...manyIndicators(40, 30), annualGoal: tagged('G', 1200) }), 0],
    [
      'goals of 2,500 and 4,000 characters (a goal row taller than a page)',
      () => ({ ...manyIndicators(40, null), overallGoal: tagged('O', 2500), annualGoal: tagged('G', 4000) }),
      // The 2,500 characters of the narrow 总体目标 take four pages: cut three times.
      3,
    ],
  ];
  it.each(cases)('%s', async (_, project, cuts) => {
    const result = await renderForm(project());
    expect(result.paged.sections.length).toBeGreaterThan(1);
    expect(expectRowsOnPlannedPages(result.paged, result.pages)).toBe(cuts);
  }, 60_000);

  it('the check sees a row moved to the next page, and a line printed twice', async () => {
    const { paged, pages } = await renderForm(manyIndicators(80, null));
    const moved = structuredClone(pages);
    // The last indicator row of the first page moved to the second.
    const name = [...moved[0]!.items].reverse().find((item) => item.type === 'text' && item.path?.at(-1) === 'name')!;
    moved[0]!.items.splice(moved[0]!.items.indexOf(name), 1);
    moved[1]!.items.push(name);
    expect(() => expectRowsOnPlannedPages(paged, moved)).toThrow(/runs from page 1 to 2/);
    const twice = structuredClone(pages);
    twice[1]!.items.push(twice[1]!.items.find((item) => item.type === 'text')!);
    expect(() => expectRowsOnPlannedPages(paged, twice)).toThrow();
  });
});

// ---- the pure function, on made-up measurements ----

/** A table: a title row, a `repeat` header row, then rows 2… given as line counts, one column. */
function table(rows: Array<number | { label: number; span: number; lines: number }>): GridTable {
  const cell = (col: number, rowSpan: number, text: string) =>
    ({ col, rowSpan, colSpan: 1, text, role: 'value', align: 'left', valign: 'top' }) as const;
  return {
    type: 'table',
    widths: [1, 1],
    rows: [
      { repeat: false, cells: [cell(0, 1, 'title'), cell(1, 1, '1')] },
      { repeat: true, cells: [cell(0, 1, 'label'), cell(1, 1, '1')] },
      ...rows.map((row) => ({
        repeat: false,
        cells: typeof row === 'number' ? [cell(1, 1, String(row))] : [cell(0, row.span, `L${row.label}`), cell(1, 1, String(row.lines))],
      })),
    ],
  };
}

/**
 * Lines 10 pt high, rule 1, padding 2: a one-line row takes 15 pt (the table's first row 16); a
 * cell's text says its number of lines (a label 'L3': 3 lines).
 */
const measure = (pageHeight: number, heading = 0): PageMeasure => ({
  pageHeight,
  heading: () => ({ lines: [heading], marginTop: 0, marginBottom: 0 }),
  table: (block) => ({
    rule: 1,
    paddingTop: 2,
    paddingBottom: 2,
    lines: block.rows.map((row) =>
      row.cells.map((cell) => Array(cell.text.startsWith('L') ? Number(cell.text.slice(1)) : Number(cell.text) || 1).fill(10)),
    ),
  }),
});
const doc = (t: GridTable, heading = false): GridDocument => ({
  page: FORM_PAGE,
  sections: [{ blocks: heading ? [{ type: 'heading', level: 1, text: 'h' }, t] : [t] }],
});

describe('planBreaks', () => {
  it('fills each page, counting the repeated header row on continuation pages', () => {
    // 10 one-line rows: page of 100 pt holds the first row (16) + 5 more (75) = 91; a continuation
    // holds the header (16) + 5 rows (75).
    const t = table(Array(10).fill(1));
    expect(planBreaks(doc(t), measure(100))).toEqual([[6, 11]]);
    // Exactly full still fits; a hair less does not.
    expect(planBreaks(doc(t), measure(91))).toEqual([[6, 11]]);
    expect(planBreaks(doc(t), measure(90.99))).toEqual([[5, 9]]);
  });

  it('counts the headings above the table on the first page only', () => {
    const t = table(Array(10).fill(1));
    expect(planBreaks(doc(t, true), measure(100, 30))).toEqual([[4, 9]]);
  });

  // Rows 2–4 one line each; row 5 starts a 3-line label over rows 5–7; rows 5–9 one line each.
  const labelled = table([1, 1, 1, { label: 3, span: 3, lines: 1 }, 1, 1, 1, 1]);

  it('prints a merged label again on a continuation, as tall as it needs', () => {
    // Page 70: rows 0–3 (61); rows 4–6 after the header (61); row 7 forced onto a page of its own.
    // There the label spans row 7 alone, which grows to its 3 lines: 16 + 35 + 15 (row 8) = 66,
    // and row 9 (81) no longer fits. Counted as one line, row 7 would leave room for row 9.
    expect(planBreaks(doc(labelled), measure(70), [[7]])).toEqual([[4, 7, 9]]);
  });

  it('moves a row with the next one when its label, then alone, would run onto the next page', () => {
    // Page 91: rows 0–5 fit exactly, row 6 does not. Ending the page after row 5 would leave the
    // 3-line label spanning row 5 alone, with room for one line: row 5 goes too, and on the new
    // page the label spans rows 5–7 again.
    expect(planBreaks(doc(labelled), measure(91))).toEqual([[5]]);
  });

  it('moves a row that a page holds to a new page, and keeps one that no page holds where it is', () => {
    // Page 100: a 6-line row (60 pt) after rows 0–4 (76) does not fit; below the header on a new
    // page (79 pt for text) it does: it begins a page.
    expect(planBreaks(doc(table([1, 1, 1, 6, 1])), measure(100))).toEqual([[5]]);
    // A 12- or 20-line row no page holds: moving it gains nothing, it stays. This measure cannot
    // cut texts, so it runs on over the pages, and the next row begins a page.
    expect(planBreaks(doc(table([1, 12, 1])), measure(100))).toEqual([[4]]);
    expect(planBreaks(doc(table([1, 20, 1])), measure(100))).toEqual([[4]]);
  });

  it('moves a row whose cells are in different sizes when only the smaller one’s first line fits', () => {
    // An amount fitted to a smaller size (6 pt lines here) beside 10 pt text. Page 103: rows 0–5 take
    // 91, leaving 7 pt for row 6's text: its 6 pt line fits, its 10 pt line does not. Started there,
    // the row would print on two pages (pdfmake then drew the amount off the page): it begins page 2.
    const t = table([1, 1, 1, 1]);
    const mixed = { ...t.rows[2]!, cells: [{ ...t.rows[2]!.cells[0]!, col: 0, text: '1' }, { ...t.rows[2]!.cells[0]!, col: 1, text: 'small' }] };
    const sized: PageMeasure = {
      ...measure(103),
      table: (block) => ({ ...measure(103).table(block), lines: block.rows.map((row) => row.cells.map((cell) => [cell.text === 'small' ? 6 : 10])) }),
    };
    expect(planBreaks(doc({ ...t, rows: [...t.rows, mixed] }), sized)).toEqual([[6]]);
    // Without the small cell the same row fits nowhere on page 1 either: the break is the same.
    expect(planBreaks(doc({ ...t, rows: [...t.rows, t.rows[2]!] }), sized)).toEqual([[6]]);
  });

  it('honours forced breaks and plans the rest of the table after them', () => {
    const t = table(Array(10).fill(1));
    expect(planBreaks(doc(t), measure(100), [[3]])).toEqual([[3, 8]]);
    expect(planBreaks({ page: FORM_PAGE, sections: [{ blocks: [t] }, { blocks: [t] }] }, measure(100), [[], [3]])).toEqual([
      [6, 11],
      [3, 8],
    ]);
  });
});

describe('planBreaks: a row taller than a page, cut between lines', () => {
  /** `measure`, able to cut texts: line `n` of every cell reads `line(n)`. */
  const cutting = (pageHeight: number, line: (n: number) => string = (n) => `第${n + 1}行`): PageMeasure => ({
    ...measure(pageHeight),
    table: (block) => ({
      ...measure(pageHeight).table(block),
      text: (_r, _i, from, to) => Array.from({ length: to - from }, (_, k) => line(from + k)).join('\n'),
    }),
  });

  it('cuts it where it is, at the foot of the page, and goes on below the header row on the next', () => {
    // Page 100: the 12-line row 3 starts below rows 0–2 (46 pt): its paddings and rule leave 49,
    // 4 lines. Below the header on the next page 79 pt hold 7 more; the last line goes on to a
    // third page, and row 4 follows it.
    expect(plan(doc(table([1, 12, 1])), cutting(100))).toEqual([{ breaks: [], cuts: [{ row: 3, lines: [4] }, { row: 3, lines: [11] }] }]);
    // A row that a page holds is moved whole, not cut: 6 lines that do not fit below rows 0–4.
    expect(plan(doc(table([1, 1, 1, 6, 1])), cutting(100))).toEqual([{ breaks: [5], cuts: [] }]);
  });

  it('cuts a row more than once, each part as long as its page allows', () => {
    // 30 lines would run over three pages or more: row 2 stays below rows 0–1 (31 pt), where its
    // paddings and rule leave 64 pt, 6 lines; then 7 on each page below the header; the last 3
    // with row 3 after them.
    expect(plan(doc(table([30, 1])), cutting(100))).toEqual([{ breaks: [], cuts: [6, 13, 20, 27].map((n) => ({ row: 2, lines: [n] })) }]);
  });

  it('cuts only between two lines that print: an empty line stays with the line before it', () => {
    // Line 5 (the first that would go on) is empty: the cut comes a line earlier, after line 3.
    const plans = plan(doc(table([1, 12, 1])), cutting(100, (n) => (n === 4 ? '' : `第${n + 1}行`)));
    expect(plans[0]!.cuts).toEqual([
      { row: 3, lines: [3] },
      { row: 3, lines: [10] },
    ]);
  });

  it('never so that what goes on reads the same as what is above it (a reader would take it for a label printed again)', () => {
    // 14 lines of 'A', line 10 only a space. Below rows 0–1, 6 lines fit; the next page holds 7,
    // lines 7–13, which read 'AAAAAA' as the 6 above do (the space prints nothing): 6 go there, the
    // last 2 on a third page.
    expect(plan(doc(table([14])), cutting(100, (n) => (n === 9 ? ' ' : 'A')))[0]!.cuts).toEqual([
      { row: 2, lines: [6] },
      { row: 2, lines: [12] },
    ]);
    // Nor where the two differ only in where the value has line breaks: the 6 lines above are
    // 'A's on lines of their own, the 7 below 'A's that wrapped (a break after a full line prints
    // as a wrap does, so a reader sees the same).
    const breaksAbove: PageMeasure = {
      ...measure(100),
      table: (block) => ({
        ...measure(100).table(block),
        text: (_r, _i, from, to) => Array.from({ length: to - from }, (_, k) => (from + k === 9 ? ' ' : 'A') + (from + k + 1 < Math.min(6, to) ? '\n' : '')).join(''),
      }),
    };
    expect(plan(doc(table([14])), breaksAbove)[0]!.cuts).toEqual([
      { row: 2, lines: [6] },
      { row: 2, lines: [12] },
    ]);
    // Told apart, the next page takes all 7.
    expect(plan(doc(table([14])), cutting(100))[0]!.cuts).toEqual([
      { row: 2, lines: [6] },
      { row: 2, lines: [13] },
    ]);
  });
});
