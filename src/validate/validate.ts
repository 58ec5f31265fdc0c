// raw object -> Packet + Diagnostics. A broken project does not stop the others: the result
// carries every project that can be rendered, numbered by its place in the file.
import { readFile } from 'node:fs/promises';
import { PacketSchema, ProjectSchema, type Packet, type Project } from '../model/packet.js';
import { hasErrors, projectIndexOf, type Diagnostic } from './diagnostic.js';
import { checkPacket, checkProject } from './rules.js';
import { chineseErrorMap, diagnosticsFromZod } from './schema-issues.js';

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
  const rawProjects = (raw as { projects?: unknown } | null)?.projects;
  const entries: unknown[] = Array.isArray(rawProjects) ? rawProjects : [];
  const projectNames = entries.map((entry) => {
    const name = (entry as { name?: unknown } | null)?.name;
    return typeof name === 'string' && name.trim() ? name.trim() : undefined;
  });

  const whole = PacketSchema.safeParse(raw, parseOptions);
  const diagnostics = whole.success ? [] : diagnosticsFromZod(whole.error);
  const failedSchema = new Set(diagnostics.map(projectIndexOf));

  // Every project that passes the schema gets the business rules, whatever its neighbours hold.
  const accepted: AcceptedProject[] = [];
  entries.forEach((entry, i) => {
    if (failedSchema.has(i)) return;
    const project = ProjectSchema.parse(entry); // cannot fail: its issues would be in `whole`'s
    const found = checkProject(project, i);
    diagnostics.push(...found);
    if (!hasErrors(found)) accepted.push({ number: i + 1, project });
  });
  if (whole.success) diagnostics.push(...checkPacket(whole.data));

  // Without valid packet-level fields (title, year…) no form can be drawn.
  let header: Validation['header'];
  if (!failedSchema.has(undefined)) {
    const { projects: _projects, ...fields } = raw as Record<string, unknown>;
    header = HeaderSchema.parse(fields);
  }
  return {
    packet: whole.success && !hasErrors(diagnostics) ? whole.data : undefined,
    header,
    accepted: header ? accepted : [],
    diagnostics: sortByPlace(diagnostics),
    projectNames,
  };
}

const HeaderSchema = PacketSchema.omit({ projects: true });

export interface LoadedPacket extends Validation {
  file: string;
}

/** Read, parse and validate one data file; never throws for bad input. */
export async function loadPacketFile(file: string): Promise<LoadedPacket> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    return failed(file, `无法读取文件：${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'read');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(source.replace(/^\uFEFF/, ''));
  } catch (error) {
    return failed(file, `不是有效的 JSON：${describeJsonError(source, error as Error)}`, 'json');
  }
  return { file, ...validatePacket(raw) };
}

function failed(file: string, message: string, ruleId: string): LoadedPacket {
  return { file, accepted: [], diagnostics: [{ severity: 'error', path: [], message, ruleId }], projectNames: [] };
}

/** Node says "… at position 123"; an office wants line and column. */
function describeJsonError(source: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message);
  if (!position) return error.message;
  const before = source.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `第 ${line} 行第 ${column} 列附近有语法错误（${error.message}）`;
}

/** Stable order: packet-level first, then by project, keeping each check's own order. */
function sortByPlace(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i, p: projectIndexOf(d) ?? -1 }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map(({ d }) => d);
}
