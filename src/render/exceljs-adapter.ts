// The only place shenbao touches ExcelJS's internals; everything else uses its public API. Pinned:
// exceljs 4.4.0 (package.json); test/workbook.test.ts fails, saying what to re-check, when an
// upgrade changes it.
//
// A dropdown over a column. The public way is `cell.dataValidation` on every cell, which ExcelJS
// joins into ranges on writing; but it sorts the addresses as text (A10 before A2), so a column of
// 5,000 rows came out as four overlapping ranges starting at rows 10, 100, 1000 and 2 (seen in
// xl/worksheets/sheet4.xml, 2026-12-07), and a formula relative to its first cell, INDIRECT($B2)
// for 二级指标, then looked 8 rows up from row 10 on. The worksheet's validation model takes a
// range address as it is and writes it as the one sqref: that is what is set here.
//
// Reading: the built-in number formats of Chinese Excel (ids 27–36 and 50–58, such as 31,
// yyyy"年"m"月"d"日", which a date cell formatted from the Chinese format list gets). ExcelJS's
// table keeps those by locale only, so it gave such a cell no format and read its date as the
// number 44927 (a false refusal, found by a hostile test). `readChineseBuiltInFormats` gives each its
// zh-cn code, as Excel in China shows it; ExcelJS then reads the cell as the date it shows.
import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';

const require = createRequire(import.meta.url);

export const PINNED = { exceljs: '4.4.0' };

interface WorksheetInternals {
  dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void };
}

/** `validation` over `range` (B2:B5001), written as one <dataValidation sqref="B2:B5001">. */
export function addRangeValidation(sheet: ExcelJS.Worksheet, range: string, validation: ExcelJS.DataValidation): void {
  (sheet as unknown as WorksheetInternals).dataValidations.add(range, validation);
}

type BuiltInFormats = Record<string, { f?: string; 'zh-cn'?: string }>;

let chineseFormats = false;
/** Once per process, before a workbook is read: each locale-only built-in format gets its zh-cn code. */
export function readChineseBuiltInFormats(): void {
  if (chineseFormats) return;
  const table = require('exceljs/lib/xlsx/defaultnumformats.js') as BuiltInFormats;
  for (const entry of Object.values(table)) if (entry.f === undefined && entry['zh-cn'] !== undefined) entry.f = entry['zh-cn'];
  chineseFormats = true;
}

/** The installed ExcelJS's version (for the test that fails when it is no longer the pinned one). */
export function installedVersion(): string {
  return (require('exceljs/package.json') as { version: string }).version;
}
