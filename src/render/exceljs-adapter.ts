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

/** The installed ExcelJS's version (for the test that fails when it is no longer the pinned one). */
export function installedVersion(): string {
  return (require('exceljs/package.json') as { version: string }).version;
}
