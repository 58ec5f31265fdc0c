// `extract` on a PDF without its embedded data: the forms read back from the text the pages print
// (extract/pdf-read.ts → pdf-tables.ts → the Word reader's grid matching). Every PDF here is built
// by shenbao and then stripped of its attachment (catalog /AF and /Names /EmbeddedFiles), so the
// data it was made from is known exactly.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Big from 'big.js';
import { PDFDocument, PDFName, PDFDict } from '@pdfme/pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFiles } from '../src/output/build.js';
import { declarationDocument } from '../src/layout/forms.js';
import { layOutPages } from '../src/layout/pages.js';
import { loadFonts } from '../src/render/fonts.js';
import { textMeasure } from '../src/render/measure.js';
import type { GridTable } from '../src/layout/grid.js';
import type { Packet, Project } from '../src/model/packet.js';
import { setText } from '../src/layout/text.js';
import { cellTextWidth, contentWidths } from '../src/layout/place.js';
import { extractFile } from '../src/output/revision.js';
import { loadTemplates } from '../src/layout/templates.js';
import { documentInfo, readToUnicode } from '../src/extract/pdf-read.js';
import { printedDateFormat } from '../src/extract/printed-style.js';
import { shenbao, shenbaoHere } from './support/cli.js';
import { loadSeed, SEED_FILE } from './support/seed.js';
import { lines } from './support/problems.js';
import { seedBuild } from './support/seed-built.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const templates = await loadTemplates();
let out: string;
/** Built PDFs by fixture, then file name; their data by fixture. */
const built = new Map<string, Map<string, string>>();
const packets = new Map<string, Packet>();

/** The PDF without its embedded data, written beside it as `bare-<name>`. */
async function stripped(file: string): Promise<string> {
  const pdf = await PDFDocument.load(await readFile(file), { updateMetadata: false });
  pdf.catalog.delete(PDFName.of('AF'));
  pdf.catalog.lookupMaybe(PDFName.of('Names'), PDFDict)?.delete(PDFName.of('EmbeddedFiles'));
  const bare = path.join(path.dirname(file), `bare-${path.basename(file)}`);
  await writeFile(bare, await pdf.save());
  return bare;
}

/** A PDF read with its data (its print checked against it; the data must be `projects`) and stripped of it (its print read). */
async function readBothWays(file: string, projects: Project[], name: string) {
  const carried = await extractFile(file, templates);
  expect((carried.data as unknown as Packet | undefined)?.projects, name).toStrictEqual(projects);
  return { carried, read: await extractFile(await stripped(file), templates) };
}

/** Builds the PDFs of `file` (or of `packet`): every form and the 汇总表, or (`only`) the forms named and the 汇总表. */
async function build(name: string, file: string, packet?: Packet, only?: string[]): Promise<void> {
  const data = packet ?? (JSON.parse(await readFile(file, 'utf8')) as Packet);
  let source = file;
  if (packet) {
    source = path.join(out, `${name}.json`);
    await writeFile(source, JSON.stringify(packet));
  }
  const [report] = await buildFiles([source], { outDir: path.join(out, name), formats: ['pdf'], creationDate: new Date('2026-01-01T00:00:00Z'), jobs: 1, only });
  built.set(name, new Map(report!.written.filter((f) => f.endsWith('.pdf')).map((f) => [path.basename(f), f])));
  packets.set(name, data);
}

/** Amounts as the form prints them read back: two decimals (95174 is printed, and read, as 95174.00). */
function printedAmounts(project: Project): Project {
  const fixed = (group: Record<string, string | undefined> | undefined) =>
    group && Object.fromEntries(Object.entries(group).map(([key, value]) => [key, value === undefined ? value : new Big(value).toFixed(2)]));
  return { ...project, funds: { ...project.funds, project: fixed(project.funds.project), annual: fixed(project.funds.annual) } as Project['funds'] };
}

/** What a form's PDF prints: its one project; the 汇总表 prints them all. */
const projectsIn = (name: string, packet: Packet) => (name === '汇总表.pdf' ? packet.projects : [packet.projects[Number(name.slice(0, 2)) - 1]!]);

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'shenbao-pdf-text-'));
  // The seed's PDFs as the run built them once (test/support/seed-build.ts), copied: files are written beside them.
  const seed = path.join(out, 'seed');
  await cp(await seedBuild(), seed, { recursive: true });
  built.set('seed', new Map((await readdir(seed)).filter((f) => f.endsWith('.pdf')).map((f) => [f, path.join(seed, f)])));
  packets.set('seed', loadSeed());
  await build('distinct', path.join(FIXTURES, 'distinct.json'));
  await build('putuo', path.join(FIXTURES, 'putuo-2026.json'));
  // A 汇总表 whose front table runs over pages (its header row printed again on each).
  const distinct = JSON.parse(await readFile(path.join(FIXTURES, 'distinct.json'), 'utf8')) as Packet;
  const many = { ...distinct, projects: Array.from({ length: 30 }, (_, i) => ({ ...distinct.projects[i % distinct.projects.length]!, name: `${distinct.projects[i % distinct.projects.length]!.name}（第${i + 1}期）` })) };
  // Its forms are the distinct packet's three again, renamed: forms 01–03 and the last (30, a
  // two-digit number) are made and read, not all 30 (the 汇总表 still prints all 30 forms' pages,
  // laid out for it as for --only, and is read whole). All 30 made and read cost this file about
  // 4 s more CPU (27 s → 23 s, 2026-12-07).
  await build('many', '', many, [0, 1, 2, 29].map((i) => many.projects[i]!.name));
}, 120_000);
afterAll(() => rm(out, { recursive: true, force: true }));

describe('a PDF without its data is read back from its text', () => {
  it('all 10 seed forms and the 汇总表: every field and indicator exactly', async () => {
    const seed = loadSeed();
    const { $schema: _, ...expected } = seed as Packet & { $schema?: string };
    const pdfs = built.get('seed')!;
    expect(pdfs.size).toBe(11);
    for (const [name, file] of pdfs) {
      const read = await extractFile(await stripped(file), templates);
      expect(read.embedded, name).toBeUndefined();
      expect(read.problems, name).toEqual([]);
      expect(lines(read.notes)[0], name).toBe(`${path.join(path.dirname(file), `bare-${name}`)}：PDF 里没有嵌入的数据，按它印出的文字读回`);
      if (name === '汇总表.pdf') {
        expect(read.kind).toBe('summary');
        expect(read.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(read.packet).toStrictEqual(expected);
      } else {
        // A form does not print the packet's title: read without it, and said so.
        expect(read.kind).toBe('form');
        expect(read.data).toStrictEqual({ unit: seed.unit, year: seed.year, projects: projectsIn(name, seed) });
        expect(lines(read.notes).at(-1)).toBe(`${path.join(path.dirname(file), `bare-${name}`)}：PDF 上没有印汇总表标题，读回的数据缺这一项，请在 JSON 里补上`);
      }
    }
  }, 60_000);

  it('every cell distinct, and a 汇总表 whose front table runs over three pages', async () => {
    for (const fixture of ['distinct', 'many']) {
      const packet = packets.get(fixture)!;
      for (const [name, file] of built.get(fixture)!) {
        const read = await extractFile(await stripped(file), templates);
        expect(read.problems, `${fixture} ${name}`).toEqual([]);
        expect((read.data as unknown as Packet).projects, `${fixture} ${name}`).toStrictEqual(projectsIn(name, packet).map(printedAmounts));
      }
    }
    expect([...built.get('many')!.keys()].sort()).toEqual(['01-', '02-', '03-', '30-'].map((n) => expect.stringMatching(new RegExp(`^${n}`))).concat(['汇总表.pdf']));
    const front = (await PDFDocument.load(await readFile(built.get('many')!.get('汇总表.pdf')!))).getPageCount() - 30;
    expect(front).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('a house style is read off the printed forms: （2026年度）, 2024/3/1, zero as 0', async () => {
    const packet = packets.get('putuo')!;
    for (const [name, file] of built.get('putuo')!) {
      const read = await extractFile(await stripped(file), templates);
      expect(read.problems, name).toEqual([]);
      // Form 2 prints no zero amount: nothing there says how a zero prints.
      const zero = name.startsWith('02-') ? {} : { zeroAmount: '0' };
      expect(read.data!.display, name).toStrictEqual({ yearBrackets: 'fullwidth', dateFormat: 'yyyy/M/d', ...zero });
      expect((read.data as unknown as Packet).projects, name).toStrictEqual(projectsIn(name, packet).map(printedAmounts));
    }
  });

  it('wrapped lines, line breaks, empty lines and look-alike characters are told apart', async () => {
    const seed = loadSeed();
    const project: Project = {
      ...seed.projects[0]!,
      // ⼯ (U+2F2F) prints with 工's glyph: each reads back as itself (render/shared-fonts.ts ownEntries).
      name: '⼯作经费',
      // Latin text wraps at spaces (the space stays on the line it ends); a ligature (ffi) reads as its letters.
      overallGoal: 'The project will deliver training to 300 community officials in 14 towns, covering governance, law and digital tools.',
      // A line break where the line is not full, an empty line, two spaces, paragraphs indented with 全角空格.
      annualGoal: '　　第一行目标\n第二行目标很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长\n\n　　第四行  有两个空格',
    };
    // A line break one character before the line is full (a line filled exactly, then a break, prints
    // as the same text wrapped: that one the printed text cannot tell; README says so).
    const full = { ...seed.projects[1]!, annualGoal: '恰好一行的文字恰好一行的文字恰好一行的文字恰好一\n换行' };
    await build('lines', '', { ...seed, projects: [project, full] });
    for (const [name, file] of built.get('lines')!) {
      const read = await extractFile(await stripped(file), templates);
      expect(read.problems, name).toEqual([]);
      expect((read.data as unknown as Packet).projects, name).toStrictEqual(projectsIn(name, packets.get('lines')!));
    }
    // The Word files keep the 全角空格 indent of the first paragraph too (the grid once trimmed it).
    const [word] = await buildFiles([path.join(out, 'lines.json')], { outDir: path.join(out, 'lines-docx'), formats: ['docx'], creationDate: new Date('2026-01-01T00:00:00Z'), jobs: 1 });
    const docx = await extractFile(word!.written.find((f) => f.endsWith('汇总表.docx'))!, templates);
    expect(docx.problems).toEqual([]);
    expect((docx.data as unknown as Packet).projects).toStrictEqual(packets.get('lines')!.projects);
  }, 60_000);

  it('tables joined across pages: a header row first printed at a page’s top is kept; a label cut twice is one cell', async () => {
    const seed = loadSeed();
    const sentences = (n: number) => Array.from({ length: n }, (_, i) => `第${i}句话说明项目的年度目标，`).join('');
    // 45 sentences end the goal at the foot of page 1: the 绩效指标 header row is first printed at the top of page 2.
    // 50 move the goal row to page 2, and 绩效指标 runs on to page 3 (cut on a page that continued the table).
    for (const n of [45, 50]) {
      const name = `goal${n}`;
      await build(name, '', { ...seed, projects: [{ ...seed.projects[0]!, annualGoal: sentences(n) }] });
      const file = built.get(name)!.get('01-培训费.pdf')!;
      expect((await PDFDocument.load(await readFile(file))).getPageCount(), name).toBe(n === 45 ? 2 : 3);
      const read = await extractFile(await stripped(file), templates);
      expect(read.problems, name).toEqual([]);
      expect((read.data as unknown as Packet).projects, name).toStrictEqual(packets.get(name)!.projects);
    }
  }, 60_000);

  it('a 汇总表 row with an amount fitted smaller at the foot of a page prints whole on the next page', async () => {
    // Row 15's amounts print at 6 pt: their first line fitted on page 1 where the row's 9 pt text did
    // not, and pdfmake split the row, drawing its amounts off the page (hostile-test finding).
    const distinct = JSON.parse(await readFile(path.join(FIXTURES, 'distinct.json'), 'utf8')) as Packet;
    const huge = { project: { total: '99999999999.99', fiscal: '99999999999.99', other: '0.00' }, annual: { total: '99999999999.99', fiscal: '99999999998.99', carryover: '0.50', other: '0.50' } };
    const projects = Array.from({ length: 16 }, (_, i) => {
      const project = distinct.projects[i % distinct.projects.length]!;
      return { ...project, name: `${project.name}（第${i + 1}期）`, ...(i === 14 ? { funds: huge } : {}) };
    });
    await build('fitted', '', { ...distinct, projects });
    const file = built.get('fitted')!.get('汇总表.pdf')!;
    const read = await extractFile(await stripped(file), templates);
    expect(read.problems).toEqual([]);
    expect((read.data as unknown as Packet).projects).toStrictEqual(projects.map(printedAmounts));
  }, 60_000);

  it('the CLI says it read the text, and writes the data', async () => {
    const bare = await stripped(built.get('seed')!.get('汇总表.pdf')!);
    const run = await shenbaoHere(['extract', bare], out); // the real process: the damaged PDFs below
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.trimEnd().split('\n');
    expect([lines[0], lines.at(-1)]).toEqual([`${bare}：PDF 里没有嵌入的数据，按它印出的文字读回`, `${bare}：PDF 里没有嵌入的数据，按 PDF 上印出的文字读回汇总表，10 个项目，0 个错误，3 条警告`]);
    const { $schema: _, ...expected } = loadSeed() as Packet & { $schema?: string };
    expect(JSON.parse(run.stdout)).toStrictEqual(expected);
  }, 30_000);

  it('diff compares a data file with a PDF read from its text', async () => {
    const bare = await stripped(built.get('seed')!.get('汇总表.pdf')!);
    const same = await shenbaoHere(['diff', SEED_FILE, bare], out);
    expect([same.code, same.stdout, same.stderr]).toEqual([0, '', `${SEED_FILE} 和 ${bare} 的内容相同\n`]);
    const edited = { ...loadSeed(), projects: loadSeed().projects.map((p, i) => (i === 3 ? { ...p, annualGoal: '改过的年度目标' } : p)) };
    const file = path.join(out, 'edited.json');
    await writeFile(file, JSON.stringify(edited));
    const changed = await shenbaoHere(['diff', file, bare], out);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('改过的年度目标');
  }, 30_000);

  it('the embedded data is found whichever way a re-save writes its type (qpdf: /application#2fjson)', async () => {
    const file = built.get('seed')!.get('01-培训费.pdf')!;
    const bytes = Buffer.from(await readFile(file));
    const at = bytes.indexOf('/application#2Fjson');
    expect(at).toBeGreaterThan(0);
    bytes.write('/application#2fjson', at, 'latin1');
    const resaved = path.join(out, 'resaved.pdf');
    await writeFile(resaved, bytes);
    const read = await extractFile(resaved, templates);
    expect(read.embedded).toBe(`${JSON.stringify({ ...(({ $schema: _, projects: __, ...header }) => header)(loadSeed() as Packet & { $schema?: string }), projects: [loadSeed().projects[0]] }, null, 2)}\n`);
  });

  it('a damaged PDF is refused in one Chinese line, without pdf-lib’s English on the console', async () => {
    const file = path.join(out, 'damaged.pdf');
    await writeFile(file, (await readFile(built.get('seed')!.get('01-培训费.pdf')!)).subarray(0, 30_000));
    const garbage = path.join(out, 'garbage.pdf');
    await writeFile(garbage, '%PDF-1.7\ngarbage');
    for (const name of [file, garbage]) {
      const run = await shenbao(['extract', name], out);
      expect([run.code, run.stdout, run.stderr]).toEqual([2, '', `${name} 不是可以读取的 PDF 文件（已损坏，或不是 PDF）\n`]);
    }
  }, 30_000);

  it('the unit is read from the XMP where the Info dictionary lacks it (a linearised copy)', async () => {
    const file = await stripped(built.get('seed')!.get('汇总表.pdf')!);
    const pdf = await PDFDocument.load(await readFile(file), { updateMetadata: false });
    pdf.context.lookup(pdf.context.trailerInfo.Info, PDFDict).delete(PDFName.of('Author'));
    const bare = path.join(out, 'no-author.pdf');
    await writeFile(bare, await pdf.save());
    const read = await extractFile(bare, templates);
    expect(read.problems).toEqual([]);
    expect(read.data!.unit).toBe(loadSeed().unit);
    expect(documentInfo(pdf).author).toBe(loadSeed().unit);
  });

  it('a PDF that is not a shenbao form is refused with a message', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage().drawText('Invoice 2026');
    pdf.setTitle('Invoice');
    const file = path.join(out, 'invoice.pdf');
    await writeFile(file, await pdf.save());
    await expect(extractFile(file, templates)).rejects.toThrow(`${file}：没有找到「财政项目支出绩效目标申报表」，不是 shenbao 生成的申报表或汇总表`);
  });

  it('digits after Latin letters, which the font draws with glyphs of their own in a Latin run, are confirmed and read back (PM2.5, ABC1)', async () => {
    const distinct = packets.get('distinct')!;
    const base = distinct.projects[0]!;
    const project = { ...base, annualGoal: 'PM2.5 降至 35 以下；Item 1 ABC7919；第1期', indicators: base.indicators.map((indicator, i) => (i === 0 ? { ...indicator, name: 'ABC1 检测' } : indicator)) };
    await build('latin-digits', '', { ...distinct, projects: [project] });
    for (const [name, file] of built.get('latin-digits')!) {
      // With its data: the print confirmed (each glyph against the font), the data carried; without: the print read.
      const { carried, read } = await readBothWays(file, [project], name);
      expect(carried.problems, name).toEqual([]);
      expect(read.problems, name).toEqual([]);
      expect((read.data as unknown as Packet).projects, name).toStrictEqual([project].map(printedAmounts));
    }
  }, 60_000);

  it('a PDF that carries its data: what prints alike is not taken for a changed page (a line break after a full line, spaces at a value’s ends)', async () => {
    const distinct = packets.get('distinct')!;
    const base = distinct.projects[0]!;
    // A line of the 总体目标 cell exactly full, then a line break: it prints as a wrap does.
    const grid = declarationDocument(templates, base, distinct.year, 0);
    const table = grid.sections[0]!.blocks.find((b) => b.type === 'table')!;
    const cell = (table.type === 'table' ? table.rows.flatMap((row) => row.cells) : []).find((c) => c.path?.at(-1) === 'overallGoal')!;
    const style = { face: 'regular' as const, size: grid.page.fontSize, lineHeight: grid.page.lineHeight, width: cellTextWidth(grid.page, contentWidths(grid.page, (table as GridTable).widths), cell) };
    const full = setText('治'.repeat(100), style, textMeasure(await loadFonts()))[0]!.text;
    const project = { ...base, overallGoal: `${full}\n下一行`, annualGoal: ' 前后有空格 ' };
    await build('alike', '', { ...distinct, projects: [project] });
    for (const [name, file] of built.get('alike')!) {
      const { carried, read } = await readBothWays(file, [project], name);
      expect(carried.problems, name).toEqual([]);
      // Read from its print alone, the two come back as they print.
      expect((read.data as unknown as Packet).projects.map((p) => [p.overallGoal, p.annualGoal]), name).toEqual([[`${full}下一行`, '前后有空格']]);
    }
  }, 60_000);

  it('cells taller than a page read back exactly: each part folded into its row, the labels printed again beside it left out', async () => {
    // The distinct packet's first project with goals and an indicator each taller than a page:
    // cut page by page, 项目绩效目标 and the indicator's 一级/二级 and the header row printed
    // again beside each part. Line breaks in the goal fall at some of the cuts, wraps at others.
    const distinct = packets.get('distinct')!;
    const sentence = (i: number) => `第${i}句说明项目的目标${i % 7 === 0 ? '（Phase ' + i + '）' : ''}，`;
    const overallGoal = Array.from({ length: 420 }, (_, i) => sentence(i) + (i % 3 === 2 ? '\n' : '')).join('').trimEnd();
    const annualGoal = Array.from({ length: 260 }, (_, i) => `年度第${i}项`).join('；');
    const base = distinct.projects[0]!;
    const indicators = base.indicators.map((indicator, i) =>
      i === 1 ? { ...indicator, name: Array.from({ length: 70 }, (_, k) => `指标${k}说明`).join('、').slice(0, 490), target: '定性：' + '逐项落实'.repeat(90) } : indicator,
    );
    const tall = { ...base, overallGoal, annualGoal, indicators };
    // Where the cuts fall: the goal's parts end at a line break at some cuts (the break then
    // goes with the cut), inside a paragraph at others; the indicator row is cut too.
    const { paged } = layOutPages(declarationDocument(templates, tall, distinct.year, 0), textMeasure(await loadFonts()));
    const partsOf = (field: string) => paged.sections.flatMap((section) => section.blocks.flatMap((b) => (b.type === 'table' ? b.rows.flatMap((row) => row.cells) : []))).filter((c) => c.path?.at(-1) === field).map((c) => c.text);
    const parts = partsOf('overallGoal');
    expect(parts.length).toBeGreaterThan(3);
    const atBreak = parts.slice(0, -1).filter((part, i) => overallGoal.includes(`${part}\n${parts[i + 1]!.slice(0, 10)}`));
    expect(atBreak.length).toBeGreaterThan(0);
    expect(atBreak.length).toBeLessThan(parts.length - 1);
    expect(partsOf('name').length).toBeGreaterThan(base.indicators.length);
    await build('tall', '', { ...distinct, projects: [tall, distinct.projects[1]!] });
    const pdfs = built.get('tall')!;
    const form = pdfs.get([...pdfs.keys()].find((name) => name.startsWith('01-'))!)!;
    const { PDFDocument: Doc } = await import('@pdfme/pdf-lib');
    expect((await Doc.load(await readFile(form))).getPageCount()).toBeGreaterThan(5);
    for (const [name, file] of pdfs) {
      const read = await extractFile(await stripped(file), templates);
      expect(read.problems, name).toEqual([]);
      expect((read.data as unknown as Packet).projects, name).toStrictEqual(projectsIn(name, packets.get('tall')!).map(printedAmounts));
    }
  }, 120_000);
});

describe('ToUnicode maps', () => {
  it('reads bfchar, both forms of bfrange, and hex strings with spaces (pdfkit’s ligatures)', () => {
    const cmap = [
      '2 beginbfchar <0003> <0041> <0004> <0066 0066 0069> endbfchar',
      '1 beginbfrange <0010> <0012> [<7b2c> <4e00 > <4e8c>] endbfrange',
      '1 beginbfrange <0020> <0022> <0061> endbfrange',
    ].join('\n');
    expect([...readToUnicode(cmap)]).toEqual([
      [3, 'A'],
      [4, 'ffi'],
      [0x10, '第'],
      [0x11, '一'],
      [0x12, '二'],
      [0x20, 'a'],
      [0x21, 'b'],
      [0x22, 'c'],
    ]);
  });
});

describe('the date format of printed dates', () => {
  it.each([
    [[{ start: '2024/3/1', end: '2026/11/30' }], 'yyyy/M/d'],
    [[{ start: '2024年3月1日', end: '2024年12月31日' }], 'yyyy年M月d日'],
    [[{ start: '2024.03.01', end: '2024.12.31' }], 'yyyy.MM.dd'],
    [[{ start: '20240301', end: '20241231' }], 'yyyyMMdd'],
    // Year last: a day over 12 tells the order.
    [[{ start: '01/03/2024', end: '28/02/2025' }], 'dd/MM/yyyy'],
    [[{ start: '3/1/2024', end: '12/31/2024' }], 'M/d/yyyy'],
    // 5 January to 4 February, not 1 May to 2 April: a project ends no earlier than it starts.
    [[{ start: '05/01/2024', end: '04/02/2024' }], 'dd/MM/yyyy'],
    // 1 February or 2 January: not said.
    [[{ start: '01/02/2024', end: '03/04/2024' }], undefined],
    // Either order reads the same dates: the data is certain, the style the first that fits.
    [[{ start: '10/10/2023', end: '11/11/2023' }], 'dd/MM/yyyy'],
    [[{ start: '2024-03-01', end: 'Q4' }], undefined],
    [[], undefined],
  ] as const)('%j → %s', (spans, format) => {
    expect(printedDateFormat(spans)).toBe(format);
  });
});
