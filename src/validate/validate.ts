// raw object -> Packet + Diagnostics. A broken project does not stop the others: the result
// carries every project that can be rendered, numbered by its place in the file.
import { DataFileError, encodingDiagnostic, parseDataText, readDataFile, type Encoding, type Place } from './source.js';
import { PacketSchema, ProjectSchema, type Packet, type Project } from '../model/packet.js';
import { z } from 'zod';
import { capProblems, hasErrors, ProblemList, projectIndexOf, type Diagnostic, type Locate } from '../model/diagnostic.js';
import { checkHeader, checkPacket, checkProject } from './rules.js';
import { chineseErrorMap, diagnosticsFromZod } from './schema-issues.js';
import { MAX_LISTED_PROBLEMS, packetTooLarge } from './limits.js';

export interface AcceptedProject {
  /** 1-based position in the data file; names the output file (NN-…) whatever else is rejected. */
  number: number;
  project: Project;
}

export interface Validation {
  /** The whole packet, only when nothing in it is an error. */
  packet?: Packet;
  /** Packet-level fields, when they are valid (needed to render any project). */
  header?: Omit<Packet, 'projects'>;
  /** Projects without errors, in file order. */
  accepted: AcceptedProject[];
  /** Errors and warnings, in file order. */
  diagnostics: Diagnostic[];
  /** Each project entry's name as written (undefined where blank), valid or not: for messages and --only. */
  projectNames: Array<string | undefined>;
}

const parseOptions = { error: chineseErrorMap };

export function validatePacket(raw: unknown): Validation {
  // A packet over the caps is refused before the schema makes an object for each of its problems.
  const tooLarge = packetTooLarge(raw);
  if (tooLarge) return { accepted: [], diagnostics: [tooLarge], projectNames: [] };
  const rawProjects = (raw as { projects?: unknown } | null)?.projects;
  const entries: unknown[] = Array.isArray(rawProjects) ? rawProjects : [];
  const projectNames = entries.map((entry) => {
    const name = (entry as { name?: unknown } | null)?.name;
    return typeof name === 'string' && name.trim() ? name.trim() : undefined;
  });

  // Past MAX_LISTED_PROBLEMS problems are counted, not kept. The schema is checked a project at a
  // time, so that its problems too are made and dropped a project at a time, not all at once.
  const problems = new ProblemList(MAX_LISTED_PROBLEMS);
  const shell = ShellSchema.safeParse(raw, parseOptions);
  if (!shell.success) problems.add(diagnosticsFromZod(shell.error));

  // Without valid packet-level fields (title, year…) no form can be drawn. A header that is valid
  // but contradicts itself (a year that is not the title's) is an error that stops the 汇总表,
  // which prints both, and not the forms: they print only the year, checked against their own
  // dates, and the good ones still build so that the office sees them.
  let header: Validation['header'];
  let headerFaults: Diagnostic[] = [];
  if (shell.success) {
    const { projects: _projects, ...fields } = shell.data;
    header = fields;
    headerFaults = checkHeader(header);
    problems.add(headerFaults);
  }
  // The year the dates are measured against, even when some other packet-level field is broken;
  // none when it contradicts the title: every project's dates would then repeat that one fault.
  const year = headerFaults.length ? undefined : (header?.year ?? yearOf(raw));

  // Every project that passes the schema gets the business rules, whatever its neighbours hold.
  const accepted: AcceptedProject[] = [];
  const projects: Project[] = [];
  let schemaFailed = !shell.success;
  entries.forEach((entry, i) => {
    const parsed = ProjectSchema.safeParse(entry, parseOptions);
    if (!parsed.success) {
      schemaFailed = true;
      problems.add(diagnosticsFromZod(parsed.error, ['projects', i]));
      return;
    }
    projects.push(parsed.data);
    const found = checkProject(parsed.data, i, year);
    problems.add(found);
    if (!hasErrors(found)) accepted.push({ number: i + 1, project: parsed.data });
  });
  const whole: Packet | undefined = header && !schemaFailed ? { ...header, projects } : undefined;
  if (whole) problems.add(checkPacket(whole));

  return {
    packet: whole && !problems.hasErrors ? whole : undefined,
    header,
    accepted: header ? accepted : [],
    diagnostics: problems.list(),
    projectNames,
  };
}

/** The packet-level fields, with the projects checked as a list only: each project is checked on its own. */
const ShellSchema = PacketSchema.extend({ projects: z.array(z.unknown()).min(1).meta({ title: '项目' }) });

function yearOf(raw: unknown): number | undefined {
  const parsed = PacketSchema.shape.year.safeParse((raw as { year?: unknown } | null | undefined)?.year);
  return parsed.success ? parsed.data : undefined;
}

export interface LoadedPacket extends Validation {
  file: string;
  /** How the file's bytes were decoded; absent when the file could not be read or decoded. */
  encoding?: Encoding;
}

/**
 * Read, decode, parse and validate one data file; never throws for bad input. Every diagnostic of
 * the data carries the line and column of its value (of the nearest existing object, for a missing
 * field); repeated keys are errors at the repeated key, and validation goes on with the last value.
 */
export async function loadPacketFile(file: string): Promise<LoadedPacket> {
  return (await readPacketFile(file)).loaded;
}

/**
 * loadPacketFile, and where each value stands in the file: for diagnostics found later (glyphs
 * missing from the font) to carry their line and column too.
 */
export async function readPacketFile(file: string): Promise<{ loaded: LoadedPacket; locate: Locate }> {
  const nowhere = () => undefined;
  let encoding: Encoding | undefined;
  try {
    const source = await readDataFile(file);
    encoding = source.encoding;
    const parsed = parseDataText(source.text);
    const validation = validatePacket(parsed.value);
    // Each listed problem is placed (at most MAX_LISTED_PROBLEMS of them); the line for those left out has no place.
    const placed = validation.diagnostics.map((d) => (d.line === undefined && !d.omitted ? { ...d, ...parsed.locate(d.path) } : d));
    const notice = encodingDiagnostic(encoding);
    const diagnostics = capProblems([...(notice ? [notice] : []), ...parsed.duplicates, ...placed], MAX_LISTED_PROBLEMS);
    const locate = (path: Diagnostic['path']) => parsed.locate(path);
    if (!parsed.duplicates.length) return { loaded: { file, encoding, ...validation, diagnostics }, locate };
    // A repeated key is an error of its project (or of the packet, when outside the projects),
    // those left out of the list too.
    const broken = parsed.duplicatesIn;
    const loaded: LoadedPacket = {
      file,
      encoding,
      ...validation,
      packet: undefined,
      header: broken.has(undefined) ? undefined : validation.header,
      accepted: broken.has(undefined) ? [] : validation.accepted.filter((a) => !broken.has(a.number - 1)),
      diagnostics,
    };
    return { loaded, locate };
  } catch (error) {
    if (error instanceof DataFileError) return { loaded: failed(file, error.diagnostic, encoding), locate: nowhere };
    throw error;
  }
}

/** A file that gave no JSON value: its one error (after the encoding notice, when it was decoded). */
function failed(file: string, diagnostic: Diagnostic, encoding?: Encoding): LoadedPacket {
  const notice = encoding && encodingDiagnostic(encoding);
  return { file, encoding, accepted: [], diagnostics: notice ? [notice, diagnostic] : [diagnostic], projectNames: [] };
}


