// A very long goal text: every sentence printed once and in order, page footers intact. That its
// setting is linear in its length is shown by structure, not by wall time: lines are filled
// greedily, each decided by its own text (breaking the text where a line ends, or paragraph by
// paragraph, gives the same lines), and the form is made within the test's timeout.
import { beforeAll, describe, expect, it } from 'vitest';
import { breakLines, type TextMeasure, type TextStyle } from '../src/layout/text.js';
import { declarationDocument } from '../src/layout/forms.js';
import { loadFonts } from '../src/render/fonts.js';
import { loadTemplates } from '../src/layout/templates.js';
import { pagedPdf } from '../src/output/paged-pdf.js';
import { textMeasure } from '../src/render/measure.js';
import type { GridDocument, GridTable } from '../src/layout/grid.js';
import type { PlacedText } from '../src/layout/place.js';
import type { Project } from '../src/model/packet.js';
import { cellTextWidth, contentWidths } from '../src/layout/place.js';
import { lineSpans } from '../src/layout/text.js';
import type { LoadedFonts } from '../src/render/fonts.js';
import type { FormTemplates } from '../src/layout/templates.js';
import { expectInOrder, readPdf, withoutFooters } from './support/pdf.js';
import { declarationValues, loadSeed } from './support/seed.js';

const PHRASES = ['推进基层社会治理体系建设', '完成居村委会换届后的培训', '提升居民群众的获得感和安全感', '开展专题调研并形成报告'];

/** Numbered, distinct sentences (【第000001句】…) up to `chars` characters; a '\n' after every `breakEvery`-th. */
function goal(chars: number, breakEvery: number | null): { text: string; sentences: string[] } {
  const sentences: string[] = [];
  let text = '';
  for (let i = 1; text.length < chars; i++) {
    const sentence = `【第${String(i).padStart(6, '0')}句】${PHRASES[i % PHRASES.length]}，Target ${i} done.`;
    sentences.push(sentence);
    text += sentence + (breakEvery && i % breakEvery === 0 ? '\n' : '');
  }
  return { text, sentences };
}

let templates: FormTemplates;
let fonts: LoadedFonts;
let measure: TextMeasure;
beforeAll(async () => {
  [templates, fonts] = await Promise.all([loadTemplates(), loadFonts()]);
  measure = textMeasure(fonts);
});

const ANNUAL_GOAL = ['projects', 0, 'annualGoal'].join('.');

/** The seed's first form with this goal, as a PDF and as placed. */
async function render(annualGoal: string) {
  const project: Project = { ...loadSeed().projects[0]!, annualGoal };
  const grid = declarationDocument(templates, project, 2023, 0);
  const result = await pagedPdf(grid, { fonts, creationDate: new Date(0) });
  const goalLines = result.pages.map((page) => page.items.filter((item): item is PlacedText => item.type === 'text' && item.path?.join('.') === ANNUAL_GOAL));
  return { project, grid, goalLines, ...result };
}

/** How the goal cell sets its text: its face, size and width in the form. */
function goalStyle(grid: GridDocument): TextStyle {
  const table = grid.sections[0]!.blocks.find((b): b is GridTable => b.type === 'table')!;
  const cell = table.rows.flatMap((row) => row.cells).find((c) => c.path?.join('.') === ANNUAL_GOAL)!;
  return { face: 'regular', size: grid.page.fontSize, lineHeight: grid.page.lineHeight, width: cellTextWidth(grid.page, contentWidths(grid.page, table.widths), cell) };
}

const texts = (lines: ReadonlyArray<{ text: string }>) => lines.map((line) => line.text);

/**
 * The pages' text, footers and the label 项目绩效目标 left out: a goal row cut by page breaks has
 * that label printed again beside each part, once on every page the goal is on (checked).
 */
function goalBody(pages: string[], rendered: { goalLines: unknown[][] }): string {
  const body = withoutFooters(pages).join('');
  expect(body.split('项目绩效目标').length - 1, '项目绩效目标 beside each part of the goal').toBe(rendered.goalLines.filter((lines) => lines.length > 0).length);
  return body.replaceAll('项目绩效目标', '');
}

function expectEachOnceInOrder(text: string, sentences: string[]): void {
  expectInOrder(text, sentences);
  expect(text.split('【第').length - 1, 'numbered sentences printed').toBe(sentences.length);
}

/**
 * Greedy fill of one paragraph's lines: every line fits, and none could have taken more of the text
 * after it (set again with the next line after it, a line comes out the same).
 */
function expectFilled(lines: ReadonlyArray<{ text: string; width: number }>, style: TextStyle): void {
  lines.forEach((line, i) => {
    expect(line.width, `line ${i + 1}`).toBeLessThanOrEqual(style.width + 1e-9);
    const next = lines[i + 1];
    if (next && next.text !== '' && line.text !== '') expect(breakLines(line.text + next.text, style, measure)[0]!.text, `line ${i + 1}`).toBe(line.text);
  });
}

describe('a 200,000-character goal', () => {
  const { text, sentences } = goal(200_000, 5);
  let rendered: Awaited<ReturnType<typeof render>>;
  beforeAll(async () => {
    rendered = await render(text);
  }, 60_000);

  it('prints every sentence once, in order, with every other value of the form and every page footer', async () => {
    const pdf = await readPdf(rendered.bytes);
    expect(pdf.pages.length).toBeGreaterThan(50);
    expect(pdf.pages).toHaveLength(rendered.pages.length);
    const body = goalBody(pdf.pages, rendered);
    expectEachOnceInOrder(body, sentences);
    expectInOrder(body, declarationValues(rendered.project, 2023).filter((v) => v !== text));
  }, 60_000);

  it('is placed in the lines the breaker gives, paragraph by paragraph as for the whole', () => {
    const style = goalStyle(rendered.grid);
    const whole = breakLines(text, style, measure);
    expect(texts(rendered.goalLines.flat())).toEqual(texts(whole).filter((line) => line !== ''));
    const paragraphs = text.split('\n').map((paragraph) => breakLines(paragraph, style, measure));
    expect(paragraphs.length).toBeGreaterThan(900);
    expect(whole).toEqual(paragraphs.flat());
    for (const lines of paragraphs) expectFilled(lines, style);
  });

  it('starts right below the goal header, not on a page of its own, and is cut into a part a page', () => {
    // The goal row runs over many pages, so moving it to a new page would gain nothing: its first
    // part is in the form's first piece, each other part heads a piece of its own.
    const goalCells = (section: GridDocument['sections'][number]) =>
      section.blocks.flatMap((b) => (b.type === 'table' ? b.rows.flatMap((row) => row.cells.filter((c) => c.path?.join('.') === ANNUAL_GOAL).map((cell) => ({ row, cell }))) : []));
    const sections = rendered.paged.sections.map(goalCells);
    expect(sections[0]).toHaveLength(1);
    expect(rendered.goalLines[0]!.length).toBeGreaterThan(10);
    const parts = sections.filter((cells) => cells.length > 0);
    expect(parts.every((cells) => cells.length === 1)).toBe(true);
    expect(parts.map((cells) => cells[0]!.row.continues === true)).toEqual([...Array(parts.length - 1).fill(true), false]);
    // The parts are the goal, cut between its lines (a line break at a cut goes with it).
    const cut = parts.flat().map(({ cell }) => cell.text);
    expect(cut.length).toBeGreaterThan(50);
    expect(cut.join('').replace(/\n/g, '')).toBe(text.replace(/\n/g, ''));
    cut.forEach((part, i) => expect(text.includes(part), `part ${i + 1}`).toBe(true));
    // Every page between its first and its last is the goal's lines, as many as a page holds.
    const { page } = rendered.grid;
    const { ascent, descent } = measure.extent('regular');
    const perPage = Math.floor((page.size.height - page.margins.bottom - page.margins.top - 2 * (page.table.rule + page.table.paddingY)) / ((ascent + descent) * page.fontSize * page.lineHeight));
    const onPages = rendered.goalLines.map((onPage) => onPage.length);
    const last = onPages.length - 1 - [...onPages].reverse().findIndex((n) => n > 0);
    expect(last).toBeGreaterThan(50);
    expect(onPages.slice(1, last)).toEqual(Array(last - 1).fill(perPage));
  });
});

describe('a 200,000-character goal without any line break', () => {
  const { text, sentences } = goal(200_000, null);
  let rendered: Awaited<ReturnType<typeof render>>;
  beforeAll(async () => {
    rendered = await render(text);
  }, 60_000);

  it('prints every sentence once, in order', async () => {
    const pdf = await readPdf(rendered.bytes);
    expectEachOnceInOrder(goalBody(pdf.pages, rendered), sentences);
  }, 60_000);

  it('is set line by line: broken where any of its lines ends, the rest sets to the same lines', () => {
    const style = goalStyle(rendered.grid);
    const whole = breakLines(text, style, measure);
    expect(whole.length).toBeGreaterThan(5_000);
    expect(texts(rendered.goalLines.flat())).toEqual(texts(whole));
    for (const at of [1, 1_000, 4_321]) {
      const head = texts(whole.slice(0, at)).join('');
      expect(text.startsWith(head)).toBe(true);
      expect([...breakLines(head, style, measure), ...breakLines(text.slice(head.length), style, measure)]).toEqual(whole);
    }
    expectFilled(whole, style);
  });
});

describe('long texts of other shapes', () => {
  const cases: Record<string, string> = {
    'paragraphs and empty lines': goal(6_000, 3).text.replace(/\n/g, (_, i: number) => (i % 2 ? '\n\n' : '\n')) + '\n',
    'an unbreakable run of digits': `${'1234567890'.repeat(300)}${goal(2_000, null).text}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`${name}: every character placed once, in order, each line filled`, async () => {
      const rendered = await render(text);
      const style = goalStyle(rendered.grid);
      const lines = breakLines(text, style, measure);
      const paragraphs = text.split('\n').map((paragraph) => breakLines(paragraph, style, measure));
      paragraphs.forEach((set, i) => expect(texts(set).join(''), `paragraph ${i + 1}`).toBe(text.split('\n')[i]));
      expect(paragraphs.flat()).toEqual(lines);
      expect(texts(rendered.goalLines.flat())).toEqual(texts(lines).filter((line) => line !== ''));
      for (const set of paragraphs) expectFilled(set, style);
      // Cut between any two lines (as pagination cuts a row taller than a page), each part sets to its own lines again.
      const spans = lineSpans(text, lines);
      for (const [from, to] of [[0, 1], [0, 37], [37, 80], [80, lines.length], [lines.length - 1, lines.length]] as const) {
        const part = text.slice(spans[from]![0], spans[to - 1]![1]);
        expect(texts(breakLines(part, style, measure)), `lines ${from}–${to}`).toEqual(texts(lines.slice(from, to)));
      }
    }, 60_000);
  }
});
