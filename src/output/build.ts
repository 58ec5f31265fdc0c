// One data file -> out/<packet>/: NN-<项目名称>.pdf per valid project and 汇总表.pdf when the
// whole packet is valid. Bad projects are reported and skipped; the others are still built.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hasErrors, type Diagnostic } from '../validate/diagnostic.js';
import { loadPacketFile, type LoadedPacket } from '../validate/validate.js';
import { declarationDocument, summaryDocument } from '../layout/forms.js';
import { loadTemplates, type FormTemplates } from '../layout/templates.js';
import type { GridSection } from '../layout/grid.js';
import { DEFAULT_FONTS, loadFonts, type FontFiles, type LoadedFonts } from '../render/fonts.js';
import { renderPdf } from '../render/pdf.js';
import { packetDirName, projectFileName, SUMMARY_FILE_NAME } from './names.js';
import { stageDirectory } from './staging.js';

export interface BuildOptions {
  outDir: string;
  /** Build only the projects with these names (the 汇总表 is then not built). */
  only?: readonly string[];
  templateDir?: string;
  fonts?: FontFiles;
  /** Stamped into the PDFs; defaults to now. */
  creationDate?: Date;
  onProgress?: (event: BuildProgress) => void;
  /** Stops the build between files (Ctrl-C); nothing of it is left in the output folder. */
  signal?: AbortSignal;
}

export type BuildProgress =
  | { kind: 'start'; file: string; total: number }
  | { kind: 'written'; file: string; output: string; done: number; total: number };

export interface BuildReport {
  file: string;
  loaded: LoadedPacket;
  /** out/<packet>/ */
  packetDir?: string;
  /** Paths written, in order. */
  written: string[];
  /** Validation diagnostics plus anything that went wrong while building. */
  diagnostics: Diagnostic[];
  ok: boolean;
}

/** Templates and fonts, loaded once and shared by every packet of a run. */
export interface BuildContext {
  templates: FormTemplates;
  fonts: LoadedFonts;
}

export async function createBuildContext(options: Pick<BuildOptions, 'templateDir' | 'fonts'> = {}): Promise<BuildContext> {
  const [templates, fonts] = await Promise.all([loadTemplates(options.templateDir), loadFonts(options.fonts ?? DEFAULT_FONTS)]);
  return { templates, fonts };
}

export async function buildPacketFile(file: string, options: BuildOptions, context?: BuildContext): Promise<BuildReport> {
  const loaded = await loadPacketFile(file);
  const diagnostics = [...loaded.diagnostics];
  const report = (extra: Partial<BuildReport> = {}): BuildReport => ({
    file,
    loaded,
    written: [],
    diagnostics,
    ok: !hasErrors(diagnostics),
    ...extra,
  });
  if (!loaded.header) return report();

  const { year } = loaded.header;
  const selected = selectProjects(loaded, options.only, diagnostics);
  const summaryWanted = !options.only && loaded.packet !== undefined;
  const total = selected.length + (summaryWanted ? 1 : 0);
  options.onProgress?.({ kind: 'start', file, total });

  const ctx = context ?? (await createBuildContext(options));
  const packetDir = path.join(options.outDir, packetDirName(file));
  const staging = await stageDirectory(packetDir, options.only !== undefined);
  const written: string[] = [];
  const pdfOptions = { fonts: ctx.fonts, creationDate: options.creationDate ?? new Date() };
  const emit = async (name: string, bytes: Uint8Array) => {
    options.signal?.throwIfAborted();
    await writeFile(path.join(staging.dir, name), bytes);
    written.push(path.join(packetDir, name));
    options.onProgress?.({ kind: 'written', file, output: path.join(packetDir, name), done: written.length, total });
  };

  try {
    // Each form as laid out for its own PDF goes into the 汇总表 as is: its pages break the same.
    const laidOutForms: GridSection[][] = [];
    for (const { number, project } of selected) {
      const form = declarationDocument(ctx.templates, project, year);
      const pdf = await renderPdf(form, { ...pdfOptions, title: project.name });
      laidOutForms.push(pdf.laidOut.sections);
      await emit(projectFileName(number, loaded.projectNames.length, project.name, 'pdf'), pdf.bytes);
    }
    if (summaryWanted && loaded.packet) {
      const summary = summaryDocument(ctx.templates, loaded.packet, laidOutForms);
      const pdf = await renderPdf(summary, { ...pdfOptions, title: loaded.packet.title });
      await emit(`${SUMMARY_FILE_NAME}.pdf`, pdf.bytes);
    } else if (!options.only) {
      diagnostics.push({
        severity: 'error',
        path: [],
        message: '汇总表未生成：数据中有错误的项目，汇总表不能缺项',
        hint: '改正上面列出的错误后重新生成',
        ruleId: 'summary-skipped',
      });
    }
    options.signal?.throwIfAborted();
    await staging.commit();
  } finally {
    await staging.discard();
  }
  return report({ packetDir, written });
}

function selectProjects(loaded: LoadedPacket, only: readonly string[] | undefined, diagnostics: Diagnostic[]) {
  if (!only) return loaded.accepted;
  const names = new Set(only);
  const known = new Set(loaded.projectNames.filter((name) => name !== undefined));
  for (const name of names) {
    if (!known.has(name))
      diagnostics.push({
        severity: 'error',
        path: [],
        message: `--only：没有名为「${name}」的项目`,
        hint: `项目名称有：${[...known].join('、')}`,
        ruleId: 'only-unknown',
      });
  }
  return loaded.accepted.filter(({ project }) => names.has(project.name));
}
