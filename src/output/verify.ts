// `shenbao verify <dir>`: is this the packet that was built? Every file manifest.json names is
// read again and hashed; a file it names that is gone, or whose size or SHA-256 differ, and a file
// it does not name, are each reported by name. Nothing is written or changed.
//
// Each PDF's data (the declaration it carries, render/pdf-archive.ts) is checked against the
// manifest as well: a PDF whose bytes changed (a viewer saved it again) may still carry the very
// data it was made from, and one that carries other data is said to.
//
// Each output is checked against the data it was made from as that data is now: the data file
// the manifest records (found from the folder, else where it was) is read and validated again, and
// each output's recorded data hash is compared with the hash the build would record for it now
// (a form: its packet's header with its project; the 汇总表: the packet). An output made from data
// that has changed since (a PDF kept by `build --format docx`, a form kept by --only) is named.
// Where the data file is gone, or the manifest does not say where it was, that is said instead.
//
// Each signed PDF's signatures are checked too (sign/signatures.ts): who signed and when, whether
// each holds, and whether it covers the file to its last byte. A signature that does not hold, or
// bytes appended after it, is a finding; an unsigned PDF is not (signing is optional).
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsFailure, fsStep, READ, UserError } from '../errors.js';
import { INPUT, readInput } from '../files.js';
import { isLockName } from './lock.js';
import { isStagingName } from './staging.js';
import { isSigningName } from './sign-folder.js';
import type { PDFDocument } from '@pdfme/pdf-lib';
import { embeddedSource, loadPdf, printedAgainstCarried, printedCheckLines } from '../extract/pdf.js';
import type { FormTemplates } from '../layout/templates.js';
import type { LoadedFonts } from '../render/fonts.js';
import { certificateLabel, readSignatures, signatureLabel, type SignatureCheck } from '../sign/signatures.js';
import { projectFileName, SUMMARY_FILE_NAME } from './names.js';
import { OUTPUT_FORMATS } from './formats.js';
import { readPacketInput } from './data-input.js';
import { formDataHash, MANIFEST_FILE, packetDataHash, readManifest, recordedDataFile, sha256, sha256File, type Manifest, type ManifestEntry } from './manifest.js';
import { fileProblem, type Diagnostic } from '../model/diagnostic.js';

export interface VerifyFinding extends Diagnostic {
  /**
   * missing: named but gone; altered: its bytes differ; added: not named (not shenbao's); data: a
   * PDF carries other data; signature: a PDF's signature does not hold, or bytes follow it;
   * printed: what a PDF prints differs from the data it carries (verify --printed); stale: an
   * output was made from data other than the data file's now.
   */
  kind: 'missing' | 'altered' | 'added' | 'incomplete' | 'data' | 'signature' | 'printed' | 'stale';
  /** The file, in the packet folder. */
  name: string;
}

/** Each kind's stable code (a printed check's own problems keep theirs: printed-differs, pdf-unprinted-text, …). */
const FINDING_CODE: Record<VerifyFinding['kind'], string> = {
  missing: 'file-missing',
  altered: 'file-altered',
  added: 'file-added',
  incomplete: 'folder-incomplete',
  data: 'data-differs',
  signature: 'signature-invalid',
  printed: 'printed-differs',
  stale: 'output-stale',
};

/** A finding about `file` (its path as the user gave the folder), `name` in the packet folder. */
const finding = (kind: VerifyFinding['kind'], name: string, file: string, message: string): VerifyFinding => ({
  ...fileProblem(FINDING_CODE[kind], file, message),
  kind,
  name,
});

export interface FolderVerification {
  dir: string;
  /** Absent where the folder could not be checked at all (its findings say why). */
  manifest?: Manifest;
  /** Files named by the manifest that are there with their recorded bytes. */
  intact: number;
  /** PDFs whose data (as they carry it) is the data the manifest records. */
  dataIntact: number;
  /** PDFs whose printed text reads back as the data they carry (verify --printed); undefined without. */
  printedIntact?: number;
  /** Signatures that hold and cover their whole file, by the PDF they are in. */
  signatures: Array<{ name: string; check: SignatureCheck }>;
  findings: VerifyFinding[];
  /** What could not be checked, and why (not findings: a folder archived without its data file still verifies). */
  remarks?: Diagnostic[];
}

/**
 * shenbao's own working names in a packet folder (its lock, a build's staging folder, sign's files
 * beside those it replaces): never findings. Anything else, `.shenbao-notes.pdf` too, is reported.
 */
const isWorkingName = (name: string) => isLockName(name) || isStagingName(name) || isSigningName(name);

/**
 * A packet folder (with manifest.json), or an output folder whose packet folders are each
 * verified; there, a folder without a manifest (deleted, or never shenbao's) is a finding too,
 * so that nothing is passed over in silence.
 */
/** What verify reads a PDF's printed text with (`--printed`): the templates and fonts the forms were made with. */
export interface PrintedCheck {
  templates: FormTemplates;
  fonts: LoadedFonts;
}

export async function verifyOutput(dir: string, printed?: PrintedCheck): Promise<FolderVerification[]> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    throw fsFailure(error, READ, dir);
  });
  if (!info.isDirectory()) throw new UserError(`${dir} 不是目录：verify 核对的是一个输出目录（含 ${MANIFEST_FILE}），或 build 的输出目录`);
  const own = await manifestOf(dir);
  if (own.manifest || own.unreadable) return [own.manifest ? await verifyFolder(dir, own.manifest, printed) : unreadable(dir, own.unreadable!)];
  const entries = await readdir(dir, { withFileTypes: true });
  const folders: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
    // Followed: a packet folder may be a symbolic link.
    if (!isWorkingName(entry.name) && (await stat(path.join(dir, entry.name)).catch(() => undefined))?.isDirectory()) folders.push(path.join(dir, entry.name));
  }
  const results: FolderVerification[] = [];
  for (const folder of folders) {
    const { manifest, unreadable: why } = await manifestOf(folder);
    if (manifest) results.push(await verifyFolder(folder, manifest, printed));
    else results.push(unreadable(folder, why ?? `没有 ${MANIFEST_FILE}：无法核对（不是 shenbao 生成的目录，或 ${MANIFEST_FILE} 被删除了）`));
  }
  if (!results.some((r) => r.manifest)) throw new UserError(`${dir} 里没有 ${MANIFEST_FILE}，也没有含 ${MANIFEST_FILE} 的子目录：不是 shenbao 的输出目录`);
  return results;
}

/** The folder's manifest, or why it cannot be read; neither where there is none. */
async function manifestOf(dir: string): Promise<{ manifest?: Manifest; unreadable?: string }> {
  try {
    const manifest = await readManifest(dir);
    return manifest ? { manifest } : {};
  } catch {
    return { unreadable: `${MANIFEST_FILE} 不是 shenbao 写的，或已损坏：无法核对这个目录` };
  }
}

const unreadable = (dir: string, why: string): FolderVerification => ({
  dir,
  intact: 0,
  dataIntact: 0,
  signatures: [],
  findings: [finding('incomplete', MANIFEST_FILE, path.join(dir, MANIFEST_FILE), why)],
});

async function verifyFolder(dir: string, manifest: Manifest, printed?: PrintedCheck): Promise<FolderVerification> {
  const findings: VerifyFinding[] = [];
  const where = (name: string) => path.join(dir, name);
  if (!manifest.complete) {
    const why =
      manifest.pending === 'sign'
        ? '上一次签名在替换文件时中断了，有的 PDF 已签名、有的还没有；再运行一次 shenbao sign 即可完成'
        : '上一次生成在替换文件时中断了，这个目录里新旧文件混在一起；请重新生成（生成时会先把上次的替换完成）';
    findings.push(finding('incomplete', MANIFEST_FILE, where(MANIFEST_FILE), why));
  }
  let intact = 0;
  let dataIntact = 0;
  let printedIntact = 0;
  const signatures: FolderVerification['signatures'] = [];
  const named = new Set<string>([MANIFEST_FILE]);
  // What the 汇总表 carries, and what each form carries: form NN must be the 汇总表's project NN.
  let summary: PacketData | undefined;
  const forms: Array<{ name: string; number: number; hash?: string; other: boolean }> = [];
  // PDFs without a signature that holds: in a folder where others are signed, each is named.
  const unsignedPdfs: string[] = [];
  // Files as recorded: checked against the data as it is now.
  const unchanged: ManifestEntry[] = [];
  // An interrupted swap names a file twice (before and after): it is intact as either.
  const versions = new Map<string, ManifestEntry[]>();
  for (const entry of manifest.files) versions.set(entry.name, [...(versions.get(entry.name) ?? []), entry]);
  for (const [name, candidates] of versions) {
    named.add(name);
    const file = where(name);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      findings.push(finding('missing', name, file, `缺少这个文件（${MANIFEST_FILE} 记着它，${candidates[0]!.size} 字节）`));
      continue;
    }
    // A PDF is read once, for its hash, its data and its signatures, and parsed once (a 汇总表 of
    // thousands of forms is large); anything else is hashed as a stream. A file whose size is none
    // recorded has changed, whatever it holds, and is not hashed. A PDF of another size is still
    // read for its data and its signatures (bytes appended after signing are named), unless it is
    // far larger than it was built: 900 MB in place of a 汇总表 is said to be changed unread.
    const sized = candidates.some((e) => e.size === info.size);
    const grown = info.size > 2 * Math.max(...candidates.map((e) => e.size)) + UNREAD_GROWTH;
    const bytes = isPdf(candidates[0]!) && (sized || !grown) ? await readInput(file, INPUT.pdf) : undefined;
    const pdf = bytes ? await loadPdf(bytes, file).catch((error: unknown) => (error instanceof UserError ? undefined : Promise.reject(error))) : undefined;
    const hash = bytes ? sha256(bytes) : sized ? await fsStep(READ, file, () => sha256File(file)) : undefined;
    const entry = candidates.find((e) => e.size === info.size && e.sha256 === hash) ?? candidates[0]!;
    const same = info.size === entry.size && hash === entry.sha256;
    if (same) unchanged.push(entry);
    // Every PDF's data is read, recorded in the manifest or not (an entry without it is not passed over).
    const carried = bytes ? carriedData(pdf, file, entry) : undefined;
    const data = carriesData(entry) ? carried?.state : undefined;
    if (data === 'same') dataIntact++;
    if (name === `${SUMMARY_FILE_NAME}.pdf`) {
      // The 汇总表 as built (its entry's data hash matching, or none recorded and its bytes as recorded).
      if (data === 'same' || (data === undefined && same)) summary = carried?.packet;
    } else if (bytes) {
      const number = /^(\d+)-/.exec(name)?.[1];
      // A form whose data differs from the manifest is said to below; here it is checked against the 汇总表 only once.
      if (number !== undefined) forms.push({ name, number: Number(number), hash: carried?.hash, other: data === 'other' || data === 'none' || !same });
    }
    if (!same) {
      const size = info.size === entry.size ? '大小相同，内容不同' : `大小 ${info.size} 字节，${entry.signed ? '签名后' : '生成时'} ${entry.size} 字节`;
      const inside = data === 'same' ? '；它内嵌的数据仍与生成时相同' : data === 'other' ? '；它内嵌的数据也已不同' : data === 'none' ? '；读不出它内嵌的数据' : '';
      findings.push(finding('altered', entry.name, file, `已被改动，与生成时不同（${size}${inside}）`));
    } else {
      intact++;
      if (data === 'other' || data === 'none') {
        findings.push(finding('data', entry.name, file, `内嵌的数据与 ${MANIFEST_FILE} 记的不同`));
      }
    }
    if (bytes && printed && carried?.packet) {
      const differences = printedAgainstData(pdf, file, name, carried.packet, printed);
      findings.push(...differences);
      if (differences.length === 0) printedIntact++;
    }
    if (bytes) {
      const signed = await signatureFindings(bytes, pdf, file, entry.name);
      findings.push(...signed.findings);
      signatures.push(...signed.holding);
      // shenbao signed these very bytes: a signature that is gone is a finding, not an unsigned PDF.
      if (same && entry.signed && signed.holding.length === 0 && signed.findings.length === 0) {
        findings.push(finding('signature', entry.name, file, `${MANIFEST_FILE} 记着它签过名，现在读不出签名`));
      }
      if (signed.holding.length === 0 && signed.findings.length === 0) unsignedPdfs.push(entry.name);
    }
  }
  // A form the manifest names but the folder lacks is reported missing already: not again against the 汇总表.
  const namedNumbers = [...versions.keys()].filter((name) => /\.pdf$/i.test(name)).map((name) => Number(/^(\d+)-/.exec(name)?.[1]));
  if (summary) findings.push(...formsAgainstSummary(summary, forms, new Set(namedNumbers), where));
  findings.push(...signingAcrossFolder(signatures, unsignedPdfs, where));
  // A swap cut short holds old versions by design: said above, not again file by file.
  const remarks: Diagnostic[] = [];
  if (manifest.complete) {
    const current = await currentData(dir, manifest);
    if ('remark' in current) remarks.push(current.remark);
    else {
      // A file named already (its data is not the 汇总表's, say) is not named again.
      const named = new Set(findings.map((f) => f.name));
      findings.push(...staleOutputs(current, unchanged, where).filter((f) => !named.has(f.name)));
      const unrecorded = unchanged.filter((e) => e.data === undefined).length;
      if (unrecorded > 0) {
        remarks.push(fileProblem('not-checked', dir, `有 ${unrecorded} 个文件 ${MANIFEST_FILE} 没有记下它是按什么数据生成的（较早的版本生成的），没有核对它是否按现在的数据生成`, { severity: 'warning' }));
      }
    }
  }
  const present = await readdir(dir, { withFileTypes: true });
  for (const entry of present.filter((e) => !named.has(e.name) && !isWorkingName(e.name)).sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
    const what = entry.isDirectory() ? '文件夹' : '文件';
    findings.push(finding('added', entry.name, where(entry.name), `多出来的${what}，${MANIFEST_FILE} 里没有它（不是这次生成的）`));
  }
  return { dir, manifest, intact, dataIntact, ...(printed ? { printedIntact } : {}), signatures, findings, ...(remarks.length > 0 ? { remarks } : {}) };
}

/** The data file's data now, as each output would record it if built now. */
interface CurrentData {
  file: string;
  /** By output name: the data hash a build now would record. */
  hashes: Map<string, string>;
  /** Every form name the data gives now, its project valid or not. */
  named: Set<string>;
}

/** The packet's current data: the data file the manifest records, read and validated as build does; or why it cannot be had. */
async function currentData(dir: string, manifest: Manifest): Promise<CurrentData | { remark: Diagnostic }> {
  const unchecked = (why: string) => ({ remark: fileProblem('not-checked', dir, `没有核对这些文件是否按现在的数据生成：${why}`, { severity: 'warning' }) });
  const { source } = manifest;
  if (source.path === undefined) return unchecked(`${MANIFEST_FILE} 没有记下数据文件在哪里（较早的版本生成的；重新生成一次就会记下）`);
  const file = await recordedDataFile(dir, source);
  if (file === undefined) return unchecked(`生成它们的数据文件 ${source.path} 已不在原处（移动、改名或删除了）`);
  let loaded;
  try {
    ({ loaded } = await readPacketInput(file));
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return unchecked(error.message);
  }
  const header = loaded.header;
  if (!header) return unchecked(`数据文件 ${file} 现在读不出，或其中的标题、单位、年度等有错误（用 shenbao validate ${file} 查看）`);
  const count = loaded.projectNames.length;
  const names = (number: number) => {
    const name = loaded.projectNames[number - 1];
    return name === undefined ? [] : OUTPUT_FORMATS.map((format) => projectFileName(number, count, name, format));
  };
  const hashes = new Map<string, string>();
  for (const { number, project } of loaded.accepted) {
    const data = formDataHash(header, project);
    for (const name of names(number)) hashes.set(name, data);
  }
  if (loaded.packet) {
    const data = packetDataHash(loaded.packet);
    for (const format of OUTPUT_FORMATS) hashes.set(`${SUMMARY_FILE_NAME}.${format}`, data);
  }
  const named = new Set(loaded.projectNames.flatMap((_, i) => names(i + 1)));
  return { file, hashes, named };
}

/** Each output (as recorded, bytes unchanged) whose data is not the data file's now, named with why. */
function staleOutputs(current: CurrentData, entries: readonly ManifestEntry[], where: (name: string) => string): VerifyFinding[] {
  const data = `数据文件 ${current.file} `;
  return entries.flatMap((entry): VerifyFinding[] => {
    if (entry.data === undefined) return [];
    const now = current.hashes.get(entry.name);
    if (now === entry.data) return [];
    const why =
      now !== undefined
        ? `与${data}现在的内容不一致（数据改过以后没有重新生成它，或它是按别的数据生成的）：请重新生成`
        : entry.name.startsWith(`${SUMMARY_FILE_NAME}.`)
          ? `${data}现在有错误，汇总表不能按它生成：请改正后重新生成`
          : current.named.has(entry.name)
            ? `${data}里这个项目现在有错误：请改正后重新生成`
            : `${data}里现在没有这个项目（删除、改名或换了位置）：请重新生成`;
    return [finding('stale', entry.name, where(entry.name), why)];
  });
}

const isPdf = (entry: ManifestEntry) => /\.pdf$/i.test(entry.name);

/** Past twice its recorded size and this much more, a PDF is not read back at all (only said to be changed). */
const UNREAD_GROWTH = 16 * 1024 * 1024;

/**
 * The PDF's printed text read back against the data it carries, as extract checks it
 * (extract/pdf.ts printedAgainstCarried): a page doctored while the data was left alone (an amount
 * printed other than carried, made invisible, covered) is named field by field, and text the PDF
 * holds but does not print is named; a print that cannot be read is a finding too.
 */
function printedAgainstData(pdf: PDFDocument | undefined, file: string, name: string, packet: PacketData, { templates, fonts }: PrintedCheck): VerifyFinding[] {
  // A PDF that carries data was parsed; `pdf` is there whenever `packet` is.
  const check = printedAgainstCarried(pdf!, file, packet, templates, fonts);
  return printedCheckLines(file, check).map((d) => ({ ...d, kind: 'printed' as const, name }));
}

/**
 * Form NN carries the 汇总表's project NN, and every project has its form: a form left from an
 * earlier build (build --only after the data changed), copied in, swapped with another, or gone
 * from the folder and the manifest both, is named.
 */
function formsAgainstSummary(
  summary: PacketData,
  forms: Array<{ name: string; number: number; hash?: string; other: boolean }>,
  named: ReadonlySet<number>,
  where: (name: string) => string,
): VerifyFinding[] {
  const { projects, ...header } = summary;
  const findings: VerifyFinding[] = [];
  for (const form of forms) {
    const project = projects[form.number - 1];
    if (project === undefined) {
      findings.push(finding('data', form.name, where(form.name), `${SUMMARY_FILE_NAME}.pdf 里只有 ${projects.length} 个项目，没有第 ${form.number} 个`));
    } else if (!form.other && form.hash !== formDataHash(header, project)) {
      const title = (project as { name?: unknown }).name;
      findings.push(
        finding(
          'data',
          form.name,
          where(form.name),
          `它内嵌的数据不是 ${SUMMARY_FILE_NAME}.pdf 里第 ${form.number} 个项目（${String(title)}）的：不是按汇总表的数据生成的（较早生成后留下的、与别的申报表对调了，或来自别的数据）`,
        ),
      );
    }
  }
  const numbers = new Set(forms.map((f) => f.number));
  projects.forEach((project, i) => {
    if (!numbers.has(i + 1) && !named.has(i + 1)) {
      findings.push(finding('missing', SUMMARY_FILE_NAME, where(`${SUMMARY_FILE_NAME}.pdf`), `第 ${i + 1} 个项目（${String((project as { name?: unknown }).name)}）没有申报表 PDF`));
    }
  });
  return findings;
}

/**
 * A folder signed is signed whole (`sign <dir>`), by one certificate: where a form is signed, a
 * PDF without a signature, or one signed with another certificate (perhaps of the same name), is
 * named. (The 汇总表 may be signed alone: it carries every form.)
 */
function signingAcrossFolder(signatures: FolderVerification['signatures'], unsigned: string[], where: (name: string) => string): VerifyFinding[] {
  if (signatures.length === 0) return [];
  const formsSigned = signatures.some(({ name }) => name !== `${SUMMARY_FILE_NAME}.pdf`);
  const findings: VerifyFinding[] = formsSigned
    ? unsigned.map((name) => finding('signature', name, where(name), '这个目录里别的 PDF 签了名，它没有签名'))
    : [];
  const byCertificate = new Map<string, string[]>();
  for (const { name, check } of signatures) {
    const key = check.certificate?.fingerprint ?? '';
    byCertificate.set(key, [...(byCertificate.get(key) ?? []), name]);
  }
  if (byCertificate.size > 1) {
    // The certificate most PDFs are signed with is the folder's; the others are named.
    const [main] = [...byCertificate].sort((a, b) => b[1].length - a[1].length)[0]!;
    for (const [fingerprint, names] of byCertificate) {
      if (fingerprint === main) continue;
      for (const name of names) {
        findings.push(finding('signature', name, where(name), `签名的证书（SHA-256 指纹 ${fingerprint}）与这个目录里别的 PDF 的（${main}）不同`));
      }
    }
  }
  return findings;
}

/** A PDF whose manifest entry records the data it was made from: its carried data can be compared. */
const carriesData = (entry: ManifestEntry) => entry.data !== undefined && isPdf(entry);

/** A PDF's signatures: those that hold and cover the file, and a finding for each that does not, or that bytes follow. */
async function signatureFindings(bytes: Buffer, pdf: PDFDocument | undefined, file: string, name: string): Promise<{ holding: FolderVerification['signatures']; findings: VerifyFinding[] }> {
  let checks: SignatureCheck[];
  try {
    checks = await readSignatures(bytes, pdf);
  } catch {
    return { holding: [], findings: [finding('signature', name, file, '读不出它的签名（PDF 已损坏）')] };
  }
  const findings: VerifyFinding[] = [];
  for (const check of checks) {
    if (check.problem) findings.push(finding('signature', name, file, `签名无效，${check.problem}（${[signatureLabel(check), certificateLabel(check)].filter(Boolean).join('；')}）`));
    if (check.appended > 0) {
      findings.push(finding('signature', name, file, `签名以后文件末尾又多了 ${check.appended} 字节，不在签名范围内（${signatureLabel(check)}）`));
    }
  }
  return { holding: findings.length === 0 ? checks.map((check) => ({ name, check })) : [], findings };
}

type PacketData = { $schema?: string; projects: unknown[] } & Record<string, unknown>;

/**
 * Whether a PDF carries the data its manifest entry records: 'same', 'other', or 'none' (no data
 * to be read from it); the data, and its hash as the build hashed it.
 */
function carriedData(pdf: PDFDocument | undefined, file: string, entry: ManifestEntry): { state: 'same' | 'other' | 'none'; packet?: PacketData; hash?: string } {
  try {
    const json = pdf && embeddedSource(pdf, file);
    if (json === undefined) return { state: 'none' };
    const packet = JSON.parse(json) as PacketData | null;
    if (packet === null || typeof packet !== 'object' || !Array.isArray(packet.projects)) return { state: 'other' };
    // A form carries its packet's header with its one project, the 汇总表 the packet: hashed as the build hashed them.
    const { projects, ...header } = packet;
    const form = entry.name !== `${SUMMARY_FILE_NAME}.pdf`;
    const hash = form ? (projects.length === 1 ? formDataHash(header, projects[0]) : undefined) : packetDataHash(packet);
    return { state: hash === entry.data ? 'same' : 'other', packet, hash };
  } catch {
    return { state: 'none' };
  }
}
