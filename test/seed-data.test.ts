// data/minhang-2023.json is a faithful transcription of the reference packet: every value it holds
// stands in the seed's extracted text, in the same order. Only the documented extraction
// artefacts are mended before comparing (DESIGN.md): `<p>` tags, and full-width parentheses the
// extractor rendered as " (…)".
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compact, expectInOrder } from './support/pdf.js';
import { loadSeed, money } from './support/seed.js';

const seedText = readFileSync(new URL('./fixtures/seed/000_0404f4768d803c0b.txt', import.meta.url), 'utf8')
  .replace(/<\/?p>/g, '')
  .replace(/ \((汇总|2023运维)\)/g, '（$1）');
const seed = loadSeed();

describe('the seed data file', () => {
  it('has the packet title and 10 projects', () => {
    expect(compact(seedText).startsWith(compact(seed.title))).toBe(true);
    expect(seed.projects).toHaveLength(10);
    expect(compact(seedText).split('财政项目支出绩效目标申报表').length - 1).toBe(10);
  });

  it('holds every header value, amount, goal and indicator of the seed, in the seed’s order', () => {
    expectInOrder(
      seedText,
      seed.projects.flatMap((p) => [
        p.name, p.nature, p.category, p.department, p.implementer, p.startDate, p.endDate,
        money(p.funds.annual.total), money(p.funds.annual.fiscal), money(p.funds.annual.carryover), money(p.funds.annual.other),
        p.annualGoal ?? '',
        ...p.indicators.flatMap((indicator) => [indicator.name, indicator.target]),
      ]),
    );
  });

  it('leaves out nothing: each seed form has as many indicator rows as the data', () => {
    // After the 一级指标… header, an indicator row has at least two filled cells (name, target);
    // blank lines, dashes and a lone repeated label ("效益指标") do not.
    const forms = seedText.split('财政项目支出绩效目标申报表').slice(1);
    const counts = forms.map((form) => {
      const lines = form.split('\n');
      const header = lines.findIndex((line) => line.includes('一级指标'));
      const rows = lines.slice(header + 1).filter((line) => !/^[-\t]+$/.test(line));
      return rows.filter((line) => line.split('\t').filter((cell) => cell.trim()).length >= 2).length;
    });
    expect(counts).toEqual(seed.projects.map((p) => p.indicators.length));
  });
});
