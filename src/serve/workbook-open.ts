// A fill-in workbook of the folder opened in the page as the data it holds: read as validate and
// build read one (extract/workbook.ts, from bytes the folder read without following a link), its
// data given as the text of the data file it will be saved as (X.xlsx → X.json: a workbook is
// never written). Its own problems (a sheet not read, a cell that cannot be read) come first, at
// their cells; then validate's, each at the cell its value was read from.
import { UserError } from '../errors.js';
import { fileProblem } from '../model/diagnostic.js';
import type { BuildContext } from '../output/build.js';
import { placed, readPlaces } from '../output/read-places.js';
import { check, served, type ServedProblem } from './check.js';
import { dataText, jsonNameOf, type PacketFolder } from './packet-files.js';

export type OpenedWorkbook =
  | { opened: { text: string; version: string | null; saveAs: string; problems: ServedProblem[] } }
  /** No data could be taken from it (a cell that cannot be read, a file that is no workbook): fixed in Excel first. */
  | { refused: { error: string; problems: ServedProblem[] } };

export async function openWorkbook(folder: PacketFolder, name: string, context: BuildContext): Promise<OpenedWorkbook> {
  const bytes = await folder.readWorkbook(name);
  // Loaded only when a workbook is opened, as validate and build load them (output/data-input.ts).
  const [{ readWorkbook }, { WorkbookRefused }] = await Promise.all([import('../extract/workbook.js'), import('../extract/workbook-package.js')]);
  let read;
  try {
    read = await readWorkbook(bytes, name);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const message = error instanceof WorkbookRefused ? error.detail : error.message;
    return { refused: { error: `${name} 不能作为填报工作簿打开`, problems: [served(fileProblem('workbook-unreadable', name, message), name)] } };
  }
  const own = [...read.problems, ...read.notes].map((d) => served(d, name));
  if (!read.data) return { refused: { error: `${name} 里有读不出的单元格，不能打开：请在 Excel 或 WPS 里改好后再打开`, problems: own } };
  const places = readPlaces(read.places);
  const checked = check(read.data, name, context, (d) => placed(d, places, 'Excel', name));
  const saveAs = jsonNameOf(name);
  return { opened: { text: dataText(read.data), version: null, saveAs, problems: [...own, ...checked.problems] } };
}
