// The library through its one door (src/index.ts), in this process: each command's function on the
// seed, and what one makes read back by the others (a form made in memory extracts, diffs, signs
// and verifies as the command's files do). Byte equality with the command: test/package.test.ts.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPacket, diff, extract, InvalidPacketError, renderForm, renderSummary, renderWorkbook, sign, validate, verify, type Packet } from '../src/index.js';
import { shenbaoHere } from './support/cli.js';
import { validatePacket } from '../src/validate/validate.js';
import { makeP12, PASSWORD } from './support/certificate.js';
import { loadSeed, SEED_FILE } from './support/seed.js';

const date = new Date('2024-03-01T08:00:00+08:00');
let dir: string;
const seed = loadSeed();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shenbao-library-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('validate', () => {
  it('checks a data file as the command does, its problems placed in the file', async () => {
    const [result, ...more] = await validate(SEED_FILE);
    expect(more).toEqual([]);
    expect(result!.ok).toBe(true);
    expect(result!.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['framework-no-satisfaction', 192, 21],
      ['framework-misfiled', 313, 19],
    ]);
    expect(result!.packet).toEqual(validatePacket(seed).packet);
    expect((await validate(SEED_FILE, { strict: true }))[0]!.ok).toBe(false);
  });
});

describe('renderForm', () => {
  it('refuses a project with errors, and one that is not there, naming every problem', async () => {
    const broken: Packet = { ...seed, projects: seed.projects.map((p, i) => (i === 1 ? { ...p, annualGoal: '' } : p)) };
    const error = await renderForm(broken, 1, { date }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPacketError);
    const { message, diagnostics } = error as InvalidPacketError;
    expect(message.split('\n')[0]).toBe(`数据有错误，不能生成项目 2「${seed.projects[1]!.name}」的申报表：`);
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.path.join('.'))).toEqual(['projects.1.annualGoal']);
    // The other projects' forms are still made, as build makes them.
    expect((await renderForm(broken, 0, { date })).pdf.length).toBeGreaterThan(0);
    await expect(renderForm(seed, 10, { date })).rejects.toThrow('数据里没有第 11 个项目（序号 10，从 0 数起）：共 10 个项目');
    await expect(renderForm(seed, 1.5, { date })).rejects.toThrow('projectIndex 应是项目的序号（整数，从 0 数起），现在是「1.5」');
    // A date a PDF cannot carry (its year has four digits, in UTC) is refused, as --date is.
    const late = new Date('9999-12-31T23:59:59-08:00');
    await expect(renderForm(seed, 1, { date: late })).rejects.toThrow(`date 不是可以写进文件的日期：应是公元 1 年到 9999 年（UTC）之间的 Date，现在是「${String(late)}」`);
    await expect(renderSummary(seed, { date: new Date(Number.NaN) })).rejects.toThrow('date 不是可以写进文件的日期');
    await expect(buildPacket(SEED_FILE, { out: dir, jobs: 0 })).rejects.toThrow('jobs 应是 1 到 256 之间的整数（线程数），现在是「0」');
  });

  it('makes a form that extract, diff, sign and verify read as the command’s', async () => {
    const form = await renderForm(seed, 1, { date });
    expect(form.diagnostics).toEqual([]);
    const pdf = path.join(dir, '02.pdf');
    const docx = path.join(dir, '02.docx');
    await writeFile(pdf, form.pdf);
    await writeFile(docx, form.docx);
    const project = validatePacket(seed).packet!.projects[1];
    for (const file of [pdf, docx]) {
      const read = await extract(file);
      expect([file, read.kind, read.problems, read.packet?.projects]).toEqual([file, 'form', [], [project]]);
      expect(JSON.parse(read.json!)).toEqual(file === pdf ? JSON.parse(JSON.stringify(read.data)) : JSON.parse(JSON.stringify(read.packet)));
    }
    // The form against its packet: its project only, and nothing differs.
    const compared = await diff(SEED_FILE, pdf);
    expect([compared.changes, compared.lines]).toEqual([[], []]);

    const p12 = path.join(dir, 'unit.p12');
    await writeFile(p12, makeP12());
    const signed = await sign(pdf, { p12, password: PASSWORD, reason: '同意申报', date });
    expect(signed).toEqual([{ outcomes: [{ kind: 'signed', file: pdf }], manifestUpdated: false, problems: [], ok: true }]);
    expect((await extract(pdf)).problems).toEqual([]);
  });
});

describe('renderWorkbook', () => {
  it('gives the bytes `shenbao xlsx` writes; validate, extract, diff and buildPacket read it as the data file', async () => {
    const bytes = await renderWorkbook(seed, { date });
    const made = path.join(dir, 'cli.xlsx');
    process.env.SOURCE_DATE_EPOCH = String(date.getTime() / 1000);
    const run = await shenbaoHere(['xlsx', SEED_FILE, '-o', made], process.cwd()).finally(() => delete process.env.SOURCE_DATE_EPOCH);
    // The seed's two warnings, then what was written.
    expect([run.code, run.stderr.split('\n').slice(-2)]).toEqual([0, [`${made}：填报工作簿，10 个项目、110 个绩效指标`, '']]);
    const written = await readFile(made);
    // Same sheets, same cells: the zip's own entry times are JSZip's (now), so the parts are compared.
    const { unzipSync } = await import('fflate');
    const parts = (b: Uint8Array) => Object.fromEntries(Object.entries(unzipSync(b)).map(([name, content]) => [name, Buffer.from(content).toString('utf8')]));
    expect(parts(written)).toEqual(parts(bytes));

    const file = path.join(dir, '填报.xlsx');
    await writeFile(file, bytes);
    const packet = validatePacket(seed).packet!;
    const [checked] = await validate(file);
    expect([checked!.ok, checked!.packet]).toEqual([true, packet]);
    const read = await extract(file);
    expect([read.kind, read.problems, read.packet]).toEqual(['workbook', [], packet]);
    const compared = await diff(SEED_FILE, file);
    expect([compared.changes, compared.lines]).toEqual([[], []]);
    const [built] = await buildPacket(file, { out: path.join(dir, 'built'), date, format: ['pdf'], jobs: 1 });
    expect([built!.ok, built!.written.map((w) => path.basename(w))]).toEqual([true, [...seed.projects.map((p, i) => `${String(i + 1).padStart(2, '0')}-${p.name}.pdf`), '汇总表.pdf']]);
    // An empty one is the blank form to fill in; a packet with errors is refused, every error named.
    expect((await renderWorkbook()).length).toBeGreaterThan(5_000);
    const wrong = { ...seed, year: 1999 } as Packet;
    await expect(renderWorkbook(wrong)).rejects.toThrow(InvalidPacketError);
  });
});

describe('buildPacket and verify', () => {
  it('build a packet folder as the command does, and verify it', async () => {
    const out = path.join(dir, 'out');
    const [built, ...more] = await buildPacket(SEED_FILE, { out, format: ['docx'], date });
    expect(more).toEqual([]);
    const packetDir = path.join(out, 'minhang-2023');
    expect(built).toMatchObject({ file: SEED_FILE, packetDir, ok: true, removed: [] });
    expect(built!.written.map((f) => path.relative(packetDir, f))).toEqual([
      ...seed.projects.map((p, i) => `${String(i + 1).padStart(2, '0')}-${p.name}.docx`),
      '汇总表.docx',
    ]);
    expect(built!.diagnostics.map((d) => d.code)).toEqual(['framework-no-satisfaction', 'framework-misfiled']);
    const [checked] = await verify(packetDir);
    expect(checked).toMatchObject({ dir: packetDir, ok: true, intact: 11, findings: [] });
  });

  it('sign says what it left unsigned, as the command does (exit 1 there)', async () => {
    const out = path.join(dir, 'to-sign');
    const [built] = await buildPacket(SEED_FILE, { out, format: ['pdf'], date });
    const changed = built!.written.find((f) => f.endsWith('03-残疾人就业保障金.pdf'))!;
    await writeFile(changed, Buffer.concat([await readFile(changed), Buffer.from('\n%changed\n')]));
    const p12 = path.join(dir, 'folder.p12');
    await writeFile(p12, makeP12());
    const [folder] = await sign(built!.packetDir!, { p12, password: PASSWORD, date });
    expect(folder!.ok).toBe(false);
    expect(folder!.outcomes.filter((o) => o.kind !== 'signed')).toEqual([{ kind: 'changed', file: changed }]);
    expect(folder!.problems).toMatchObject([{ severity: 'error', code: 'sign-file-changed', place: { kind: 'file', file: changed } }]);
  });
});
