// `diff` of one 申报表 against a packet compares that project only (and the packet fields the
// form's file holds); a form whose project was renamed is paired by its file's NN- prefix and shows
// the rename. Pure cases on the distinct packet (every value distinct), then real .docx files
// edited as Word writes them, then the command as a user runs it on the seed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { PDFDict, PDFDocument, PDFName } from '@pdfme/pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFiles } from '../src/output/build.js';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import { PacketSchema, type Packet } from '../src/model/packet.js';
import { UserError } from '../src/errors.js';
import { diffSides, formatChange, HEADER_FIELDS, type DiffSide } from '../src/extract/diff.js';
import { comparablePacket } from '../src/output/revision.js';
import { buildDocx, cellWithText, editDocx, readBytes, setCellText } from './support/docx.js';
import { ROOT, shenbaoHere } from './support/cli.js';
import { DISTINCT_FILE, loadDistinctRaw } from './support/golden.js';
import { lines as problemLines } from './support/problems.js';
import { seedBuild } from './support/seed-built.js';

const DISTINCT = PacketSchema.parse(loadDistinctRaw());
const packet = (): DiffSide => ({ file: 'distinct.json', packet: structuredClone(DISTINCT) });
/** Project `i` of the distinct packet as its form's file holds it (all header fields, as a .docx that kept its properties). */
const formOf = (i: number, file: string, change: (p: Packet) => void = () => undefined, fields = [...HEADER_FIELDS]): DiffSide => {
  const form: Packet = { ...structuredClone(DISTINCT), projects: [structuredClone(DISTINCT.projects[i]!)] };
  change(form);
  return { file, packet: form, form: { fields } };
};
const lines = ({ changes }: ReturnType<typeof diffSides>) => changes.map(formatChange);

describe('one form against a packet (diffSides)', () => {
  it('the form of project 2, unchanged: nothing, and a note naming the project compared', () => {
    const diff = diffSides(packet(), formOf(1, '02-智慧社区平台二期建设.docx'));
    expect({ ...diff, notes: problemLines(diff.notes) }).toEqual({ changes: [], notes: ['02-智慧社区平台二期建设.docx：这是一张申报表：只与 distinct.json 的项目 2「智慧社区平台二期建设」比较'] });
  });

  it('a target changed in the form: exactly that one change, numbered as in the packet', () => {
    const form = formOf(1, '02-智慧社区平台二期建设.docx', (p) => (p.projects[0]!.indicators[1]!.target = '≤17500(元)'));
    expect(lines(diffSides(packet(), form))).toEqual(['项目 2「智慧社区平台二期建设」：绩效指标第 2 条的年度(/项目)指标值：「≤18500(元)」→「≤17500(元)」']);
    // The other way round: from the form to the packet.
    expect(lines(diffSides(form, packet()))).toEqual(['项目 2「智慧社区平台二期建设」：绩效指标第 2 条的年度(/项目)指标值：「≤17500(元)」→「≤18500(元)」']);
  });

  it('found by name whatever its file is called', () => {
    expect(diffSides(packet(), formOf(2, '修改稿.docx')).changes).toEqual([]);
  });

  it('a renamed project is paired by the file\'s NN- prefix and shows as a rename with its other changes', () => {
    const form = formOf(1, 'out/distinct/02-智慧社区平台二期建设.docx', (p) => {
      p.projects[0]!.name = '智慧社区平台（二期）';
      p.projects[0]!.funds.annual.other = '83920.16';
    });
    const diff = diffSides(packet(), form);
    expect(lines(diff)).toEqual([
      '项目 2「智慧社区平台（二期）」：项目名称：「智慧社区平台二期建设」→「智慧社区平台（二期）」',
      '项目 2「智慧社区平台（二期）」：年度资金·其他资金：「83920.15」→「83920.16」',
    ]);
    expect(problemLines(diff.notes)).toEqual(['out/distinct/02-智慧社区平台二期建设.docx：distinct.json 里没有名为「智慧社区平台（二期）」的项目，按文件名的编号与项目 2「智慧社区平台二期建设」比较']);
  });

  it('a packet of one project: a renamed form is that project, whatever its file is called', () => {
    const single: DiffSide = { file: 'one.json', packet: { ...structuredClone(DISTINCT), projects: [structuredClone(DISTINCT.projects[1]!)] } };
    const diff = diffSides(single, formOf(1, '修改稿.docx', (p) => (p.projects[0]!.name = '智慧社区平台（二期）')));
    expect(lines(diff)).toEqual(['项目 1「智慧社区平台（二期）」：项目名称：「智慧社区平台二期建设」→「智慧社区平台（二期）」']);
    expect(problemLines(diff.notes)).toEqual(['修改稿.docx：one.json 里没有名为「智慧社区平台（二期）」的项目，与它唯一的项目 1「智慧社区平台二期建设」比较']);
  });

  it('no project of that name and no usable number: an error listing the packet\'s projects', () => {
    const renamed = (p: Packet) => (p.projects[0]!.name = '新项目');
    const names = '1「社区睦邻学堂运营」、2「智慧社区平台二期建设」、3「老旧小区加装电梯补贴」';
    expect(() => diffSides(packet(), formOf(1, '修改稿.docx', renamed))).toThrow(
      new UserError(
        `修改稿.docx 是项目「新项目」的申报表，distinct.json 里没有这个项目，文件名也不是 shenbao 起的“编号-项目名称”，对不上是哪个项目。distinct.json 的项目有：${names}。请与这个项目所在的数据文件比较，或把申报表的文件名改成“编号-项目名称”（如 01-社区睦邻学堂运营.docx）`,
      ),
    );
    expect(() => diffSides(formOf(1, '07-新项目.docx', renamed), packet())).toThrow(
      new UserError(
        `07-新项目.docx 是项目「新项目」的申报表，distinct.json 里没有这个项目，按文件名的编号 07 也对不上（只有 3 个项目）。distinct.json 的项目有：${names}。请与这个项目所在的数据文件比较，或把申报表的文件名改成“编号-项目名称”（如 01-社区睦邻学堂运营.docx）`,
      ),
    );
  });

  it('packet fields: only those the form holds are compared', () => {
    // A .docx copied into a new file: no title or unit of its own (stand-ins), so they are not compared.
    const copied = formOf(0, '01-社区睦邻学堂运营.docx', (p) => Object.assign(p, { title: '（申报表上没有）', unit: '（申报表上没有）' }), ['year', 'display']);
    const diff = diffSides(packet(), copied);
    expect(diff.changes).toEqual([]);
    expect(problemLines(diff.notes)).toEqual([
      '01-社区睦邻学堂运营.docx：这是一张申报表：只与 distinct.json 的项目 1「社区睦邻学堂运营」比较',
      '01-社区睦邻学堂运营.docx：文件里没有记下汇总表标题、单位，这几项不比较',
    ]);
    // What it holds is compared: the year on the page, the house style.
    const restyled = formOf(0, '01-社区睦邻学堂运营.docx', (p) => Object.assign(p, { year: 2025, display: { dateFormat: 'yyyy/M/d' } }));
    expect(lines(diffSides(packet(), restyled))).toEqual(['年度：「2024」→「2025」', '印制样式·日期格式：（空）→「yyyy/M/d」']);
  });
});

describe('two forms', () => {
  it('a renamed project shows as a rename with its other changes; header fields only where both hold them', () => {
    const before = formOf(2, 'a/03-老旧小区加装电梯补贴.docx', (p) => (p.title = '（申报表上没有）'), ['unit', 'year', 'display']);
    const after = formOf(2, 'b/03-老旧小区加装电梯补贴.docx', (p) => {
      p.projects[0]!.name = '老旧小区加装电梯补贴（第二批）';
      p.projects[0]!.indicators[0]!.target = '≥40(台)';
      p.title = '另一个标题';
    });
    expect(lines(diffSides(before, after))).toEqual([
      '项目 1「老旧小区加装电梯补贴（第二批）」：项目名称：「老旧小区加装电梯补贴」→「老旧小区加装电梯补贴（第二批）」',
      `项目 1「老旧小区加装电梯补贴（第二批）」：绩效指标第 1 条的年度(/项目)指标值：「${DISTINCT.projects[2]!.indicators[0]!.target}」→「≥40(台)」`,
    ]);
  });
});

describe('the files, as diff reads them', () => {
  let templates: FormTemplates;
  let dir: string;
  let work: string;
  beforeAll(async () => {
    templates = await loadTemplates();
    dir = await buildDocx(DISTINCT_FILE);
    work = mkdtempSync(path.join(os.tmpdir(), 'shenbao-diff-form-'));
  }, 60_000);

  /** Form 2's .docx edited, written under its build name in a folder of its own. */
  const edited = (edit: Parameters<typeof editDocx>[1]) => {
    const file = path.join(mkdtempSync(path.join(work, 'form-')), '02-智慧社区平台二期建设.docx');
    writeFileSync(file, editDocx(readBytes(path.join(dir, '02-智慧社区平台二期建设.docx')), edit));
    return file;
  };
  const diffFiles = async (a: string, b: string) => diffSides(await comparablePacket(a, templates), await comparablePacket(b, templates));

  it('a .docx form holds the title, unit and year (its house style: the default)', async () => {
    const side = await comparablePacket(path.join(dir, '02-智慧社区平台二期建设.docx'), templates);
    expect(side.form).toEqual({ fields: ['title', 'unit', 'year', 'display'] });
    expect((await comparablePacket(path.join(dir, '汇总表.docx'), templates)).form).toBeUndefined();
    expect((await comparablePacket(DISTINCT_FILE, templates)).form).toBeUndefined();
  });

  it('a form copied into a new file (no custom properties) is still compared, on what it holds', async () => {
    const entries = unzipSync(readBytes(path.join(dir, '02-智慧社区平台二期建设.docx')));
    entries['docProps/custom.xml'] = strToU8('<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>');
    const file = path.join(mkdtempSync(path.join(work, 'copied-')), '02-智慧社区平台二期建设.docx');
    writeFileSync(file, zipSync(entries));
    expect((await comparablePacket(file, templates)).form).toEqual({ fields: ['year'] });
    expect(await diffFiles(DISTINCT_FILE, file).then((d) => ({ ...d, notes: problemLines(d.notes) }))).toEqual({
      changes: [],
      notes: [`${file}：这是一张申报表：只与 ${DISTINCT_FILE} 的项目 2「智慧社区平台二期建设」比较`, `${file}：文件里没有记下汇总表标题、单位、印制样式，这几项不比较`],
    });
  });

  it('a form PDF read from its text (its data removed) holds the unit (its Author) and the year', async () => {
    const [report] = await buildFiles([DISTINCT_FILE], { outDir: mkdtempSync(path.join(work, 'pdf-')), formats: ['pdf'], creationDate: new Date('2023-01-01T00:00:00Z') });
    const pdf = await PDFDocument.load(readBytes(path.join(report!.packetDir!, '03-老旧小区加装电梯补贴.pdf')), { updateMetadata: false });
    pdf.catalog.delete(PDFName.of('AF'));
    pdf.catalog.lookupMaybe(PDFName.of('Names'), PDFDict)?.delete(PDFName.of('EmbeddedFiles'));
    const file = path.join(mkdtempSync(path.join(work, 'bare-')), '03-老旧小区加装电梯补贴.pdf');
    writeFileSync(file, await pdf.save());
    expect((await comparablePacket(file, templates)).form).toEqual({ fields: ['unit', 'year'] });
    expect(await diffFiles(DISTINCT_FILE, file).then((d) => ({ ...d, notes: problemLines(d.notes) }))).toEqual({
      changes: [],
      notes: [`${file}：这是一张申报表：只与 ${DISTINCT_FILE} 的项目 3「老旧小区加装电梯补贴」比较`, `${file}：文件里没有记下汇总表标题、印制样式，这几项不比较`],
    });
  }, 60_000);

  it('one target changed in Word: one line', async () => {
    const file = edited((d) => setCellText(cellWithText(d, '=147(个)'), '=150(个)'));
    expect(lines(await diffFiles(DISTINCT_FILE, file))).toEqual(['项目 2「智慧社区平台二期建设」：绩效指标第 1 条的年度(/项目)指标值：「=147(个)」→「=150(个)」']);
    expect(lines(await diffFiles(path.join(dir, '汇总表.docx'), file))).toEqual(['项目 2「智慧社区平台二期建设」：绩效指标第 1 条的年度(/项目)指标值：「=147(个)」→「=150(个)」']);
  });

  it('the project renamed in Word: a rename, by the file\'s number', async () => {
    const file = edited((d) => setCellText(cellWithText(d, '智慧社区平台二期建设'), '智慧社区平台（二期）'));
    const diff = await diffFiles(DISTINCT_FILE, file);
    expect(lines(diff)).toEqual(['项目 2「智慧社区平台（二期）」：项目名称：「智慧社区平台二期建设」→「智慧社区平台（二期）」']);
    expect(problemLines(diff.notes)).toEqual([`${file}：${DISTINCT_FILE} 里没有名为「智慧社区平台（二期）」的项目，按文件名的编号与项目 2「智慧社区平台二期建设」比较`]);
  });
});

describe('shenbao diff data.json NN-名称.docx', () => {
  it('the seed\'s form 1 against the seed: 0 differences, exit 0', async () => {
    // The seed's build (test/support/seed-build.ts), only read here.
    const form = path.join(await seedBuild(), '01-培训费.docx');
    const run = await shenbaoHere(['diff', 'data/minhang-2023.json', form], ROOT);
    expect([run.code, run.stdout, run.stderr]).toEqual([
      0,
      '',
      `${form}：这是一张申报表：只与 data/minhang-2023.json 的项目 1「培训费」比较\ndata/minhang-2023.json 和 ${form} 的内容相同\n`,
    ]);
  }, 60_000);
});
