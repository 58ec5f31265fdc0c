// Data files -> out/<packet>/: NN-<项目名称>.pdf and .docx per valid project, and 汇总表.pdf and
// .docx when the whole packet is valid (each format only if asked for). Bad projects are reported
// and skipped; the others are still built.
//
// Two steps. planBuild reads and validates every data file and checks everything that could make
// a build change what it must not: two data files sharing a packet folder, an output folder that
// holds its own input or another data file's packet (unless --replace), a file in the way that
// shenbao did not write, --only naming nothing. Any of these stops the whole command before a
// file is written. buildPacket then renders one packet into a staging folder and swaps its files
// in (staging.ts).
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { fileProblem, hasErrors, sortByPlace, type Diagnostic, type Locate } from '../model/diagnostic.js';
import type { AcceptedProject, LoadedPacket } from '../validate/validate.js';
import { readPacketInput } from './data-input.js';
import { isWorkbookFile } from './inputs.js';
import { loadTemplates, type FormTemplates } from '../layout/templates.js';
import { checkTemplateCoverage } from '../layout/coverage.js';
import type { GridDocument, GridSection } from '../layout/grid.js';
import { DEFAULT_FONTS, loadFonts, REQUIRED_TEXT, sharedFontBytes, type FontFiles, type LoadedFonts } from '../render/fonts.js';
import { beginSummaryPdfChunks, summaryDocxChunks, summaryForms, type FormPages } from './summary.js';
import type { BegunSummaryPdf } from './summary-pdf.js';
import type { DocxFonts } from '../render/docx.js';
import { formJob, inOrder, makeForm, type FormJob, type FormOutput } from './forms.js';
import { FormPool, WorkerOutOfMemory, type WorkerHeap } from './form-pool.js';
import { collisions, foldName, inspectPacketFolder, type PacketFolder } from './folder.js';
import { formDataHash, MANIFEST_FILE, packetDataHash, recordedDataFile, sha256File } from './manifest.js';
import { packetDirName, projectFileName, SUMMARY_FILE_NAME } from './names.js';
import { finishInterruptedSwap, stagePacketFolder, type SwapStep } from './staging.js';
import { PackedPageFile } from './form-pages.js';
import { lockPacketFolder } from './lock.js';
import { checkPrintable } from './printable.js';
import { glyphFormWarnings } from '../render/glyph-forms.js';
import { EXIT, exitCodeOf } from '../exit-codes.js';

export interface BuildOptions {
  outDir: string;
  /** Build only the projects with these names, and the 汇总表 again with them. */
  only?: readonly string[];
  templateDir?: string;
  fonts?: FontFiles;
  /** Stamped into the PDFs and .docx files; defaults to now. */
  creationDate?: Date;
  /** Which files to write for each form and the 汇总表; default both, PDF and Word. */
  formats?: readonly OutputFormat[];
  /** Fonts the .docx files name (default 宋体 SimSun and Times New Roman). */
  docxFonts?: Partial<DocxFonts>;
  /**
   * Worker threads that make the forms (default 1: in this thread). Files, reports and messages
   * are the same for any number. A packet of few forms is made in this thread anyway.
   */
  jobs?: number;
  /** How the pool of --jobs works: forms per worker below which no worker starts, each worker's heap (tests lower them). */
  pool?: { formsPerWorker?: number; workerHeap?: WorkerHeap };
  onProgress?: (event: BuildProgress) => void;
  /** Stops the build between files; nothing of it is left in the output folder. */
  signal?: AbortSignal;
  /**
   * Build into a packet folder that another data file's build wrote (its files are replaced and
   * removed). Without it such a build is refused: a folder belongs to one data file.
   */
  replace?: boolean;
  /** Called before each step of the swap into the packet folder: for tests that stop a build there (no command sets it). */
  onSwapStep?: (step: SwapStep) => void | Promise<void>;
}

import { OUTPUT_FORMATS, type OutputFormat } from './formats.js';
export { OUTPUT_FORMATS, type OutputFormat } from './formats.js';

export type BuildProgress =
  | { kind: 'start'; file: string; total: number }
  /** A staging folder exists from now until the commit ends: a supervisor must remove it if it stops the build. */
  | { kind: 'staging'; file: string; packetDir: string; createdDir: boolean }
  /**
   * The 汇总表 in the making, each format in turn: `placed` of its `forms` drawn into the PDF so far
   * (the Word file is made in one step: its event says only that it began, placed 0).
   */
  | { kind: 'summary'; file: string; forms: number; format: OutputFormat; placed: number }
  | { kind: 'written'; file: string; output: string; done: number; total: number }
  | { kind: 'commit'; file: string; packetDir: string; phase: 'begin' | 'end' }
  /** One data file done (built, or failed with `report.failure`). */
  | { kind: 'report'; report: BuildReport };

export interface BuildReport {
  file: string;
  loaded: LoadedPacket;
  /** out/<packet>/ */
  packetDir?: string;
  /** Paths written, in order. */
  written: string[];
  /** Paths of shenbao's earlier files that this build removed. */
  removed: string[];
  /** Validation diagnostics plus anything that went wrong while building. */
  diagnostics: Diagnostic[];
  ok: boolean;
  /** The packet could not be built at all (its folder left as it was): why, and the exit code that says so. */
  failure?: { message: string; exitCode: number; diagnostic: Diagnostic };
}

/** Why a packet could not be built at all, with its exit code, and as a problem (its message names the file). */
function buildFailure(error: Error): NonNullable<BuildReport['failure']> {
  const exitCode = exitCodeOf(error);
  const code = exitCode === EXIT.environment ? 'build-environment' : 'build-refused';
  return { message: error.message, exitCode, diagnostic: fileProblem(code, undefined, error.message) };
}

/** Templates and fonts, loaded once and shared by every packet of a run. */
export interface BuildContext {
  templates: FormTemplates;
  fonts: LoadedFonts;
}

export async function createBuildContext(options: Pick<BuildOptions, 'templateDir' | 'fonts'> = {}): Promise<BuildContext> {
  const [templates, fonts] = await Promise.all([loadTemplates(options.templateDir), loadFonts(options.fonts ?? DEFAULT_FONTS)]);
  // A template that would print a field blank or in another's cell is refused before any packet is built.
  checkTemplateCoverage(templates);
  return { templates, fonts };
}

/** One data file, ready to build. */
export interface PacketPlan {
  file: string;
  loaded: LoadedPacket;
  packetDir: string;
  folder: PacketFolder;
  sourceSha256: string;
  /** The data file's absolute path, links resolved: recorded in the manifest, and compared with what it records. */
  sourcePath: string;
  /** The output names (one per format, in OUTPUT_FORMATS order) of each project that has a name, by 1-based number. */
  fileNames: Map<number, string[]>;
  /** The 汇总表's output names, one per format. */
  summaryNames: string[];
  formats: OutputFormat[];
  /** The valid projects to build now (all of them, or those --only names). */
  selected: AcceptedProject[];
  /** false when --only names no project of this file: the file is left alone. */
  wanted: boolean;
  /**
   * Line and column of a data path, for diagnostics found while building: the glyph check, which
   * buildPacket makes first and then lets the places go (every value's offset in the file: some
   * 58 MB at 10,000 projects, otherwise held through the whole build).
   */
  locate: Locate;
}

export async function planBuild(files: readonly string[], options: Pick<BuildOptions, 'outDir' | 'only' | 'formats' | 'replace'>): Promise<PacketPlan[]> {
  checkDistinctFolders(files);
  const formats = OUTPUT_FORMATS.filter((format) => (options.formats ?? OUTPUT_FORMATS).includes(format));
  if (formats.length === 0) throw new UserError(`请至少选一种输出格式：${OUTPUT_FORMATS.join('、')}`);
  const plans: PacketPlan[] = [];
  for (const file of files) {
    const { loaded, locate } = await readPacketInput(file);
    const packetDir = path.join(options.outDir, packetDirName(file));
    await checkOutsideInput(packetDir, file);
    const count = loaded.projectNames.length;
    const fileNames = new Map<number, string[]>();
    loaded.projectNames.forEach((name, i) => {
      if (name !== undefined) fileNames.set(i + 1, formats.map((format) => projectFileName(i + 1, count, name, format)));
    });
    const only = options.only && new Set(options.only);
    const selected = only ? loaded.accepted.filter(({ project }) => only.has(project.name)) : loaded.accepted;
    const wanted = !only || loaded.projectNames.some((name) => name !== undefined && only.has(name));
    plans.push({
      file,
      loaded,
      packetDir,
      folder: await inspectPacketFolder(packetDir),
      // A file that could not be read (over its cap, say) is not hashed: that would read it whole.
      sourceSha256: loaded.encoding === undefined && !isWorkbookFile(file) ? '' : await sha256File(file).catch(() => ''),
      sourcePath: await realpath(file).catch(() => path.resolve(file)),
      fileNames,
      summaryNames: formats.map((format) => `${SUMMARY_FILE_NAME}.${format}`),
      formats,
      selected,
      wanted,
      locate,
    });
  }
  checkOnly(options.only, plans);
  for (const plan of plans) await checkSameSource(plan, options.replace);
  checkCollisions(plans);
  return plans;
}

/**
 * Build one planned packet. The plan must come from planBuild with the same options, and is built
 * once: its `locate` places nothing afterwards.
 */
export async function buildPacket(plan: PacketPlan, options: BuildOptions, context: BuildContext): Promise<BuildReport> {
  const { file, loaded, packetDir } = plan;
  let diagnostics = [...loaded.diagnostics];
  const report = (extra: Partial<BuildReport> = {}): BuildReport => ({
    file,
    loaded,
    written: [],
    removed: [],
    diagnostics,
    ok: !hasErrors(diagnostics),
    ...extra,
  });
  if (!loaded.header || !plan.wanted) return report();

  // The templates print every field in its own cell in this house style (coverage.ts; once per style).
  checkTemplateCoverage(context.templates, loaded.header.display);
  // Every character the forms will print is checked against the font before anything is written.
  const { diagnostics: glyphProblems, unprintable } = checkPrintable(loaded, context, plan.locate);
  // The last use of the file's places: let go, not held through the forms and the 汇总表.
  plan.locate = () => undefined;
  // A face of a CJK collection for another region (NotoSerifCJKjp) prints the form's 出、效 in its own forms: said, not refused.
  const forms = plan.formats.includes('pdf') ? glyphFormWarnings(context.fonts.faces, REQUIRED_TEXT) : [];
  diagnostics = sortByPlace([...diagnostics, ...glyphProblems, ...forms]);
  const selected = plan.selected.filter(({ number }) => !unprintable.has(number - 1));
  const packet = glyphProblems.length === 0 ? loaded.packet : undefined;

  const summaryWanted = packet !== undefined;
  const total = (selected.length + (summaryWanted ? 1 : 0)) * plan.formats.length;
  options.onProgress?.({ kind: 'start', file, total });

  // The folder is locked against other builds and read again: planBuild read it a while ago.
  const lock = await lockPacketFolder(packetDir);
  options.onProgress?.({ kind: 'staging', file, packetDir, createdDir: lock.createdDir });
  let built: { report: BuildReport; empty: boolean } | undefined;
  try {
    if (lock.takenOver) diagnostics.push({ severity: 'warning', path: [], message: lock.takenOver, code: 'lock-abandoned' });
    // A build killed in its swap is finished first: the folder is then as that build left it.
    if (await finishInterruptedSwap(packetDir)) diagnostics.push(swapFinished(packetDir));
    const folder = await inspectPacketFolder(packetDir);
    await checkSameSource({ ...plan, folder }, options.replace);
    checkCollisions([{ ...plan, folder }]);
    built = await buildLocked({ ...plan, folder }, options, context, { selected, packet, total, diagnostics, report });
    return built.report;
  } finally {
    await lock.release(built?.empty);
  }
}

interface Prepared {
  selected: AcceptedProject[];
  packet: LoadedPacket['packet'];
  total: number;
  diagnostics: Diagnostic[];
  report: (extra?: Partial<BuildReport>) => BuildReport;
}

async function buildLocked(
  plan: PacketPlan,
  options: BuildOptions,
  context: BuildContext,
  { selected, packet, total, diagnostics, report }: Prepared,
): Promise<{ report: BuildReport; empty: boolean }> {
  const { file, loaded, packetDir } = plan;
  const staging = await stagePacketFolder(plan.folder);
  let pool: FormPool | undefined;
  const written: string[] = [];
  let pageFile: PackedPageFile | undefined;
  const creationDate = options.creationDate ?? new Date();
  const wants = (format: OutputFormat) => plan.formats.includes(format);
  const nameOf = (names: string[], format: OutputFormat) => names[plan.formats.indexOf(format)]!;
  const emitted = (name: string) => {
    written.push(path.join(packetDir, name));
    options.onProgress?.({ kind: 'written', file, output: path.join(packetDir, name), done: written.length, total });
  };
  const emit = async (name: string, bytes: Uint8Array, data: string) => {
    options.signal?.throwIfAborted();
    await staging.write(name, bytes, data);
    emitted(name);
  };
  const emitChunks = async (name: string, chunks: AsyncIterable<Uint8Array>, data: string) => {
    options.signal?.throwIfAborted();
    await staging.writeChunks(name, abortable(chunks, options.signal), data);
    emitted(name);
  };

  try {
    // Each form as paginated for its own PDF goes into the 汇总表 PDF as is: its pages break the
    // same. Word flows its own pages: the .docx files get the forms unpaginated. Forms are made
    // ahead (on the pool's workers, with --jobs) and written in order. A form's grid is laid out
    // when it is needed (it takes well under a millisecond) rather than held for the whole batch.
    // The 汇总表 PDF's costly first steps (the packet attached, the front table laid out) are taken
    // first, while the build holds least: see beginSummaryPdf. The forms' placed pages are kept
    // for it in a file of the staging folder (form-pages.ts).
    let summaryPdf: BegunSummaryPdf | undefined;
    const formPages: FormPages = new Map();
    if (packet && wants('pdf')) {
      summaryPdf = await beginSummaryPdfChunks(context, packet, creationDate);
      pageFile = await PackedPageFile.create(path.join(staging.dir, FORM_PAGES_FILE), path.join(packetDir, nameOf(plan.summaryNames, 'pdf')));
    }
    // A Word form takes about a millisecond: less than handing it to a worker and back. Workers make PDFs.
    if (wants('pdf')) pool = formPool(selected.length, options, context.fonts);
    const asked = { creationDate, pdf: wants('pdf'), docx: wants('docx'), docxFonts: options.docxFonts };
    const jobOf = ({ number, project }: AcceptedProject): FormJob => formJob(loaded.header!, project, number - 1, asked);
    for await (const [{ number, project }, made] of formsInOrder(selected, jobOf, context, options, pool)) {
      const names = plan.fileNames.get(number)!;
      const data = formDataHash(loaded.header!, project);
      if (made.pdf) {
        if (pageFile) formPages.set(number, { pageCount: made.pdf.pageCount, read: await pageFile.add(made.pdf.pages) });
        await emit(nameOf(names, 'pdf'), made.pdf.bytes, data);
      }
      if (made.docx) await emit(nameOf(names, 'docx'), made.docx, data);
    }
    let summaryBuilt = false;
    if (packet) {
      const summaryStep = (format: OutputFormat, placed: number) => options.onProgress?.({ kind: 'summary', file, forms: packet.projects.length, format, placed });
      // The pool's workers are done: their memory goes first, before the packet's hash (a string of
      // the whole packet: some 40 MB at 10,000 projects) and the 汇总表.
      await pool?.close();
      // The packet as the 汇总表 PDF carries it (no $schema: an editor's pointer, not data).
      const data = packetDataHash(packet);
      options.signal?.throwIfAborted();
      if (summaryPdf) {
        // Each form's pages as placed for its own PDF; those --only did not make this time are laid
        // out now.
        summaryStep('pdf', 0);
        const made = await summaryForms(context, packet, formPages, pageFile);
        // Each form's pages are taken as the form is drawn: the forms before it are in the PDF.
        const forms = {
          ...made,
          pages: async (i: number) => {
            summaryStep('pdf', i);
            return made.pages(i);
          },
        };
        await emitChunks(nameOf(plan.summaryNames, 'pdf'), summaryPdf.chunks(forms), data);
        await pageFile?.close();
        pageFile = undefined;
      }
      if (wants('docx')) {
        summaryStep('docx', 0);
        const docx = summaryDocxChunks(context, packet, { creationDate, docxFonts: options.docxFonts });
        await emitChunks(nameOf(plan.summaryNames, 'docx'), docx, data);
      }
      summaryBuilt = true;
    }

    // --only keeps shenbao's forms of the projects it did not name, as long as they still exist
    // under the same number and name; --format keeps the files of the formats it did not ask for
    // beside the forms it wrote. Everything else of shenbao's that was not written goes,
    // including the old form of a named project that now has errors.
    const writtenNames = new Set(written.map((w) => path.basename(w)));
    const named = new Set(options.only);
    const unnamed = options.only ? [...plan.fileNames].filter(([number]) => !named.has(loaded.projectNames[number - 1]!)) : [];
    const skippedFormats = OUTPUT_FORMATS.filter((format) => !plan.formats.includes(format));
    const otherFormats = [...plan.fileNames, [0, plan.summaryNames] as [number, string[]]]
      .filter(([, names]) => writtenNames.has(names[0]!))
      .map(([number, names]): [number, string[]] => [number, skippedFormats.map((format) => withFormat(names[0]!, format))]);
    const kept = [...unnamed.map(([number, names]): [number, string[]] => [number, OUTPUT_FORMATS.map((f) => withFormat(names[0]!, f))]), ...otherFormats];
    const keep = kept.flatMap(([, names]) => names).filter((name) => plan.folder.owned.has(name));
    diagnostics.push(...keptWarnings(plan, unnamed, keep, writtenNames, '--only'));
    diagnostics.push(...keptWarnings(plan, otherFormats, keep, writtenNames, '--format'));
    options.signal?.throwIfAborted();
    options.onProgress?.({ kind: 'commit', file, packetDir, phase: 'begin' });
    const source = {
      file: path.basename(file),
      sha256: plan.sourceSha256,
      path: plan.sourcePath,
      relative: path.relative(await realpath(packetDir).catch(() => path.resolve(packetDir)), plan.sourcePath),
    };
    const { removed, empty } = await staging.commit({ source, keep, onSwapStep: options.onSwapStep });
    options.onProgress?.({ kind: 'commit', file, packetDir, phase: 'end' });

    if (!summaryBuilt) diagnostics.push(summarySkipped(inFormatOrder(removed.filter((name) => name.startsWith(`${SUMMARY_FILE_NAME}.`)))));
    diagnostics.push(...changedFileWarnings(plan));
    const unsigned = [...plan.folder.owned.values()].filter((entry) => entry.signed && (writtenNames.has(entry.name) || removed.includes(entry.name)));
    if (unsigned.length > 0) diagnostics.push(signaturesReplaced(unsigned.map((entry) => entry.name)));
    return { report: report({ packetDir, written, removed: removed.map((name) => path.join(packetDir, name)) }), empty };
  } finally {
    await pool?.close();
    await pageFile?.close();
    await staging.discard();
  }
}

/** In the staging folder: the forms' placed pages, packed, until the 汇总表 has drawn them (removed with the folder). */
const FORM_PAGES_FILE = '.form-pages';

/** The chunks, stopping between two at an abort (a long 汇总表 is not finished after Ctrl-C). */
async function* abortable<T>(chunks: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  for await (const chunk of chunks) {
    signal?.throwIfAborted();
    yield chunk;
  }
}

/**
 * Below this many forms per worker, starting workers costs more than it saves: each loads its
 * modules, templates and fonts and starts cold, about 50 forms' time, and the build's own thread
 * takes part of a core meanwhile. On this project's 2-core machine two workers were slower than
 * one thread for 100 forms (2.1 s against 1.5 s), even at 300 (3.6 against 3.4) and faster at
 * 1,000 (7.4 against 10.3). Tests lower it.
 */
export const FORMS_PER_WORKER = 150;

/**
 * With --jobs N, a pool of N − 1 workers for this packet's forms: the build's own thread, which has
 * loaded everything a form needs, makes its share too (a thread more would hold its own modules,
 * fonts and heap: about 90 MB of a packet of 1,000 forms). None for a few forms.
 */
function formPool(selected: number, options: BuildOptions, fonts: LoadedFonts): FormPool | undefined {
  const threads = Math.min(options.jobs ?? 1, Math.floor(selected / (options.pool?.formsPerWorker ?? FORMS_PER_WORKER)));
  if (threads <= 1) return undefined;
  // The fonts this build loaded, shared with the workers (one copy of 30 MB, not one per thread).
  const files = { family: fonts.family, regular: fonts.faces.regular.file, bold: fonts.faces.bold.file };
  return new FormPool(threads - 1, files, options.templateDir, sharedFontBytes(fonts), options.pool?.workerHeap);
}

/**
 * Each project's outputs, in the order of `selected`: made in this thread, or on the pool's
 * workers a few forms ahead of the one being written (not all at once: a batch is never held in
 * memory).
 */
async function* formsInOrder(
  selected: readonly AcceptedProject[],
  jobOf: (accepted: AcceptedProject) => FormJob,
  context: BuildContext,
  options: BuildOptions,
  pool: FormPool | undefined,
): AsyncGenerator<[AcceptedProject, FormOutput]> {
  const inThread = (i: number) => makeForm(jobOf(selected[i]!), context.fonts, context.templates);
  // This thread makes one form in every (workers + 1), the workers the others. A form too big for
  // a worker's heap is made here (form-pool.ts).
  const threads = pool ? pool.size + 1 : 1;
  const make = (i: number) =>
    !pool || i % threads === threads - 1 ? inThread(i) : pool.make(jobOf(selected[i]!)).catch((error) => (error instanceof WorkerOutOfMemory ? inThread(i) : Promise.reject(error)));
  let i = 0;
  // In this thread too, the next form is started before the last one's files are written: it is
  // made while they are on their way to the disk.
  for await (const made of inOrder(selected.length, make, 2 * threads)) {
    options.signal?.throwIfAborted();
    yield [selected[i++]!, made];
  }
}

/**
 * A whole run: plan every file, then build each. Usage problems found in planning throw before
 * anything is written. A packet that then fails (a full disk, a folder locked by another build)
 * gets its failure in its report and the next packet is built; each report is also sent as a
 * progress event the moment its packet is done, so what was finished is known even if the run
 * is stopped later.
 */
export async function buildFiles(files: readonly string[], options: BuildOptions, context?: BuildContext): Promise<BuildReport[]> {
  const plans = await planBuild(files, options);
  const ctx = context ?? (await createBuildContext(options));
  const reports: BuildReport[] = [];
  for (const plan of plans) {
    let report: BuildReport;
    try {
      report = await buildPacket(plan, options, ctx);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      const diagnostics = plan.loaded.diagnostics;
      report = { file: plan.file, loaded: plan.loaded, written: [], removed: [], diagnostics, ok: false, failure: buildFailure(error) };
    }
    reports.push(report);
    options.onProgress?.({ kind: 'report', report });
  }
  return reports;
}

/** One data file, planned and built (a convenience for callers with a single packet). */
export async function buildPacketFile(file: string, options: BuildOptions, context?: BuildContext): Promise<BuildReport> {
  const [report] = await buildFiles([file], options, context);
  return report!;
}

function checkDistinctFolders(files: readonly string[]): void {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const key = foldName(packetDirName(file));
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  // Every file of the first clash is named (单位?.json, 单位:.json, 单位_.json), not just two of them.
  const clash = [...groups.values()].find((group) => group.length > 1);
  if (!clash) return;
  const names = `${clash.slice(0, -1).join('、')} 和 ${clash.at(-1)!}`;
  const advice = clash.length === 2 ? '后一个会覆盖前一个：请给其中一个改名' : `会互相覆盖：请给其中 ${clash.length - 1} 个改名`;
  throw new UserError(`数据文件 ${names} 会写到同一个输出文件夹「${packetDirName(clash.at(-1)!)}」，${advice}`);
}

/**
 * A packet folder belongs to the data file it was built from. A build from another data file
 * (another unit's 2023.json into the same -o) would replace that packet without a word: refused
 * unless --replace, naming both. The same file reached by another path (a link, a relative path)
 * is the same file; an edited one too. A folder whose manifest does not record its data file (an
 * older version's) is accepted, and records it from now on.
 */
async function checkSameSource(plan: PacketPlan, replace: boolean | undefined): Promise<void> {
  const source = plan.folder.manifest?.source;
  if (replace || !plan.wanted || source?.path === undefined) return;
  const recorded = await recordedDataFile(plan.packetDir, source);
  if (recorded !== undefined && (await sameFile(recorded, plan.sourcePath))) return;
  const refusal = `shenbao 不会用另一个数据文件的结果替换它，这次什么也没有写`;
  throw new UserError(
    recorded === undefined
      ? `输出文件夹 ${plan.packetDir} 是由数据文件 ${source.path} 生成的，那个文件已不在原处（改名、移动或删除了），这次的数据文件是 ${plan.sourcePath}：${refusal}。` +
          `如果这就是原来那个文件改名或移动后的，或确实要替换，请加 --replace 重新生成；否则请用 -o 换一个输出目录`
      : `输出文件夹 ${plan.packetDir} 是由数据文件 ${recorded} 生成的，这次的数据文件是 ${plan.sourcePath}，不是同一个文件：${refusal}。` +
          `请用 -o 换一个输出目录；确实要替换时，请加 --replace`,
  );
}

/** Two paths of one file: the same once links are resolved, or the same file on disk (a hard link). */
async function sameFile(a: string, b: string): Promise<boolean> {
  const [realA, realB] = await Promise.all([a, b].map((p) => realpath(p).catch(() => path.resolve(p))));
  if (realA === realB) return true;
  const [infoA, infoB] = await Promise.all([a, b].map((p) => stat(p).catch(() => undefined)));
  return infoA !== undefined && infoB !== undefined && infoA.dev === infoB.dev && infoA.ino === infoB.ino;
}

/** An output folder that holds its own input is refused: the two must not be confused. */
async function checkOutsideInput(packetDir: string, file: string): Promise<void> {
  const real = async (p: string) => realpath(p).catch(() => path.resolve(p));
  const [dir, input] = await Promise.all([real(packetDir), real(file)]);
  const relative = path.relative(dir, input);
  if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) {
    throw new UserError(`输出文件夹 ${packetDir} 里有数据文件 ${file} 本身：请用 -o 指定另一个输出目录，不要和数据文件放在一起`);
  }
}

function checkOnly(only: readonly string[] | undefined, plans: readonly PacketPlan[]): void {
  if (!only) return;
  if (only.length === 0 || only.some((name) => name.trim() === '')) {
    throw new UserError('--only 后面要写项目名称，如 --only 培训费（可以写多个）');
  }
  const known = new Set(plans.flatMap((plan) => plan.loaded.projectNames.filter((n): n is string => n !== undefined)));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new UserError(
      `--only：没有名为${unknown.map((n) => `「${n}」`).join('、')}的项目。项目名称有：${[...known].join('、')}`,
    );
  }
}

/** Every file a build may write must be free or shenbao's; else nothing is written at all. */
function checkCollisions(plans: readonly PacketPlan[]): void {
  let withoutManifest = false;
  const lines = plans.flatMap((plan) => {
    if (!plan.wanted) return [];
    const names = [...[...plan.fileNames.values()].flat(), ...plan.summaryNames, MANIFEST_FILE];
    const found = collisions(plan.folder, names);
    withoutManifest ||= found.length > 0 && !plan.folder.manifest;
    return found.map((name) => `  ${path.join(plan.packetDir, name)}`);
  });
  if (lines.length === 0) return;
  throw new UserError(
    [
      '输出文件夹里已有同名文件，不是 shenbao 生成的（或生成后被改动过），shenbao 不会覆盖它们，这次什么也没有写：',
      ...lines,
      '请把它们移走或改名，或用 -o 换一个输出目录，然后重新生成',
      ...(withoutManifest
        ? [`（这个文件夹里没有 ${MANIFEST_FILE}，shenbao 靠它认出自己的文件。若这些文件是 shenbao 以前生成的——旧版本生成的，或 ${MANIFEST_FILE} 被删除了——确认后删除它们即可）`]
        : []),
    ].join('\n'),
  );
}

/** A build killed in its swap, finished by this one before it began (finishInterruptedSwap). */
function swapFinished(packetDir: string): Diagnostic {
  return {
    severity: 'warning',
    path: [],
    message: `${packetDir}：上一次生成在替换文件时中断了，这次先把它替换完成，再重新生成`,
    code: 'swap-finished',
  };
}

/** File names in OUTPUT_FORMATS order (the PDF before the Word file), however the folder listed them. */
function inFormatOrder(names: string[]): string[] {
  const rank = (name: string) => (OUTPUT_FORMATS as readonly string[]).indexOf(path.extname(name).slice(1));
  return [...names].sort((a, b) => rank(a) - rank(b));
}

/** Signed PDFs (shenbao sign) that this build replaced with new, unsigned ones, or removed. */
function signaturesReplaced(names: string[]): Diagnostic {
  return {
    severity: 'warning',
    path: [],
    message: `${names.join('、')} 原来签过名，已换成这次新生成的文件（没有签名）`,
    hint: '需要签名的，请用 shenbao sign 重新签名',
    code: 'signatures-replaced',
  };
}

function summarySkipped(removedOld: string[]): Diagnostic {
  const removed = removedOld.length > 0 ? `；原有的 ${removedOld.join('、')} 已删除，以免它与数据不一致` : '';
  return {
    severity: 'error',
    path: [],
    message: `汇总表未生成：数据中有错误的项目，汇总表不能缺项${removed}`,
    hint: '改正上面列出的错误后重新生成',
    code: 'summary-skipped',
  };
}

/** `01-培训费.pdf` as `01-培训费.docx`. */
function withFormat(name: string, format: OutputFormat): string {
  return `${name.slice(0, name.length - path.extname(name).length)}.${format}`;
}

/**
 * Files kept from before, one warning per project: for --only, the forms of projects it did not
 * name, kept if they still match their data (else said) or missing (a project renumbered or never
 * built: said); for --format, the files of the formats not asked for, said when out of date.
 * Number 0 stands for the 汇总表.
 */
function keptWarnings(
  plan: PacketPlan,
  entries: ReadonlyArray<[number, string[]]>,
  keep: readonly string[],
  written: ReadonlySet<string>,
  option: '--only' | '--format',
): Diagnostic[] {
  const data = new Map(plan.loaded.accepted.map((a) => [a.number, (plan.loaded.header ? formDataHash(plan.loaded.header, a.project) : '')]));
  if (plan.loaded.packet) data.set(0, packetDataHash(plan.loaded.packet));
  const hint = option === '--only' ? '不带 --only 重新生成，或把这个项目也写进 --only' : `不带 --format 重新生成（${OUTPUT_FORMATS.join('、')} 都生成）`;
  return entries.flatMap(([number, names]): Diagnostic[] => {
    const at = number === 0 ? [] : ['projects', number - 1];
    const unwritten = names.filter((name) => !written.has(name));
    // A file of a format not asked for may well be absent: only the asked-for ones are missed.
    const missing = unwritten.filter((name) => !keep.includes(name) && plan.formats.includes(path.extname(name).slice(1) as OutputFormat));
    const stale = unwritten.filter((name) => keep.includes(name) && plan.folder.owned.get(name)?.data !== data.get(number));
    const warnings: Diagnostic[] = [];
    if (missing.length > 0) {
      warnings.push({ severity: 'warning', path: at, message: `${missing.join('、')} 不存在：这次 ${option} 没有生成它`, hint, code: 'missing-form' });
    }
    if (stale.length > 0) {
      warnings.push({
        severity: 'warning',
        path: at,
        message: `${stale.join('、')} 是以前生成的，与现在的数据不一致（这次 ${option} 没有重新生成它）`,
        hint,
        code: 'stale-form',
      });
    }
    return warnings;
  });
}

/** Files shenbao once wrote that were changed since are the user's now: said once, left alone. */
function changedFileWarnings(plan: PacketPlan): Diagnostic[] {
  return plan.folder.changed.map((name) => ({
    severity: 'warning' as const,
    path: [],
    message: `${path.join(plan.packetDir, name)} 在 shenbao 生成后被改动过，已原样保留，以后也不会再替换或删除它`,
    code: 'changed-output',
  }));
}
