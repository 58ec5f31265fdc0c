// The library as a program calls it: one function per command, its options named as the command's
// (--templates → templates, --font-bold → fontBold), its results as data. Each calls the very
// functions the command does, so that what it makes is what the command writes: renderForm and
// renderSummary give, in memory, the bytes `shenbao build` writes for the same date.
//
// The types here are the contract. They name no type of a library shenbao uses inside (fonts,
// certificates): a program that embeds shenbao compiles against these alone.
import path from 'node:path';
import { UserError } from './errors.js';
import { exitCodeOf } from './exit-codes.js';
import { fileProblem, hasErrors, projectIndexOf, sortByPlace, type Diagnostic } from './model/diagnostic.js';
import type { Packet } from './model/packet.js';
import { validatePacket } from './validate/validate.js';
import { formatDiagnostic } from './validate/format.js';
import { loadTemplates } from './layout/templates.js';
import { chooseFonts } from './render/font-files.js';
import { stampableDate } from './render/stamp-date.js';
import { loadFonts } from './render/fonts.js';
import type { PacketChange } from './extract/diff.js';
import { buildFiles, createBuildContext, type BuildContext } from './output/build.js';
import type { OutputFormat } from './output/formats.js';
import { formJob, makeForm } from './output/forms.js';
import { summaryDocxChunks, summaryForms, summaryPdfChunks } from './output/summary.js';
import { checkPacket, checkPrintable } from './output/printable.js';
import { findDataFiles } from './output/inputs.js';
import { writeWorkbook } from './render/workbook.js';
import { readPacketInput } from './output/data-input.js';
import type { ExtractedFile } from './output/revision.js';

/** Where the forms' templates and fonts come from: the commands' --templates, --font and --font-bold. */
export interface FormOptions {
  /** A template folder (declaration.hbs, summary.hbs); default the templates shenbao ships. */
  templates?: string;
  /** The body font file; default Noto Serif SC, shipped. */
  font?: string;
  /** The bold font file for titles; default `font`'s when only that is given. */
  fontBold?: string;
}

// ---- validate ----------------------------------------------------------------------------------

export interface ValidateOptions extends FormOptions {
  /** Warnings fail too (`validate --strict`). */
  strict?: boolean;
}

export interface ValidatedFile {
  file: string;
  /** What `validate` says 通过 to: no error (nor, with `strict`, any warning). */
  ok: boolean;
  /** Every problem, in file order, placed (line and column) in the data file. */
  diagnostics: Diagnostic[];
  /** Each project's name as written (undefined where blank), to name the project of a diagnostic. */
  projectNames: Array<string | undefined>;
  /** The packet, when nothing in it is an error. */
  packet?: Packet;
}

/** `shenbao validate <input>`: a data file, or every data file in a folder, checked as build checks it. */
export async function validate(input: string, options: ValidateOptions = {}): Promise<ValidatedFile[]> {
  const files = await findDataFiles(input);
  const context = await contextOf(options);
  const results: ValidatedFile[] = [];
  for (const file of files) {
    const { loaded, locate } = await readPacketInput(file);
    // Every character against the font that will print it, as build checks it.
    const glyphs = checkPrintable(loaded, context, locate).diagnostics;
    const diagnostics = sortByPlace([...loaded.diagnostics, ...glyphs]);
    const ok = !hasErrors(diagnostics) && !(options.strict && diagnostics.length > 0);
    results.push({ file, ok, diagnostics, projectNames: loaded.projectNames, ...(!hasErrors(diagnostics) && loaded.packet && { packet: loaded.packet }) });
  }
  return results;
}

// ---- build -------------------------------------------------------------------------------------

export interface BuildPacketOptions extends FormOptions {
  /** The output folder; each data file is built into <out>/<data file's name>/. Default `out`. */
  out?: string;
  /** Build only these projects' forms (by name), and the 汇总表 again. */
  only?: readonly string[];
  /** Stamped into every file; default now. Fixed, the files are the same byte for byte. */
  date?: Date;
  /** Which files to write; default both. */
  format?: readonly OutputFormat[];
  /** The font the Word files name for Chinese text (default 宋体, SimSun). */
  docxFont?: string;
  /** Threads that make the forms (default 1); the files are the same for any number. */
  jobs?: number;
  /** Replace a packet folder another data file was built into. */
  replace?: boolean;
  /** Stops the build between two files; nothing of it is left in the output folder. */
  signal?: AbortSignal;
}

export interface BuiltPacket {
  /** The data file. */
  file: string;
  /** Where its files went (<out>/<name>/); absent when nothing was written. */
  packetDir?: string;
  /** Paths written, in order. */
  written: string[];
  /** Paths of shenbao's earlier files this build removed. */
  removed: string[];
  diagnostics: Diagnostic[];
  projectNames: Array<string | undefined>;
  /** No error: every project's form and the 汇总表 were built. */
  ok: boolean;
  /** The packet could not be built at all (its folder left as it was): why, and the exit code `build` gives. */
  failure?: { message: string; exitCode: number };
}

/**
 * `shenbao build <input>`: a data file, or every data file in a folder, to its packet folder. A
 * problem with the command as given (a file in the way, --only naming nothing) throws a UserError
 * before anything is written; a packet that then fails has its `failure`.
 */
export async function buildPacket(input: string, options: BuildPacketOptions = {}): Promise<BuiltPacket[]> {
  const files = await findDataFiles(input);
  const reports = await buildFiles(files, {
    outDir: options.out ?? 'out',
    only: options.only,
    templateDir: options.templates,
    fonts: chooseFonts(options.font, options.fontBold),
    creationDate: stampDate(options.date),
    formats: options.format,
    docxFonts: docxFonts(options.docxFont),
    jobs: threads(options.jobs),
    replace: options.replace,
    signal: options.signal,
  });
  return reports.map(({ file, packetDir, written, removed, diagnostics, loaded, ok, failure }) => ({
    file,
    ...(packetDir !== undefined && { packetDir }),
    written,
    removed,
    diagnostics,
    projectNames: loaded.projectNames,
    ok,
    ...(failure && { failure }),
  }));
}

// ---- render in memory --------------------------------------------------------------------------

export interface RenderOptions extends FormOptions {
  /**
   * Stamped into both files; default now (SOURCE_DATE_EPOCH is the command's: a program passes its
   * date). The same date gives the bytes `build --date` writes.
   */
  date?: Date;
  /** The font the Word file names for Chinese text (default 宋体, SimSun). */
  docxFont?: string;
}

export interface RenderedFiles {
  /** The PDF (PDF/A-3b, carrying its data and properties) as `build` writes it. */
  pdf: Uint8Array;
  /** The Word file as `build` writes it. */
  docx: Uint8Array;
  /** Warnings: the packet's, and (for a form) its project's. An error throws: see InvalidPacketError. */
  diagnostics: Diagnostic[];
}

/** The data cannot make what was asked for: every problem is in `diagnostics`, the errors in the message. */
export class InvalidPacketError extends UserError {
  override name = 'InvalidPacketError';
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(message);
  }
}

/**
 * One project's 申报表 (`projectIndex` from 0, in `packet.projects`), as `build` writes its NN-name.pdf
 * and .docx. The packet is validated as a data file is; a project with errors, or characters the
 * font lacks, throws an InvalidPacketError (build would not make it either).
 */
export async function renderForm(packet: Packet, projectIndex: number, options: RenderOptions = {}): Promise<RenderedFiles> {
  if (!Number.isInteger(projectIndex)) throw new UserError(`projectIndex 应是项目的序号（整数，从 0 数起），现在是「${String(projectIndex)}」`);
  const context = await contextOf(options);
  const { validation, diagnostics, unprintable } = checkPacket(packet, context);
  const project = validation.accepted.find((a) => a.number === projectIndex + 1 && !unprintable.has(projectIndex));
  const name = validation.projectNames[projectIndex];
  if (!validation.header || !project) {
    const what = projectIndex >= 0 && projectIndex < validation.projectNames.length ? `项目 ${projectIndex + 1}${name ? `「${name}」` : ''}` : undefined;
    if (!what) throw new InvalidPacketError(`数据里没有第 ${projectIndex + 1} 个项目（序号 ${projectIndex}，从 0 数起）：共 ${validation.projectNames.length} 个项目`, diagnostics);
    throw invalid(`数据有错误，不能生成${what}的申报表`, diagnostics, validation.projectNames);
  }
  const job = formJob(validation.header, project.project, projectIndex, { creationDate: stampDate(options.date) ?? new Date(), pdf: true, docx: true, docxFonts: docxFonts(options.docxFont) });
  const made = await makeForm(job, context.fonts, context.templates);
  // The packet's warnings and this project's (a form prints nothing else).
  const own = diagnostics.filter((d) => [undefined, projectIndex].includes(projectIndexOf(d)));
  return { pdf: made.pdf!.bytes, docx: made.docx!, diagnostics: own };
}

export interface WorkbookOptions {
  /** Stamped as the workbook's creation time; default now. */
  date?: Date;
}

/**
 * `shenbao xlsx [data] -o 填报.xlsx`: the fill-in workbook, empty (no packet) or holding `packet`,
 * which is validated as a data file is: one with errors throws an InvalidPacketError. validate,
 * build, extract and diff read the workbook back as its data.
 */
export async function renderWorkbook(packet?: Packet, options: WorkbookOptions = {}): Promise<Uint8Array> {
  const date = stampDate(options.date);
  if (packet === undefined) return writeWorkbook(undefined, date ? { date } : {});
  const validation = validatePacket(packet);
  if (!validation.packet) throw invalid('数据有错误，不能写成填报工作簿', validation.diagnostics, validation.projectNames);
  return writeWorkbook(validation.packet, date ? { date } : {});
}

export interface ServeOptions extends FormOptions {
  /** 0 (default): any free port. */
  port?: number;
  /** Default 127.0.0.1 (this machine only); 0.0.0.0 is refused. */
  host?: string;
}

/** A running `shenbao serve`: its address (with the token) and how to stop it. */
export interface ServedFolder {
  url: string;
  port: number;
  /** Requests under way finish, then the server stops. */
  close(): Promise<void>;
}

/** `shenbao serve [folder]`: the folder's data files in the browser, checked, saved and previewed. */
export async function serve(folder: string, options: ServeOptions = {}): Promise<ServedFolder> {
  const { startServer } = await import('./serve/server.js');
  const running = await startServer({ folder, port: options.port, host: options.host, templateDir: options.templates, fonts: chooseFonts(options.font, options.fontBold) });
  return { url: running.url, port: running.port, close: () => running.close() };
}

/** The 项目绩效目标汇总表, as `build` writes 汇总表.pdf and 汇总表.docx. Any error in the packet throws an InvalidPacketError. */
export async function renderSummary(packet: Packet, options: RenderOptions = {}): Promise<RenderedFiles> {
  const context = await contextOf(options);
  const { validation, diagnostics, glyphs } = checkPacket(packet, context);
  const whole = glyphs.length === 0 ? validation.packet : undefined;
  if (!whole) throw invalid('数据有错误，不能生成汇总表', diagnostics, validation.projectNames);
  const creationDate = stampDate(options.date) ?? new Date();
  const forms = await summaryForms(context, whole, new Map());
  const pdf = await bytesOf(summaryPdfChunks(context, whole, forms, creationDate));
  const docx = await bytesOf(summaryDocxChunks(context, whole, { creationDate, docxFonts: docxFonts(options.docxFont) }));
  return { pdf, docx, diagnostics };
}

function invalid(what: string, diagnostics: Diagnostic[], projectNames: ReadonlyArray<string | undefined>): InvalidPacketError {
  const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d, '数据', projectNames));
  return new InvalidPacketError([`${what}：`, ...errors].join('\n'), diagnostics);
}

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const all: Uint8Array[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

// ---- extract, diff -----------------------------------------------------------------------------

export interface ExtractOptions extends FormOptions {
  /** Gathering several files: the 汇总表's title, unit and year (else the files' own, which must agree). */
  title?: string;
  unit?: string;
  year?: number;
}

export interface Extracted {
  /** One 申报表's file, one 汇总表's, a fill-in workbook, or several files' forms gathered into one packet. */
  kind: 'form' | 'summary' | 'workbook' | 'gathered';
  /** What `extract` writes: a PDF's carried data exactly as carried, else the packet read; absent when the data cannot be taken. */
  json?: string;
  /** The data as read (before validation). */
  data?: Record<string, unknown>;
  /** The valid packet; absent when anything is an error. */
  packet?: Packet;
  /** The data validated as a data file is, each problem placed where its value was read. */
  diagnostics: Diagnostic[];
  projectNames: Array<string | undefined>;
  /**
   * Why the data cannot be taken (nothing is written): edits that cannot be read, a print other
   * than the data carried, files that disagree, a signed PDF changed since it was signed.
   */
  problems: Diagnostic[];
  /** Worth saying; the data was read. */
  notes: Diagnostic[];
}

/**
 * `shenbao extract <input..>`: a .docx or PDF shenbao made (edited in Word or WPS, or archived)
 * read back. Several files, a folder, or a title, unit or year given: their forms gathered into
 * one packet, in the order given.
 */
export async function extract(input: string | readonly string[], options: ExtractOptions = {}): Promise<Extracted> {
  const inputs = typeof input === 'string' ? [input] : [...input];
  const templates = await loadTemplates(options.templates);
  const fonts = chooseFonts(options.font, options.fontBold);
  const [{ extractFile, isPdfFile, isWordFile, isWorkbookFile, printedRefusal }, { formFiles, gatherForms }] = await Promise.all([
    import('./output/revision.js'),
    import('./output/gather.js'),
  ]);
  const refused = (file: string, read: ExtractedFile | undefined) => {
    const refusal = read && printedRefusal(read);
    return refusal ? [said(file, refusal)] : [];
  };
  // Said, and the command exits 1, but the data is still written: it is what the file holds now.
  const unsigned = (file: string, read: ExtractedFile | undefined) => (read?.unsigned ?? []).map((u) => said(file, u));
  const given = options.title !== undefined || options.unit !== undefined || options.year !== undefined;
  // A fill-in workbook is a packet of its own: read alone, never gathered with forms.
  const files = inputs.length === 1 && !given && isWorkbookFile(inputs[0]!) ? inputs : await formFiles(inputs);
  if (inputs.length === 1 && !given && files.length === 1 && files[0] === inputs[0]) {
    const file = files[0]!;
    if (!isWordFile(file) && !isPdfFile(file) && !isWorkbookFile(file))
      throw new UserError(`extract 读取 shenbao 生成的 Word 文件（.docx）、PDF 文件或填报工作簿（.xlsx），${file} 都不是`);
    const read = await extractFile(file, templates, fonts);
    const problems = [...read.problems.map((p) => said(file, p)), ...refused(file, read)];
    return {
      kind: read.kind,
      ...(problems.length === 0 && { json: read.embedded ?? `${JSON.stringify(read.packet ?? read.data, null, 2)}\n` }),
      ...(read.data && { data: read.data }),
      ...(read.packet && { packet: read.packet }),
      diagnostics: read.diagnostics,
      projectNames: read.projectNames,
      problems: [...problems, ...unsigned(file, read)],
      notes: read.notes.map((n) => said(file, n, 'warning')),
    };
  }
  const gathered = await gatherForms(files, { templates, fonts, title: options.title, unit: options.unit, year: options.year });
  const problems = [
    ...gathered.files.flatMap(({ file, read, problems }) => [...problems.map((p) => said(file, p)), ...refused(file, read)]),
    ...gathered.conflicts.map((c) => said('', c)),
  ];
  return {
    kind: 'gathered',
    ...(gathered.data && { json: `${JSON.stringify(gathered.packet ?? gathered.data, null, 2)}\n` }),
    ...(gathered.data && { data: gathered.data }),
    ...(gathered.packet && { packet: gathered.packet }),
    diagnostics: gathered.diagnostics.map((d) => d.diagnostic),
    projectNames: gathered.projectNames,
    problems: [...problems, ...gathered.files.flatMap(({ file, read }) => unsigned(file, read))],
    notes: gathered.files.flatMap(({ file, notes }) => notes.map((n) => said(file, n, 'warning'))),
  };
}

/** A reading problem still said as a line of text, as a diagnostic of its file. */
function said(file: string, problem: Diagnostic | string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return typeof problem === 'string' ? fileProblem('extract-refused', file, problem, { severity }) : problem;
}

export type { PacketChange, DataPath } from './extract/diff.js';

export interface Differences {
  /** Each difference: the project, the field, the old value and the new. */
  changes: PacketChange[];
  /** Each change as `diff` prints it. */
  lines: string[];
  /** What was compared with what, when a side is one form; a PDF whose print differs from its data. */
  notes: Diagnostic[];
}

/** `shenbao diff <old> <new>`: two data files, .docx or PDF files compared field by field. A side that cannot be read or has errors throws a UserError. */
export async function diff(before: string, after: string, options: FormOptions = {}): Promise<Differences> {
  const [{ comparablePacket }, { diffSides, formatChange }] = await Promise.all([import('./output/revision.js'), import('./extract/diff.js')]);
  const templates = await loadTemplates(options.templates);
  const fonts = chooseFonts(options.font, options.fontBold);
  const { changes, notes } = diffSides(await comparablePacket(before, templates, fonts), await comparablePacket(after, templates, fonts));
  return { changes, lines: changes.map(formatChange), notes };
}

// ---- verify, sign ------------------------------------------------------------------------------

export interface VerifyOptions extends FormOptions {
  /** Also read what each PDF prints and compare it with the data it carries (`verify --printed`). */
  printed?: boolean;
}

/** A PDF's signature, as verify and sign read it. */
export interface SignatureInfo {
  /** The signer's certificate's name; undefined if no certificate could be read. */
  signer?: string;
  certificate?: { issuer: string; fingerprint: string; selfSigned: boolean };
  signedAt?: Date;
  /** Why it does not hold; undefined when it does. */
  problem?: string;
  /** Bytes after the last byte signed: 0 when it covers the whole file. */
  appended: number;
}

export interface VerifiedFolder {
  /** A packet folder. */
  dir: string;
  /** Everything is as manifest.json records it (`verify` exits 0). */
  ok: boolean;
  /** Files with their recorded bytes. */
  intact: number;
  /** PDFs carrying the data the manifest records. */
  dataIntact: number;
  /** With `printed`: PDFs whose print reads back as the data they carry. */
  printedIntact?: number;
  /** Signatures that hold and cover their whole file. */
  signatures: Array<{ name: string; signature: SignatureInfo }>;
  /** Each file gone, altered, added, or carrying or printing other data (its place names the file). */
  findings: Diagnostic[];
  /** What could not be checked, and why (warnings: a folder archived without its data file still verifies). */
  remarks: Diagnostic[];
}

/** `shenbao verify <dir>`: a packet folder, or each packet folder of an output folder, against its manifest.json. */
export async function verify(dir: string, options: VerifyOptions = {}): Promise<VerifiedFolder[]> {
  const { verifyOutput } = await import('./output/verify.js');
  const printed = options.printed
    ? { templates: await loadTemplates(options.templates), fonts: await loadFonts(chooseFonts(options.font, options.fontBold)) }
    : undefined;
  const folders = await verifyOutput(dir, printed);
  return folders.map((f) => ({
    dir: f.dir,
    ok: f.findings.length === 0,
    intact: f.intact,
    dataIntact: f.dataIntact,
    ...(f.printedIntact !== undefined && { printedIntact: f.printedIntact }),
    signatures: f.signatures.map(({ name, check }) => ({ name, signature: check })),
    findings: f.findings,
    remarks: f.remarks ?? [],
  }));
}

export interface SignOptions {
  /** The certificate file (PKCS#12: .p12 or .pfx, with its private key). */
  p12: string;
  /** Its password (the command reads it from an environment variable). */
  password: string;
  /** Written into the signature (at most 200 characters each). */
  reason?: string;
  location?: string;
  /** The signing time; default now. */
  date?: Date;
}

export interface SignedFolder {
  /** The packet folder; undefined for a PDF outside one. */
  dir?: string;
  /**
   * Each PDF: signed; already signed (passed over); changed since it was built, missing, a link, or
   * not a file (none of these is signed).
   */
  outcomes: Array<{ kind: 'signed' | 'already' | 'changed' | 'missing' | 'link' | 'notFile'; file: string }>;
  /** manifest.json now records the signed files. */
  manifestUpdated: boolean;
  /** Why the folder was not signed, or not to the end; the exit code `sign` gives for it. */
  failure?: { message: string; exitCode: number };
  /** What was not signed, and why (a PDF changed since it was built, missing, …; the failure): errors. */
  problems: Diagnostic[];
  /** Nothing left unsigned: `sign` exits 0 only when every folder is ok. */
  ok: boolean;
}

/** `shenbao sign <input>`: a PDF, a packet folder's PDFs, or every packet folder's, signed (PAdES, still PDF/A-3b). */
export async function sign(input: string, options: SignOptions): Promise<SignedFolder[]> {
  if (typeof options?.p12 !== 'string' || options.p12 === '') throw new UserError('sign 要给出证书文件：{ p12: \'单位.p12\', password: … }');
  const [{ loadP12, readP12File }, { signPath }, { checkSignOptions }] = await Promise.all([
    import('./sign/cms.js'),
    import('./output/sign-folder.js'),
    import('./sign/sign.js'),
  ]);
  const texts = { reason: options.reason, location: options.location };
  checkSignOptions(texts);
  const signer = loadP12(await readP12File(options.p12), options.password, options.p12);
  const reports = await signPath(input, { signer, signedAt: stampDate(options.date) ?? new Date(), ...texts });
  return reports.map(({ dir, outcomes, manifestUpdated, failure, problems }) => ({
    ...(dir !== undefined && { dir }),
    outcomes: outcomes.map(({ kind, file }) => ({ kind, file })),
    manifestUpdated,
    ...(failure && { failure: { message: failure.message, exitCode: exitCodeOf(failure) } }),
    problems,
    ok: !failure && !hasErrors(problems),
  }));
}

// ---- shared ------------------------------------------------------------------------------------

/** Templates and fonts for one call, checked as build checks them. */
/**
 * The templates and fonts the options name, read and checked once per process (as the fonts always
 * were): a program making form after form read the template folder again for each (a warm
 * renderForm of the seed took 62 ms, 33 ms with this). A template folder changed on disk is read
 * again by a new process.
 */
const contexts = new Map<string, Promise<BuildContext>>();

function contextOf(options: FormOptions): Promise<BuildContext> {
  const resolved = (file: string | undefined) => (file === undefined ? null : path.resolve(file));
  const key = JSON.stringify([options.templates, options.font, options.fontBold].map(resolved));
  let context = contexts.get(key);
  if (!context) {
    context = createBuildContext({ templateDir: options.templates, fonts: chooseFonts(options.font, options.fontBold) });
    contexts.set(key, context);
    // A refusal (a missing template, a broken font) is said again next time, not remembered.
    context.catch(() => contexts.delete(key));
  }
  return context;
}

/** A date given to stamp the files with: one a PDF can carry (years 1–9999 in UTC), as `--date` is checked. */
function stampDate(date: Date | undefined): Date | undefined {
  if (date === undefined) return undefined;
  if (!(date instanceof Date) || !stampableDate(date)) throw new UserError(`date 不是可以写进文件的日期：应是公元 1 年到 9999 年（UTC）之间的 Date，现在是「${String(date)}」`);
  return date;
}

/** `jobs`, as `--jobs` is checked: 1 to 256 threads. */
function threads(jobs: number | undefined): number | undefined {
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1 && jobs <= 256)) throw new UserError(`jobs 应是 1 到 256 之间的整数（线程数），现在是「${String(jobs)}」`);
  return jobs;
}

function docxFonts(docxFont: string | undefined) {
  const name = docxFont?.trim();
  if (name === '') throw new UserError('docxFont 要写字体名，如 仿宋_GB2312');
  return name ? { eastAsia: name } : undefined;
}
