// Forms as other Shanghai offices print them (test/fixtures/putuo-2026.json, every variant at
// once: a 阶段性项目 over three years with its own goal heading and project funds ≠ annual funds,
// amounts of 10 and 11 digits, 成本指标 first with all three of its 二级指标, numbered multi-line
// goals, and the Putuo house style: 2026/1/1, 0 for zeros, （2026年度）). Amounts never wrap, in
// the PDFs, the 汇总表 and Word; the style prints and reads back; the seed keeps its own.
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFiles } from '../src/output/build.js';
import { declarationDocument } from '../src/layout/forms.js';
import { formatMoney, sumMoney } from '../src/model/money.js';
import { loadFonts, type LoadedFonts } from '../src/render/fonts.js';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import { pagedPdf } from '../src/output/paged-pdf.js';
import type { GridDocument } from '../src/layout/grid.js';
import type { Packet } from '../src/model/packet.js';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { mkdir, writeFile } from 'node:fs/promises';
import { diffPackets } from '../src/extract/diff.js';
import { extractDocx } from '../src/extract/docx.js';
import { DEFAULT_TEMPLATE_DIR } from '../src/layout/templates.js';
import { dateFormatProblem, formatDate, parseDate } from '../src/model/display.js';
import { validatePacket } from '../src/validate/validate.js';
import { part, readBytes } from './support/docx.js';
import { readPdf } from './support/pdf.js';
import { loadSeed } from './support/seed.js';
import { lines } from './support/problems.js';
import { seedBuild } from './support/seed-built.js';

const FIXTURE = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', 'putuo-2026.json');
const putuo = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Packet;
const seed = loadSeed();

let templates: FormTemplates;
let fonts: LoadedFonts;
let out: string;
const built = new Map<string, Uint8Array>(); // file name -> bytes, both packets
beforeAll(async () => {
  [templates, fonts] = await Promise.all([loadTemplates(), loadFonts()]);
  out = await mkdtemp(path.join(tmpdir(), 'shenbao-house-style-'));
  const reports = await buildFiles([FIXTURE], { outDir: out, creationDate: new Date('2026-01-05T00:00:00Z') });
  for (const report of reports) {
    expect(report.ok, JSON.stringify(report.diagnostics)).toBe(true);
    for (const file of report.written) built.set(`${path.basename(report.file, '.json')}/${path.basename(file)}`, new Uint8Array(await readFile(file)));
  }
  // The seed's files as the run built them once (test/support/seed-build.ts): only its PDFs are
  // read here, and built again here they cost about 3 s of CPU.
  const seedDir = await seedBuild();
  for (const name of await readdir(seedDir)) built.set(`minhang-2023/${name}`, new Uint8Array(await readFile(path.join(seedDir, name))));
}, 60_000);
afterAll(() => rm(out, { recursive: true, force: true }));

const pdfsOf = (packet: string) => [...built].filter(([name]) => name.startsWith(`${packet}/`) && name.endsWith('.pdf'));
const textOf = async (bytes: Uint8Array) => (await readPdf(bytes)).pages.join('\n');

/** Every amount a packet prints, as printed (zeros aside: "0" says nothing about wrapping), the 合计 row's too. */
function printedAmounts(packet: Packet): string[] {
  const zero = packet.display?.zeroAmount ?? '0.00';
  const amounts = packet.projects.flatMap((p) => [...Object.values(p.funds.project), ...Object.values(p.funds.annual)]);
  const keys = ['total', 'fiscal', 'carryover', 'other'] as const;
  const totals = keys.map((k) => sumMoney(packet.projects.map((p) => p.funds.annual[k])));
  return [...new Set([...amounts, ...totals].map((a) => formatMoney(a, zero)).filter((a) => a !== zero && a.length > 4))];
}

/** The amounts of `amounts` found split over lines of `text`, or missing from it. */
function notOnOneLine(text: string, amounts: readonly string[]): string[] {
  const lines = text.split('\n');
  return amounts.filter((amount) => !lines.some((line) => line.includes(amount)));
}

describe('no amount is split over two lines', () => {
  it.each([
    ['putuo-2026', putuo],
    ['minhang-2023', seed],
  ])('%s: every amount of every form and of the 汇总表 reads back on one line', async (name, packet) => {
    const amounts = printedAmounts(packet);
    if (name === 'putuo-2026') expect(amounts).toEqual(expect.arrayContaining(['98,765,432,109.87', '12,345,678,901.23', '1,771,325,800.46', '6,342,431,324.46']));
    const pdfs = pdfsOf(name);
    expect(pdfs).toHaveLength(packet.projects.length + 1);
    for (const [file, bytes] of pdfs) {
      const text = await textOf(bytes);
      // A form prints its own amounts (a one-project 合计 is its own annual amounts); the 汇总表 all of them.
      const own = (file: string) => ({ ...packet, projects: [packet.projects[Number(path.basename(file).slice(0, 2)) - 1]!] });
      const expected = file.endsWith('汇总表.pdf') ? amounts : printedAmounts(own(file));
      expect(notOnOneLine(text, expected), file).toEqual([]);
    }
  });

  it('the check sees an amount that wraps: the same form without its nowrap cells', async () => {
    const grid = declarationDocument(templates, putuo.projects[0]!, putuo.year, 0, putuo.display);
    const wrapping: GridDocument = {
      ...grid,
      sections: grid.sections.map((s) => ({
        ...s,
        blocks: s.blocks.map((b) => (b.type === 'table' ? { ...b, rows: b.rows.map((r) => ({ ...r, cells: r.cells.map(({ noWrap: _, ...c }) => c) })) } : b)),
      })),
    };
    const text = await textOf((await pagedPdf(wrapping, { fonts, creationDate: new Date(0) })).bytes);
    expect(notOnOneLine(text, ['98,765,432,109.87'])).toEqual(['98,765,432,109.87']);
  });

  it('an amount too wide for its column prints smaller in that cell only, in the PDF and in Word alike', async () => {
    const pdf = await pagedPdf(declarationDocument(templates, putuo.projects[0]!, putuo.year, 0, putuo.display), { fonts, creationDate: new Date(0) });
    const cells = pdf.paged.sections.flatMap((s) => s.blocks).flatMap((b) => (b.type === 'table' ? b.rows.flatMap((r) => r.cells) : []));
    const size = (text: string) => cells.find((c) => c.text === text)?.fontSize;
    expect(size('98,765,432,109.87')).toBeLessThan(10.5);
    expect(size('98,765,432,109.87')).toBeGreaterThanOrEqual(4);
    expect(size('9.87')).toBeUndefined(); // fits at the table's size
    expect(size('项目资金总额')).toBeUndefined();
    // Word prints the same cell at the same size (half-points).
    const xml = part(built.get('putuo-2026/01-苏州河长征段滨水空间贯通工程.docx')!, 'word/document.xml');
    const run = new RegExp(`<w:sz w:val="(\\d+)"/><w:szCs w:val="\\d+"/></w:rPr><w:t xml:space="preserve">98,765,432,109.87</w:t>`).exec(xml);
    expect(run?.[1]).toBe(String(size('98,765,432,109.87')! * 2)); // whole half-points, as Word requires
    expect(xml).toContain('<w:t xml:space="preserve">9.87</w:t>');
    expect(xml).not.toMatch(/<w:sz w:val="\d+"\/><w:szCs w:val="\d+"\/><\/w:rPr><w:t xml:space="preserve">9\.87</);
  });
});

describe('the house style and the goal heading', () => {
  it('prints the Putuo style: （2026年度）, 2024/3/1, 0 for zeros, and the project’s own goal heading', async () => {
    const text = await textOf(built.get('putuo-2026/01-苏州河长征段滨水空间贯通工程.pdf')!);
    for (const expected of ['（2026年度）', '2024/3/1', '2026/11/30', '项目总体目标(2024年-2026年)']) expect(text).toContain(expected);
    expect(text).not.toContain('(2026年度)');
    expect(text).not.toContain('2024-03-01');
    expect(text).toMatch(/上年结转资金\s*0\s*$/m);
    const grid = declarationDocument(templates, putuo.projects[0]!, putuo.year, 0, putuo.display);
    const cell = (field: string) => grid.sections[0]!.blocks.flatMap((b) => (b.type === 'table' ? b.rows.flatMap((r) => r.cells) : [])).find((c) => c.path?.join('.') === `projects.0.${field}`);
    expect([cell('funds.annual.carryover')?.text, cell('startDate')?.text, cell('overallGoalHeading')?.text]).toEqual(['0', '2024/3/1', '项目总体目标(2024年-2026年)']);
  });

  it('keeps 项目总目标 on a form whose project names no heading', async () => {
    const text = await textOf(built.get('putuo-2026/02-长征镇老年助餐服务点运营.pdf')!);
    expect(text).toContain('项目总目标');
    expect(text).not.toContain('项目总体目标');
  });

  it('reads the Putuo 汇总表.docx back to exactly the data it was made from', async () => {
    const extracted = await extractDocx(built.get('putuo-2026/汇总表.docx')!, '汇总表.docx', templates);
    expect(extracted.problems).toEqual([]);
    expect(extracted.data).toEqual(putuo);
  });

  it('dates: tokens yyyy, M, MM, d, dd; everything else printed as written', () => {
    expect(['yyyy-MM-dd', 'yyyy/M/d', 'yyyy年M月d日', 'dd.MM.yyyy'].map((f) => formatDate('2026-01-05', f))).toEqual(['2026-01-05', '2026/1/5', '2026年1月5日', '05.01.2026']);
    expect(['2026/1/5', '2026/12/31'].map((t) => parseDate(t, 'yyyy/M/d'))).toEqual(['2026-01-05', '2026-12-31']);
    expect(parseDate('2026-01-05', 'yyyy/M/d')).toBeUndefined();
    expect(dateFormatProblem('yyyyMd')).toBe('日期格式「yyyyMd」里 M、d 紧挨着别的年月日，印出来读不回来：不补零的月、日前后要有分隔的文字，或改用 MM、dd');
    expect(dateFormatProblem('yyyyMMdd')).toBeUndefined();
  });
});

describe('read back as printed (hostile-test findings)', () => {
  /** Builds `packet` (with `templateDir`, if given) and returns its 汇总表.docx. */
  async function summaryDocx(packet: Packet, templateDir?: string): Promise<Uint8Array> {
    const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-house-style-'));
    try {
      const data = path.join(dir, 'unit.json');
      await writeFile(data, JSON.stringify(packet));
      const [report] = await buildFiles([data], { outDir: path.join(dir, 'out'), formats: ['docx'], creationDate: new Date(0), templateDir });
      expect(report!.ok, JSON.stringify(report!.diagnostics)).toBe(true);
      return new Uint8Array(await readFile(report!.written.find((f) => f.endsWith('汇总表.docx'))!));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('a heading written as the default reads back as the same form; one with a space keeps its space', async () => {
    const projects = putuo.projects.map((p, i) => (i === 1 ? { ...p, overallGoalHeading: '项目 总目标' } : i === 2 ? { ...p, overallGoalHeading: '项目总目标' } : p));
    const packet = { ...putuo, projects };
    const read = await extractDocx(await summaryDocx(packet), '汇总表.docx', templates);
    const back = read.data as Packet;
    expect(back.projects.map((p) => p.overallGoalHeading)).toEqual(['项目总体目标(2024年-2026年)', '项目 总目标', undefined]);
    // Left out or written out, the default prints the same: no change.
    expect(diffPackets(packet, back)).toEqual([]);
    expect(diffPackets({ ...putuo, display: undefined }, { ...putuo, display: { dateFormat: 'yyyy-MM-dd', zeroAmount: '0.00', yearBrackets: 'ascii' } })).toEqual([]);
  });

  it('Word sizes are whole half-points, even from a template’s size="9.3"', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-templates-'));
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'declaration.hbs'), await readFile(path.join(DEFAULT_TEMPLATE_DIR, 'declaration.hbs')));
      const summary = (await readFile(path.join(DEFAULT_TEMPLATE_DIR, 'summary.hbs'), 'utf8')).replace('<table size="9">', '<table size="9.3">');
      await writeFile(path.join(dir, 'summary.hbs'), summary);
      const xml = part(await summaryDocx(putuo, dir), 'word/document.xml');
      const sizes = [...xml.matchAll(/<w:sz w:val="([^"]+)"\/>/g)].map((m) => m[1]!);
      expect(sizes).toContain('19'); // 9.3 pt: 9.5 in Word
      expect(sizes.filter((v) => !/^\d+$/.test(v))).toEqual([]);
      expect(new Set(sizes).size).toBeGreaterThan(3); // the amounts shrunk: 9, 8.5, … (18, 17, …)
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a .docx that lost its house-style property says so, rather than only refusing its dates and year line', async () => {
    const entries = unzipSync(await summaryDocx(putuo));
    const custom = strFromU8(entries['docProps/custom.xml']!);
    // Lost as a copy into a new file loses it: with shenbao's other properties. (A file that kept
    // those but has no 印制样式 was printed in the default style: test/docx-places.test.ts.)
    entries['docProps/custom.xml'] = strToU8(custom.replace(/<property[^>]*>.*?<\/property>/g, ''));
    expect(strFromU8(entries['docProps/custom.xml']!)).not.toContain('印制样式');
    const read = await extractDocx(zipSync(entries), '汇总表.docx', templates);
    expect(lines(read.problems).at(-1)).toMatch(/^汇总表\.docx：文件里没有 shenbao 记下的印制样式（在 Word 的“文件 → 属性 → 自定义”里，名为「印制样式」/);
  });
});

describe('bad house-style values', () => {
  const diagnosticsOf = (display: unknown) =>
    validatePacket({ ...putuo, display }).diagnostics.map((d) => [d.path.join('.'), d.message]);

  it('a date format with an unknown token, naming the field and the token', () => {
    expect(diagnosticsOf({ dateFormat: 'yyyy/MM/DD' })).toEqual([
      [
        'display.dateFormat',
        '日期格式「yyyy/MM/DD」里的「DD」不认识：只能用 yyyy（四位年份）、M 或 MM（月）、d 或 dd（日），年、月、日各一次；其余文字照原样印出，如 "yyyy/M/d"、"yyyy年M月d日"',
      ],
    ]);
    expect(diagnosticsOf({ dateFormat: 'yyyy/M' })[0]![0]).toBe('display.dateFormat');
    // A digit beside an unpadded month or day: 2026-01-11 would print 2026/1111 and read back as 2026-11-01.
    expect(diagnosticsOf({ dateFormat: 'yyyy/M1d' })).toEqual([['display.dateFormat', '日期格式「yyyy/M1d」里的文字不能有数字：印出来分不清哪些数字是年月日']]);
    // Printed into every date: one error here, not one per date (nor a font's missing glyph).
    expect(diagnosticsOf({ dateFormat: 'yyyy/M/d\t' })).toEqual([
      ['display.dateFormat', '日期格式里有不能印在日期里的字符 U+0009（换行、制表符、不可见字符或表情符号），请删去'],
    ]);
  });

  it('an unknown field of display, and values outside the lists', () => {
    expect(diagnosticsOf({ fontSize: 9, zeroAmount: '-', yearBrackets: 'round' })).toEqual([
      ['display.zeroAmount', '应为 "0.00"（默认）、"0"，或 "" 留空'],
      ['display.yearBrackets', '应为以下之一：ascii、fullwidth'],
      ['display.fontSize', '有不认识的字段：fontSize'],
    ]);
  });
});

describe('the committed JSON Schema (ajv, independent of zod)', () => {
  const schema = JSON.parse(readFileSync(new URL('../schema/packet.schema.json', import.meta.url), 'utf8'));
  const ajv = new Ajv2020.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);

  it('describes display and overallGoalHeading', () => {
    const display = schema.properties.display;
    expect(Object.keys(display.properties)).toEqual(['dateFormat', 'zeroAmount', 'yearBrackets']);
    expect(display.additionalProperties).toBe(false);
    for (const field of Object.values(display.properties) as Array<{ description?: string }>) expect(field.description).toMatch(/./);
    expect([...display.properties.zeroAmount.enum].sort()).toEqual(['', '0', '0.00']);
    const heading = schema.properties.projects.items.properties.overallGoalHeading;
    expect(heading.description).toContain('项目总目标');
  });

  it('validates the Putuo fixture, and refuses an unknown display field', () => {
    expect(validate(putuo), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...putuo, display: { ...putuo.display, fontSize: 9 } })).toBe(false);
  });
});
