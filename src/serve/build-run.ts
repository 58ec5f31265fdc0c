// 生成全部: a data file of the folder, as saved on disk, built into <folder>/out as `shenbao build`
// builds it (planned and built by output/build.ts: staging, manifest, lock, foreign files left
// alone), its progress said line by line as build goes. One build at a time per server. Unlike the
// command, data with any error builds nothing: the page has shown the errors, and a packet
// folder with some forms missing is not what 生成全部 asks for.
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { hasErrors, sortByPlace } from '../model/diagnostic.js';
import { buildPacket, planBuild, type BuildContext, type BuildProgress } from '../output/build.js';
import { packetDirName } from '../output/names.js';
import { checkPrintable } from '../output/printable.js';
import { served, type ServedProblem } from './check.js';
import type { BuildLine } from './contract.js';

/** The output folder, in the served folder. */
export const OUT_DIR = 'out';

export class Builds {
  private running: { name: string; settled: Promise<void> } | undefined;

  constructor(
    private readonly folder: string,
    private readonly context: BuildContext,
  ) {}

  /** The data file being built now, if one is. */
  get current(): string | undefined {
    return this.running?.name;
  }

  /**
   * Builds data file `name` (at `file`), saying each line to `say`. Claimed at once, before any
   * await: a second call meanwhile finds `current` set. `signal` stops the build between two
   * files, nothing of it left in the output folder.
   */
  run(name: string, file: string, say: (line: BuildLine) => void, signal: AbortSignal): Promise<void> {
    if (this.running) throw new UserError(`正在生成 ${this.running.name}：请等它完成后再生成`);
    const settled = buildNow(this.folder, name, file, this.context, say, signal).finally(() => {
      this.running = undefined;
    });
    this.running = { name, settled };
    return settled;
  }

  /** Resolves when no build is under way (the server waits for it before it stops). */
  async idle(): Promise<void> {
    await this.running?.settled.catch(() => undefined);
  }
}

async function buildNow(folder: string, name: string, file: string, context: BuildContext, say: (line: BuildLine) => void, signal: AbortSignal): Promise<void> {
  const outDir = path.join(folder, OUT_DIR);
  const relative = (to: string) => path.relative(folder, to).split(path.sep).join('/');
  const failed = (error: string, problems: ServedProblem[] = []) => say({ type: 'failed', error, problems });
  // Nothing is written outside the folder: a link there (to anywhere) is not followed.
  for (const dir of [outDir, path.join(outDir, packetDirName(file))]) {
    const info = await lstat(dir).catch(() => undefined);
    if (info && !info.isDirectory()) return failed(`${relative(dir)} 不是文件夹（是链接或文件）：生成只写在这个文件夹里，请先把它移开或改名`);
  }
  try {
    const [plan] = await planBuild([file], { outDir });
    const { loaded, locate } = plan!;
    const problemOf = (d: Parameters<typeof served>[0]) => served(d, name, loaded.projectNames);
    const glyphs = checkPrintable(loaded, context, locate).diagnostics;
    const found = sortByPlace([...loaded.diagnostics, ...glyphs]);
    if (hasErrors(found)) return failed(`${name} 有错误，没有生成：请先改正`, found.map(problemOf));
    // A build that cannot go on (the folder locked by another build, a full disk) throws: said below.
    const report = await buildPacket(plan!, { outDir, onProgress: progressSaid(name, relative, say), signal }, context);
    say({ type: 'done', outDir: relative(report.packetDir!), files: report.written.map(relative), problems: report.diagnostics.map(problemOf) });
  } catch (error) {
    if (signal.aborted) return failed('生成已停止（浏览器断开了），输出文件夹保持原样');
    if (!(error instanceof UserError)) throw error;
    failed(error.message);
  }
}

/** Build's progress in words, as the command's lines say it (progress.ts), with how many files of all are written. */
function progressSaid(name: string, relative: (to: string) => string, say: (line: BuildLine) => void): (event: BuildProgress) => void {
  let done = 0;
  let total = 0;
  let summary: { format: string; placed: number } | undefined;
  const progress = (message: string) => say({ type: 'progress', done, total, message });
  return (event) => {
    switch (event.kind) {
      case 'start':
        total = event.total;
        return progress(`生成 ${name}（共 ${total} 个文件）`);
      case 'written':
        done = event.done;
        return progress(`写出 ${relative(event.output)}`);
      case 'summary':
        // Each form drawn into the 汇总表 PDF is an event; the first (placed 0) says it began.
        if (summary?.format === event.format && summary.placed === event.placed) return;
        summary = { format: event.format, placed: event.placed };
        if (event.format === 'docx') return progress('汇总表：Word 文件排版中…');
        return progress(event.placed === 0 ? `汇总表：排版 ${event.forms} 张申报表…` : `汇总表：已排入 ${event.placed}/${event.forms} 张申报表`);
      case 'commit':
        if (event.phase === 'begin') return progress(`换入 ${relative(event.packetDir)}…`);
        return;
      default:
        return;
    }
  };
}
