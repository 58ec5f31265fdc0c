// Grid goldens: the renderer-neutral grid of chosen forms, before pagination (which depends on the
// fonts), compared as structures with test/fixtures/<case>/grid.json. Unlike the PDF text round
// trip, they see where each value stands: its row, column, spans, role and data path.
// Refresh with `UPDATE_GOLDEN=1 npx vitest run test/grid-golden.test.ts` and review the diff.
import { beforeAll, describe, expect, it } from 'vitest';
import { declarationDocument, summaryDocument } from '../src/layout/forms.js';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import type { GridDocument } from '../src/layout/grid.js';
import { expectGolden, loadDistinct } from './support/golden.js';
import { loadSeed } from './support/seed.js';

const seed = loadSeed();
const distinct = loadDistinct();
let templates: FormTemplates;
beforeAll(async () => {
  templates = await loadTemplates();
});

const declaration = (packet: typeof seed, index: number): GridDocument =>
  declarationDocument(templates, packet.projects[index]!, packet.year, index);

const cases: Array<[string, () => GridDocument]> = [
  ['seed-form-01', () => declaration(seed, 0)], // 培训费
  ['seed-form-04', () => declaration(seed, 3)], // 居村自治共治建设: a 非满意度 indicator filed under 满意度指标
  ['distinct-form-01', () => declaration(distinct, 0)],
  ['distinct-form-02', () => declaration(distinct, 1)],
  ['distinct-form-03', () => declaration(distinct, 2)],
  ['distinct-summary', () => summaryDocument(templates, distinct, [])], // the 汇总表's own table only
];

describe('grid goldens (test/fixtures/<case>/grid.json)', () => {
  it.each(cases)('%s', (name, grid) => {
    expectGolden(name, grid());
  });

  it('the goldens are the forms they claim to be', () => {
    expect(seed.projects[0]!.name).toBe('培训费');
    expect(seed.projects[3]!.name).toBe('居村自治共治建设');
    // The seed's misfiled indicator stays where it was filed, inside the 满意度指标 group.
    const misfiled = seed.projects[3]!.indicators[12]!;
    expect([misfiled.level1, misfiled.name]).toEqual(['满意度指标', '长效管理机制健全性']);
    const table = declaration(seed, 3).sections[0]!.blocks.find((b) => b.type === 'table')!;
    const rows = table.type === 'table' ? table.rows : [];
    const at = rows.findIndex((row) => row.cells.some((c) => c.path?.join('.') === 'projects.3.indicators.12.name'));
    expect(rows[at]!.cells.map((c) => [c.text, c.rowSpan, c.path?.join('.')])).toEqual([
      ['满意度指标', 3, 'projects.3.indicators.12.level1'],
      ['服务对象满意度指标', 3, 'projects.3.indicators.12.level2'],
      ['长效管理机制健全性', 1, 'projects.3.indicators.12.name'],
      ['健全', 1, 'projects.3.indicators.12.target'],
    ]);
  });
});
