// Part of npm run check:office: a blank 申报表 filled in LibreOffice reads back exactly. blankForm
// writes the blank; a headless LibreOffice of our own (private profile, private pipe) opens it and
// scripts/office-fill-blank.py types into it through Python UNO as a department would (values,
// amounts as people type them, a goal of two paragraphs, some indicator groups, a row inserted
// inside a merged group, an empty row deleted) and saves it as Word 2007-365. extractFile must then
// give exactly EXPECTED (deep equal: amounts with two decimals, the empty rows dropped), with no
// diagnostic.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual, promisify } from 'node:util';
import { loadTemplates } from '../src/layout/templates.js';
import type { Packet } from '../src/model/packet.js';
import { blankForm } from '../src/output/blank.js';
import { extractFile } from '../src/output/revision.js';
import { formatDiagnostic } from '../src/validate/format.js';

const run = promisify(execFile);
const FILL_SCRIPT = fileURLToPath(new URL('./office-fill-blank.py', import.meta.url));
const UNIT = '上海市某区社区发展办公室';
const YEAR = 2024;

/**
 * What office-fill-blank.py types, as extract must read it: every value distinct; amounts typed as
 * 3,750,000.50, 3,600,000, 150000.5, 1488888.99, 1,234,567.89, 200000, 54321.1; the inserted row
 * (新增图书册数) second in 数量指标; the rows left empty (and the deleted one) not here.
 */
const EXPECTED: Packet = {
  title: '上海市某区社区发展办公室2024年度项目绩效目标汇总表',
  unit: UNIT,
  year: YEAR,
  projects: [
    {
      name: '社区图书角建设',
      nature: '一次性项目',
      category: '专项业务类',
      department: '上海市某区文化和旅游局',
      implementer: '上海市某区图书馆',
      startDate: '2024-03-01',
      endDate: '2024-11-30',
      funds: {
        project: { total: '3750000.50', fiscal: '3600000.00', other: '150000.50' },
        annual: { total: '1488888.99', fiscal: '1234567.89', carryover: '200000.00', other: '54321.10' },
      },
      overallGoal: '三年内在全区建成社区图书角十二个\n形成覆盖各街镇的阅读服务网络',
      annualGoal: '2024年建成图书角并开放借阅',
      indicators: [
        { level1: '产出指标', level2: '数量指标', name: '新建社区图书角', target: '≥12(个)' },
        { level1: '产出指标', level2: '数量指标', name: '新增图书册数', target: '≥3600(册)' },
        { level1: '产出指标', level2: '数量指标', name: '举办阅读活动', target: '≥24(场)' },
        { level1: '产出指标', level2: '数量指标', name: '配备管理志愿者', target: '≥30(人)' },
        { level1: '产出指标', level2: '质量指标', name: '图书上架准确率', target: '≥98(%)' },
        { level1: '产出指标', level2: '时效指标', name: '图书角建成时间', target: '2024年6月底前' },
        { level1: '效益指标', level2: '社会效益指标', name: '服务居民人次', target: '≥20000(人次)' },
        { level1: '效益指标', level2: '社会效益指标', name: '居民阅读时长', target: '明显提升' },
        { level1: '效益指标', level2: '可持续影响指标', name: '图书角持续开放', target: '长期' },
        { level1: '满意度指标', level2: '服务对象满意度指标', name: '居民满意度', target: '≥90(%)' },
      ],
    },
  ],
};

/** The Python that has python3-uno: the system's (a pyenv or venv python3 on PATH usually lacks it). */
async function unoPython(): Promise<string | undefined> {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (python.startsWith('/') && !(await access(python, constants.X_OK).then(() => true, () => false))) continue;
    if (await run(python, ['-c', 'import uno']).then(() => true, () => false)) return python;
  }
  return undefined;
}

/** Every leaf (string, number) by its path: `projects[0].funds.annual.other` → "54321.10". */
function leaves(value: unknown, at = '', into = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    const array = Array.isArray(value);
    for (const [key, inner] of Object.entries(value)) leaves(inner, array ? `${at}[${key}]` : at ? `${at}.${key}` : key, into);
    if (Object.keys(value).length === 0) into.set(at, array ? '[]' : '{}');
  } else into.set(at, JSON.stringify(value));
  return into;
}

/** The values that differ, one line each: path: expected → read. */
function leafDiff(expected: unknown, read: unknown): string[] {
  const [a, b] = [leaves(expected), leaves(read)];
  return [...new Set([...a.keys(), ...b.keys()])].flatMap((key) =>
    a.get(key) === b.get(key) ? [] : [`${key}: 应是 / expected ${a.get(key) ?? '（没有 / absent）'}，读回 / read ${b.get(key) ?? '（没有 / absent）'}`],
  );
}

/** Ends LibreOffice (its whole process group: oosplash and soffice.bin) if it has not quit by itself within `ms`. */
async function stop(office: ChildProcess, ms: number): Promise<void> {
  if (office.pid === undefined || office.exitCode !== null || office.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => office.once('exit', () => resolve()));
  const timer = setTimeout(() => {
    try {
      process.kill(-office.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, ms);
  await exited;
  clearTimeout(timer);
}

/** Fills a blank form in LibreOffice and reads it back; prints ✓/✗ lines; the number of failures. */
export async function checkBlankFilledInOffice(soffice: string, work: string): Promise<number> {
  const started = Date.now();
  const dir = path.join(work, 'blank');
  await mkdir(dir, { recursive: true });
  const label = '空白申报表在 LibreOffice 里填写后读回 / blank form filled in LibreOffice, read back';
  const python = await unoPython();
  if (!python) {
    console.log(`✗ ${label}\n    没有带 python3-uno 的 Python，无法操作 LibreOffice。安装：apt-get install -y python3-uno\n    No Python with python3-uno to drive LibreOffice. Install: apt-get install -y python3-uno`);
    return 1;
  }
  const templates = await loadTemplates();
  const blank = path.join(dir, '新项目.docx');
  const filled = path.join(dir, '新项目-填好.docx');
  await writeFile(blank, await blankForm({ year: YEAR, unit: UNIT, templates, creationDate: new Date('2024-01-01T00:00:00Z') }));

  // Its own profile and its own pipe: another LibreOffice (a user's, or one listening on the usual
  // port 2002) is neither reused nor disturbed. Its own process group, to end it whole if need be.
  const pipe = `shenbao-check-${process.pid}-${randomBytes(4).toString('hex')}`;
  const office = spawn(
    soffice,
    [`-env:UserInstallation=${pathToFileURL(path.join(dir, 'profile')).href}`, '--headless', '--invisible', '--nologo', '--norestore', '--nodefault', '--nolockcheck', `--accept=pipe,name=${pipe};urp;`],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let officeErrors = '';
  office.stderr!.on('data', (chunk: Buffer) => (officeErrors += chunk.toString()));
  // LibreOffice that does not start, or ends before the script is done (it quits LibreOffice as
  // its last step), leaves the script waiting for it: stopped after a moment's grace.
  const filling = new AbortController();
  let ended: string | undefined;
  const end = (why: string) => {
    ended ??= why;
    setTimeout(() => filling.abort(), 10_000).unref();
  };
  office.once('error', (error) => end(`LibreOffice 没有启动 / did not start: ${error.message}`));
  office.once('exit', (code, signal) => end(`LibreOffice 已退出 / exited (${code ?? signal})`));
  let steps: string[] = [];
  try {
    const result = await run(python, [FILL_SCRIPT, pipe, blank, filled], { timeout: 3 * 60_000, signal: filling.signal });
    steps = result.stdout.trim().split('\n');
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    const why = filling.signal.aborted ? ended! : e.message.split('\n')[0];
    console.log(`✗ ${label}\n    LibreOffice 里填表失败 / filling in LibreOffice failed: ${why}`);
    for (const text of [e.stdout, e.stderr, officeErrors]) if (text?.trim()) console.log(`    ${text.trim().replace(/\n/g, '\n    ')}`);
    return 1;
  } finally {
    // The script quits LibreOffice when done; if it could not, it is ended here.
    await stop(office, 15_000);
  }

  const read = await extractFile(filled, templates).catch((error: Error) => ({ problems: [error.message], diagnostics: [], packet: undefined, data: undefined, projectNames: [] }));
  const problems = [
    ...read.problems,
    ...read.diagnostics.map((d) => formatDiagnostic(d, path.basename(filled), read.projectNames)),
    ...(read.problems.length === 0 && read.packet === undefined ? ['没有读出有效的数据 / no valid packet was read'] : []),
  ];
  const got = read.packet ?? read.data;
  if (!isDeepStrictEqual(got, EXPECTED)) {
    const differences = leafDiff(EXPECTED, got);
    problems.push(...(differences.length > 0 ? differences : ['数据不同 / data differs']));
  }
  const what = `${label}（${((Date.now() - started) / 1000).toFixed(1)} s）`;
  console.log(`${problems.length === 0 ? '✓' : '✗'} ${what}\n    ${steps.join('\n    ')}`);
  if (problems.length === 0) {
    const project = EXPECTED.projects[0]!;
    console.log(`    读回 ${project.indicators.length} 条指标、7 个金额，与预期完全相同，0 个错误 0 条警告 / read back exactly as expected, no diagnostics`);
  } else console.log(`    ${problems.join('\n    ')}`);
  return problems.length === 0 ? 0 : 1;
}
