// A form longer than a page: the indicator header row and the current 一级/二级 labels are printed
// again on every continuation page, and nothing is lost on the way.
import { beforeAll, describe, expect, it } from 'vitest';
import { declarationDocument } from '../src/layout/forms.js';
import { loadFonts } from '../src/render/fonts.js';
import { loadTemplates } from '../src/layout/templates.js';
import { pagedPdf } from '../src/output/paged-pdf.js';
import type { GridDocument, GridTable } from '../src/layout/grid.js';
import type { Project } from '../src/model/packet.js';
import { compact, expectInOrder, readPdf, type PdfReadback } from './support/pdf.js';
import { declarationValues, loadSeed, LEVELS } from './support/seed.js';


/** The seed's first project with 80 indicators in four groups of 20; names are unique (A001…). */
export function longProject(): Project {
  const base = loadSeed().projects[0]!;
  return {
    ...base,
    name: '八十项指标测试项目',
    indicators: Array.from({ length: 80 }, (_, i) => ({
      level1: LEVELS[Math.floor(i / 20)]![0],
      level2: LEVELS[Math.floor(i / 20)]![1],
      name: `测试指标A${String(i + 1).padStart(3, '0')}`,
      target: `≥${i + 1}(次)`,
    })),
  };
}

const HEADER = '绩效指标一级指标二级指标三级指标年度(/项目)指标值';

describe('a form of 80 indicators', () => {
  const project = longProject();
  let pdf: PdfReadback;
  let paged: GridDocument;
  beforeAll(async () => {
    const templates = await loadTemplates();
    const document = declarationDocument(templates, project, 2023, 0);
    const result = await pagedPdf(document, { fonts: await loadFonts(), creationDate: new Date(0) });
    pdf = await readPdf(result.bytes);
    paged = result.paged;
  });

  it('is laid out as one grid section per page, each continuation opening with the header row', () => {
    expect(paged.sections).toHaveLength(pdf.pages.length);
    expect(paged.sections.map((s) => s.bookmark)).toEqual([project.name, ...paged.sections.slice(1).map(() => undefined)]);
    for (const section of paged.sections.slice(1)) {
      const [table] = section.blocks as GridTable[];
      expect(table!.rows[0]!.repeat).toBe(true);
      expect(table!.rows[0]!.cells.map((c) => c.text)).toEqual(['绩效指标', '一级指标', '二级指标', '三级指标', '年度(/项目)指标值']);
    }
  });

  it('spans at least two pages', () => {
    expect(pdf.pages.length).toBeGreaterThanOrEqual(2);
  });

  it('round-trips: every value comes back in order', () => {
    expectInOrder(pdf.pages.join('\n'), declarationValues(project, 2023));
  });

  it('starts every continuation page with the indicator header and the continued group’s labels', () => {
    for (const [p, page] of pdf.pages.entries()) {
      if (p === 0) continue;
      const text = compact(page);
      const first = project.indicators.findIndex((indicator) => text.includes(indicator.name));
      expect(first, `page ${p + 1} shows no indicator`).toBeGreaterThan(0);
      const previous = project.indicators[first - 1]!;
      const indicator = project.indicators[first]!;
      // Each break in this fixture falls inside a group, so these labels are true repeats.
      expect([previous.level1, previous.level2]).toEqual([indicator.level1, indicator.level2]);
      expect(text.startsWith(`${HEADER}${indicator.level1}${indicator.level2}${indicator.name}`), text.slice(0, 80)).toBe(
        true,
      );
      // …and the previous page ended with the indicator before it.
      expect(compact(pdf.pages[p - 1]!)).toContain(`${previous.name}${compact(previous.target)}`);
    }
  });
});

describe('a goal text longer than a page', () => {
  const project: Project = {
    ...loadSeed().projects[0]!,
    annualGoal: Array.from({ length: 120 }, (_, i) => `第${i + 1}句：年度总体目标的文字很长，一页放不下。`).join('\n'),
  };

  it('continues on the next pages instead of being clipped', async () => {
    const document = declarationDocument(await loadTemplates(), project, 2023, 0);
    const { bytes } = await pagedPdf(document, { fonts: await loadFonts(), creationDate: new Date(0) });
    const pdf = await readPdf(bytes);
    expect(pdf.pages.length).toBeGreaterThanOrEqual(3);
    // Page footers come between the pieces of the text, so look for it sentence by sentence.
    const values = declarationValues(project, 2023).flatMap((v) => (v === project.annualGoal ? v.split('\n') : [v]));
    expectInOrder(pdf.pages.join('\n'), values);
  });
});
