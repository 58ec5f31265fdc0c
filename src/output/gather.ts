// Many departments' forms into one packet: `shenbao extract a.docx b.docx … -o packet.json`, or a
// folder of them. Each file is read as `extract` reads one (extractFile); its projects join the
// packet in the order the files are given, a 汇总表's all of them. The packet-level fields come from
// the options, or else from the files, which must agree. Every file is read whatever the others
// hold, so that one run names every problem; the packet is given only when no file was refused and
// nothing conflicts.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsFailure, fsStep, notFoundMessage, READ, reading, UserError } from '../errors.js';
import type { FormTemplates } from '../layout/templates.js';
import type { Packet } from '../model/packet.js';
import type { FontFiles } from '../render/fonts.js';
import { fileProblem, hasErrors, projectIndexOf, withSeverity, type Diagnostic } from '../model/diagnostic.js';
import { UnreadableForms } from '../extract/docx.js';
import { validatePacket } from '../validate/validate.js';
import { extractFile, isPdfFile, isWordFile, type ExtractedFile } from './revision.js';
import { isWorkbookFile } from './inputs.js';

export interface GatherOptions {
  templates: FormTemplates;
  /** The fonts PDFs without embedded data were printed in (to read their text). */
  fonts?: FontFiles;
  /** Packet-level fields given by the user; each one not given must agree across the files. */
  title?: string;
  unit?: string;
  year?: number;
}

export interface GatheredFile {
  file: string;
  /** As read (absent when it could not be read at all: `problems` says why). */
  read?: ExtractedFile;
  /** Why its forms cannot be taken (errors): edits that cannot be read, or why the file cannot be read. */
  problems: Diagnostic[];
  /** Worth saying about the file (warnings); the data was read. */
  notes: Diagnostic[];
}

export interface Gathered {
  files: GatheredFile[];
  /** Across the files (errors, without a place: each names the files): packet fields that disagree or that none gives, a project in two files. */
  conflicts: Diagnostic[];
  /** The gathered packet as read; absent when a file was refused or anything conflicts. */
  data?: Record<string, unknown>;
  /** The valid packet, keys in the schema's order; absent when anything is an error. */
  packet?: Packet;
  /**
   * The gathered packet's problems, numbered as in it: each project's as its own file's reading
   * found them, with that file and the place there (a --year other than the forms' is not applied
   * to their date checks: build checks them again); the packet-level ones without a file.
   */
  diagnostics: Array<{ file?: string; diagnostic: Diagnostic }>;
  projectNames: Array<string | undefined>;
}

/** The forms to gather: each file as given, and a folder's .docx and .pdf files in natural name order. */
export async function formFiles(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw fsFailure(error, READ, input);
    });
    if (!info) throw new UserError(notFoundMessage(input));
    if (!info.isDirectory()) {
      if (isWorkbookFile(input))
        throw new UserError(`${input} 是填报工作簿，它本身就是一个数据包，不与申报表一起汇总：请单独读它，如 shenbao extract ${input} -o 数据.json`);
      if (!isWordFile(input) && !isPdfFile(input)) throw new UserError(`extract 读取 shenbao 生成的 Word 文件（.docx）或 PDF 文件，${input} 都不是`);
      files.push(input);
      continue;
    }
    // Word's owner files (~$表.docx) sit beside an open document and are not forms.
    const names = (await fsStep(reading('文件夹'), input, () => readdir(input))).filter((name) => (isWordFile(name) || isPdfFile(name)) && !/^[.~]/.test(name));
    if (names.length === 0) throw new UserError(`目录 ${input} 中没有 .docx 或 .pdf 文件`);
    files.push(...names.sort(NATURAL.compare).map((name) => path.join(input, name)));
  }
  return files;
}

/** 2-…docx before 10-…docx, as a file manager lists them. */
const NATURAL = new Intl.Collator('zh-CN', { numeric: true });

/** The packet-level fields gathered, their label and the option that gives them. */
const HEADER = [
  { key: 'title', label: '汇总表标题', option: '--title' },
  { key: 'unit', label: '单位', option: '--unit' },
  { key: 'year', label: '年度', option: '--year' },
] as const;

export async function gatherForms(files: readonly string[], options: GatherOptions): Promise<Gathered> {
  const gathered: GatheredFile[] = [];
  for (const file of files) {
    try {
      const read = await extractFile(file, options.templates, options.fonts);
      // Which packet fields it lacks is said across the files (others, or an option, may give them).
      const notes = [...read.notes.filter((note) => note !== read.headerNote), ...withSeverity(read.unsigned ?? [], 'warning')];
      // A year given with --year stands for the packet; a form printed for another year is said.
      const printed = read.data?.year;
      if (options.year !== undefined && typeof printed === 'number' && printed !== options.year) {
        notes.push(
          fileProblem('gather-year-given', file, `表上印的年度是 ${printed}，按 --year ${options.year} 汇总（这张表的日期是否在 ${options.year} 年内，build 会再检查）`, { severity: 'warning' }),
        );
      }
      gathered.push({ file, read, problems: read.problems, notes });
    } catch (error) {
      // A file that is not a form, or cannot be read: said, and the others are read all the same.
      if (!(error instanceof UserError)) throw error;
      const problem = error instanceof UnreadableForms ? fileProblem('file-unreadable', file, error.reason) : fileProblem('file-unreadable', undefined, error.message);
      gathered.push({ file, problems: [problem], notes: [] });
    }
  }
  const reads = gathered.flatMap(({ file, read }) => (read?.data ? [{ file, data: read.data, read }] : []));
  const { header, disagree } = gatheredHeader(reads, options);
  const conflicts = [...disagree, ...twice(reads)];
  if (gathered.some((g) => g.problems.length > 0) || conflicts.length > 0) return { files: gathered, conflicts, diagnostics: [], projectNames: [] };

  const data = { ...header, projects: reads.flatMap(({ data }) => projectsOf(data)) };
  // A project's problems as its own file's reading found them (validation, the glyph check, struck
  // words: each with its place there), numbered as in the packet; the packet-level ones from the
  // gathered header, which the files' own may lack.
  let offset = 0;
  const diagnostics: Gathered['diagnostics'] = [];
  for (const { file, data: own, read } of reads) {
    for (const d of read.diagnostics) {
      const index = projectIndexOf(d);
      if (index !== undefined) diagnostics.push({ file, diagnostic: { ...d, path: ['projects', offset + index, ...d.path.slice(2)] } });
    }
    offset += projectsOf(own).length;
  }
  const validation = validatePacket(data);
  const packetLevel = validation.diagnostics.filter((d) => projectIndexOf(d) === undefined).map((diagnostic) => ({ diagnostic }));
  const all = [...packetLevel, ...diagnostics];
  const valid = validation.packet && !hasErrors(all.map((d) => d.diagnostic)) ? { packet: validation.packet } : {};
  return { files: gathered, conflicts, data, ...valid, diagnostics: all, projectNames: validation.projectNames };
}

interface Read {
  file: string;
  data: Record<string, unknown>;
  read: ExtractedFile;
}

const projectsOf = (data: Record<string, unknown>) => (data.projects as unknown[] | undefined) ?? [];

/**
 * The packet-level fields, in the schema's order: each option given, else the one value that the
 * files carrying the field agree on. The schema and the house style are no options: the files
 * that carry one must agree on it.
 */
function gatheredHeader(reads: readonly Read[], options: GatherOptions): { header: Record<string, unknown>; disagree: Diagnostic[] } {
  const header: Record<string, unknown> = {};
  const disagree: Diagnostic[] = [];
  /** The value the files agree on (undefined when none carries it); else what each says. */
  const agreed = (key: string, label: string, fix: string): unknown => {
    const byValue = new Map<string, { value: unknown; files: string[] }>();
    for (const { file, data } of reads) {
      if (data[key] === undefined) continue;
      const text = typeof data[key] === 'string' ? data[key] : JSON.stringify(data[key]);
      const entry = byValue.get(text) ?? { value: data[key], files: [] };
      byValue.set(text, { ...entry, files: [...entry.files, file] });
    }
    if (byValue.size <= 1) return [...byValue.values()][0]?.value;
    const said = [...byValue].map(([text, { files }]) => `${files.join('、')} 是「${text}」`).join('；');
    disagree.push(fileProblem('gather-fields-differ', undefined, `各文件的${label}不一致：${said}。${fix}`, { path: [key] }));
    return undefined;
  };
  const schema = agreed('$schema', '数据格式（自定义属性「shenbao数据格式」）', '请在 Word 的“文件 → 属性 → 自定义”里改成一样');
  if (schema !== undefined) header.$schema = schema;
  for (const { key, label, option } of HEADER) {
    const before = disagree.length;
    const value = options[key] ?? agreed(key, label, `请改成一样，或用 ${option} 给出汇总后的${label}`);
    if (value !== undefined) header[key] = value;
    else if (disagree.length === before) disagree.push(fileProblem('gather-field-missing', undefined, `没有一个文件记着${label}：请用 ${option} 给出`, { path: [key] }));
  }
  const display = agreed('display', '印制样式', '请在 Word 的“文件 → 属性 → 自定义”里把「印制样式」改成一样');
  if (display !== undefined) header.display = display;
  return { header, disagree };
}

/** A project (by name) in two of the files, or in a file given twice. */
function twice(reads: readonly Read[]): Diagnostic[] {
  const where = new Map<string, Set<number>>();
  reads.forEach(({ data }, r) => {
    for (const project of projectsOf(data)) {
      const name = (project as { name?: unknown }).name;
      if (typeof name === 'string' && name.trim() !== '') where.set(name.trim(), (where.get(name.trim()) ?? new Set()).add(r));
    }
  });
  return [...where]
    .filter(([, at]) => at.size > 1)
    .map(([name, at]) =>
      fileProblem('gather-project-twice', undefined, `项目「${name}」在 ${[...at].map((r) => reads[r]!.file).join(' 和 ')} 里都有：同一个项目只能交一份，请删去多余的那份，或把项目名称改得不同`),
    );
}
