// npm run bench (after bench/build.ts): the fill-in workbook (issue 20) for a packet of 1,000
// projects, 11 indicators each, every value distinct: written (writeWorkbook, then the file) and
// read back (readPacketInput on that file: ExcelJS's load, the reading of every cell, validation).
// Each in a process of its own, so each peak RSS is its own. Prints figures; asserts nothing, but
// says so if the workbook does not read back as the packet it was written from.
//   tsx bench/workbook.ts              both figures (the table's lines)
//   tsx bench/workbook.ts write N FILE one figure, as a JSON line (the processes the table runs)
//   tsx bench/workbook.ts read N FILE
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Indicator, Packet, Project } from '../src/model/packet.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROJECTS = 1000;
const YEAR = 2027;
const UNIT = '上海市某区基准测试办公室';
const NATURES = ['经常性项目', '阶段性项目', '一次性项目'] as const;

/** Cents as an amount: 12345 → "123.45". */
const amount = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const pad = (x: number) => String(x).padStart(2, '0');

/** Project `i`: every value its own (names, departments, amounts, dates, goals, indicators). */
function project(i: number): Project {
  const n = i + 1;
  const name = `基准项目第${n}号`;
  const [fiscal, carryover, other] = [10_000_000 + n * 12_347, 1_000_000 + n * 5_611, 500_000 + n * 733];
  const indicator = (level1: string, level2: string, what: string, target: string): Indicator => ({ level1, level2, name: `${name}${what}`, target });
  return {
    name,
    nature: NATURES[i % 3]!,
    category: i % 2 === 0 ? '特定目标类' : '专项业务类',
    department: `上海市某区第${n}主管部门`,
    implementer: `上海市某区第${n}实施单位`,
    startDate: `${YEAR}-${pad((i % 11) + 1)}-${pad((i % 28) + 1)}`,
    endDate: `${YEAR}-12-${pad(((i + 3) % 28) + 1)}`,
    funds: {
      project: { total: amount(fiscal * 3 + other * 2), fiscal: amount(fiscal * 3), other: amount(other * 2) },
      annual: { total: amount(fiscal + carryover + other), fiscal: amount(fiscal), carryover: amount(carryover), other: amount(other) },
    },
    overallGoal: `${name}三年总目标：完成第${n}项建设任务\n形成第${n}套长效管理机制`,
    annualGoal: `${YEAR}年完成${name}年度任务${n}项，服务居民${n * 37}人次`,
    indicators: [
      indicator('产出指标', '数量指标', '建设点位数', `≥${n}(个)`),
      indicator('产出指标', '数量指标', '培训场次', `≥${n + 1000}(场)`),
      indicator('产出指标', '质量指标', '验收合格率', `≥${(n % 10) + 90}.${n % 7}(%)`),
      indicator('产出指标', '时效指标', '完成时限', `${YEAR}年${(n % 12) + 1}月底前（第${n}批）`),
      indicator('成本指标', '经济成本指标', '单位成本', `≤${n * 3 + 100}(元/人)`),
      indicator('效益指标', '社会效益指标', '受益人数', `≥${n * 100 + 7}(人)`),
      indicator('效益指标', '经济效益指标', '带动就业', `≥${n + 20}(人)`),
      indicator('效益指标', '生态效益指标', '减排量', `≥${n * 2 + 1}(吨)`),
      indicator('效益指标', '可持续影响指标', '长效机制', `第${n}号制度持续运行`),
      indicator('满意度指标', '服务对象满意度指标', '服务对象满意度', `≥${80 + (n % 15)}.${n % 9}(%)`),
      indicator('满意度指标', '社会公众或服务对象满意度指标', '公众满意度', `≥${85 + (n % 10)}.${n % 8}(%第${n}次调查)`),
    ],
  };
}

export function benchPacket(count: number): Packet {
  return { title: `${UNIT}${YEAR}年度项目绩效目标汇总表`, unit: UNIT, year: YEAR, projects: Array.from({ length: count }, (_, i) => project(i)) };
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
/** CPU seconds (user and system, every thread) since `from`: the figure a busy machine disturbs less than the clock. */
const cpuSeconds = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
};
const [task, count, file] = process.argv.slice(2);

if (task === 'write') {
  // The compiled modules, as `shenbao xlsx` runs them (npm run bench builds dist/ first): tsx would time its own compiling too.
  const { writeWorkbook } = (await import(pathToFileURL(path.join(ROOT, 'dist/render/workbook.js')).href)) as typeof import('../src/render/workbook.js');
  const packet = benchPacket(Number(count));
  const [started, cpu] = [performance.now(), process.cpuUsage()];
  const bytes = await writeWorkbook(packet, { date: new Date('2027-01-01T00:00:00Z') });
  await writeFile(file!, bytes);
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds(cpu), bytes: bytes.length, peakRssMb: peakRssMb() }));
} else if (task === 'read') {
  const { readPacketInput } = (await import(pathToFileURL(path.join(ROOT, 'dist/output/data-input.js')).href)) as typeof import('../src/output/data-input.js');
  const packet = benchPacket(Number(count));
  const [started, cpu] = [performance.now(), process.cpuUsage()];
  const { loaded } = await readPacketInput(file!);
  const seconds = (performance.now() - started) / 1000;
  const cpu_ = cpuSeconds(cpu);
  // Worth nothing if it read something else: the packet written, with no error and no warning.
  const same = isDeepStrictEqual(loaded.packet, packet) && loaded.diagnostics.length === 0;
  const why = same ? undefined : loaded.diagnostics.slice(0, 3).map((d) => d.message).join('; ') || 'packet differs';
  console.log(JSON.stringify({ seconds, cpuSeconds: cpu_, same, why, peakRssMb: peakRssMb() }));
} else if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // The table: a line each, as bench/build.ts prints them.
  const s = (seconds: number) => (seconds < 10 ? `${seconds.toFixed(2)} s` : `${seconds.toFixed(0)} s`);
  const line = (label: string, figure: string, target?: { ok: boolean; text: string }) =>
    console.log(`${label.padEnd(52)}${figure.padEnd(40)}${target ? `${target.ok ? '✓' : '✗'} target ${target.text}` : ''}`);
  const child = (...args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 })
        .trim()
        .split('\n')
        .at(-1)!,
    ) as { seconds: number; cpuSeconds: number; peakRssMb: number; bytes?: number; same?: boolean; why?: string };
  const dir = mkdtempSync(path.join(tmpdir(), 'shenbao-bench-xlsx-'));
  try {
    const xlsx = path.join(dir, '填报.xlsx');
    const written = child('write', String(PROJECTS), xlsx);
    const mb = (statSync(xlsx).size / 1024 / 1024).toFixed(1);
    line(`workbook, ${PROJECTS.toLocaleString('en-US')} projects × 11 indicators: write`, `${s(written.seconds)} (CPU ${s(written.cpuSeconds)}), ${written.peakRssMb} MB`, {
      ok: written.seconds <= 3,
      text: '≤ 3 s',
    });
    const read = child('read', String(PROJECTS), xlsx);
    line(`  read back (readPacketInput), the ${mb} MB .xlsx`, `${s(read.seconds)} (CPU ${s(read.cpuSeconds)}), ${read.peakRssMb} MB${read.same ? '' : ` — ✗ read back differs: ${read.why}`}`, {
      ok: read.seconds <= 3 && read.same === true,
      text: '≤ 3 s',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
