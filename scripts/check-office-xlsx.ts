// Part of npm run check:office: the fill-in workbook (shenbao xlsx) saved again by LibreOffice Calc
// still is one. For the seed packet and putuo-2026: writeWorkbook writes it, LibreOffice opens it
// and saves it as .xlsx (its own writer: shared strings, styles and the XML all rewritten), and
// readPacketInput must read from the re-saved file exactly what it reads from ours (the packet, its
// diagnostics, every loaded field; only the file name differs). In the re-saved file's XML the
// dropdowns must still be there (项目名称, 一级指标, and 二级指标 through INDIRECT($B2) on 绩效指标;
// 项目性质 on 项目), each from row 2 over at least every filled row, and the defined names they
// read their lists through must name the same ranges as ours. And an empty workbook filled in
// LibreOffice through Python UNO (office-fill-workbook.py) reads back exactly as what was typed.
//   tsx scripts/check-office-xlsx.ts    this check alone (check-office.ts runs it with the rest)
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual, promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import type { Packet } from '../src/model/packet.js';
import { columnName, INDICATOR_FIELDS, PROJECT_FIELDS, SHEET, UNIT_FIELDS, type WorkbookField } from '../src/model/workbook.js';
import { readPacketInput } from '../src/output/data-input.js';
import { writeWorkbook } from '../src/render/workbook.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA_FILES = ['data/minhang-2023.json', 'test/fixtures/putuo-2026.json'];
/** The names the dropdowns read through: 二级指标's INDIRECT names one of the first four. */
const DEFINED_NAMES = ['产出指标', '成本指标', '效益指标', '满意度指标', '一级指标列表', '项目名称列表'];

/** The dropdowns that must survive: sheet, column header, the list's formula (formula1). */
const DROPDOWNS: ReadonlyArray<{ sheet: string; header: string; column: string; formula: string }> = [
  { sheet: SHEET.indicators, header: '项目名称', column: indicatorColumn([]), formula: '项目名称列表' },
  { sheet: SHEET.indicators, header: '一级指标', column: indicatorColumn(['level1']), formula: '一级指标列表' },
  { sheet: SHEET.indicators, header: '二级指标', column: indicatorColumn(['level2']), formula: `INDIRECT($${indicatorColumn(['level1'])}2)` },
  { sheet: SHEET.projects, header: '项目性质', column: columnName(PROJECT_FIELDS.findIndex((f) => f.path.join('.') === 'nature')), formula: '项目性质列表' },
];

function indicatorColumn(fieldPath: readonly string[]): string {
  return columnName(INDICATOR_FIELDS.findIndex((f) => f.path.join('.') === fieldPath.join('.')));
}

const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-f]+|#\d+);/gi, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : e === 'amp' ? '&' : String.fromCodePoint(Number(e[1] === 'x' ? `0${e.slice(1)}` : e.slice(1))),
  );
const attribute = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeXml(m[1]!) : undefined;
};

interface WorkbookXml {
  /** Defined name → its range, quotes dropped ('列表'!$A$2:$A$5 and 列表!$A$2:$A$5 are one range). */
  names: Map<string, string>;
  /** Sheet name → its data validations. */
  validations: Map<string, Array<{ sqref: string; type?: string; formula1?: string }>>;
}

/** The defined names and each sheet's data validations, from the package's XML. */
function workbookXml(bytes: Uint8Array): WorkbookXml {
  const files = unzipSync(bytes);
  const text = (name: string) => {
    const file = files[name];
    if (!file) throw new Error(`${name} is not in the package`);
    return strFromU8(file);
  };
  const book = text('xl/workbook.xml');
  const names = new Map<string, string>();
  for (const m of book.matchAll(/<definedName\b([^>]*)>([^<]*)<\/definedName>/g)) names.set(attribute(m[1]!, 'name')!, unescapeXml(m[2]!).replace(/'/g, ''));
  const targets = new Map<string, string>();
  for (const m of text('xl/_rels/workbook.xml.rels').matchAll(/<Relationship\b[^>]*>/g)) targets.set(attribute(m[0], 'Id')!, attribute(m[0], 'Target')!);
  const validations: WorkbookXml['validations'] = new Map();
  for (const m of book.matchAll(/<sheet\b[^>]*>/g)) {
    const target = targets.get(attribute(m[0], 'r:id')!)!;
    const sheetXml = text(target.startsWith('/') ? target.slice(1) : path.posix.join('xl', target));
    const list = [...sheetXml.matchAll(/<dataValidation\b([^>]*?)(?:\/>|>([\s\S]*?)<\/dataValidation>)/g)].map((v) => {
      const formula = /<(?:x14:)?formula1>(?:<xm:f>)?([^<]*)/.exec(v[2] ?? '');
      return { sqref: attribute(v[1]!, 'sqref') ?? '', type: attribute(v[1]!, 'type'), formula1: formula ? unescapeXml(formula[1]!) : undefined };
    });
    validations.set(attribute(m[0], 'name')!, list);
  }
  return { names, validations };
}

/** Every string equal to `from`, anywhere in `value`, as `to`: the file name in a loaded packet and its diagnostics' places. */
function renamed(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => renamed(v, from, to));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamed(v, from, to)]));
  return value;
}

/** The first and last row of a one-column range A2:A5111 in `sqref` (a list of ranges) over `column`, if any. */
function rowsOf(sqref: string, column: string): Array<[number, number]> {
  return sqref.split(/\s+/).flatMap((range) => {
    const m = /^\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$/.exec(range);
    if (!m || m[1] !== column || (m[3] ?? m[1]) !== column) return [];
    return [[Number(m[2]), Number(m[4] ?? m[2])] as [number, number]];
  });
}

/**
 * Problems with the re-saved file's dropdowns and names, and what was found (one line each): each
 * dropdown of DROPDOWNS from row 2 to at least `filled[sheet]`, the names as ours has them.
 */
function checkXml(ours: WorkbookXml, resaved: WorkbookXml, filled: Record<string, number>): { problems: string[]; found: string[] } {
  const problems: string[] = [];
  const found: string[] = [];
  for (const d of DROPDOWNS) {
    const where = `${d.sheet}!${d.column}（${d.header}）`;
    const spans = (xml: WorkbookXml) =>
      (xml.validations.get(d.sheet) ?? []).filter((v) => v.type === 'list' && v.formula1 === d.formula).flatMap((v) => rowsOf(v.sqref, d.column));
    const ourSpan = spans(ours);
    const theirs = spans(resaved);
    const covered = theirs.some(([from, to]) => from <= 2 && to >= filled[d.sheet]!);
    if (!covered) {
      const other = (resaved.validations.get(d.sheet) ?? []).filter((v) => rowsOf(v.sqref, d.column).length > 0).map((v) => `${v.type ?? '?'} ${v.formula1 ?? ''} @ ${v.sqref}`);
      problems.push(
        `${where}: 没有从第 2 行到第 ${filled[d.sheet]} 行的下拉列表 ${d.formula} / no list validation ${d.formula} over rows 2–${filled[d.sheet]}` +
          (other.length ? `; found: ${other.join(', ')}` : '; the column has no validation'),
      );
    } else {
      const show = (s: Array<[number, number]>) => s.map(([a, b]) => `${d.column}${a}:${d.column}${b}`).join(' ');
      found.push(`${where} list ${d.formula} @ ${show(theirs)}${isDeepStrictEqual(ourSpan, theirs) ? '' : `（ours / 原 ${show(ourSpan)}）`}`);
    }
  }
  const missing = DEFINED_NAMES.filter((n) => !resaved.names.has(n));
  if (missing.length > 0) problems.push(`xl/workbook.xml 里没有名称 / defined names missing: ${missing.join(', ')}`);
  for (const n of DEFINED_NAMES.filter((x) => resaved.names.has(x) && resaved.names.get(x) !== ours.names.get(x)))
    problems.push(`名称 ${n} 指向 / defined name ${n} refers to ${resaved.names.get(n)}, ours ${ours.names.get(n)}`);
  if (missing.length === 0) found.push(`defined names: ${DEFINED_NAMES.map((n) => `${n}=${resaved.names.get(n)}`).join(', ')}`);
  return { problems, found };
}

/** Writes, re-saves through LibreOffice and checks each workbook; prints ✓/✗ lines; the number of failures. */
export async function checkWorkbooksInOffice(soffice: string, work: string): Promise<number> {
  const dir = path.join(work, 'xlsx');
  const resavedDir = path.join(dir, 'resaved');
  await mkdir(resavedDir, { recursive: true });
  const profile = pathToFileURL(path.join(work, 'profile-xlsx')).href;
  let failures = 0;
  const written: Array<{ data: string; file: string; packet: Packet }> = [];
  for (const data of DATA_FILES) {
    const packet = JSON.parse(await readFile(path.join(ROOT, data), 'utf8')) as Packet;
    const file = path.join(dir, `${path.basename(data, '.json')}.xlsx`);
    await writeFile(file, await writeWorkbook(packet, { date: new Date('2023-01-01T00:00:00Z') }));
    written.push({ data, file, packet });
  }
  const started = Date.now();
  await run(soffice, [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'xlsx:Calc Office Open XML', '--outdir', resavedDir, ...written.map((w) => w.file)], {
    timeout: 5 * 60_000,
    maxBuffer: 16 << 20,
  });
  console.log(`LibreOffice Calc 另存 ${written.length} 个工作簿 / re-saved ${written.length} workbooks (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  for (const { data, file, packet } of written) {
    const resaved = path.join(resavedDir, path.basename(file));
    const label = `${path.basename(file)}（LibreOffice 另存后读回 / re-saved by LibreOffice Calc, read back）`;
    const problems: string[] = [];
    const found: string[] = [];
    const resavedBytes = await readFile(resaved).catch(() => undefined);
    if (!resavedBytes) {
      console.log(`✗ ${label}\n    没有另存出文件 / LibreOffice wrote no file`);
      failures++;
      continue;
    }
    const original = await readPacketInput(file);
    const again = await readPacketInput(resaved);
    if (!original.loaded.packet) problems.push(`我们写的工作簿读不出数据 / our own workbook reads back no packet: ${original.loaded.diagnostics.map((d) => d.message).join('; ')}`);
    else if (!isDeepStrictEqual(original.loaded.packet, packet)) problems.push(`我们写的工作簿读回与 ${data} 不同 / our own workbook does not read back as ${data}`);
    const same = isDeepStrictEqual(renamed(again.loaded, resaved, file), original.loaded);
    if (!same) {
      const keys = [...new Set([...Object.keys(original.loaded), ...Object.keys(again.loaded)])];
      const differing = keys.filter((k) => !isDeepStrictEqual(renamed((again.loaded as unknown as Record<string, unknown>)[k], resaved, file), (original.loaded as unknown as Record<string, unknown>)[k]));
      problems.push(`读回不同 / read back differently in: ${differing.join(', ')}`);
      for (const d of again.loaded.diagnostics.slice(0, 10)) problems.push(`  ${d.severity} ${d.code ?? ''} ${d.message}`);
    } else {
      const projects = original.loaded.packet?.projects ?? [];
      found.push(`${projects.length} 个项目、${projects.reduce((n, p) => n + p.indicators.length, 0)} 条指标，与原工作簿读回的完全相同（${original.loaded.diagnostics.length} 条诊断也相同）/ identical packet and diagnostics`);
    }
    const indicatorRows = packet.projects.reduce((n, p) => n + p.indicators.length, 0);
    const xml = checkXml(workbookXml(await readFile(file)), workbookXml(resavedBytes), {
      [SHEET.indicators]: indicatorRows + 1,
      [SHEET.projects]: packet.projects.length + 1,
    });
    problems.push(...xml.problems);
    found.push(...xml.found);
    if (problems.length > 0) failures++;
    console.log(`${problems.length === 0 ? '✓' : '✗'} ${label}\n    ${(problems.length === 0 ? found : problems).join('\n    ')}`);
  }
  return failures;
}

const FILL_SCRIPT = fileURLToPath(new URL('./office-fill-workbook.py', import.meta.url));

/**
 * What office-fill-workbook.py types into the empty workbook, as readPacketInput must read it back:
 * two projects (every value distinct), their indicators interleaved in 绩效指标 (each finds its
 * project by 项目名称). TYPED_AS_TEXT: the amounts and dates typed as text, as people do
 * (1,234,567.89; 2024年11月30日); the other amounts are numbers, the year a number.
 */
const FILLED: Packet = {
  title: '上海市某区街道办事处2024年度项目绩效目标汇总表',
  unit: '上海市某区街道办事处',
  year: 2024,
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
        { level1: '产出指标', level2: '时效指标', name: '图书角建成时间', target: '2024年6月底前' },
        { level1: '效益指标', level2: '社会效益指标', name: '服务居民人次', target: '≥20000(人次)' },
        { level1: '满意度指标', level2: '服务对象满意度指标', name: '居民满意度', target: '≥90(%)' },
      ],
    },
    {
      name: '老年助餐点补贴',
      nature: '经常性项目',
      category: '特定目标类',
      department: '上海市某区民政局',
      implementer: '上海市某区第二社区服务中心',
      startDate: '2024-01-15',
      endDate: '2024-12-20',
      funds: { project: {}, annual: { total: '860000.00', fiscal: '800000.00', carryover: '0.00', other: '60000.00' } },
      annualGoal: '全年提供助餐服务\n覆盖辖区高龄老人',
      indicators: [
        { level1: '产出指标', level2: '数量指标', name: '助餐服务人次', target: '≥36000(人次)' },
        { level1: '成本指标', level2: '经济成本指标', name: '每餐补贴标准', target: '≤8(元/餐)' },
        { level1: '满意度指标', level2: '服务对象满意度指标', name: '老人满意度', target: '≥92(%)' },
      ],
    },
  ],
};
const TYPED_AS_TEXT = new Set(['projects.0.funds.annual.fiscal', 'projects.0.endDate']);

/** The cells to type: [sheet, cell, kind, value], from FILLED. */
function fillPlan(): Array<[string, string, 'text' | 'number', string | number]> {
  const plan: Array<[string, string, 'text' | 'number', string | number]> = [];
  const cellOf = (field: WorkbookField, value: unknown, at: string): ['text' | 'number', string | number] => {
    const text = String(value);
    if (field.kind === 'year' || (field.kind === 'money' && !TYPED_AS_TEXT.has(at))) return ['number', Number(text)];
    if (field.kind === 'money') return ['text', Number(text).toLocaleString('en-US', { minimumFractionDigits: 2 })];
    if (field.kind === 'date' && TYPED_AS_TEXT.has(at)) {
      const [y, m, d] = text.split('-').map(Number);
      return ['text', `${y}年${m}月${d}日`];
    }
    return ['text', text];
  };
  const get = (from: unknown, keys: readonly string[]) => keys.reduce<unknown>((v, k) => (v === undefined ? undefined : (v as Record<string, unknown>)[k]), from);
  UNIT_FIELDS.forEach((field, i) => {
    const value = get(FILLED, field.path);
    if (value !== undefined) plan.push([SHEET.unit, `B${i + 2}`, ...cellOf(field, value, field.path.join('.'))]);
  });
  FILLED.projects.forEach((project, r) =>
    PROJECT_FIELDS.forEach((field, c) => {
      const value = get(project, field.path);
      if (value !== undefined) plan.push([SHEET.projects, `${columnName(c)}${r + 2}`, ...cellOf(field, value, `projects.${r}.${field.path.join('.')}`)]);
    }),
  );
  // Interleaved: the first project's first, the second's first, … (the order within a project kept).
  const rows = FILLED.projects.flatMap((p, j) => p.indicators.map((indicator, k) => ({ k, j, project: p, indicator }))).sort((a, b) => a.k - b.k || a.j - b.j);
  rows.forEach(({ project, indicator }, r) =>
    INDICATOR_FIELDS.forEach((field, c) =>
      plan.push([SHEET.indicators, `${columnName(c)}${r + 2}`, 'text', field.path.length === 0 ? project.name : String(get(indicator, field.path))]),
    ),
  );
  return plan;
}

/** The Python that has python3-uno: the system's (a pyenv or venv python3 on PATH usually lacks it). */
async function unoPython(): Promise<string | undefined> {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (python.startsWith('/') && !(await access(python, constants.X_OK).then(() => true, () => false))) continue;
    if (await run(python, ['-c', 'import uno']).then(() => true, () => false)) return python;
  }
  return undefined;
}

/** An empty workbook filled in LibreOffice Calc reads back as FILLED, with no diagnostic; prints ✓/✗; the number of failures. */
export async function checkEmptyFilledInOffice(soffice: string, work: string): Promise<number> {
  const started = Date.now();
  const label = '空工作簿在 LibreOffice Calc 里填写后读回 / empty workbook filled in LibreOffice Calc, read back';
  const python = await unoPython();
  if (!python) {
    console.log(`✗ ${label}\n    没有带 python3-uno 的 Python。安装：apt-get install -y python3-uno\n    No Python with python3-uno. Install: apt-get install -y python3-uno`);
    return 1;
  }
  const dir = path.join(work, 'xlsx-empty');
  await mkdir(dir, { recursive: true });
  const [empty, filled, planFile] = [path.join(dir, '填报.xlsx'), path.join(dir, '填报-填好.xlsx'), path.join(dir, 'plan.json')];
  await writeFile(empty, await writeWorkbook(undefined, { date: new Date('2024-01-01T00:00:00Z') }));
  await writeFile(planFile, JSON.stringify(fillPlan()));
  let steps: string[];
  try {
    const result = await run(python, [FILL_SCRIPT, soffice, pathToFileURL(path.join(dir, 'profile')).href, empty, filled, planFile], { timeout: 3 * 60_000 });
    steps = result.stdout.trim().split('\n');
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    console.log(`✗ ${label}\n    LibreOffice 里填表失败 / filling in LibreOffice failed: ${e.message.split('\n')[0]}`);
    for (const text of [e.stdout, e.stderr]) if (text?.trim()) console.log(`    ${text.trim().replace(/\n/g, '\n    ')}`);
    return 1;
  }
  const { loaded } = await readPacketInput(filled);
  const problems = loaded.diagnostics.map((d) => `${d.severity} ${d.code ?? ''} ${d.message}`);
  if (!isDeepStrictEqual(loaded.packet, FILLED)) {
    const [want, got] = [FILLED, loaded.packet].map((p) => JSON.stringify(p, null, 1).split('\n'));
    const at = want!.findIndex((l, i) => l !== got?.[i]);
    problems.push(`读回与填写的不同 / read back differs from what was typed${at < 0 ? '' : `, first at line ${at + 1}: expected ${want![at]!.trim()}, read ${got?.[at]?.trim() ?? '(nothing)'}`}`);
  }
  const what = `${label}（${((Date.now() - started) / 1000).toFixed(1)} s）`;
  console.log(`${problems.length === 0 ? '✓' : '✗'} ${what}\n    ${steps.join('\n    ')}`);
  const count = FILLED.projects.reduce((n, p) => n + p.indicators.length, 0);
  console.log(`    ${problems.length === 0 ? `读回 ${FILLED.projects.length} 个项目、${count} 条指标，与填写的完全相同，没有诊断 / read back exactly as typed, no diagnostics` : problems.join('\n    ')}`);
  return problems.length === 0 ? 0 : 1;
}

/** soffice or libreoffice on PATH. */
async function findOffice(): Promise<string | undefined> {
  for (const name of ['soffice', 'libreoffice'])
    for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
      const file = path.join(dir, name);
      if (await access(file, constants.X_OK).then(() => true, () => false)) return file;
    }
  return undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const office = await findOffice();
  if (!office) {
    console.log('跳过：没有找到 LibreOffice（soffice）。安装：apt-get install -y libreoffice-calc-nogui\nSkipped: LibreOffice (soffice) not found on PATH.');
    process.exit(0);
  }
  const started = Date.now();
  const work = await mkdtemp(path.join(tmpdir(), 'shenbao-office-xlsx-'));
  let failures = 1;
  try {
    failures = (await checkWorkbooksInOffice(office, work)) + (await checkEmptyFilledInOffice(office, work));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  console.log(`${failures === 0 ? '全部通过 / all passed' : `${failures} 个失败 / failed`} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exit(failures === 0 ? 0 : 1);
}
