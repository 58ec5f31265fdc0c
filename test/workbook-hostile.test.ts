// What a hostile tester (acting as a department, then as an attacker) got out of a workbook, each
// now read as Excel shows it, or refused at its cell or as a whole: never other data with exit 0.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import { strToU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPacketInput } from '../src/output/data-input.js';
import { editWorkbook, goodWorkbook, rawZip, sheetPart, smallPacket, storedEntries } from './support/workbook-bad-books.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shenbao-hostile-20-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
/** `bytes` read as validate and build read a workbook: its packet and its problems (message and cell). */
async function read(bytes: Uint8Array) {
  const file = path.join(dir, `x${++files}.xlsx`);
  await writeFile(file, bytes);
  const { loaded } = await readPacketInput(file);
  const problems = loaded.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => ({ message: d.message, cell: d.place?.kind === 'sheet' ? `${d.place.sheet}!${d.place.cell}` : undefined }));
  return { packet: loaded.packet, problems, file };
}

/** The good workbook of the seed's first two projects, with `change` made to sheet `sheet`. */
const edited = async (sheet: string, change: (s: ExcelJS.Worksheet) => void) => editWorkbook(await goodWorkbook(), (book) => change(book.getWorksheet(sheet)!));

describe('read as Excel shows it', () => {
  it('a formula whose value is 0 is read as 0 (ExcelJS keeps only a truthy result in the value)', async () => {
    const { packet, problems } = await read(await edited('项目', (s) => (s.getCell('M2').value = { formula: 'K2-L2-N2', result: 0 } as ExcelJS.CellFormulaValue)));
    expect(problems).toEqual([]);
    expect(packet!.projects[0]!.funds.annual.carryover).toBe('0.00');
  });

  it('a sum with floating-point noise (1234.56 + 789.12 = 2023.6799999999998) is the 2023.68 Excel shows', async () => {
    const { packet, problems } = await read(
      await edited('项目', (s) => {
        s.getCell('L2').value = 1234.56;
        s.getCell('M2').value = 789.12;
        s.getCell('N2').value = 0;
        s.getCell('K2').value = { formula: 'L2+M2+N2', result: 1234.56 + 789.12 } as ExcelJS.CellFormulaValue;
      }),
    );
    expect(1234.56 + 789.12).toBe(2023.6799999999998);
    expect(problems).toEqual([]);
    expect(packet!.projects[0]!.funds.annual).toEqual({ total: '2023.68', fiscal: '1234.56', carryover: '789.12', other: '0.00' });
  });

  it('a number in 指标值: 0.1+0.2 as 0.3 (15 digits, as General shows it); 0.5 formatted "0" (shows 1) refused', async () => {
    const { packet, problems } = await read(await edited('绩效指标', (s) => (s.getCell('E2').value = { formula: '0.1+0.2', result: 0.1 + 0.2 } as ExcelJS.CellFormulaValue)));
    expect(problems).toEqual([]);
    expect(packet!.projects[0]!.indicators[0]!.target).toBe('0.3');
    const rounded = await read(
      await edited('绩效指标', (s) => {
        const cell = s.getCell('E2');
        cell.value = 0.5;
        cell.style = { ...cell.style, numFmt: '0' };
      }),
    );
    expect(rounded.problems).toEqual([
      {
        cell: '绩效指标!E2',
        message: '绩效指标!E2（项目 1「培训费」的第 1 个指标，指标值）：这一格是数字 0.5，按格式“0”显示成别的样子：请把单元格设为文本格式，照表上要印的样子输入',
      },
    ]);
  });
});

describe('refused at the cell', () => {
  it('an amount shown in another unit (20 formatted 0.00"万元" shows 20.00万元) is not 20.00 元', async () => {
    const { packet, problems } = await read(
      await edited('项目', (s) => {
        const cell = s.getCell('H2');
        cell.value = 20;
        cell.style = { ...cell.style, numFmt: '0.00"万元"' };
      }),
    );
    expect(packet).toBeUndefined();
    expect(problems).toEqual([
      {
        cell: '项目!H2',
        message: '项目!H2（项目 1「培训费」，项目资金总额）：这一格的格式“0.00"万元"”把数显示成别的样子（如万元），不是以元为单位的金额：请把格式改为数值（如 #,##0.00），照元填写',
      },
    ]);
  });

  it('amount formats that show yuan are amounts: ¥#,##0.00, 0.00"元", #,##0.00;[Red]-#,##0.00', async () => {
    for (const numFmt of ['¥#,##0.00', '0.00"元"', '#,##0.00;[Red]-#,##0.00', '#,##0.00']) {
      const { packet, problems } = await read(
        await edited('项目', (s) => {
          const cell = s.getCell('H2');
          cell.value = 250000.5;
          cell.style = { ...cell.style, numFmt };
        }),
      );
      expect({ numFmt, problems }).toEqual({ numFmt, problems: [] });
      expect(packet!.projects[0]!.funds.project.total).toBe('250000.50');
    }
  });
});

describe('refused as a whole', () => {
  /** The good workbook with its 项目 sheet's XML changed by `change`, rezipped. */
  async function withSheetXml(change: (xml: string) => string): Promise<Buffer> {
    const bytes = await goodWorkbook(smallPacket());
    const name = sheetPart(unzipSync(bytes), '项目');
    return rawZip(
      storedEntries(bytes).map((entry) => {
        if (entry.name !== name) return entry;
        const xml = change(new TextDecoder().decode(unzipSync(bytes)[name]));
        const data = strToU8(xml);
        return { ...entry, stored: Buffer.from(data), method: 0 as const, size: data.length, crc: crc32(data) };
      }),
    );
  }

  it('an ISO date cell (t="d", as SheetJS writes it): ExcelJS would read 2023-01-01 as a day in 1905', async () => {
    const bytes = await withSheetXml((xml) => xml.replace(/<c r="F2"([^>]*?)(?: t="\w+")?>\s*<v>[^<]*<\/v>\s*<\/c>/, '<c r="F2"$1 t="d"><v>2023-01-01T00:00:00</v></c>'));
    expect(new TextDecoder().decode(unzipSync(bytes)[sheetPart(unzipSync(bytes), '项目')]!)).toContain('t="d"><v>2023-01-01T00:00:00</v>');
    const { packet, problems } = await read(bytes);
    expect(packet).toBeUndefined();
    expect(problems).toEqual([
      { cell: undefined, message: '工作表「项目」里有按 ISO 文字存的日期单元格（t="d"，由程序写出）：shenbao 读不准它们，请在 Excel 或 WPS 里打开、另存一次' },
    ]);
  });

  it('a zip holding one part twice (the second with other data): readers differ on which counts', async () => {
    const bytes = await goodWorkbook(smallPacket());
    const entries = storedEntries(bytes);
    const sheet = sheetPart(unzipSync(bytes), '项目');
    const twice = rawZip([...entries, entries.find((e) => e.name === sheet)!]);
    const { packet, problems } = await read(twice);
    expect(packet).toBeUndefined();
    expect(problems).toEqual([{ cell: undefined, message: `已损坏：压缩包里有两个 ${sheet}，不知道读哪一个。请在 Excel 里打开并另存一次` }]);
  });

  it('a sheet of more than 2,000,000 cells (empty styled ones, under the row cap) is refused before ExcelJS builds them', async () => {
    const row = (r: number) => `<row r="${r}">${Array.from({ length: 20 }, (_, c) => `<c r="${String.fromCharCode(65 + c)}${r}" s="1"/>`).join('')}</row>`;
    const bytes = await withSheetXml((xml) => xml.replace('</sheetData>', `${Array.from({ length: 100_001 }, (_, i) => row(i + 1000)).join('')}</sheetData>`));
    const { packet, problems } = await read(bytes);
    expect(packet).toBeUndefined();
    expect(problems).toEqual([{ cell: undefined, message: '工作表「项目」超过 200,000 行或 2,000,000 个单元格，太多，没有读：请删去空行，或把项目分到几个工作簿里' }]);
  });
});

describe('nothing read unseen, nothing dropped unseen', () => {
  it('hidden rows and columns are read, each said in a note', async () => {
    const file = path.join(dir, 'hidden.xlsx');
    await writeFile(
      file,
      await edited('项目', (s) => {
        s.getRow(3).hidden = true;
        s.getColumn('D').hidden = true;
      }),
    );
    const { loaded } = await readPacketInput(file);
    expect(loaded.packet!.projects.map((p) => p.department)).toEqual(smallPacket().projects.map((p) => p.department));
    expect(loaded.diagnostics.filter((d) => d.code === 'workbook-hidden').map((d) => d.message)).toEqual([
      '工作表「项目」第 3 行是隐藏的，其中的数据照样读了：不要的行请删去，不要只隐藏',
      '项目!D 列（主管部门）是隐藏的，其中的数据照样读了',
    ]);
  });

  it('a 单位 row written twice is an error at the second, not the first taken unseen', async () => {
    const { packet, problems } = await read(
      await edited('单位', (s) => {
        s.getCell('A9').value = '年度';
        s.getCell('B9').value = 2024;
      }),
    );
    expect(packet).toBeUndefined();
    expect(problems).toEqual([{ cell: '单位!A9', message: '单位!A9：“年度”有两行（第 4 行和第 9 行），不知道读哪一行：请删去一行' }]);
  });

  it('an amount column headed in another unit (项目资金总额（万元）) is refused, not dropped with a note', async () => {
    const { packet, problems } = await read(await edited('项目', (s) => (s.getCell('H1').value = '项目资金总额（万元）')));
    expect(packet).toBeUndefined();
    expect(problems).toEqual([{ cell: '项目!H1', message: '项目!H1：列「项目资金总额（万元）」的单位不是元：金额一律以元填写，表头写「项目资金总额（元）」' }]);
  });
});

describe('a second pass: what a cell shows is what is read', () => {
  /** The seed's first project's 年度资金申请总额 (项目!K2) as `value` in `numFmt`: its problem, or the amount read. */
  async function amountIn(numFmt: string, value: number) {
    const { packet, problems } = await read(
      await edited('项目', (s) => {
        const cell = s.getCell('H2');
        cell.value = value;
        cell.style = { ...cell.style, numFmt };
      }),
    );
    return problems.length > 0 ? problems.map((p) => p.message.replace('项目!H2（项目 1「培训费」，项目资金总额）：', '')) : packet!.projects[0]!.funds.project.total;
  }

  it('formats that show another number, or nothing, are refused, each saying how', async () => {
    const advice = '：请把格式改为数值（如 #,##0.00），照元填写';
    expect(await amountIn('#,##0.00,', 1234.5)).toEqual([`这一格的格式“#,##0.00,”把数按千、百万缩小显示，显示的不是它${advice}`]);
    expect(await amountIn('0.00,,', 1234.5)).toEqual([`这一格的格式“0.00,,”把数按千、百万缩小显示，显示的不是它${advice}`]);
    expect(await amountIn(';;;', 1234.5)).toEqual([`这一格的格式“;;;”不显示这个数${advice}`]);
    expect(await amountIn('#,##0', 1234.5)).toEqual([`这一格的格式“#,##0”只显示 0 位小数，显示的 1235 不是它（1234.5）${advice}`]);
    expect(await amountIn('[$$-409]#,##0.00', 1234.5)).toEqual([`这一格的格式“[$$-409]#,##0.00”标着别的货币，不是以元为单位的金额${advice}`]);
    expect(await amountIn('#,##0.00 [$€-407]', 1234.5)).toEqual([`这一格的格式“#,##0.00 [$€-407]”标着别的货币，不是以元为单位的金额${advice}`]);
  });

  it('the formats offices use for amounts read as the amount: accounting (as LibreOffice saves it, and zh-CN), a dash for zero, whole yuan', async () => {
    for (const numFmt of [
      '_(* #,##0.00_);_(* (#,##0.00);_(* -??_);_(@_)',
      '_ ¥* #,##0.00_ ;_ ¥* -#,##0.00_ ;_ ¥* "-"??_ ;_ @_ ',
      '_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * "-"??_ ;_ @_ ',
      '#,##0.00;-#,##0.00;"-"',
      '#,##0.00;-#,##0.00;;@',
      '[$¥-804]#,##0.00',
    ])
      expect({ numFmt, read: await amountIn(numFmt, 1234567.5) }).toEqual({ numFmt, read: '1234567.50' });
    expect(await amountIn('#,##0', 200000)).toBe('200000.00');
  });

  it('a cell of spaces only is empty, as it looks: 零金额 keeps its default, an optional heading is left out', async () => {
    const { packet, problems } = await read(
      await editWorkbook(await goodWorkbook(), (book) => {
        book.getWorksheet('单位')!.getCell('B6').value = ' ';
        book.getWorksheet('项目')!.getCell('O2').value = '\u3000 ';
      }),
    );
    expect(problems).toEqual([]);
    expect(packet!.display).toBeUndefined();
    expect(packet!.projects[0]!.overallGoalHeading).toBeUndefined();
  });

  it('an office’s own column in 万元 beside the one in 元 is noted, not read, and refuses nothing', async () => {
    const file = path.join(dir, 'wanyuan.xlsx');
    await writeFile(
      file,
      await edited('项目', (s) => {
        s.getCell('R1').value = '年度资金申请总额（万元）';
        s.getCell('R2').value = 20;
      }),
    );
    const { loaded } = await readPacketInput(file);
    expect(loaded.packet!.projects[0]!.funds.annual.total).toBe(smallPacket().projects[0]!.funds.annual.total);
    expect(loaded.diagnostics.filter((d) => d.code === 'workbook-column-ignored').map((d) => d.message)).toEqual([
      '项目!R1：列「年度资金申请总额（万元）」不是填报表的栏目（金额读的是 K 列「年度资金申请总额（元）」），没有读',
    ]);
  });

  it('amounts typed ¥300,000.00 and 300000元, dates 2023.1.1 and 20230101, a 年度 shown as yyyy: read as written', async () => {
    const { packet, problems } = await read(
      await editWorkbook(await goodWorkbook(), (book) => {
        const projects = book.getWorksheet('项目')!;
        projects.getCell('H2').value = '¥300,000.00';
        projects.getCell('I2').value = '280000元';
        projects.getCell('J2').value = '２０，０００';
        projects.getCell('F2').value = '2023.1.1';
        projects.getCell('G2').value = '20231231';
        const year = book.getWorksheet('单位')!.getCell('B4');
        year.value = new Date(Date.UTC(2023, 5, 30));
        year.style = { ...year.style, numFmt: 'yyyy' };
      }),
    );
    expect(problems).toEqual([]);
    expect(packet!.year).toBe(2023);
    expect(packet!.projects[0]!.funds.project).toEqual({ total: '300000.00', fiscal: '280000.00', other: '20000.00' });
    expect([packet!.projects[0]!.startDate, packet!.projects[0]!.endDate]).toEqual(['2023-01-01', '2023-12-31']);
    // One separator throughout: 2023-1/1 is a slip.
    const slip = await read(await edited('项目', (s) => (s.getCell('F2').value = '2023-1/1')));
    expect(slip.problems.map((p) => p.cell)).toEqual(['项目!F2']);
  });
});
