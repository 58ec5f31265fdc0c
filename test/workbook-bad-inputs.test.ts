// Issue 20, acceptance: "a bad-input table" for the fill-in workbook. Each bad workbook is run as a
// user runs it (the command line, in this process): `validate x.xlsx` and `build x.xlsx -o out`,
// asserting for each:
//   - every line of stderr, exactly: the problem(s), each at its 工作表!单元格 with the project and
//     field where a cell is at fault, and the summary line;
//   - the exit code (src/exit-codes.ts);
//   - that build wrote nothing: the output folder is absent or empty;
//   - for what must be refused before the workbook is read whole (.xls, not a zip, a zip bomb, a
//     million rows), that ExcelJS never loaded it.
// Moved columns, and a formula with its cached value, are accepted: the data read back is asserted.
// Then: --json (the problem's place and code), and a folder (its .json read, its workbooks and
// Excel's lock file ~$x.xlsx not: a workbook is named).
//
// The workbooks are the real writer's (src/render/workbook.ts) for the seed's first two projects,
// changed with ExcelJS, or in their parts (test/support/workbook-bad-books.ts).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { shenbaoHere } from './support/cli.js';
import {
  deflatedZeros,
  editWorkbook,
  goodWorkbook,
  manyRows,
  rawZip,
  smallPacket,
  storedEntries,
} from './support/workbook-bad-books.js';

const FILE = 'x.xlsx';
const P1 = '培训费';
const P2 = '闵行区居村民服务自治平台（2023运维）';
/** The seed's first two projects' indicators, in 绩效指标's rows 2–13 and 14–22. */
const P1_ROWS = 12;
const P2_ROWS = 9;

let root: string;
let good: Buffer;
let cases = 0;

// ExcelJS's reader, watched: what is refused before the workbook is read whole never reaches it.
const xlsxPrototype = Object.getPrototypeOf(new ExcelJS.Workbook().xlsx) as { load: (...args: unknown[]) => Promise<unknown> };
const load = vi.spyOn(xlsxPrototype, 'load');

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'shenbao-workbook-bad-'));
  good = await goodWorkbook();
  // The first command line run loads the commands' modules: done here, not inside a case's time.
  const dir = await folderWith(good);
  const run = await shenbaoHere(['validate', FILE], dir);
  expect(run).toEqual({ code: EXIT.ok, stdout: '', stderr: `${FILE}：通过，0 个错误，0 条警告\n` });
}, 30_000);

afterAll(async () => {
  load.mockRestore();
  await rm(root, { recursive: true, force: true });
});

/** A fresh folder holding `bytes` as x.xlsx. */
async function folderWith(bytes: Uint8Array, name = FILE): Promise<string> {
  const dir = path.join(root, `case-${++cases}`);
  await mkdir(dir);
  await writeFile(path.join(dir, name), bytes);
  return dir;
}

/** The files under `folder`, [] where it is absent. */
async function listing(folder: string): Promise<string[]> {
  return existsSync(folder) ? ((await readdir(folder, { recursive: true })) as string[]).sort() : [];
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

/** The good workbook with `change` made in ExcelJS to the sheet named `sheet`. */
const edited = (sheet: string, change: (sheet: ExcelJS.Worksheet) => void) => () =>
  editWorkbook(good, (book) => change(book.getWorksheet(sheet)!));

/** Puts the sheet's columns in a new order: `order[i]` is the (1-based) column that becomes column i + 1; values and formats move. */
function reorderColumns(sheet: ExcelJS.Worksheet, order: readonly number[]): void {
  const rows = sheet.rowCount;
  const cells = Array.from({ length: rows }, (_, r) =>
    order.map((c) => {
      const cell = sheet.getCell(r + 1, c);
      return { value: cell.value, style: { ...cell.style } };
    }),
  );
  // A fresh style object for each cell: ExcelJS shares one between the cells of a style once loaded.
  cells.forEach((row, r) =>
    row.forEach(({ value, style }, c) => {
      const cell = sheet.getCell(r + 1, c + 1);
      cell.style = style;
      cell.value = value;
    }),
  );
}

interface BadCase {
  name: string;
  make: () => Promise<Uint8Array> | Uint8Array;
  /** The problem lines, each after `x.xlsx：`, in order (the summary line follows them). */
  problems: string[];
  /** How many of `problems` are warnings. */
  warnings?: number;
  /** Refused before ExcelJS reads the workbook. */
  unread?: boolean;
  /** The case's timeout, ms (else the project's 60 s). */
  timeout?: number;
}

const MB = 1024 * 1024;
const cell = (place: string, project: number, field: string, why: string) => `${place}（项目 ${project}「${[P1, P2][project - 1]}」，${field}）：${why}`;
const AMOUNT_FORMS = '金额应是数字，或写成 300000、300000.00、300,000.00 这样的文字（单位元，最多两位小数）';
const DATE_FORMS = '日期应是日期格式的单元格，或写成 2023-01-01、2023/1/1、2023.1.1、2023年1月1日、20230101 这样的文字';
const NO_CACHED_VALUE = '这一格是公式，但工作簿里没有它算出的值（由程序写出、没有在 Excel 里打开保存过）：请在 Excel 或 WPS 里打开、保存一次，或直接填值';
const PROJECT_HEADERS =
  'A1「项目名称」、B1「项目性质」、C1「项目类别」、D1「主管部门」、E1「实施单位」、F1「计划开始日期」、G1「计划完成日期」、H1「项目资金总额（元）」、I1「项目资金：其中财政资金（元）」、J1「项目资金：其他资金（元）」、K1「年度申请资金（元）」、L1「年度资金：其中当年财政拨款（元）」、M1「年度资金：上年结转资金（元）」、N1「年度资金：其他资金（元）」、O1「项目总目标的标题」、P1「项目总目标」、Q1「年度总体目标」';

const BAD: BadCase[] = [
  {
    // 项目 unread for its header: its indicator rows are not matched (each would be said to name no project).
    name: 'a wrong header: 年度资金申请总额 retyped as 年度申请资金',
    make: edited('项目', (s) => (s.getCell('K1').value = '年度申请资金（元）')),
    problems: [
      `工作表「项目」的第 1 行缺少栏目 「年度资金申请总额（元）」（第 1 行现有：${PROJECT_HEADERS}）：表头要照 shenbao xlsx 写出的样子，列的先后可以变`,
      '项目!K1：列「年度申请资金（元）」不是填报表的栏目，没有读',
    ],
    warnings: 1,
  },
  {
    name: 'a wrong header: 指标值 retyped as 目标值 in 绩效指标',
    make: edited('绩效指标', (s) => (s.getCell('E1').value = '目标值')),
    problems: [
      '工作表「绩效指标」的第 1 行缺少栏目 「指标值」（第 1 行现有：A1「项目名称」、B1「一级指标」、C1「二级指标」、D1「三级指标」、E1「目标值」）：表头要照 shenbao xlsx 写出的样子，列的先后可以变',
      '绩效指标!E1：列「目标值」不是填报表的栏目，没有读',
    ],
    warnings: 1,
  },
  {
    name: 'a formula without a cached value (as a script writes it)',
    make: edited('项目', (s) => (s.getCell('K2').value = { formula: 'L2+M2+N2' } as ExcelJS.CellFormulaValue)),
    problems: [cell('项目!K2', 1, '年度资金申请总额', NO_CACHED_VALUE)],
  },
  {
    name: 'merged cells in the data area (主管部门 of both projects)',
    make: edited('项目', (s) => s.mergeCells('D2:D3')),
    problems: ['项目!D2:D3：合并了单元格，读不出每一行的值：请取消合并，在每一格里都填上值'],
  },
  {
    name: 'merged cells in 绩效指标 (一级指标 of two rows)',
    make: edited('绩效指标', (s) => s.mergeCells('B2:B3')),
    problems: ['绩效指标!B2:B3：合并了单元格，读不出每一行的值：请取消合并，在每一格里都填上值'],
  },
  {
    name: 'an old binary .xls (an OLE2 compound file) named .xlsx',
    make: () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096 - 8, 0xff)]),
    problems: ['是旧的 Excel 97-2003 工作簿（.xls），或设了打开密码：shenbao 只读 .xlsx。请在 Excel 或 WPS 里打开它，“另存为” Excel 工作簿（.xlsx，不设密码）后再读'],
    unread: true,
  },
  {
    name: 'a zip bomb: a part that inflates to 201 MB, its size told',
    make: () => rawZip([...storedEntries(good), { name: 'xl/media/image1.png', stored: deflatedZeros(201), method: 8, size: 201 * MB, crc: 0 }]),
    problems: ['解压后超过 200 MB，太大，没有读（申报用的工作簿，1000 个项目也只有几 MB；它可能是“压缩炸弹”）'],
    unread: true,
  },
  {
    name: 'a zip bomb: a part that inflates to 201 MB, its header claiming 1,000 bytes',
    make: () => rawZip([...storedEntries(good), { name: 'xl/media/image1.png', stored: deflatedZeros(201), method: 8, size: 1000, crc: 0 }]),
    problems: ['解压后超过 200 MB，太大，没有读（申报用的工作簿，1000 个项目也只有几 MB；它可能是“压缩炸弹”）'],
    unread: true,
  },
  {
    // Refused before ExcelJS builds a million rows, soon: this case runs within vitest's default
    // timeout of 5 s (the project's is 60 s), making the workbook included (26 MB of XML, 0.1 MB zipped).
    name: 'a workbook of 1,000,000 rows in 项目',
    make: () => manyRows(good, '项目', 1_000_000),
    problems: ['工作表「项目」超过 200,000 行或 2,000,000 个单元格，太多，没有读：请删去空行，或把项目分到几个工作簿里'],
    unread: true,
    timeout: 5_000,
  },
  {
    name: 'an amount with 3 decimals, a number 1.005',
    make: edited('项目', (s) => (s.getCell('K2').value = 1.005)),
    problems: [cell('项目!K2', 1, '年度资金申请总额', '金额 1.005 有 3 位小数：最多两位，shenbao 不替你四舍五入，请改成要申报的数')],
  },
  {
    name: 'an amount with 3 decimals, the text "1.005"',
    make: edited('项目', (s) => (s.getCell('L3').value = '1.005')),
    problems: [cell('项目!L3', 2, '年度资金：其中当年财政拨款', '金额「1.005」有 3 位小数：最多两位，shenbao 不替你四舍五入，请改成要申报的数')],
  },
  {
    name: 'an amount as other text: 三十万',
    make: edited('项目', (s) => (s.getCell('K2').value = '三十万')),
    problems: [cell('项目!K2', 1, '年度资金申请总额', `「三十万」不是金额：${AMOUNT_FORMS}`)],
  },
  {
    name: 'a negative amount',
    make: edited('项目', (s) => (s.getCell('M3').value = -100)),
    problems: [cell('项目!M3', 2, '年度资金：上年结转资金', '金额是负数 -100：金额不能为负')],
  },
  {
    name: 'a date with a time of day',
    make: edited('项目', (s) => (s.getCell('F2').value = new Date('2023-01-01T08:30:00Z'))),
    problems: [cell('项目!F2', 1, '计划开始日期', '这一格是日期加时刻（2023-01-01 08:30）：只写日期')],
  },
  {
    name: 'a bad date text: 1/1/2023 (the year last)',
    make: edited('项目', (s) => (s.getCell('G3').value = '1/1/2023')),
    problems: [cell('项目!G3', 2, '计划完成日期', `「1/1/2023」不是日期：${DATE_FORMS}`)],
  },
  {
    name: 'an indicator row whose 项目名称 matches no project',
    make: edited('绩效指标', (s) => (s.getCell('A3').value = '培训')),
    problems: ['绩效指标!A3（项目名称）：“项目”表里没有名为「培训」的项目'],
  },
  {
    name: 'a .xlsx that is not a zip (a CSV renamed)',
    make: () => Buffer.from('项目名称,年度资金申请总额\n培训费,200000\n'),
    problems: ['不是 Excel 工作簿（.xlsx）：文件内容不是 .xlsx 的格式'],
    unread: true,
  },
  {
    name: 'a workbook without the 项目 sheet',
    make: () => editWorkbook(good, (book) => book.removeWorksheet(book.getWorksheet('项目')!.id)),
    problems: ['工作簿里没有工作表「项目」（有的是「说明」「单位」「绩效指标」「列表」）：shenbao 读的是 shenbao xlsx 写出的填报工作簿，工作表名不能改'],
  },
];

describe('the bad-input table: validate and build, each bad workbook', () => {
  for (const { name, make, problems, warnings = 0, unread, timeout } of BAD) it(name, async () => {
    const dir = await folderWith(await make());
    const errors = problems.length - warnings;
    const said = problems.map((line) => `${FILE}：${line}`);

    load.mockClear();
    const validate = await shenbaoHere(['validate', FILE], dir);
    expect(lines(validate.stderr)).toEqual([...said, `${FILE}：未通过，${errors} 个错误，${warnings} 条警告`]);
    expect(validate.stdout).toBe('');
    expect(validate.code).toBe(EXIT.dataErrors);

    const out = path.join(dir, 'out');
    const build = await shenbaoHere(['build', FILE, '-o', out], dir);
    expect(lines(build.stderr)).toEqual([...said, `${FILE}：输出文件夹未改动，${errors} 个错误，${warnings} 条警告`]);
    expect(build.stdout).toBe('');
    expect(build.code).toBe(EXIT.dataErrors);
    expect(await listing(out)).toEqual([]);
    // (ExcelJS is watched indeed: what gets past the checks is loaded, once a command.)
    expect(load).toHaveBeenCalledTimes(unread ? 0 : 2);
  }, timeout);
});

describe('accepted: the data reads right', () => {
  /** `extract x.xlsx -o x.json`: the packet read back. */
  async function extracted(bytes: Uint8Array): Promise<unknown> {
    const dir = await folderWith(bytes);
    const validate = await shenbaoHere(['validate', FILE], dir);
    expect(validate).toEqual({ code: EXIT.ok, stdout: '', stderr: `${FILE}：通过，0 个错误，0 条警告\n` });
    const run = await shenbaoHere(['extract', FILE, '-o', 'x.json'], dir);
    expect(run).toEqual({ code: EXIT.ok, stdout: '', stderr: `${FILE}：读回填报工作簿，2 个项目，写到 x.json，0 个错误，0 条警告\n` });
    return JSON.parse(await readFile(path.join(dir, 'x.json'), 'utf8'));
  }

  it('moved columns: 项目名称 last, 年度资金申请总额 and 上年结转资金 swapped; 指标值 first in 绩效指标', async () => {
    const bytes = await editWorkbook(good, (book) => {
      // 项目: B..J, M, L, K, N..Q, A (the old columns, in their new order).
      reorderColumns(book.getWorksheet('项目')!, [2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 12, 11, 14, 15, 16, 17, 1]);
      reorderColumns(book.getWorksheet('绩效指标')!, [5, 1, 2, 3, 4]);
    });
    // The move was made: the headers stand where they were put.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect([book.getWorksheet('项目')!.getCell('J1').value, book.getWorksheet('项目')!.getCell('Q1').value]).toEqual(['年度资金：上年结转资金（元）', '项目名称']);
    expect(book.getWorksheet('绩效指标')!.getCell('A1').value).toBe('指标值');
    expect(await extracted(bytes)).toEqual(smallPacket());
  });

  it('a formula with its cached value is read by that value', async () => {
    const bytes = await editWorkbook(good, (book) => {
      book.getWorksheet('项目')!.getCell('K2').value = { formula: 'L2+M2+N2', result: 200000 } as ExcelJS.CellFormulaValue;
    });
    expect(await extracted(bytes)).toEqual(smallPacket());
  });
});

describe('--json', () => {
  it('a cell at fault: the problem has its sheet place and a stable code', async () => {
    const dir = await folderWith(await edited('项目', (s) => (s.getCell('K2').value = '三十万'))());
    const problem = {
      severity: 'error',
      code: 'workbook-cell',
      message: cell('项目!K2', 1, '年度资金申请总额', `「三十万」不是金额：${AMOUNT_FORMS}`),
      project: { number: 1 },
      path: 'projects[0].funds.annual.total',
      field: '年度资金·年度资金申请总额',
      place: { kind: 'sheet', file: FILE, sheet: '项目', cell: 'K2' },
    };
    const validate = await shenbaoHere(['validate', FILE, '--json'], dir);
    expect(validate.code).toBe(EXIT.dataErrors);
    expect(validate.stderr).toBe('');
    expect(JSON.parse(validate.stdout)).toEqual({ problems: [problem] });

    const out = path.join(dir, 'out');
    const build = await shenbaoHere(['build', FILE, '-o', out, '--json'], dir);
    expect(build.code).toBe(EXIT.dataErrors);
    expect(build.stderr).toBe(`${FILE}：输出文件夹未改动，1 个错误，0 条警告\n`);
    expect(JSON.parse(build.stdout)).toEqual({ problems: [problem] });
    expect(await listing(out)).toEqual([]);
  });

  it('a file that is no workbook: one problem for the file, code workbook-unreadable', async () => {
    const dir = await folderWith(Buffer.from('not a workbook'));
    const validate = await shenbaoHere(['validate', FILE, '--json'], dir);
    expect(validate.code).toBe(EXIT.dataErrors);
    expect(JSON.parse(validate.stdout)).toEqual({
      problems: [{ severity: 'error', code: 'workbook-unreadable', message: '不是 Excel 工作簿（.xlsx）：文件内容不是 .xlsx 的格式', place: { kind: 'file', file: FILE } }],
    });
  });
});

describe('a folder of data files', () => {
  it('a folder is read for its .json only (a workbook is named); a bad workbook beside a good .json: the .json is built, the workbook named is refused', async () => {
    const dir = path.join(root, `case-${++cases}`);
    await mkdir(path.join(dir, 'in'), { recursive: true });
    const packet = smallPacket();
    await writeFile(path.join(dir, 'in', 'a.json'), `${JSON.stringify({ ...packet, projects: packet.projects.slice(0, 1) }, null, 2)}\n`);
    await writeFile(path.join(dir, 'in', 'b.xlsx'), await edited('项目', (s) => (s.getCell('K2').value = -1))());
    // What Excel keeps beside an open workbook: its owner's name, no zip. Read, it would be an error.
    await writeFile(path.join(dir, 'in', '~$b.xlsx'), Buffer.concat([Buffer.from([7]), Buffer.from('zhangsa', 'latin1'), Buffer.alloc(157, 0x20)]));

    const validate = await shenbaoHere(['validate', 'in'], dir);
    expect(validate.code).toBe(EXIT.ok);
    expect(lines(validate.stderr)).toEqual(['in/a.json：通过，0 个错误，0 条警告']);

    const named = await shenbaoHere(['build', 'in/b.xlsx', '-o', 'out', '--date', '2023-01-01'], dir);
    expect(named.code).toBe(EXIT.dataErrors);
    expect(named.stdout).toBe('');
    expect(lines(named.stderr)).toEqual([
      `in/b.xlsx：${cell('项目!K2', 1, '年度资金申请总额', '金额是负数 -1：金额不能为负')}`,
      'in/b.xlsx：输出文件夹未改动，1 个错误，0 条警告',
    ]);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);

    const build = await shenbaoHere(['build', 'in', '-o', 'out', '--date', '2023-01-01', '-q'], dir);
    expect(build.code).toBe(EXIT.ok);
    expect(await listing(path.join(dir, 'out'))).toEqual(['a', `a/01-${P1}.docx`, `a/01-${P1}.pdf`, 'a/manifest.json', 'a/汇总表.docx', 'a/汇总表.pdf'].sort());
  }, 20_000);
});

// Found by this table, and fixed: each stays as it should be.
describe('found and fixed', () => {
  it('a wrong header in 项目 is said once, not again for each indicator row', async () => {
    const dir = await folderWith(await BAD[0]!.make());
    const run = await shenbaoHere(['validate', FILE], dir);
    expect(lines(run.stderr).filter((line) => line.includes('没有名为'))).toEqual([]);
  });

  it('a million rows: the line reads as a sentence after "x.xlsx：" and names the sheet 「项目」, not the part sheet3.xml', async () => {
    const dir = await folderWith(await BAD.find((c) => c.name.includes('1,000,000'))!.make());
    const line = lines((await shenbaoHere(['validate', FILE], dir)).stderr)[0]!;
    expect(line).not.toMatch(/^x\.xlsx：的/);
    expect(line).not.toContain('xl/worksheets/');
    expect(line).toContain('「项目」');
  });

  it('no 项目 sheet: the line reads as a sentence after "x.xlsx："', async () => {
    const dir = await folderWith(await BAD.find((c) => c.name.includes('without the 项目 sheet'))!.make());
    const line = lines((await shenbaoHere(['validate', FILE], dir)).stderr)[0]!;
    expect(line).not.toMatch(/^x\.xlsx：里/);
  });

  it('a merged note beside the table (T1:V1, no column read) is no error: it is not in the data area', async () => {
    const dir = await folderWith(
      await edited('项目', (s) => {
        s.getCell('T1').value = '备注';
        s.mergeCells('T1:V1');
      })(),
    );
    // It was refused (exit 1), and 备注 noted three times (T1, U1, V1): now noted once.
    const run = await shenbaoHere(['validate', FILE], dir);
    expect(run.code).toBe(EXIT.ok);
    expect(lines(run.stderr).filter((line) => line.includes('备注'))).toEqual(['x.xlsx：项目!T1：列「备注」不是填报表的栏目，没有读']);
  });

  it('an amount shown as a percentage (0.5 formatted 0%, shows 50%) is refused at its cell, not read as 0.50 元', async () => {
    const dir = await folderWith(
      await edited('项目', (s) => {
        const at = s.getCell('M2');
        at.value = 0.5;
        // Its own style: ExcelJS shares one style object among the cells of a loaded style, and numFmt= would change K2:N2 too.
        at.style = { ...at.style, numFmt: '0%' };
      })(),
    );
    // It was read as 0.50; only the sum check happened to catch it, at K2 (the total), not at M2.
    const line = lines((await shenbaoHere(['validate', FILE], dir)).stderr)[0]!;
    expect(line).toBe(`${FILE}：${cell('项目!M2', 1, '年度资金：上年结转资金', '这一格按百分比显示（格式“0%”），不是金额：金额应是数字，或写成 300000、300000.00、300,000.00 这样的文字（单位元，最多两位小数）')}`);
  });
});
