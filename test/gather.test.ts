// Many departments' forms into one packet (`shenbao extract a.docx b.docx … -o packet.json`, or a
// folder): ten filled blank forms gather into a packet that builds; fields that disagree, a field
// none carries and a project in two files are refused naming the files; a refused file stops the
// packet but not the reading of the others.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import type { Packet, Project } from '../src/model/packet.js';
import { blankForm, type BlankOptions } from '../src/output/blank.js';
import { extractDocx } from '../src/extract/docx.js';
import { formFiles, gatherForms } from '../src/output/gather.js';
import { buildDocx, cellWithText, descendants, editDocx, readBytes, setCellText } from './support/docx.js';
import { departmentProject, fillBlank, TITLE, UNIT, YEAR } from './support/blank-fill.js';
import { shenbaoHere } from './support/cli.js';
import { lines } from './support/problems.js';

let templates: FormTemplates;
/** Ten filled forms, named so that name order is not natural order (10-… sorts before 2-…). */
let formsDir: string;
const projects = Array.from({ length: 10 }, (_, i) => departmentProject(i));
const formName = (i: number) => `${i + 1}-${projects[i]!.name}.docx`;

/** A blank form made with `options`, filled with `project`. */
async function filled(project: Project, options: Partial<Omit<BlankOptions, 'templates' | 'creationDate'>> = {}): Promise<Uint8Array> {
  const blank = await blankForm({ year: YEAR, unit: UNIT, ...options, templates, creationDate: new Date('2026-12-01T00:00:00Z') });
  return editDocx(blank, (d) => fillBlank(d, project));
}

/** Writes files into a new folder; their paths, in the order given. */
function folderWith(files: Record<string, Uint8Array>): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-gather-'));
  return Object.entries(files).map(([name, bytes]) => {
    writeFileSync(path.join(dir, name), bytes);
    return path.join(dir, name);
  });
}

beforeAll(async () => {
  templates = await loadTemplates();
  formsDir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-forms-'));
  for (const [i, project] of projects.entries()) writeFileSync(path.join(formsDir, formName(i)), await filled(project));
  // Not forms: Word's owner file beside an open document, and a data file.
  writeFileSync(path.join(formsDir, `~$${formName(0)}`), 'owner');
  writeFileSync(path.join(formsDir, 'notes.json'), '{}');
});

describe('ten departments\' forms into one packet', () => {
  it('a folder gives its forms in natural name order; the packet is the ten projects, and it builds', async () => {
    const files = await formFiles([formsDir]);
    expect(files.map((f) => path.basename(f))).toEqual(projects.map((_, i) => formName(i)));
    const gathered = await gatherForms(files, { templates });
    expect(gathered.conflicts).toEqual([]);
    expect(gathered.files.map((f) => [f.problems, f.notes])).toEqual(files.map(() => [[], []]));
    const expected: Packet = { title: TITLE, unit: UNIT, year: YEAR, projects };
    expect(gathered.data).toEqual(expected);
    expect(gathered.packet).toEqual(expected);
    expect(gathered.diagnostics).toEqual([]);

    const dataFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'shenbao-gathered-')), 'gathered-2027.json');
    writeFileSync(dataFile, JSON.stringify(gathered.packet, null, 2));
    const built = await buildDocx(dataFile);
    expect((await extractDocx(readBytes(path.join(built, '汇总表.docx')), '汇总表.docx', templates)).data).toEqual(expected);
  }, 60_000);

  it('files in the order given; a 汇总表 among them gives all its projects', async () => {
    const front = await gatherForms(
      [2, 0, 1].map((i) => path.join(formsDir, formName(i))),
      { templates },
    );
    const dataFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'shenbao-gathered-')), 'three-2027.json');
    writeFileSync(dataFile, JSON.stringify(front.packet, null, 2));
    const summary = path.join(await buildDocx(dataFile), '汇总表.docx');
    const gathered = await gatherForms([path.join(formsDir, formName(4)), summary, path.join(formsDir, formName(3))], { templates });
    expect(gathered.conflicts).toEqual([]);
    expect(gathered.data).toEqual({ title: TITLE, unit: UNIT, year: YEAR, projects: [4, 2, 0, 1, 3].map((i) => projects[i]) });
  }, 60_000);
});

describe('the packet-level fields: from the options, or the same in every file', () => {
  it('files that carry no unit and no title: the options give them, or the error says which option', async () => {
    const files = folderWith({ 'a.docx': await filled(projects[0]!, { unit: undefined }), 'b.docx': await filled(projects[1]!, { unit: undefined }) });
    const without = await gatherForms(files, { templates });
    expect(lines(without.conflicts)).toEqual(['没有一个文件记着汇总表标题：请用 --title 给出', '没有一个文件记着单位：请用 --unit 给出']);
    expect(without.data).toBeUndefined();
    const given = await gatherForms(files, { templates, title: '某区汇总表2027年度', unit: '某区' });
    expect(given.conflicts).toEqual([]);
    // The files' own note that they lack the two is not said: the options gave them.
    expect(given.files.map((f) => f.notes)).toEqual([[], []]);
    expect(given.data).toEqual({ title: '某区汇总表2027年度', unit: '某区', year: YEAR, projects: [projects[0], projects[1]] });
  });

  it('conflicting units are refused, naming the files and the values; --unit settles it', async () => {
    const files = folderWith({
      'a.docx': await filled(projects[0]!, { unit: '甲街道', title: TITLE }),
      'b.docx': await filled(projects[1]!, { unit: '乙街道', title: TITLE }),
      'c.docx': await filled(projects[2]!, { unit: '甲街道', title: TITLE }),
    });
    const [a, b, c] = files;
    const refused = await gatherForms(files, { templates });
    expect(lines(refused.conflicts)).toEqual([`各文件的单位不一致：${a}、${c} 是「甲街道」；${b} 是「乙街道」。请改成一样，或用 --unit 给出汇总后的单位`]);
    expect(refused.data).toBeUndefined();
    expect((await gatherForms(files, { templates, unit: UNIT })).data).toEqual({ title: TITLE, unit: UNIT, year: YEAR, projects: projects.slice(0, 3) });
  });

  it('forms of different years are refused, naming the files; --year settles it', async () => {
    const files = folderWith({ 'a.docx': await filled(projects[0]!), 'b.docx': await filled(projects[1]!, { year: 2028, title: TITLE }) });
    const refused = await gatherForms(files, { templates });
    expect(lines(refused.conflicts)).toEqual([`各文件的年度不一致：${files[0]} 是「2027」；${files[1]} 是「2028」。请改成一样，或用 --year 给出汇总后的年度`]);
    expect((await gatherForms(files, { templates, year: 2027 })).data).toMatchObject({ year: 2027 });
  });
});

describe('refusals', () => {
  it('the same project in two files is refused, naming both files', async () => {
    const files = folderWith({ 'a.docx': await filled(projects[0]!), 'b.docx': await filled(projects[1]!), 'c.docx': await filled(projects[0]!) });
    const gathered = await gatherForms(files, { templates });
    expect(lines(gathered.conflicts)).toEqual([`项目「${projects[0]!.name}」在 ${files[0]} 和 ${files[2]} 里都有：同一个项目只能交一份，请删去多余的那份，或把项目名称改得不同`]);
    expect(gathered.data).toBeUndefined();
  });

  it('every file\'s problems are said, the others still read; nothing is gathered', async () => {
    const retyped = editDocx(await filled(projects[1]!), (d) => setCellText(cellWithText(d, '上年结转资金'), '结转资金'));
    const notAForm = editDocx(await filled(projects[2]!), (d) => {
      const title = descendants(d, 't').find((t) => t.textContent === '财政项目支出绩效目标申报表')!;
      title.textContent = '通知';
    });
    const files = folderWith({ 'a.docx': await filled(projects[0]!), 'b.docx': retyped, 'c.docx': notAForm, 'd.docx': await filled(projects[3]!) });
    const gathered = await gatherForms(files, { templates });
    expect(gathered.files.map((f) => lines(f.problems))).toEqual([
      [],
      [`${files[1]}：第 1 张申报表第 1 个表格第 6 行第 4 列：这里是标签「上年结转资金」，现在是「结转资金」。标签不能改，请改回去`],
      [`${files[2]}：没有找到「财政项目支出绩效目标申报表」，不是 shenbao 生成的申报表或汇总表`],
      [],
    ]);
    expect(gathered.files.map((f) => f.read?.data !== undefined)).toEqual([true, false, false, true]);
    expect(gathered.data).toBeUndefined();
  });

  it('a value with an error: the packet is given, the error names its file, project and Word cell', async () => {
    const broken = { ...projects[1]!, funds: { ...projects[1]!.funds, annual: { ...projects[1]!.funds.annual, carryover: undefined as never } } };
    const files = folderWith({ 'a.docx': await filled(projects[0]!), 'b.docx': await filled(broken) });
    const gathered = await gatherForms(files, { templates });
    expect(gathered.data).toBeDefined();
    expect(gathered.packet).toBeUndefined();
    expect(gathered.diagnostics.map(({ file, diagnostic }) => [file, diagnostic.path.join('.'), diagnostic.message])).toEqual([
      [files[1], 'projects.1.funds.annual.carryover', '缺少必填项（Word 第 1 张申报表第 1 个表格第 6 行第 6 列是空的）'],
    ]);
  });
});

describe('what each file\'s reading checks is checked when gathered', () => {
  it('a character the font lacks: an error at its file and project, and no valid packet', async () => {
    const files = folderWith({ 'a.docx': await filled(projects[0]!), 'b.docx': await filled({ ...projects[1]!, annualGoal: '建设𠀀平台' }) });
    const gathered = await gatherForms(files, { templates });
    expect(gathered.data).toBeDefined();
    expect(gathered.packet).toBeUndefined();
    expect(gathered.diagnostics.map(({ file, diagnostic }) => [file, diagnostic.path.join('.'), diagnostic.severity, diagnostic.code])).toEqual([
      [files[1], 'projects.1.annualGoal', 'error', 'glyph-missing'],
    ]);
  });
});

describe('shenbao extract with many files', () => {
  it('gathers them into one JSON file, and says what each gave', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-gather-cli-'));
    mkdirSync(path.join(dir, '收到'));
    for (const i of [0, 1]) writeFileSync(path.join(dir, '收到', formName(i)), readFileSync(path.join(formsDir, formName(i))));
    const [one, two] = [0, 1].map((i) => path.join('收到', formName(i)));

    const run = await shenbaoHere(['extract', two!, one!, '-o', 'packet.json'], dir);
    expect([run.code, run.stdout, run.stderr]).toEqual([
      0,
      '',
      [`${two}：读回申报表，1 个项目`, `${one}：读回申报表，1 个项目`, '汇总 2 个文件的 2 个项目，写到 packet.json，0 个错误，0 条警告', ''].join('\n'),
    ]);
    expect(JSON.parse(readFileSync(path.join(dir, 'packet.json'), 'utf8'))).toEqual({ title: TITLE, unit: UNIT, year: YEAR, projects: [projects[1], projects[0]] });

    const folder = await shenbaoHere(['extract', '收到', '--unit', '某区', '-o', 'folder.json'], dir);
    expect([folder.code, folder.stderr]).toEqual([0, [`${one}：读回申报表，1 个项目`, `${two}：读回申报表，1 个项目`, '汇总 2 个文件的 2 个项目，写到 folder.json，0 个错误，0 条警告', ''].join('\n')]);
    expect(JSON.parse(readFileSync(path.join(dir, 'folder.json'), 'utf8'))).toMatchObject({ unit: '某区', projects: [projects[0], projects[1]] });
  }, 30_000);

  it('conflicting files: each is named, exit 1, and nothing is written', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-gather-cli-'));
    writeFileSync(path.join(dir, 'a.docx'), await filled(projects[0]!, { unit: '甲街道', title: TITLE }));
    writeFileSync(path.join(dir, 'b.docx'), await filled(projects[1]!, { unit: '乙街道', title: TITLE }));
    writeFileSync(path.join(dir, 'c.docx'), await filled(projects[0]!, { unit: '甲街道', title: TITLE }));
    const run = await shenbaoHere(['extract', 'a.docx', 'b.docx', 'c.docx', '-o', 'packet.json'], dir);
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(run.stderr.split('\n')).toEqual([
      'a.docx：读回申报表，1 个项目',
      'b.docx：读回申报表，1 个项目',
      'c.docx：读回申报表，1 个项目',
      '各文件的单位不一致：a.docx、c.docx 是「甲街道」；b.docx 是「乙街道」。请改成一样，或用 --unit 给出汇总后的单位',
      `项目「${projects[0]!.name}」在 a.docx 和 c.docx 里都有：同一个项目只能交一份，请删去多余的那份，或把项目名称改得不同`,
      '汇总 3 个文件：2 处冲突，没有写出数据',
      '',
    ]);
    expect(existsSync(path.join(dir, 'packet.json'))).toBe(false);

    const missing = await shenbaoHere(['extract', 'a.docx', 'nope.docx'], dir);
    expect([missing.code, missing.stderr]).toEqual([2, '找不到 nope.docx：没有这个文件或文件夹，请检查路径是否写对\n']);
    const badYear = await shenbaoHere(['extract', 'a.docx', 'b.docx', '--year', '二〇二七'], dir);
    expect([badYear.code, badYear.stderr]).toEqual([2, '--year 应是 2000 到 2100 之间的年份，如 2027，现在是「二〇二七」\n']);
  }, 30_000);

  it('a refused file: its problems, the others read, exit 1, 没有写出数据', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-gather-cli-'));
    writeFileSync(path.join(dir, 'a.docx'), await filled(projects[0]!));
    writeFileSync(path.join(dir, 'b.docx'), editDocx(await filled(projects[1]!), (d) => setCellText(cellWithText(d, '上年结转资金'), '结转资金')));
    const run = await shenbaoHere(['extract', 'a.docx', 'b.docx', '-o', 'packet.json'], dir);
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(run.stderr.split('\n')).toEqual([
      'a.docx：读回申报表，1 个项目',
      'b.docx：第 1 张申报表第 1 个表格第 6 行第 4 列：这里是标签「上年结转资金」，现在是「结转资金」。标签不能改，请改回去',
      'b.docx：有 1 处修改无法读取',
      '汇总 2 个文件：1 个文件读不回，没有写出数据',
      '',
    ]);
    expect(existsSync(path.join(dir, 'packet.json'))).toBe(false);
  }, 30_000);

  it('a value with an error: written as read, to be fixed, the error naming file, project, field and Word cell; exit 1', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-gather-cli-'));
    const broken = { ...projects[1]!, funds: { ...projects[1]!.funds, annual: { ...projects[1]!.funds.annual, carryover: undefined as never } } };
    writeFileSync(path.join(dir, 'a.docx'), await filled(projects[0]!));
    writeFileSync(path.join(dir, 'b.docx'), await filled(broken));
    const run = await shenbaoHere(['extract', 'a.docx', 'b.docx', '-o', 'packet.json'], dir);
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(run.stderr.split('\n')).toEqual([
      'a.docx：读回申报表，1 个项目',
      'b.docx：读回申报表，1 个项目',
      `b.docx：项目 2「${projects[1]!.name}」：年度资金·上年结转资金（projects[1].funds.annual.carryover）：错误：缺少必填项（Word 第 1 张申报表第 1 个表格第 6 行第 6 列是空的）`,
      '汇总 2 个文件的 2 个项目，写到 packet.json，1 个错误，0 条警告',
      '',
    ]);
    expect(JSON.parse(readFileSync(path.join(dir, 'packet.json'), 'utf8'))).toEqual({ title: TITLE, unit: UNIT, year: YEAR, projects: [projects[0], broken] });
  }, 30_000);
});
