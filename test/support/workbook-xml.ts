// A workbook's XML for test/workbook.test.ts: the parts of an .xlsx read as text (fflate), each
// sheet's XML by its name, and a workbook written as a script writes one (openpyxl, pandas): inline
// strings instead of a shared-string table, dates as serial numbers with a date format, formulas
// without a cached value, quote-prefixed text. Nothing of ExcelJS's is used to write it.
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';

/** Every part of an .xlsx, as text. */
export function xlsxParts(bytes: Uint8Array): Record<string, string> {
  const parts = unzipSync(bytes);
  return Object.fromEntries(Object.entries(parts).filter(([name]) => !name.endsWith('/')).map(([name, data]) => [name, strFromU8(data)]));
}

/** A sheet's XML, found by its name through xl/workbook.xml and its relationships. */
export function sheetXml(parts: Record<string, string>, name: string): string {
  const sheet = new RegExp(`<sheet [^>]*name="${name}"[^>]*r:id="([^"]+)"`).exec(parts['xl/workbook.xml']!);
  if (!sheet) throw new Error(`no sheet ${name}`);
  const target = new RegExp(`<Relationship [^>]*Id="${sheet[1]}"[^>]*Target="([^"]+)"`).exec(parts['xl/_rels/workbook.xml.rels']!)?.[1];
  if (!target) throw new Error(`no relationship ${sheet[1]}`);
  return parts[target.startsWith('/') ? target.slice(1) : `xl/${target}`]!;
}

/** A cell as a script writes it. */
export type ScriptCell =
  | string
  | number
  | null
  /** A date: a serial number (days since 1899-12-30) with the built-in date format 14. */
  | { date: string }
  /** A formula with no cached value (openpyxl never computes one). */
  | { formula: string }
  /** Text with Excel's quote prefix (typed as '=300(人) in Excel; openpyxl's quotePrefix style). */
  | { quoted: string };

export interface ScriptSheet {
  name: string;
  rows: ScriptCell[][];
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const column = (index: number): string => {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
};

/** Days since 1899-12-30 (Excel's serial date, 1900 system). */
export const serialDate = (iso: string): number => (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;

/** Style 1: a date (numFmtId 14); style 2: quote-prefixed text. */
const STYLES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

function cellXml(ref: string, cell: ScriptCell): string {
  if (cell === null) return '';
  const inline = (text: string, style = '') => `<c r="${ref}"${style} t="inlineStr"><is><t${/^\s|\s$|\n/.test(text) ? ' xml:space="preserve"' : ''}>${escape(text)}</t></is></c>`;
  if (typeof cell === 'string') return inline(cell);
  if (typeof cell === 'number') return `<c r="${ref}" t="n"><v>${cell}</v></c>`;
  if ('date' in cell) return `<c r="${ref}" s="1" t="n"><v>${serialDate(cell.date)}</v></c>`;
  if ('formula' in cell) return `<c r="${ref}"><f>${escape(cell.formula)}</f><v></v></c>`;
  return inline(cell.quoted, ' s="2"');
}

function worksheetXml(rows: ScriptCell[][]): string {
  const body = rows
    .map((cells, r) => `<row r="${r + 1}">${cells.map((cell, c) => cellXml(`${column(c)}${r + 1}`, cell)).join('')}</row>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body}</sheetData></worksheet>`
  );
}

/** An .xlsx as openpyxl writes one: no shared strings, no cached formula values, no calc chain. */
export function scriptWorkbook(sheets: readonly ScriptSheet[]): Uint8Array {
  const sheetParts = sheets.map((_, i) => `xl/worksheets/sheet${i + 1}.xml`);
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        sheetParts.map((p) => `<Override PartName="/${p}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
        '</Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
        '</Relationships>',
    ),
    'xl/workbook.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
        `<sheets>${sheets.map((s, i) => `<sheet name="${escape(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets>` +
        '</workbook>',
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
        `<Relationship Id="rId${sheets.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
        '</Relationships>',
    ),
    'xl/styles.xml': strToU8(STYLES),
  };
  sheets.forEach((s, i) => (files[sheetParts[i]!] = strToU8(worksheetXml(s.rows))));
  return zipSync(files);
}
