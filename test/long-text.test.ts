// A very long goal text: laid out in time linear in its length, every sentence printed once and in
// order, page footers intact. Linearity is shown by structure, not by wall time: the number of
// layout passes does not grow with the text, and no text node handed to pdfmake is long (pdfmake
// lays out one node in time quadratic in its length).
import pdfmake from 'pdfmake';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { declarationDocument, loadFonts, loadTemplates, pagedPdf, type Project } from '../src/index.js';
import type { LoadedFonts } from '../src/render/fonts.js';
import { LONG_TEXT } from '../src/render/pdf-text.js';
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
beforeAll(async () => {
  [templates, fonts] = await Promise.all([loadTemplates(), loadFonts()]);
});
afterEach(() => {
  vi.restoreAllMocks();
  LONG_TEXT.maxNodeChars = 600;
});

/** Renders the seed's first form with this goal; counts layout passes and the longest text node. */
async function render(annualGoal: string) {
  const project: Project = { ...loadSeed().projects[0]!, annualGoal };
  let passes = 0;
  let longestNode = 0;
  const createPdf = pdfmake.createPdf.bind(pdfmake);
  vi.spyOn(pdfmake, 'createPdf').mockImplementation((definition, ...rest) => {
    passes++;
    longestNode = Math.max(longestNode, longestText(definition.content));
    return createPdf(definition, ...rest);
  });
  const result = await pagedPdf(declarationDocument(templates, project, 2023, 0), { fonts, creationDate: new Date(0) });
  vi.restoreAllMocks();
  return { project, passes, longestNode, ...result };
}

function longestText(node: unknown): number {
  if (typeof node === 'string') return node.length;
  if (Array.isArray(node)) return Math.max(0, ...node.map(longestText));
  if (node && typeof node === 'object') return Math.max(0, ...Object.values(node).map(longestText));
  return 0;
}


function expectEachOnceInOrder(text: string, sentences: string[]): void {
  expectInOrder(text, sentences);
  expect(text.split('【第').length - 1, 'numbered sentences printed').toBe(sentences.length);
}

describe('a 200,000-character goal', () => {
  const { text, sentences } = goal(200_000, 5);
  let rendered: Awaited<ReturnType<typeof render>>;
  let small: Awaited<ReturnType<typeof render>>;
  beforeAll(async () => {
    small = await render(goal(20_000, 5).text);
    rendered = await render(text);
  }, 120_000);

  it('prints every sentence once, in order, with every other value of the form and every page footer', async () => {
    const pdf = await readPdf(rendered.bytes);
    expect(pdf.pages.length).toBeGreaterThan(50);
    const body = withoutFooters(pdf.pages).join('');
    expectEachOnceInOrder(body, sentences);
    expectInOrder(body, declarationValues(rendered.project, 2023).filter((v) => v !== text));
  }, 60_000);

  it('is laid out in as many passes as a 20,000-character one, from short text nodes', () => {
    expect(rendered.passes).toBe(small.passes);
    expect(rendered.passes).toBeLessThanOrEqual(2);
    expect(rendered.longestNode).toBeLessThanOrEqual(2 * LONG_TEXT.maxNodeChars);
  });

  it('starts right below the goal header, not on a page of its own', () => {
    // The goal row runs over many pages, so moving it to a new page would gain nothing.
    expect(rendered.paged.sections).toHaveLength(2);
    const [first] = rendered.paged.sections;
    expect(first!.blocks.some((b) => b.type === 'table' && b.rows.some((r) => r.cells.some((c) => c.text === text)))).toBe(true);
  });
});

describe('a 200,000-character goal without any line break', () => {
  it('prints every sentence once, in order, from short text nodes', async () => {
    const { text, sentences } = goal(200_000, null);
    const rendered = await render(text);
    expect(rendered.longestNode).toBeLessThanOrEqual(2 * LONG_TEXT.maxNodeChars);
    expect(rendered.passes).toBeLessThanOrEqual(2);
    const pdf = await readPdf(rendered.bytes);
    expectEachOnceInOrder(withoutFooters(pdf.pages).join(''), sentences);
  }, 120_000);
});

describe('a long text cut into pieces for pdfmake', () => {
  // Cut only where pdfmake starts a line anyway: the same lines and pages as one text node.
  const cases: Record<string, string> = {
    'one paragraph of CJK, Latin words and numbers': goal(6_000, null).text,
    'paragraphs and empty lines': goal(6_000, 3).text.replace(/\n/g, (_, i: number) => (i % 2 ? '\n\n' : '\n')) + '\n',
    'an unbreakable run of digits': `${'1234567890'.repeat(300)}${goal(2_000, null).text}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`lays out ${name} line for line as one node would`, async () => {
      const cut = await render(text);
      LONG_TEXT.maxNodeChars = Infinity;
      const whole = await render(text);
      expect(cut.longestNode).toBeLessThan(whole.longestNode);
      const [a, b] = await Promise.all([readPdf(cut.bytes), readPdf(whole.bytes)]);
      expect(a.pages).toEqual(b.pages);
    }, 60_000);
  }
});
