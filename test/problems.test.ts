// One problem type for every stage (issue 19): each command's --json prints one document that
// schema/problem.schema.json describes, with exact codes and places; the schema file is the one
// generated from the zod schema; and many warnings of one kind print as one line.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/command-line.js';
import { capProblems, problemJsonSchema, type Diagnostic, type ProblemsDocument } from '../src/model/diagnostic.js';
import { diagnosticLines, formatDiagnostic, GROUPED_AFTER } from '../src/validate/format.js';
import { makeP12, PASSWORD } from './support/certificate.js';
import { buildDocx, cellWithText, editDocx, readBytes, setCellText } from './support/docx.js';
import { ROOT } from './support/cli.js';

const SCHEMA_FILE = path.join(ROOT, 'schema', 'problem.schema.json');
const DISTINCT = path.join(ROOT, 'test', 'fixtures', 'distinct.json');
const BROKEN = path.join(ROOT, 'test', 'fixtures', 'broken', 'broken-2023.json');

let work: string;
let validateDocument: (data: unknown) => boolean;
let schemaErrors: () => unknown;

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isolate: false });
    return { code, stdout, stderr };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** stdout parsed, checked against the schema file: the document every --json prints. */
function documentOf(stdout: string): ProblemsDocument {
  const document = JSON.parse(stdout) as ProblemsDocument;
  expect(validateDocument(document), JSON.stringify(schemaErrors())).toBe(true);
  return document;
}

const codesOf = (document: ProblemsDocument) => document.problems.map((p) => p.code);

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'shenbao-problems-'));
  const ajv = new Ajv2020.default({ strict: true, allErrors: true });
  const validate = ajv.compile(JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as object);
  validateDocument = (data) => validate(data);
  schemaErrors = () => validate.errors;
});

describe('schema/problem.schema.json', () => {
  it('is the one generated from the zod schema (`shenbao schema --problems` prints it)', async () => {
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(problemJsonSchema());
    const run = await cli(['schema', '--problems']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(problemJsonSchema());
  });

  it('refuses what is not a problem: an unknown place, a Word cell at row 0, an unknown key', () => {
    const problem = { severity: 'error', code: 'x', message: '…' };
    expect(validateDocument({ problems: [{ ...problem, place: { kind: 'word', file: 'a.docx', table: 1, row: 2, column: 3 } }] })).toBe(true);
    expect(validateDocument({ problems: [{ ...problem, place: { kind: 'sheet', file: 'a.xlsx', sheet: '项目', cell: 'B7' } }] })).toBe(true);
    expect(validateDocument({ problems: [{ ...problem, place: { kind: 'sheet', file: 'a.xlsx', sheet: '项目', cell: '7B' } }] })).toBe(false);
    expect(validateDocument({ problems: [{ ...problem, place: { kind: 'word', file: 'a.docx', table: 1, row: 0 } }] })).toBe(false);
    expect(validateDocument({ problems: [{ ...problem, place: { kind: 'page', file: 'a.pdf' } }] })).toBe(false);
    expect(validateDocument({ problems: [{ ...problem, ruleId: 'x' }] })).toBe(false);
    expect(validateDocument({ problems: [{ ...problem, severity: 'info' }] })).toBe(false);
  });
});

describe('--json on each command', () => {
  it('validate: an invalid packet, each problem with its code, project, path and file:line:column', async () => {
    const run = await cli(['validate', BROKEN, '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const document = documentOf(run.stdout);
    expect(codesOf(document)).toEqual(['amount-sum', 'schema', 'schema', 'schema', 'schema', 'framework-no-satisfaction']);
    expect(document.problems[0]).toEqual({
      severity: 'error',
      code: 'amount-sum',
      message: '年度资金申请总额 200,000.00 不等于 当年财政拨款 + 上年结转资金 + 其他资金 = 190,000.00',
      project: { number: 1, name: '培训费' },
      path: 'projects[0].funds.annual.total',
      field: '年度资金·年度资金申请总额',
      place: { kind: 'file', file: BROKEN, line: 18, column: 20 },
    });
    expect(document.problems[5]).toMatchObject({ severity: 'warning', code: 'framework-no-satisfaction', project: { number: 3 } });
  });

  it('build: an invalid project, the same problems, and nothing else on stdout', async () => {
    const run = await cli(['build', BROKEN, '-o', path.join(work, 'built'), '--json', '--quiet', '--date', '2023-01-01', '--format', 'pdf']);
    expect(run.code).toBe(1);
    const document = documentOf(run.stdout);
    // The data's problems, and the 汇总表 not made for them.
    expect(codesOf(document)).toEqual(['amount-sum', 'schema', 'schema', 'schema', 'schema', 'framework-no-satisfaction', 'summary-skipped']);
    expect(document.problems[1]).toMatchObject({ severity: 'error', code: 'schema', path: 'projects[1].implementer', place: { kind: 'file', file: BROKEN, line: 100, column: 5 } });
    // Human lines are not printed as well: the document holds them.
    expect(run.stderr).not.toContain('不等于');
  });

  it('extract: a .docx whose label was retyped is refused at its Word table, row and column', async () => {
    const folder = await buildDocx(DISTINCT);
    const edited = editDocx(readBytes(path.join(folder, '01-社区睦邻学堂运营.docx')), (document) => setCellText(cellWithText(document, '实施单位'), '执行单位'));
    const file = path.join(work, '改过标签.docx');
    await writeFile(file, edited);
    // With --json, stdout is the problems: the data needs -o (refused without it, exit 2, nothing lost silently).
    const bare = await cli(['extract', file, '--json']);
    expect(bare.code).toBe(2);
    expect(documentOf(bare.stdout).problems).toEqual([
      { severity: 'error', code: 'refused', message: 'extract --json 时请用 -o 写明数据写到哪个文件，如 -o 数据.json：标准输出用来输出问题列表（JSON）' },
    ]);
    const run = await cli(['extract', file, '--json', '-o', path.join(work, '改过标签.json')]);
    expect(run.code).toBe(1);
    const document = documentOf(run.stdout);
    expect(document.problems).toEqual([
      {
        severity: 'error',
        code: 'form-label-changed',
        message: '第 1 张申报表第 1 个表格第 2 行第 4 列：这里是标签「实施单位」，现在是「执行单位」。标签不能改，请改回去',
        project: { number: 1 },
        place: { kind: 'word', file, form: 1, table: 1, row: 2, column: 4 },
      },
    ]);
    expect(run.stderr).toBe(`${file}：有 1 处修改无法读取，没有写出数据\n`);
    // Without --json: the same line as always.
    const plain = await cli(['extract', file]);
    expect(plain.stderr.split('\n')[0]).toBe(`${file}：第 1 张申报表第 1 个表格第 2 行第 4 列：这里是标签「实施单位」，现在是「执行单位」。标签不能改，请改回去`);
  });

  it('diff: each difference a warning, coded by its kind, at its data path', async () => {
    const data = JSON.parse(await readFile(DISTINCT, 'utf8')) as { projects: Array<Record<string, unknown>> };
    data.projects[1]!.implementer = '另一个实施单位';
    data.projects.pop();
    const changed = path.join(work, 'changed.json');
    await writeFile(changed, JSON.stringify(data, null, 2));
    const run = await cli(['diff', DISTINCT, changed, '--json']);
    expect(run.code).toBe(1);
    const document = documentOf(run.stdout);
    expect(document.problems.map(({ code, path, place, project }) => ({ code, path, place, project }))).toEqual([
      { code: 'diff-changed', path: 'projects[1].implementer', place: { kind: 'file', file: changed }, project: { number: 2 } },
      { code: 'diff-removed', path: 'projects[2]', place: { kind: 'file', file: DISTINCT }, project: { number: 3 } },
    ]);
    expect(document.problems.every((p) => p.severity === 'warning')).toBe(true);
    expect(run.stderr).toBe('共 2 处不同\n');
  });

  it('diff: a side with errors is refused, each of its errors a problem of its own with its place', async () => {
    const run = await cli(['diff', DISTINCT, BROKEN, '--json']);
    expect(run.code).toBe(2);
    const document = documentOf(run.stdout);
    const errors = document.problems.filter((p) => p.severity === 'error');
    expect(errors.length).toBeGreaterThan(1);
    expect(errors.every((p) => p.place?.kind === 'file' && p.place.file === BROKEN && p.place.line !== undefined)).toBe(true);
    expect(errors.find((p) => p.path === 'projects[1].implementer')).toMatchObject({ code: 'schema', place: { kind: 'file', file: BROKEN, line: 100, column: 5 } });
    expect(document.problems.some((p) => p.code === 'refused')).toBe(false);
  });

  it('verify: a tampered output folder, each finding with its code and file', async () => {
    const folder = path.join(work, 'verified');
    await cli(['build', DISTINCT, '-o', folder, '--quiet', '--date', '2023-01-01', '--format', 'pdf']);
    const packet = path.join(folder, 'distinct');
    const form = path.join(packet, '02-智慧社区平台二期建设.pdf');
    await writeFile(form, Buffer.concat([await readFile(form), Buffer.from('\n%tampered\n')]));
    await writeFile(path.join(packet, '备注.txt'), 'not shenbao’s');
    const run = await cli(['verify', packet, '--json']);
    expect(run.code).toBe(1);
    const document = documentOf(run.stdout);
    expect(document.problems.map(({ severity, code, place }) => ({ severity, code, place }))).toEqual([
      { severity: 'error', code: 'file-altered', place: { kind: 'file', file: form } },
      { severity: 'error', code: 'file-added', place: { kind: 'file', file: path.join(packet, '备注.txt') } },
    ]);
  });

  it('sign: a PDF changed since it was built is refused, and so is a command that cannot run', async () => {
    const folder = path.join(work, 'signed');
    await cli(['build', DISTINCT, '-o', folder, '--quiet', '--date', '2023-01-01', '--format', 'pdf']);
    const packet = path.join(folder, 'distinct');
    const form = path.join(packet, '03-老旧小区加装电梯补贴.pdf');
    await writeFile(form, Buffer.concat([await readFile(form), Buffer.from('\n%changed\n')]));
    const p12 = path.join(work, '单位.p12');
    await writeFile(p12, makeP12());
    const run = await cli(['sign', packet, '--p12', p12, '--json', '--date', '2023-01-02T08:00:00'], { SHENBAO_P12_PASSWORD: PASSWORD });
    expect(run.code).toBe(1);
    const document = documentOf(run.stdout);
    expect(document.problems).toEqual([
      {
        severity: 'error',
        code: 'sign-file-changed',
        message: '生成以后被改动过（与 manifest.json 记的不同），已不是 shenbao 写的文件，没有签名',
        place: { kind: 'file', file: form },
      },
    ]);
    // A refusal before any signing (no password given): exit 2, and the document says why.
    const refused = await cli(['sign', packet, '--p12', p12, '--json', '--password-env', 'SHENBAO_TEST_NO_SUCH_VARIABLE']);
    expect(refused.code).toBe(2);
    expect(documentOf(refused.stdout).problems).toEqual([
      {
        severity: 'error',
        code: 'refused',
        message: `环境变量 SHENBAO_TEST_NO_SUCH_VARIABLE 没有设置：请把证书文件 ${p12} 的密码放进它，或用 --password-env 指出放密码的环境变量`,
      },
    ]);
  });
});

describe('warnings of one kind, grouped', () => {
  const warning = (i: number): Diagnostic => ({
    severity: 'warning',
    code: 'framework-no-satisfaction',
    path: ['projects', i, 'indicators'],
    message: '没有满意度指标',
    line: 10 * i + 3,
    column: 5,
  });
  const error = (i: number): Diagnostic => ({ severity: 'error', code: 'schema', path: ['projects', i, 'name'], message: '缺少必填项', line: 10 * i + 1, column: 3 });

  it('prints 60 warnings of one kind in one line, with the count and the first places; errors one by one', () => {
    const names = Array.from({ length: 60 }, (_, i) => `项目${i + 1}`);
    const diagnostics = [error(0), ...Array.from({ length: 60 }, (_, i) => warning(i)), error(1)];
    expect(diagnosticLines(diagnostics, 'd.json', names)).toEqual([
      'd.json:1:3：项目 1「项目1」：项目名称（projects[0].name）：错误：缺少必填项',
      'd.json：警告：没有满意度指标（同类警告共 60 条，前 3 条在：d.json:3:5：项目 1「项目1」：绩效指标（projects[0].indicators）；d.json:13:5：项目 2「项目2」：绩效指标（projects[1].indicators）；d.json:23:5：项目 3「项目3」：绩效指标（projects[2].indicators）；用 --json 可列出全部）',
      'd.json:11:3：项目 2「项目2」：项目名称（projects[1].name）：错误：缺少必填项',
    ]);
  });

  it('a warning whose hint names another fix is another kind: not hidden in a group', () => {
    const spaced = (i: number): Diagnostic => ({ ...warning(i), code: 'framework-level2-unknown', message: '「 数量指标」前后有多余的空格，请删去' });
    const misspelt: Diagnostic = { ...warning(9), code: 'framework-level2-unknown', message: '「时间指标」不是产出指标下的二级指标', hint: '是不是「时效指标」？' };
    const lines = diagnosticLines([spaced(0), spaced(1), spaced(2), spaced(3), misspelt], 'd.json');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^d\.json：警告：「 数量指标」前后有多余的空格，请删去（同类警告共 4 条，/);
    expect(lines[1]).toBe('d.json:93:5：项目 10：绩效指标（projects[9].indicators）：警告：「时间指标」不是产出指标下的二级指标\n    提示：是不是「时效指标」？');
  });

  it('a list cut short keeps its errors: an error after a thousand warnings gives up the last warning kept', () => {
    const many = [...Array.from({ length: 1050 }, (_, i) => warning(i)), error(1050)];
    const kept = capProblems(many, 1000);
    expect(kept.filter((d) => d.severity === 'error' && !d.omitted)).toEqual([error(1050)]);
    expect(kept).toHaveLength(1001);
    expect(kept.at(-1)).toMatchObject({ code: 'too-many-problems', severity: 'warning', omitted: { errors: 0, warnings: 51 } });
    // With no warning left to give up, errors past the cap are counted, as before.
    const errors = capProblems(Array.from({ length: 1002 }, (_, i) => error(i)), 1000);
    expect(errors.at(-1)).toMatchObject({ severity: 'error', omitted: { errors: 2, warnings: 0 } });
  });

  it('lists up to GROUPED_AFTER of one kind one by one', () => {
    const few = Array.from({ length: GROUPED_AFTER }, (_, i) => warning(i));
    expect(diagnosticLines(few, 'd.json')).toEqual(few.map((d) => formatDiagnostic(d, 'd.json')));
  });

  it('validate prints the grouped line; --json still lists every warning', async () => {
    const data = JSON.parse(await readFile(DISTINCT, 'utf8')) as { projects: Array<{ name: string; indicators: Array<{ level2: string }> }> };
    // Five projects without a satisfaction indicator: five warnings of one kind.
    const base = data.projects[0]!;
    data.projects = Array.from({ length: 5 }, (_, i) => ({ ...base, name: `项目${i + 1}`, indicators: base.indicators.filter((x) => x.level2 !== '服务对象满意度指标') }));
    const file = path.join(work, 'five.json');
    await writeFile(file, JSON.stringify(data, null, 2));
    const run = await cli(['validate', file]);
    const lines = run.stderr.trim().split('\n');
    expect(lines.filter((l) => l.includes('没有满意度指标'))).toHaveLength(1);
    expect(lines.find((l) => l.includes('没有满意度指标'))).toBe(
      `${file}：警告：没有满意度指标（同类警告共 5 条，前 3 条在：${file}:29:21：项目 1「项目1」：绩效指标（projects[0].indicators）；${file}:84:21：项目 2「项目2」：绩效指标（projects[1].indicators）；${file}:139:21：项目 3「项目3」：绩效指标（projects[2].indicators）；用 --json 可列出全部）`,
    );
    const json = documentOf((await cli(['validate', file, '--json'])).stdout);
    expect(json.problems.filter((p) => p.code === 'framework-no-satisfaction')).toHaveLength(5);
  });
});

