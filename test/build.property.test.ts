// Property: any valid packet builds, and every value of every form comes back out of its PDF, in
// order. Packets are generated: names and texts drawn from what the default font can print
// (common and rare CJK, Latin, digits, full-width punctuation), 0–200 indicators, long goals with
// line breaks, amounts that add up, dates inside the year.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFiles, createBuildContext, type BuildContext } from '../src/output/build.js';
import { validatePacket } from '../src/validate/validate.js';
import type { Packet, Project } from '../src/model/packet.js';
import { compact, readPdf } from './support/pdf.js';
import { declarationValues } from './support/seed.js';
import { writeFile } from 'node:fs/promises';

let context: BuildContext;
let dir: string;
beforeAll(async () => {
  context = await createBuildContext();
  dir = await mkdtemp(path.join(tmpdir(), 'shenbao-property-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Characters the regular face has: CJK (common block, a few from Extension A), Latin, digits, punctuation. */
function repertoire(): string[] {
  const { regular } = context.fonts.faces;
  const chars: string[] = [];
  const take = (from: number, to: number, step: number) => {
    for (let c = from; c <= to; c += step) if (regular.hasGlyph(c)) chars.push(String.fromCodePoint(c));
  };
  take(0x4e00, 0x9fff, 7); // common ideographs
  take(0x3400, 0x4dbf, 97); // Extension A: rare, but in the font
  take(0x41, 0x5a, 1);
  take(0x61, 0x7a, 1);
  take(0x30, 0x39, 1);
  for (const c of '（）《》、，。；：“”—·%') chars.push(c);
  return chars;
}

function arbitraries(chars: string[]) {
  const char = fc.constantFrom(...chars);
  // size 'max': lengths spread over the whole range, not fast-check's small default.
  const text = (min: number, max: number) => fc.array(char, { minLength: min, maxLength: max, size: 'max' }).map((a) => a.join(''));
  const goal = fc.array(text(1, 400), { minLength: 1, maxLength: 12, size: 'max' }).map((lines) => lines.join('\n'));
  const cents = fc.integer({ min: 0, max: 99_999_999_999 }).map((n) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`);
  const target = fc.oneof(
    fc.tuple(fc.constantFrom('≥', '≤', '=', '>', '<'), fc.integer({ min: 0, max: 100_000 }), fc.constantFrom('次', '人次', '个', '项')).map(
      ([op, n, unit]) => `${op}${n}(${unit})`,
    ),
    fc.tuple(fc.constantFrom('≥', '='), fc.integer({ min: 0, max: 100 })).map(([op, n]) => `${op}${n}(%)`),
    fc.constantFrom('提升', '健全', '有效', '准确', '及时', '4季度前', '每月'),
  );
  const level = fc.constantFrom(
    ['产出指标', '数量指标'],
    ['产出指标', '质量指标'],
    ['产出指标', '时效指标'],
    ['效益指标', '社会效益指标'],
    ['满意度指标', '服务对象满意度指标'],
  );
  const indicator = fc.record({ level: level, name: text(1, 60), target });
  const project = fc
    .record({
      name: text(1, 40),
      nature: fc.constantFrom('经常性项目', '一次性项目'),
      category: text(1, 10),
      department: text(1, 30),
      implementer: text(1, 30),
      fiscal: cents,
      carryover: cents,
      other: cents,
      overallGoal: fc.option(goal, { nil: undefined }),
      annualGoal: goal,
      indicators: fc.array(indicator, { minLength: 0, maxLength: 200, size: 'max' }),
    })
    .map((p): Project => {
      const total = ((BigInt(p.fiscal.replace('.', '')) + BigInt(p.carryover.replace('.', '')) + BigInt(p.other.replace('.', ''))) as bigint).toString().padStart(3, '0');
      // Sorted so each group is contiguous, as on a real form.
      const indicators = [...p.indicators]
        .sort((a, b) => a.level.join().localeCompare(b.level.join()))
        .map((i) => ({ level1: i.level[0]!, level2: i.level[1]!, name: i.name, target: i.target }));
      return {
        name: p.name,
        nature: p.nature as Project['nature'],
        category: p.category,
        department: p.department,
        implementer: p.implementer,
        startDate: '2024-01-01',
        endDate: '2024-12-31',
        funds: {
          project: {},
          annual: { total: `${total.slice(0, -2)}.${total.slice(-2)}`, fiscal: p.fiscal, carryover: p.carryover, other: p.other },
        },
        ...(p.overallGoal === undefined ? {} : { overallGoal: p.overallGoal }),
        annualGoal: p.annualGoal,
        indicators,
      };
    });
  return fc.array(project, { minLength: 1, maxLength: 2 }).map(
    (projects): Packet => ({ title: '测试单位2024年度项目绩效目标汇总表', unit: '测试单位', year: 2024, projects }),
  );
}

describe('any valid packet', () => {
  it('builds, and each form gives back every value in order', async () => {
    const packets = arbitraries(repertoire());
    let run = 0;
    await fc.assert(
      fc.asyncProperty(packets, async (packet) => {
        // The generator makes valid packets only; a rule that refuses one is a finding in itself.
        expect(validatePacket(packet).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const file = path.join(dir, `p${run++}.json`);
        await writeFile(file, JSON.stringify(packet));
        const [report] = await buildFiles([file], { outDir: path.join(dir, 'out'), creationDate: new Date(0) }, context);
        expect(report!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        // Each form and the 汇总表 as a PDF and, beside it, as a Word file of the same name.
        const pdfs = report!.written.filter((f) => f.endsWith('.pdf'));
        expect(report!.written).toHaveLength(2 * (packet.projects.length + 1));
        expect(pdfs).toHaveLength(packet.projects.length + 1);
        expect(report!.written.filter((f) => f.endsWith('.docx'))).toEqual(pdfs.map((f) => f.replace(/\.pdf$/, '.docx')));
        for (const [i, project] of packet.projects.entries()) {
          const pdf = await readPdf(await readFile(pdfs[i]!));
          expectForm(pdf.pages, project, packet.year);
        }
      }),
      { numRuns: 8, seed: 20261126, endOnFailure: true },
    );
  }, 600_000);
});

/**
 * Every value of the form, in reading order. A goal taller than a page is cut by page breaks
 * (with the footer between its pieces), and the two goal cells stand side by side, so their
 * pieces alternate page by page: each goal must come back whole as a subsequence of the text,
 * footers removed; every other value contiguously.
 */
function expectForm(pages: string[], project: Project, year: number): void {
  const text = compact(pages.join('')).replace(/第\d+页共\d+页/g, '');
  const goals = new Set([project.overallGoal, project.annualGoal].filter((g) => g !== undefined));
  let from = 0;
  let afterGoals = 0;
  for (const value of declarationValues(project, year)) {
    const needle = compact(value);
    if (!needle) continue;
    if (goals.has(value)) {
      afterGoals = Math.max(afterGoals, subsequenceEnd(text, needle, from, value));
      continue;
    }
    if (afterGoals > from) from = afterGoals;
    const at = text.indexOf(needle, from);
    expect(at, `「${value.slice(0, 40)}」 missing after ${from}: 「${text.slice(from, from + 60)}」`).toBeGreaterThanOrEqual(0);
    from = at + needle.length;
  }
}

function subsequenceEnd(text: string, needle: string, from: number, value: string): number {
  let at = from;
  for (const char of needle) {
    const found = text.indexOf(char, at);
    expect(found, `goal 「${value.slice(0, 30)}…」: 「${char}」 missing after ${at}`).toBeGreaterThanOrEqual(0);
    at = found + char.length;
  }
  return at;
}
