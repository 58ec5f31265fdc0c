#!/usr/bin/env node
// The command line: parse arguments, call the library, print, set the exit code. Nothing else.
//   exit 0: done (warnings allowed); 1: errors in the data (what could be built was built);
//   2: the command itself could not run (bad arguments, missing file, broken template);
//   130: interrupted (Ctrl-C), with the output folder left as it was.
import { writeFile } from 'node:fs/promises';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import {
  buildPacketFile,
  chooseFonts,
  createBuildContext,
  findDataFiles,
  formatDiagnostic,
  hasErrors,
  loadPacketFile,
  packetJsonSchema,
  type BuildProgress,
  type Diagnostic,
  UserError,
} from './index.js';

const EXIT_DATA_ERRORS = 1;
const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;

function printDiagnostics(file: string, diagnostics: Diagnostic[], projectNames: Array<string | undefined>): void {
  for (const d of diagnostics) console.error(formatDiagnostic(d, file, projectNames));
}

function countLine(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${errors} 个错误，${warnings} 条警告`;
}

function progress(event: BuildProgress): void {
  if (event.kind === 'start') console.error(`生成 ${event.file}（共 ${event.total} 个文件）`);
  else console.error(`  [${event.done}/${event.total}] ${event.output}`);
}

async function build(argv: {
  input: string;
  out: string;
  only?: string[];
  templates?: string;
  font?: string;
  fontBold?: string;
  date?: string;
}): Promise<number> {
  const creationDate = argv.date ? new Date(argv.date) : undefined;
  if (creationDate && Number.isNaN(creationDate.getTime())) {
    throw new UserError(`--date「${argv.date}」不是有效的时间，应如 2023-01-01T00:00:00Z`);
  }
  const files = await findDataFiles(argv.input);
  const fonts = chooseFonts(argv.font, argv.fontBold);
  const context = await createBuildContext({ templateDir: argv.templates, fonts });
  // Ctrl-C: stop after the current file; the build then removes what it had staged.
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  let failed = false;
  for (const file of files) {
    const report = await buildPacketFile(
      file,
      { outDir: argv.out, only: argv.only, creationDate, onProgress: progress, signal: interrupt.signal },
      context,
    );
    printDiagnostics(file, report.diagnostics, report.loaded.projectNames);
    console.error(`${file}：写出 ${report.written.length} 个文件，${countLine(report.diagnostics)}`);
    failed ||= !report.ok;
  }
  return failed ? EXIT_DATA_ERRORS : 0;
}

async function validate(argv: { input: string }): Promise<number> {
  let failed = false;
  for (const file of await findDataFiles(argv.input)) {
    const loaded = await loadPacketFile(file);
    printDiagnostics(file, loaded.diagnostics, loaded.projectNames);
    const ok = !hasErrors(loaded.diagnostics);
    console.error(`${file}：${ok ? '通过' : '未通过'}，${countLine(loaded.diagnostics)}`);
    failed ||= !ok;
  }
  return failed ? EXIT_DATA_ERRORS : 0;
}

async function schema(argv: { out?: string }): Promise<number> {
  if (argv.out) await writeFile(argv.out, packetJsonSchema());
  else process.stdout.write(packetJsonSchema());
  return 0;
}

async function main(): Promise<void> {
  let exitCode = 0;
  const run = (command: (argv: never) => Promise<number>) => async (argv: unknown) => {
    exitCode = await command(argv as never);
  };
  await yargs(hideBin(process.argv))
    .scriptName('shenbao')
    .locale('zh_CN')
    .usage('$0 <命令> [选项]\n\n由 JSON 数据生成 财政项目支出绩效目标申报表（PDF）和 项目绩效目标汇总表。')
    .command(
      'build <input>',
      '生成每个项目的申报表 PDF 和汇总表 PDF',
      (y) =>
        y
          .positional('input', { describe: '数据文件（.json），或包含数据文件的目录', type: 'string', demandOption: true })
          .option('out', { alias: 'o', describe: '输出目录；每个数据文件写到 <输出目录>/<数据文件名>/', type: 'string', default: 'out' })
          .option('only', {
            describe: '只生成这些项目名称的申报表（可给多个）；此时不生成汇总表，其他已有文件保留',
            type: 'string',
            array: true,
          })
          .option('templates', { describe: '使用自己的模板目录（含 declaration.hbs、summary.hbs），默认用自带模板', type: 'string' })
          .option('font', { describe: '正文字体 TrueType 文件（.ttf），默认自带的思源宋体 Noto Serif SC', type: 'string' })
          .option('font-bold', { describe: '标题用的粗体 TrueType 文件；只给 --font 时标题也用它', type: 'string' })
          .option('date', {
            describe: '写进 PDF 的创建时间（ISO 格式，如 2023-01-01T00:00:00Z）；固定它可使输出可重现，默认当前时间',
            type: 'string',
          })
          .example('$0 build data/minhang-2023.json -o out/', '生成 out/minhang-2023/ 下的 11 个 PDF')
          .example('$0 build data/minhang-2023.json --only 培训费', '只重新生成「培训费」的申报表'),
      run(build),
    )
    .command(
      'validate <input>',
      '只检查数据，列出所有错误和警告，不生成文件',
      (y) => y.positional('input', { describe: '数据文件（.json），或包含数据文件的目录', type: 'string', demandOption: true }),
      run(validate),
    )
    .command(
      'schema',
      '输出数据文件的 JSON Schema（编辑器用它补全和检查数据文件）',
      (y) => y.option('out', { alias: 'o', describe: '写到这个文件，默认输出到屏幕', type: 'string' }),
      run(schema),
    )
    .demandCommand(1, '请给出命令：build、validate 或 schema')
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .fail((message, error, y) => {
      if (error) throw error;
      console.error(`${y.help()}\n\n${message}`);
      process.exit(EXIT_USAGE);
    })
    .parseAsync();
  process.exitCode = exitCode;
}

main().catch((error: unknown) => {
  if (error instanceof Error && error.name === 'AbortError') {
    console.error('已中断：本次生成的文件都已删除，输出目录保持原样');
    process.exitCode = EXIT_INTERRUPTED;
    return;
  }
  console.error(error instanceof UserError ? error.message : error);
  process.exitCode = EXIT_USAGE;
});
