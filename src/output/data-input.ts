// A packet's input as validate and build read it: a data file (.json), or a fill-in workbook
// (.xlsx) read back as the data it holds. Either way the result is the data file's: the validated
// packet, its problems, and where each value stands (a line and column, or a sheet's cell).
import { UserError } from '../errors.js';
import { INPUT, readInput } from '../files.js';
import { capProblems, fileProblem, sortByPlace, type Locate } from '../model/diagnostic.js';
import { MAX_LISTED_PROBLEMS } from '../validate/limits.js';
import { readPacketFile, validatePacket, type LoadedPacket } from '../validate/validate.js';
import { isWorkbookFile } from './inputs.js';

export async function readPacketInput(file: string): Promise<{ loaded: LoadedPacket; locate: Locate }> {
  return isWorkbookFile(file) ? readWorkbookInput(file) : readPacketFile(file);
}

/** A workbook as a data file: never throws for what is in the file (a file that is no workbook is its one error). */
async function readWorkbookInput(file: string): Promise<{ loaded: LoadedPacket; locate: Locate }> {
  // Loaded only for a workbook: a build of .json files starts without ExcelJS and the readers (test/startup.test.ts).
  const [{ readWorkbook }, { WorkbookRefused }, { nearestPlace, placed, readPlaces }] = await Promise.all([
    import('../extract/workbook.js'),
    import('../extract/workbook-package.js'),
    import('./read-places.js'),
  ]);
  const nowhere: Locate = () => undefined;
  let read;
  try {
    read = await readWorkbook(await readInput(file, INPUT.workbook), file);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // Said after the file's name, as every problem of a file is.
    const message = error instanceof WorkbookRefused ? error.detail : error.message;
    const loaded: LoadedPacket = { file, accepted: [], diagnostics: [fileProblem('workbook-unreadable', file, message)], projectNames: [] };
    return { loaded, locate: nowhere };
  }
  if (!read.data) return { loaded: { file, accepted: [], diagnostics: capProblems([...read.problems, ...read.notes], MAX_LISTED_PROBLEMS), projectNames: [] }, locate: nowhere };
  const validation = validatePacket(read.data);
  const places = readPlaces(read.places);
  const diagnostics = capProblems(sortByPlace([...read.notes, ...validation.diagnostics.map((d) => placed(d, places, 'Excel', file))]), MAX_LISTED_PROBLEMS);
  const locate: Locate = (path) => {
    const at = nearestPlace(read.places, path);
    return at && { place: { kind: 'sheet', file, sheet: at.sheet, cell: at.cell } };
  };
  return { loaded: { file, ...validation, diagnostics }, locate };
}
