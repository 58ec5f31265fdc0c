// The commands as a user types them: parse arguments (yargs), call the library, print, return the
// exit code. No logic the library lacks. src/cli.ts runs this for a real process; tests call it
// directly with their own output and `isolate: false`.
import { access, constants, lstat, rename, stat, unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import yargs, { type Argv } from 'yargs';
import { z } from 'zod';
import { EnvironmentError, fsFailure, fsStep, notFoundMessage, READ, UserError } from './errors.js';
import { EXIT, exitCodeOf, isAbort } from './exit-codes.js';
import type { BuildOptions, BuildProgress, BuildReport } from './output/build.js';
import type { SignOutcome, SignReport } from './output/sign-folder.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output/formats.js';
import { findDataFiles } from './output/inputs.js';
import { packetDirName } from './output/names.js';
import { brokenLinkOn, brokenLinkText, InputRefused, linkAt, lookAt, readRegular, writeBeside, writeNewFile } from './files.js';
import { buildFilesIsolated } from './output/isolated.js';
import type { BuildThread } from './output/build-thread.js';
import { chooseFonts } from './render/font-files.js';
import { stampableDate } from './render/stamp-date.js';
import { unwritableMessage } from './model/text.js';
import { countProblems, fileProblem, hasErrors, problemJsonSchema, PROBLEMS_SCHEMA_TITLE, RefusedForProblems, type Diagnostic } from './model/diagnostic.js';
import { diagnosticLines, problemsDocument } from './validate/format.js';
import { durationText, progressDisplay, progressMode } from './progress.js';
import { SHENBAO_VERSION } from './version.js';
import { withoutHelpCache } from './yargs-adapter.js';

// What a command needs beyond this is loaded when it runs: a build in a worker thread (the real
// command) loads pdfmake, docx and the fonts there only, not here as well.
const library = {
  api: () => import('./library.js'),
  build: () => import('./output/build.js'),
  staging: () => import('./output/staging.js'),
  templates: () => import('./layout/templates.js'),
  fonts: () => import('./render/fonts.js'),
  fontFaces: () => import('./output/font-faces.js'),
  revision: () => import('./output/revision.js'),
  gather: () => import('./output/gather.js'),
  blank: () => import('./output/blank.js'),
  diff: () => import('./extract/diff.js'),
  schema: () => import('./model/json-schema.js'),
  init: () => import('./output/init.js'),
  dataInput: () => import('./output/data-input.js'),
  serve: () => import('./serve/server.js'),
  verify: () => import('./output/verify.js'),
  signer: () => import('./sign/cms.js'),
  sign: () => import('./output/sign-folder.js'),
  signPdf: () => import('./sign/sign.js'),
  signatures: () => import('./sign/signatures.js'),
};

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Run builds in a worker thread so that `signal` stops them at once (the real CLI). */
  isolate: boolean;
  /** With `isolate`: a build's thread started ahead (build-thread.ts), for the build to use. */
  buildThread?: BuildThread;
  /**
   * Ctrl-C / SIGTERM / SIGHUP for a build: an AbortSignal that fires with reason 'SIGINT', 'SIGTERM' or 'SIGHUP'.
   * Asked for only by build, so that the other commands (which write nothing, or write in one
   * step) keep the default: the process ends at once, even in the middle of synchronous work.
   */
  interrupts?: () => AbortSignal;
  /** The terminal stderr is, if it is one: builds then draw a progress bar on it. */
  terminal?: NodeJS.WriteStream;
  /**
   * Milliseconds since the process began (the real CLI: performance.now): with `terminal`, a
   * command that reads or writes forms ends with the time it took (用时 12.3 秒).
   */
  clock?: () => number;
}

/** Run one command line; never throws: every outcome is an exit code (see exit-codes.ts). */
export async function runCli(args: readonly string[], io: CliIO): Promise<number> {
  let exitCode: number = EXIT.ok;
  const run = (command: (argv: never, io: CliIO) => Promise<number>) => async (argv: unknown) => {
    exitCode = await command(argv as never, io);
    const { _: [name], quiet, json } = argv as { _: unknown[]; quiet?: boolean; json?: boolean };
    if (io.terminal && io.clock && TIMED_COMMANDS.has(String(name)) && !quiet && !json) io.stderr(`用时 ${durationText(io.clock())}\n`);
  };
  try {
    refuseSwitchValues(args);
    await parser(run)
      .fail((message, error) => {
        throw error ?? usageMessage(message, args);
      })
      .parseAsync([...args], {}, (_error, _argv, output) => {
        if (output) io.stdout(`${output}\n`);
      });
    return exitCode;
  } catch (error) {
    // --json promises one document on stdout: a command that cannot run says why there too.
    const refusal = error instanceof UsageMessage ? 'usage' : error instanceof EnvironmentError ? 'environment' : error instanceof UserError ? 'refused' : undefined;
    if (args.includes('--json') && error instanceof RefusedForProblems) printProblems(io, [error]);
    else if (args.includes('--json') && refusal) printProblems(io, [{ file: '', diagnostics: [fileProblem(refusal, undefined, (error as Error).message)] }]);
    if (error instanceof UsageMessage) {
      io.stderr(`${error.message}\n${error.help}\n`);
      return EXIT.usage;
    }
    return reportFailure(error, io);
  }
}

/** The options that are switches (type 'boolean' in the commands below). */
const SWITCHES = new Set(['quiet', 'json', 'replace', 'strict', 'problems', 'printed', 'open']);

/**
 * `--strict=yes` is read by yargs as not strict, silently: a switch takes no value but true or
 * false, and any other is refused rather than guessed.
 */
function refuseSwitchValues(args: readonly string[]): void {
  for (const arg of args) {
    const [, name, value] = /^--([a-z-]+)=(.*)$/s.exec(arg) ?? [];
    if (name === undefined || !SWITCHES.has(name) || value === 'true' || value === 'false') continue;
    throw usageMessage(`选项 --${name} 不带值：要它就写 --${name}，不要就不写（也可写 --${name}=true 或 --${name}=false），现在是「${arg}」`, args);
  }
}

/** The command line is not one shenbao takes: what is wrong, and where to read how it goes. */
class UsageMessage extends Error {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
  }
}

/** The commands that end with the time they took, on a terminal: those that read or write forms. */
const TIMED_COMMANDS = new Set(['build', 'validate', 'extract', 'diff', 'verify', 'sign']);

/**
 * What each command's positionals are, in the user's words, in order: a command line that lacks
 * some names them. (yargs says only how many it got; a command not listed gets that count.)
 */
const COMMAND_ARGUMENTS: Record<string, readonly string[]> = {
  build: ['数据文件（.json）或包含数据文件的目录'],
  validate: ['数据文件（.json）或包含数据文件的目录'],
  extract: ['要读回的 Word 文件（.docx）或 PDF 文件，可以给多个，或一个文件夹'],
  diff: ['原来的文件（.json、.docx 或 .pdf）', '修改后的文件（.json、.docx 或 .pdf）'],
  verify: ['输出目录（含 manifest.json）'],
  sign: ['要签名的 PDF 文件或输出目录'],
  schema: [],
  blank: [],
  init: [],
  fonts: ['字体文件或放字体的文件夹'],
  xlsx: [],
  serve: [],
};

/**
 * yargs' failures, in Chinese: its zh_CN leaves some in English and says "non-option 参数". Those
 * shenbao words itself, with what it knows and yargs does not (which argument is missing, which
 * word was typed for a command), yargs hands over coded: CODED, a name, then its values.
 */
const CODED = '\u0001';
const VALUE = '\u0002';
const coded = (name: string, values: number): string => [`${CODED}${name}`, ...Array.from({ length: values }, () => '%s')].join(VALUE);
const plural = (text: string) => ({ one: text, other: text });
const YARGS_CHINESE = {
  'Commands:': '命令：',
  'Options:': '选项：',
  'Examples:': '示例：',
  'Positionals:': '参数：',
  boolean: '是/否',
  count: '次数',
  string: '文字',
  number: '数字',
  array: '可以给多个',
  required: '必填',
  default: '默认',
  'default:': '默认：',
  'choices:': '可选：',
  'aliases:': '又写作：',
  'generated-value': '自动生成',
  command: '命令',
  deprecated: '已不再使用',
  'deprecated: %s': '已不再使用：%s',
  'Show help': '显示帮助',
  'Show version number': '显示版本号',
  'Not enough non-option arguments: got %s, need at least %s': plural(coded('missing', 2)),
  'Too many non-option arguments: got %s, maximum of %s': plural('参数太多：给了 %s 个，最多 %s 个'),
  'Missing argument value: %s': plural('选项后面要写值：%s'),
  'Missing required argument: %s': plural('缺少必填的选项：--%s'),
  'Unknown argument: %s': plural(coded('unknown-argument', 1)),
  'Unknown command: %s': plural(coded('unknown', 1)),
  'Invalid values:': '选项的值不对：',
  'Argument: %s, Given: %s, Choices: %s': '选项 --%s 给的是 %s，只能是 %s 之一',
  'Argument check failed: %s': '选项检查未通过：%s',
  'Implications failed:': '还缺要一起给的选项：',
  'Not enough arguments following: %s': '选项 --%s 后面的值不够',
  'Invalid JSON config file: %s': '配置文件不是有效的 JSON：%s',
  'Path to JSON config file': 'JSON 配置文件的路径',
  'Did you mean %s?': coded('suggest', 1),
  'Arguments %s and %s are mutually exclusive': '选项 --%s 和 --%s 不能同时给',
};

/** A yargs failure as the user reads it: coded ones worded here, naming what the command line lacks or mistyped. */
function usageMessage(message: string, args: readonly string[]): UsageMessage {
  const command = args.find((a) => !a.startsWith('-')) ?? '';
  const help = `请用 shenbao ${COMMAND_ARGUMENTS[command] ? `${command} ` : ''}--help 查看用法`;
  if (!message.startsWith(CODED)) return new UsageMessage(message, help);
  const [name, ...values] = message.slice(CODED.length).split(VALUE) as [string, ...string[]];
  if (name === 'suggest') return new UsageMessage(`未知命令 ${command}。是不是要用 ${values[0]}？`, help);
  if (name === 'unknown') return new UsageMessage(`未知命令 ${values[0]}`, '请用 shenbao --help 查看全部命令');
  if (name === 'unknown-argument') {
    // yargs names an option without its dashes: given back as it was typed.
    const keys = values[0]!.split(', ');
    // --foo-bar is reported twice, also as fooBar (yargs' camel-case alias): once is enough.
    const camel = (key: string) => key.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const typed = keys.filter((key) => !keys.some((other) => other !== key && camel(other) === key)).map((key) => args.find((a) => a === `--${key}` || a.startsWith(`--${key}=`) || a === `-${key}`)?.split('=')[0] ?? key);
    return new UsageMessage(`不认识的选项或参数：${[...new Set(typed)].join('、')}`, help);
  }
  const [got, need] = values.map(Number) as [number, number];
  const missing = COMMAND_ARGUMENTS[command]?.slice(got, need) ?? [];
  return new UsageMessage(missing.length > 0 ? `shenbao ${command} 缺少参数：${missing.join('；')}` : `shenbao ${command} 缺少参数：给了 ${got} 个，至少要 ${need} 个`, help);
}

function reportFailure(error: unknown, io: CliIO): number {
  const code = exitCodeOf(error);
  if (isAbort(error)) io.stderr('已中断：这次生成的文件都已删除，输出目录保持原样\n');
  else if (error instanceof UserError) io.stderr(`${error.message}\n`);
  else {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr(
      `shenbao 内部错误：这是程序的缺陷，不是您的数据或操作的问题。输出目录没有改动。\n` +
        `请把下面的内容和所用的数据文件一起发给维护者：\n${detail}\n`,
    );
  }
  return code;
}

function parser(run: (command: (argv: never, io: CliIO) => Promise<number>) => (argv: unknown) => Promise<void>): Argv {
  // Without the help text yargs renders before each command for nobody (yargs-adapter.ts).
  return withoutHelpCache(yargs())
    .scriptName('shenbao')
    .locale('zh_CN')
    .updateLocale(YARGS_CHINESE as unknown as Record<string, string>)
    .usage('$0 <命令> [选项]\n\n由 JSON 数据生成 财政项目支出绩效目标申报表和项目绩效目标汇总表（PDF 和 Word），并把改过的 Word 稿读回为数据。')
    .command(
      'build <input>',
      '生成每个项目的申报表和汇总表（PDF 和 Word）',
      (y) =>
        y
          .positional('input', { describe: '数据文件（.json），或包含数据文件的目录', type: 'string', demandOption: true })
          .option('out', {
            alias: 'o',
            describe: '输出目录；每个数据文件写到 <输出目录>/<数据文件名>/。shenbao 只替换它自己写的文件（记在其中的 manifest.json 里），不动其他文件',
            type: 'string',
            default: 'out',
          })
          .option('only', {
            describe: '只重新生成这个项目的申报表（写项目名称；多个项目就写多次：--only 甲 --only 乙），汇总表也随之重新生成；其他项目已有的申报表保留',
            type: 'string',
            array: true,
          })
          .option('templates', { describe: '使用自己的模板目录（含 declaration.hbs、summary.hbs），默认用自带模板', type: 'string' })
          .option('font', {
            describe: '正文字体文件（.ttf、.otf）；字体集合（.ttc、.otc）在文件名后用 # 写出其中的字体名，如 C:\\Windows\\Fonts\\simsun.ttc#SimSun（shenbao fonts 列出集合里的字体名）。默认自带的思源宋体 Noto Serif SC',
            type: 'string',
          })
          .option('font-bold', { describe: '标题用的粗体字体文件，写法同 --font；只给 --font 时标题也用它', type: 'string' })
          .option('date', {
            describe: '写进 PDF 和 Word 文件的创建时间，如 2023-01-01 或 2023-01-01T08:00:00+08:00；固定它可使输出逐字节可重现。不给时取环境变量 SOURCE_DATE_EPOCH（秒数），也没有时用当前时间',
            type: 'string',
          })
          .option('format', {
            describe: '输出哪些格式，用逗号分隔：pdf（定稿、归档）、docx（发给部门修改的 Word 稿）',
            type: 'string',
            default: 'pdf,docx',
          })
          .option('jobs', {
            alias: 'j',
            describe: `同时用几个线程生成申报表，默认为本机的 CPU 核数（${availableParallelism()}）；结果与 --jobs 1 完全相同；申报表少时不另开线程`,
            type: 'string',
            default: String(availableParallelism()),
          })
          .option('quiet', {
            alias: 'q',
            describe: '只打印问题（错误和警告），不显示进度',
            type: 'boolean',
            default: false,
          })
          .option('docx-font', {
            describe: 'Word 文件里中文用的字体名，如 仿宋_GB2312；默认 宋体（SimSun）。只写字体名，不嵌入字体',
            type: 'string',
          })
          .option('json', JSON_OPTION)
          .option('replace', {
            describe: '输出文件夹里是另一个数据文件生成的申报表时，也替换它们（默认拒绝：一个输出文件夹只属于一个数据文件）；数据文件改名或移动后重新生成时要加它',
            type: 'boolean',
            default: false,
          })
          .example('$0 build data/minhang-2023.json -o out/', '生成 out/minhang-2023/ 下的 11 个 PDF 和 11 个 Word 文件')
          .example('$0 build data/minhang-2023.json --format pdf', '只生成 PDF')
          .example('$0 build data/minhang-2023.json --only 培训费', '重新生成「培训费」的申报表和汇总表'),
      run(build),
    )
    .command(
      'validate <input>',
      '只检查数据，列出所有错误和警告，不生成文件',
      (y) =>
        y
          .positional('input', { describe: '数据文件（.json），或包含数据文件的目录', type: 'string', demandOption: true })
          .option('json', JSON_OPTION)
          .option('strict', { describe: '有警告也算不通过（退出码 1）', type: 'boolean', default: false })
          .option('templates', { describe: '按这个模板目录检查（与 build 相同），默认用自带模板', type: 'string' })
          .option('font', { describe: '按这个正文字体检查每个字能否印出（与 build 相同），默认 Noto Serif SC', type: 'string' })
          .option('font-bold', { describe: '按这个标题字体检查', type: 'string' }),
      run(validate),
    )
    .command(
      'schema',
      '输出数据文件的 JSON Schema（编辑器用它补全和检查数据文件）',
      (y) =>
        y
          .option('out', { alias: 'o', describe: '写到这个文件，默认输出到屏幕', type: 'string' })
          .option('problems', { describe: '改为输出各命令 --json 所印问题列表的 JSON Schema（即 schema/problem.schema.json）', type: 'boolean', default: false }),
      run(schema),
    )
    .command(
      'init [folder]',
      '在一个文件夹里写出开始用的文件：示例数据（一个示例项目，改成自己的）、数据格式 packet.schema.json 和 .vscode/settings.json（VS Code 据此补全、检查数据）；不覆盖已有文件',
      (y) =>
        y
          .positional('folder', { describe: '写到这个文件夹（没有就新建），默认当前文件夹', type: 'string', default: '.' })
          .option('year', { describe: `示例数据的年度，如 2027；默认明年（${new Date().getFullYear() + 1}）`, type: 'string' })
          .example('$0 init 申报2027 --year 2027', '新建文件夹 申报2027，写出 2027 年度的示例数据'),
      run(init),
    )
    .command(
      'serve [folder]',
      '在浏览器里打开一个文件夹的数据文件：按表单填写，边打字边检查（与 validate 相同），即时预览每个项目的申报表（与 build 相同），保存、下载、生成全部。只在本机（127.0.0.1）提供，地址里带着随机的口令，没有它打不开；按 Ctrl-C 停止',
      (y) =>
        y
          .positional('folder', { describe: '数据文件所在的文件夹，默认当前文件夹', type: 'string', default: '.' })
          .option('port', { describe: '端口，默认随便一个空闲的', type: 'string' })
          .option('host', { describe: '在这个地址上提供（默认 127.0.0.1，只有本机能打开）；写别的地址时，网络上的别人也能连上，请慎用', type: 'string' })
          .option('open', { describe: '启动后在默认浏览器里打开页面（环境变量 BROWSER 可指定别的浏览器）', type: 'boolean', default: false })
          .option('templates', { describe: '按这个模板目录预览，默认用自带模板', type: 'string' })
          .option('font', { describe: '按这个正文字体预览和检查，写法同 build 的 --font', type: 'string' })
          .option('font-bold', { describe: '标题用的粗体字体', type: 'string' })
          .example('$0 serve 申报2027', '打开 申报2027 文件夹，按打印出的地址在浏览器里打开')
          .example('$0 serve 申报2027 --open', '同上，并直接在浏览器里打开'),
      run(serve),
    )
    .command(
      'fonts <input>',
      '列出字体文件里的每个字体（.ttc 字体集合含几个），给出 --font 该写的名字，并检查它能否印申报表、缺哪些字',
      (y) =>
        y
          .positional('input', { describe: '字体文件（.ttf、.otf、.ttc、.otc），或放字体的文件夹，如 C:\\Windows\\Fonts', type: 'string', demandOption: true })
          .option('data', { describe: '也检查这个数据文件（.json）里的字', type: 'string' })
          .option('templates', { describe: '按自己的模板目录检查表上的字，默认用自带模板', type: 'string' })
          .example('$0 fonts C:\\Windows\\Fonts\\simsun.ttc', '宋体集合里有哪些字体，各该怎么写')
          .example('$0 fonts C:\\Windows\\Fonts --data 2027.json', '哪些字体印得出这个数据文件里的每个字'),
      run(fonts),
    )
    .command(
      'xlsx [input]',
      '写出填报用的 Excel 工作簿（.xlsx）：空白的，或装着一个数据文件的全部项目。各部门在 Excel/WPS 里一个项目一行、一个指标一行地填写，validate、build、extract、diff 都能直接读它',
      (y) =>
        y
          .positional('input', { describe: '要装进工作簿的数据文件（.json，或一个旧的填报工作簿 .xlsx）；不给时写出空白工作簿', type: 'string' })
          .option('out', { alias: 'o', describe: '写到这个 .xlsx 文件（不覆盖已有文件）', type: 'string', demandOption: '请用 -o 给出要写的工作簿文件名，如 -o 填报.xlsx' })
          .option('json', JSON_OPTION)
          .example('$0 xlsx -o 2027填报.xlsx', '写出空白的填报工作簿，发给各部门')
          .example('$0 xlsx data/minhang-2023.json -o 闵行2023.xlsx', '把数据文件的全部项目写进工作簿，在 Excel 里修改')
          .example('$0 build 2027填报.xlsx -o out/', '由填好的工作簿生成申报表和汇总表'),
      run(workbook),
    )
    .command(
      'extract <input..>',
      '把 shenbao 生成、部门在 Word/WPS 里修改过的申报表或汇总表（.docx）读回为数据文件（JSON），并检查数据；shenbao 生成的 PDF 读出其中嵌入的数据，没有嵌入数据的 PDF 按印出的文字读回。给出多个文件（或一个文件夹）时，把各部门的申报表按给出的顺序汇总成一个数据包',
      (y) =>
        y
          .positional('input', {
            describe: 'shenbao 生成的 Word 文件（.docx）或 PDF 文件：一张申报表或汇总表（包括 blank 生成、部门填好的空白申报表）；可以给多个，或一个文件夹（读其中的 .docx 和 .pdf，按文件名的自然顺序）',
            type: 'string',
            array: true,
            demandOption: true,
          })
          .option('out', { alias: 'o', describe: '写到这个 JSON 文件（不覆盖已有文件），默认输出到屏幕', type: 'string' })
          .option('json', { ...JSON_OPTION, describe: `${JSON_OPTION.describe}；这时读回的数据只写到 -o 给出的文件` })
          .option('title', { describe: '汇总多个文件时：汇总表标题；不给时各文件记着的标题必须相同', type: 'string' })
          .option('unit', { describe: '汇总多个文件时：单位；不给时各文件记着的单位必须相同', type: 'string' })
          .option('year', { describe: '汇总多个文件时：年度（如 2027）；不给时各申报表上印的年度必须相同', type: 'string' })
          .option('templates', { describe: '生成这个文件时用的模板目录，默认用自带模板', type: 'string' })
          .option('font', { describe: '按文字读 PDF 时：它印用的正文字体（与 build 的 --font 相同），用来分辨自动换行和原有的换行；默认 Noto Serif SC', type: 'string' })
          .option('font-bold', { describe: '按文字读 PDF 时：它印标题用的粗体', type: 'string' })
          .example('$0 extract 01-培训费.docx -o 修改稿.json', '读回部门改过的申报表')
          .example('$0 extract 汇总表.pdf -o 存档数据.json', '读出归档 PDF 里的数据')
          .example('$0 extract 收到的申报表/ -o 汇总.json', '把文件夹里各部门填好的申报表汇总成一个数据包'),
      run(extractCommand),
    )
    .command(
      'blank',
      '生成一张空白的申报表（Word），发给部门填写：标签齐全，值格空着，各组指标留有空行；填好后用 extract 读回',
      (y) =>
        y
          .option('out', { alias: 'o', describe: '写到这个 Word 文件（不覆盖已有文件），默认是当前文件夹里的这个文件名', type: 'string', default: BLANK_FILE })
          .option('unit', {
            describe: '单位名称：记在 Word 文件的自定义属性「单位」里，extract 读回时用；读回时汇总表标题写成「<单位><年度>年度项目绩效目标汇总表」（年度取表上印的）',
            type: 'string',
          })
          .option('title', { describe: '汇总表标题（记在自定义属性「汇总表标题」里）；不给时，读回时按单位和表上印的年度生成', type: 'string' })
          .option('year', { describe: `申报年度，印在标题下的年度一行，如 2027；默认明年（${new Date().getFullYear() + 1}）`, type: 'string' })
          .option('templates', { describe: '使用自己的模板目录（与 build 相同），默认用自带模板', type: 'string' })
          .option('docx-font', { describe: 'Word 文件里中文用的字体名，如 仿宋_GB2312；默认 宋体（SimSun）', type: 'string' })
          .example('$0 blank --unit 上海市闵行区地区工作办公室', '在当前文件夹写出 新项目.docx（明年的申报表）')
          .example('$0 blank --year 2027 -o 空白申报表.docx', '写出 2027 年度的空白申报表'),
      run(blank),
    )
    .command(
      'diff <old> <new>',
      '逐项列出两份数据（JSON，或 shenbao 生成的 .docx、PDF）的不同：项目、栏目、原值和新值；有不同时退出码为 1',
      (y) =>
        y
          .positional('old', { describe: '原来的数据文件（.json）、Word 文件（.docx）或 PDF 文件', type: 'string', demandOption: true })
          .positional('new', { describe: '修改后的数据文件、Word 文件或 PDF 文件', type: 'string', demandOption: true })
          .option('templates', { describe: '生成 Word 或 PDF 文件时用的模板目录，默认用自带模板', type: 'string' })
          .option('font', { describe: '比较 PDF 时：它印用的正文字体（与 build 的 --font 相同），用来核对 PDF 印出的文字；默认 Noto Serif SC', type: 'string' })
          .option('font-bold', { describe: '比较 PDF 时：它印标题用的粗体', type: 'string' })
          .option('json', { ...JSON_OPTION, describe: `${JSON_OPTION.describe}；每处不同是一条警告（code 为 diff-changed、diff-added、diff-removed）` })
          .example('$0 diff 原数据.json 存档/汇总表.pdf', '看归档的 PDF 与数据文件有没有不同')
          .example('$0 diff 原数据.json 修改稿.docx', '看部门改了哪些内容（有不同时退出码为 1）')
          .example('$0 diff 原数据.json 01-培训费.docx', '一张申报表只与数据包里的这个项目比较（按项目名称，或文件名的编号）'),
      run(diff),
    )
    .command(
      'verify <dir>',
      '核对输出目录：manifest.json 记下的每个文件是否还在、是否被改动，有没有多出的文件；有不符时退出码为 1',
      (y) =>
        y
          .positional('dir', { describe: '一个数据文件的输出目录（含 manifest.json），或 build 的输出目录（核对其中每个这样的目录）', type: 'string', demandOption: true })
          .option('printed', {
            describe: '再逐个读出每个 PDF 印出的文字，核对它与 PDF 内嵌的数据是否相同（找出只改了印出内容、没改数据的 PDF；每张申报表约多花 0.05 秒）',
            type: 'boolean',
            default: false,
          })
          .option('templates', { describe: '与 --printed 一起：生成时用的模板目录，默认用自带模板', type: 'string' })
          .option('font', { describe: '与 --printed 一起：生成时用的正文字体（与 build 的 --font 相同）', type: 'string' })
          .option('font-bold', { describe: '与 --printed 一起：生成时用的标题粗体', type: 'string' })
          .option('json', JSON_OPTION)
          .example('$0 verify out/minhang-2023', '核对归档的申报表和汇总表是否就是当初生成的')
          .example('$0 verify out/minhang-2023 --printed', '也核对每个 PDF 印出的内容与内嵌的数据相同'),
      run(verify),
    )
    .command(
      'sign <input>',
      '给 shenbao 生成的 PDF 加数字签名（PAdES，SHA-256），文件仍是 PDF/A-3b；签的是输出目录时，随之更新其中的 manifest.json',
      (y) =>
        y
          .positional('input', {
            describe: '一个 PDF 文件；或一个数据文件的输出目录（签 manifest.json 记着的每个 PDF），或 build 的输出目录（签其中每个这样的目录）',
            type: 'string',
            demandOption: true,
          })
          .option('p12', { describe: '签名用的证书文件（PKCS#12：.p12 或 .pfx，含私钥）', type: 'string', demandOption: true })
          .option('password-env', {
            describe: '证书文件的密码放在这个环境变量里（密码不写在命令行上，以免留在命令历史和进程列表里）',
            type: 'string',
            default: PASSWORD_ENV,
          })
          .option('reason', { describe: '签名的原因，写进签名，如 同意申报（最多 200 个字符）', type: 'string' })
          .option('location', { describe: '签名的地点，写进签名，如 上海（最多 200 个字符）', type: 'string' })
          .option('date', {
            describe: '签名时间，如 2023-01-01T08:00:00+08:00（写了时间没写时区按北京时间）；不给时取环境变量 SOURCE_DATE_EPOCH，也没有时用当前时间',
            type: 'string',
          })
          .option('json', JSON_OPTION)
          // Only to refuse it with a message that says what to do instead.
          .option('password', { type: 'string', hidden: true })
          .example(`${PASSWORD_ENV}=… $0 sign out/minhang-2023 --p12 单位.p12`, '签目录里 shenbao 生成的每个 PDF，并更新 manifest.json')
          .example('$0 sign 汇总表.pdf --p12 单位.p12 --password-env P12_PASSWORD --reason 同意申报', '签一个 PDF，密码取自环境变量 P12_PASSWORD'),
      run(sign),
    )
    .demandCommand(1, '请给出命令：build、validate、xlsx、extract、blank、diff、verify、sign、schema、init、serve 或 fonts')
    // --only takes one name each time (--only 甲 --only 乙), so a data file after it stays the input.
    .parserConfiguration({ 'greedy-arrays': false })
    .check((argv) => {
      // An option typed with nothing after it (last, or before another option) reads as '': said,
      // not taken as the default. Those with a wording of their own are said by their command.
      for (const [key, value] of Object.entries(argv)) {
        if (value === '' && key.length > 1 && !/[A-Z]/.test(key) && !OWN_EMPTY_WORDING.has(key)) throw new UserError(`选项 --${key} 后面要写值`);
      }
      for (const key of ['out', 'templates', 'font', 'font-bold', 'date', 'json', 'strict', 'format', 'docx-font', 'jobs', 'quiet', 'p12', 'password-env', 'reason', 'location', 'title', 'unit', 'year']) {
        if (Array.isArray(argv[key])) throw new UserError(`选项 --${key} 只能给一次`);
      }
      // Options shenbao writes into a file or names one with: what a file (and XML) can hold, before
      // any work. --reason and --location are checked with the signature (sign/sign.ts).
      for (const [key, option, use] of WRITTEN_OPTIONS) {
        const problem = typeof argv[key] === 'string' ? unwritableMessage(option, argv[key], use) : undefined;
        if (problem) throw new UserError(problem);
      }
      return true;
    })
    .strict()
    .strictCommands()
    .recommendCommands()
    .help('help', '显示帮助')
    .alias('help', 'h')
    .version('version', '显示 shenbao 的版本号', SHENBAO_VERSION)
    .alias('version', 'v')
    .wrap(100);
}

/** Options (and positionals) whose command says itself what an empty value lacks (--only 后面要写项目名称…). */
const OWN_EMPTY_WORDING = new Set(['only', 'docx-font', 'out', 'date', 'title', 'unit', 'year', 'password', 'input', 'old', 'new', 'dir', 'folder']);

/** The options written into a file (a Word file's font name, a packet's title) or naming one (-o), as typed. */
const WRITTEN_OPTIONS: ReadonlyArray<[key: string, option: string, use: string]> = [
  ['out', '-o', '不能用在文件名里'],
  ['docx-font', '--docx-font', '不能写进 Word 文件'],
  ['title', '--title', '不能写进文件'],
  ['unit', '--unit', '不能写进文件'],
];

const countLine = (diagnostics: readonly Diagnostic[]): string => {
  // Those left out of a long list (its last line) counted too.
  const { errors, warnings } = countProblems(diagnostics);
  return `${errors} 个错误，${warnings} 条警告`;
};

/** Errors one by one; many warnings of one kind in one line (validate/format.ts). */
function printDiagnostics(io: CliIO, file: string, diagnostics: readonly Diagnostic[], projectNames: ReadonlyArray<string | undefined>): void {
  for (const line of diagnosticLines(diagnostics, file, projectNames)) io.stderr(`${line}\n`);
}

/** `--json`: the one document every command prints on stdout (schema/problem.schema.json). */
function printProblems(io: CliIO, found: Parameters<typeof problemsDocument>[0]): void {
  io.stdout(`${JSON.stringify(problemsDocument(found), null, 2)}\n`);
}

/**
 * The problems a command finds: printed as they come (stderr, many warnings of a kind in one line),
 * or with --json kept for the one document printed at the end (stdout).
 */
function problemSink(io: CliIO, json: boolean) {
  const found: Array<{ file: string; diagnostics: readonly Diagnostic[]; projectNames?: ReadonlyArray<string | undefined> }> = [];
  return {
    add(file: string, diagnostics: readonly Diagnostic[], projectNames: ReadonlyArray<string | undefined> = [], print = (line: string) => io.stderr(line)) {
      if (json) found.push({ file, diagnostics, projectNames });
      else for (const line of diagnosticLines(diagnostics, file, projectNames)) print(`${line}\n`);
    },
    end() {
      if (json) printProblems(io, found);
    },
  };
}

const JSON_OPTION = {
  describe: '把问题以 JSON 输出到标准输出（一个 JSON 文档：{"problems": [{severity, code, message, hint, project, path, field, place}]}，格式见 schema/problem.schema.json），供其他程序读取',
  type: 'boolean',
  default: false,
} as const;

const ISO_DATE = z.union([z.iso.date(), z.iso.datetime({ offset: true, local: true })]);

/** --date: a real calendar date (2023-02-30 is refused, not rolled over to March). */
/**
 * SOURCE_DATE_EPOCH (reproducible-builds.org): the time, in whole seconds since 1970-01-01 UTC,
 * that a command writes into its files when no --date is given, so that two runs give the same
 * bytes. Unset or empty: undefined. Anything else is refused, not ignored: a build meant to be
 * reproducible would silently not be.
 */
export function sourceDate(env: NodeJS.ProcessEnv = process.env): Date | undefined {
  const text = env.SOURCE_DATE_EPOCH?.trim();
  if (text === undefined || text === '') return undefined;
  const date = new Date(Number(text) * 1000);
  // Up to 9999-12-31, the last date a PDF's date can hold.
  if (!/^\d{1,12}$/.test(text) || !stampableDate(date)) {
    throw new UserError(`环境变量 SOURCE_DATE_EPOCH 的值「${env.SOURCE_DATE_EPOCH}」不是有效的时间：应是从 1970-01-01 00:00:00（UTC）起的秒数，一个整数，如 1700000000；不需要时请删去这个环境变量`);
  }
  return date;
}

function creationDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  // A time without an offset is Beijing time, whatever the machine's time zone: the same bytes everywhere.
  const date = new Date(/T[^Z+-]*$/.test(text) ? `${text}+08:00` : text);
  if (!ISO_DATE.safeParse(text).success || !stampableDate(date)) {
    throw new UserError(`--date「${text}」不是有效的日期，应如 2023-01-01 或 2023-01-01T08:00:00+08:00（公元 1 年到 9999 年，按 UTC 计）`);
  }
  return date;
}

/** --format pdf,docx: each known, at least one. */
function outputFormats(text: string): OutputFormat[] {
  const asked = text.split(/[,，\s]+/).map((f) => f.trim().toLowerCase()).filter((f) => f !== '');
  const unknown = asked.filter((f) => !(OUTPUT_FORMATS as readonly string[]).includes(f));
  if (unknown.length > 0 || asked.length === 0) {
    throw new UserError(`--format「${text}」：只能是 ${OUTPUT_FORMATS.join('、')}，或用逗号连起来，如 --format pdf,docx`);
  }
  return OUTPUT_FORMATS.filter((f) => asked.includes(f));
}

async function build(
  argv: { input: string; out: string; only?: string[]; templates?: string; font?: string; fontBold?: string; date?: string; format: string; docxFont?: string; jobs: string; quiet: boolean; replace: boolean; json: boolean },
  io: CliIO,
): Promise<number> {
  const date = creationDate(argv.date) ?? sourceDate();
  const formats = outputFormats(argv.format);
  const docxFont = argv.docxFont?.trim();
  if (docxFont === '') throw new UserError('--docx-font 后面要写字体名，如 --docx-font 仿宋_GB2312');
  const jobs = Number(argv.jobs);
  if (!/^\d+$/.test(argv.jobs.trim()) || jobs < 1 || jobs > 256) {
    throw new UserError(`--jobs 应是 1 到 256 之间的整数（线程数），现在是「${argv.jobs}」`);
  }
  if (argv.out.trim() === '') throw new UserError('-o 后面要写输出目录，如 -o out');
  // A link to a folder is an output folder like any; a link to nowhere is said as one.
  const outLink = await fsStep(READ, argv.out, () => brokenLinkOn(argv.out));
  if (outLink) {
    const where = outLink.link === path.normalize(argv.out) ? '' : `${argv.out} 中的 `;
    const fix = outLink.loop ? '请改好这些链接' : '请先建好这个文件夹';
    throw new UserError(`-o ${where}${brokenLinkText(outLink)}：${fix}，或用 -o 换一个输出目录`);
  }
  const files = await findDataFiles(argv.input);
  const options = {
    outDir: argv.out,
    only: argv.only,
    templateDir: argv.templates,
    fonts: chooseFonts(argv.font, argv.fontBold),
    creationDate: date,
    formats,
    docxFonts: docxFont ? { eastAsia: docxFont } : undefined,
    jobs,
    replace: argv.replace,
    signal: io.interrupts?.(),
  };
  // Each data file's report is printed the moment it is done, so a later failure or Ctrl-C never
  // hides what happened to the files before it.
  const done: BuildReport[] = [];
  const problems = problemSink(io, argv.json);
  const staged = new Set<string>(); // files whose output was being written
  const swapped = new Set<string>(); // files whose new output is in place, reported or not yet
  const display = progressDisplay(progressMode(argv.quiet, io.terminal), io.stderr, io.terminal, io.clock);
  const onProgress = (event: BuildProgress) => {
    if (event.kind === 'staging') staged.add(event.file);
    if (event.kind === 'commit' && event.phase === 'end') swapped.add(event.file);
    if (event.kind !== 'report') return display.show(event);
    display.pause();
    done.push(event.report);
    printReport(io, event.report, argv.quiet, problems);
  };
  const run = io.isolate
    ? (data: readonly string[], buildOptions: BuildOptions) => buildFilesIsolated(data, buildOptions, io.buildThread)
    : (await library.build()).buildFiles;
  try {
    await run(files, { ...options, onProgress });
  } catch (error) {
    display.pause();
    if (!isAbort(error)) throw error;
    const { interruptedSwapPending } = await library.staging();
    const folders = await Promise.all(
      files.map(async (file): Promise<InterruptedFolder> => {
        const report = done.find((r) => r.file === file);
        const dir = report?.packetDir ?? path.join(argv.out, packetDirName(file));
        if (swapped.has(file) || report?.packetDir !== undefined) return { dir, state: 'swapped' };
        // Stopped while finishing an earlier build's interrupted swap: the folder is still half swapped.
        if (staged.has(file) && (await interruptedSwapPending(dir))) return { dir, state: 'unfinished' };
        return { dir, state: report ? 'unchanged' : staged.has(file) ? 'discarded' : 'not begun' };
      }),
    );
    io.stderr(interruptedLines((error as Error).message, folders));
    problems.end();
    return exitCodeOf(error);
  }
  problems.end();
  return Math.max(EXIT.ok, ...done.map((r) => r.failure?.exitCode ?? (r.ok ? EXIT.ok : EXIT.dataErrors)));
}

interface InterruptedFolder {
  dir: string;
  /** swapped: this build's files are in place (a swap under way is finished before the build stops). */
  state: 'swapped' | 'discarded' | 'not begun' | 'unchanged' | 'unfinished';
}

const UNFINISHED = '上一次被中断的生成还没有换入完成，这次没能把它完成：下次生成会先完成它（在此之前 verify 会指出）';

/** What a stopped build left, folder by folder: the new files, or the folder as it was. */
function interruptedLines(signal: string, folders: readonly InterruptedFolder[]): string {
  const stopped = signal === 'SIGHUP' ? '已中断（终端已关闭）' : '已中断';
  const changed = folders.filter((f) => f.state === 'swapped').length;
  if (folders.length === 1) {
    const [{ dir, state }] = folders as [InterruptedFolder];
    if (state === 'swapped') return `${stopped}：这次生成的文件已全部换入 ${dir}\n`;
    if (state === 'not begun') return `${stopped}：输出目录保持原样（还没有开始写文件）\n`;
    if (state === 'unfinished') return `${stopped}：${UNFINISHED}\n`;
    return `${stopped}：这次生成的文件都已删除，输出目录保持原样\n`;
  }
  const line: Record<InterruptedFolder['state'], string> = {
    swapped: '这次生成的文件已全部换入',
    discarded: '保持原样，这次生成的文件都已删除',
    'not begun': '保持原样（还没有开始写文件）',
    unchanged: '保持原样',
    unfinished: UNFINISHED,
  };
  const summary =
    changed === 0
      ? '这次生成的文件都已删除，输出目录保持原样'
      : changed === folders.length
        ? `${changed} 个输出文件夹都已换入这次生成的文件`
        : `${changed} 个输出文件夹已换入这次生成的文件，其余保持原样`;
  return `${folders.map(({ dir, state }) => `${dir}：${line[state]}\n`).join('')}${stopped}：${summary}\n`;
}

function printReport(io: CliIO, report: BuildReport, quiet = false, sink = problemSink(io, false)): void {
  sink.add(report.file, report.diagnostics, report.loaded.projectNames);
  if (report.failure) {
    sink.add(report.file, [report.failure.diagnostic]);
    io.stderr(`${report.file}：未能生成，输出文件夹保持原样，${countLine(report.diagnostics)}\n`);
    return;
  }
  if (quiet && report.diagnostics.length === 0) return;
  const removed = report.removed.length > 0 ? `，删除 ${report.removed.length} 个旧文件` : '';
  const outcome = report.packetDir === undefined ? '输出文件夹未改动' : `写出 ${report.written.length} 个文件${removed}`;
  io.stderr(`${report.file}：${outcome}，${countLine(report.diagnostics)}\n`);
}

async function validate(
  argv: { input: string; json: boolean; strict: boolean; templates?: string; font?: string; fontBold?: string },
  io: CliIO,
): Promise<number> {
  // The library's validate: the same check as build, every character against the font that will print it.
  const { validate: validateFiles } = await library.api();
  const results = await validateFiles(argv.input, { templates: argv.templates, font: argv.font, fontBold: argv.fontBold, strict: argv.strict });
  if (argv.json) printProblems(io, results);
  else
    for (const { file, ok, diagnostics, projectNames } of results) {
      printDiagnostics(io, file, diagnostics, projectNames);
      io.stderr(`${file}：${ok ? '通过' : '未通过'}，${countLine(diagnostics)}\n`);
    }
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.dataErrors;
}

/** `schema -o` replaces only a schema shenbao wrote (a data file names the schema on its first line: easy to mistype). */
async function refuseForeign(out: string): Promise<void> {
  const { SCHEMA_TITLE } = await library.schema();
  await refuseLink(out);
  // Not a link (refused above): read as what it is, a FIFO never waited on; a file larger than
  // any schema is not one of ours.
  const existing = await readRegular(out, { limit: MAX_SCHEMA_BYTES }).catch((error: unknown) => {
    if (error instanceof InputRefused) return error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fsFailure(error, READ, out);
  });
  if (existing === undefined) {
    const found = await fsStep(READ, out, () => lookAt(out));
    if (found.kind === 'directory') throw new UserError(`-o ${out} 是一个文件夹，请写一个文件名，如 -o ${path.join(out, 'packet.schema.json')}`);
    if (found.kind === 'special') throw new UserError(`-o ${out} 不是普通文件（是命名管道、设备等）：shenbao 不会写到它。请换一个文件名`);
    if (found.kind !== 'missing') throw new UserError(`${out} 已存在：shenbao 不会覆盖它。请换一个文件名，或先把它移走`);
    return;
  }
  let ours = false;
  try {
    const title = existing instanceof InputRefused ? undefined : (JSON.parse(existing.toString('utf8')) as { title?: unknown }).title;
    ours = title === SCHEMA_TITLE || title === PROBLEMS_SCHEMA_TITLE;
  } catch {
    // not JSON: not ours
  }
  if (!ours) throw new UserError(`${out} 已存在，而且不是 shenbao 输出的 JSON Schema（是数据文件吗？）：不会覆盖它。请换一个文件名，或先把它移走`);
}

/** More than the schema shenbao writes (about 35 KB) by far: a larger file at `schema -o` is not one. */
const MAX_SCHEMA_BYTES = 1024 * 1024;

interface ExtractArgs {
  input: string[];
  json: boolean;
  out?: string;
  templates?: string;
  font?: string;
  fontBold?: string;
  title?: string;
  unit?: string;
  year?: string;
}

/** One file read back as today; several files, a folder, or a packet field given: gathered into one packet. */
async function extractCommand(argv: ExtractArgs, io: CliIO): Promise<number> {
  // With --json, stdout carries the problems: the data needs a file of its own.
  if (argv.json && argv.out === undefined) throw new UserError('extract --json 时请用 -o 写明数据写到哪个文件，如 -o 数据.json：标准输出用来输出问题列表（JSON）');
  const [first, ...rest] = argv.input;
  const given = argv.title !== undefined || argv.unit !== undefined || argv.year !== undefined;
  const folder = rest.length === 0 && (await stat(first!).catch(() => undefined))?.isDirectory();
  if (rest.length === 0 && !given && !folder) return extract({ ...argv, input: first! }, io);
  return extractMany(argv, io);
}

/** Many departments' forms into one packet; nothing is written when a file is refused or the files conflict. */
async function extractMany(argv: ExtractArgs, io: CliIO): Promise<number> {
  const [{ formFiles, gatherForms }, { loadTemplates }, { printedRefusal }] = await Promise.all([library.gather(), library.templates(), library.revision()]);
  const fields = { title: textOption('title', argv.title), unit: textOption('unit', argv.unit), year: argv.year === undefined ? undefined : yearOption(argv.year) };
  const files = await formFiles(argv.input);
  if (argv.out !== undefined) await refuseExisting(argv.out);
  const gathered = await gatherForms(files, { templates: await loadTemplates(argv.templates), fonts: chooseFonts(argv.font, argv.fontBold), ...fields });
  let refused = 0;
  const sink = problemSink(io, argv.json);
  for (const { file, read, problems, notes } of gathered.files) {
    sink.add(file, [...problems, ...notes]);
    if (problems.length > 0) refused += 1;
    const refusal = read && printedRefusal(read);
    if (refusal) io.stderr(`${file}：${refusal}\n`);
    else if (read && problems.length > 0) io.stderr(`${file}：有 ${problems.length} 处修改无法读取\n`);
    else if (read) io.stderr(`${file}：读回${read.kind === 'summary' ? '汇总表' : '申报表'}，${(read.data?.projects as unknown[] | undefined)?.length ?? 0} 个项目\n`);
  }
  sink.add('', gathered.conflicts);
  if (!gathered.data) {
    const why = [...(refused > 0 ? [`${refused} 个文件读不回`] : []), ...(gathered.conflicts.length > 0 ? [`${gathered.conflicts.length} 处冲突`] : [])];
    io.stderr(`汇总 ${files.length} 个文件：${why.join('，')}，没有写出数据\n`);
    sink.end();
    return EXIT.dataErrors;
  }
  const label = argv.out ?? '汇总的数据';
  // Each in the file its project was read from (one at a time: the files alternate).
  for (const { file, diagnostic } of gathered.diagnostics) sink.add(file ?? label, [diagnostic], gathered.projectNames);
  const json = `${JSON.stringify(gathered.packet ?? gathered.data, null, 2)}\n`;
  if (argv.out === undefined) {
    if (!argv.json) io.stdout(json);
  } else await writeNewFile(argv.out, json);
  const diagnostics = gathered.diagnostics.map((d) => d.diagnostic);
  const count = (gathered.data.projects as unknown[]).length;
  io.stderr(`汇总 ${files.length} 个文件的 ${count} 个项目${argv.out ? `，写到 ${argv.out}` : ''}，${countLine(diagnostics)}\n`);
  sink.end();
  const unsigned = gathered.files.some((f) => f.read?.unsigned);
  return hasErrors(diagnostics) || unsigned ? EXIT.dataErrors : EXIT.ok;
}

/** Where `blank` writes unless told: the current folder. */
const BLANK_FILE = '新项目.docx';

async function blank(argv: { out: string; unit?: string; title?: string; year?: string; templates?: string; docxFont?: string }, io: CliIO): Promise<number> {
  const made = sourceDate() ?? new Date();
  const year = argv.year === undefined ? made.getFullYear() + 1 : yearOption(argv.year);
  const unit = textOption('unit', argv.unit);
  const title = textOption('title', argv.title);
  const docxFont = textOption('docx-font', argv.docxFont);
  if (argv.out.trim() === '') throw new UserError(`-o 后面要写文件名，如 -o ${BLANK_FILE}`);
  await refuseExisting(argv.out);
  const [{ blankForm }, { loadTemplates }] = await Promise.all([library.blank(), library.templates()]);
  const bytes = await blankForm({ year, unit, title, templates: await loadTemplates(argv.templates), creationDate: made, fonts: docxFont ? { eastAsia: docxFont } : undefined });
  await writeNewFile(argv.out, bytes);
  io.stderr(`${argv.out}：空白申报表（${year}年度${unit !== undefined ? `，${unit}` : ''}），发给部门填写；填好后用 shenbao extract ${argv.out} 读回\n`);
  return EXIT.ok;
}

/** --year: a four-digit year the packet can take. */
function yearOption(text: string): number {
  const year = Number(text.trim());
  if (!/^\d{4}$/.test(text.trim()) || year < 2000 || year > 2100) throw new UserError(`--year 应是 2000 到 2100 之间的年份，如 2027，现在是「${text}」`);
  return year;
}

/** A text option given blank is a slip: said, not taken as no value. */
function textOption(name: string, text: string | undefined): string | undefined {
  if (text !== undefined && text.trim() === '') throw new UserError(`--${name} 后面要写内容，现在是空的`);
  return text?.trim();
}

async function workbook(argv: { input?: string; out: string; json: boolean }, io: CliIO): Promise<number> {
  if (argv.out.trim() === '') throw new UserError('-o 后面要写文件名，如 -o 填报.xlsx');
  if (!/\.xlsx$/i.test(argv.out)) throw new UserError(`-o ${argv.out}：工作簿的文件名要以 .xlsx 结尾，如 -o 填报.xlsx`);
  await refuseExisting(argv.out);
  const [{ renderWorkbook }, { readPacketInput }] = await Promise.all([library.api(), library.dataInput()]);
  const made = sourceDate();
  if (argv.input === undefined) {
    await writeNewFile(argv.out, await renderWorkbook(undefined, made ? { date: made } : {}));
    io.stderr(`${argv.out}：空白的填报工作簿，发给各部门填写；填好后用 shenbao validate ${argv.out} 检查、shenbao build ${argv.out} 生成\n`);
    return EXIT.ok;
  }
  await fsStep(READ, argv.input, () => access(argv.input!, constants.R_OK));
  const { loaded } = await readPacketInput(argv.input);
  const problems = problemSink(io, argv.json);
  problems.add(argv.input, loaded.diagnostics, loaded.projectNames);
  if (!loaded.packet) {
    problems.end();
    io.stderr(`${argv.input}：有错误，没有写出工作簿：请先改正上面的错误\n`);
    return EXIT.dataErrors;
  }
  await writeNewFile(argv.out, await renderWorkbook(loaded.packet, made ? { date: made } : {}));
  problems.end();
  io.stderr(`${argv.out}：填报工作簿，${loaded.packet.projects.length} 个项目、${loaded.packet.projects.reduce((n, p) => n + p.indicators.length, 0)} 个绩效指标\n`);
  return EXIT.ok;
}

async function extract(argv: { input: string; out?: string; templates?: string; font?: string; fontBold?: string; json: boolean }, io: CliIO): Promise<number> {
  const [{ isWordFile, isPdfFile, isWorkbookFile, extractFile, printedRefusal }, { loadTemplates }] = await Promise.all([library.revision(), library.templates()]);
  if (!isWordFile(argv.input) && !isPdfFile(argv.input) && !isWorkbookFile(argv.input))
    throw new UserError(`extract 读取 shenbao 生成的 Word 文件（.docx）、PDF 文件或填报工作簿（.xlsx），${argv.input} 都不是`);
  if (argv.out !== undefined) await refuseExisting(argv.out);
  const read = await extractFile(argv.input, await loadTemplates(argv.templates), chooseFonts(argv.font, argv.fontBold));
  const fromText = isPdfFile(argv.input) && read.embedded === undefined;
  const problems = problemSink(io, argv.json);
  if (read.problems.length > 0) {
    problems.add(argv.input, read.problems);
    const refusal = printedRefusal(read);
    const what = fromText ? '处按 PDF 上的文字读不回' : isWorkbookFile(argv.input) ? '个单元格无法读取' : '处修改无法读取';
    io.stderr(`${argv.input}：${refusal ?? `有 ${read.problems.length} ${what}`}，没有写出数据\n`);
    problems.end();
    return EXIT.dataErrors;
  }
  const said = [...read.notes, ...(read.unsigned ?? [])];
  problems.add(argv.input, said);
  problems.add(argv.input, read.diagnostics, read.projectNames);
  // A PDF's embedded data exactly as it carries it; the valid packet read from forms has the
  // schema's key order; data with errors is written as read, to be fixed.
  const json = read.embedded ?? `${JSON.stringify(read.packet ?? read.data, null, 2)}\n`;
  // With --json, stdout is the problems' document: the data is written only to -o.
  if (argv.out === undefined) {
    if (!argv.json) io.stdout(json);
  } else await writeNewFile(argv.out, json);
  const kind = read.kind === 'summary' ? '汇总表' : '申报表';
  const count = (read.data?.projects as unknown[] | undefined)?.length ?? 0;
  const how =
    read.embedded !== undefined ? `读出 PDF 里嵌入的数据（${kind}）` : isWorkbookFile(argv.input) ? '读回填报工作簿' : fromText ? `PDF 里没有嵌入的数据，按 PDF 上印出的文字读回${kind}` : `读回${kind}`;
  io.stderr(`${argv.input}：${how}，${count} 个项目${argv.out ? `，写到 ${argv.out}` : ''}，${countLine([...said, ...read.diagnostics])}\n`);
  problems.end();
  return hasErrors(read.diagnostics) || read.unsigned ? EXIT.dataErrors : EXIT.ok;
}

async function diff(argv: { old: string; new: string; templates?: string; font?: string; fontBold?: string; json: boolean }, io: CliIO): Promise<number> {
  const [{ comparablePacket }, { diffSides, formatChange, changeProblem }, { loadTemplates }] = await Promise.all([library.revision(), library.diff(), library.templates()]);
  const templates = await loadTemplates(argv.templates);
  const fonts = chooseFonts(argv.font, argv.fontBold);
  const before = await comparablePacket(argv.old, templates, fonts);
  const after = await comparablePacket(argv.new, templates, fonts);
  const { changes, notes } = diffSides(before, after);
  const problems = problemSink(io, argv.json);
  problems.add(argv.new, notes);
  // A difference is a warning (neither side is wrong); without --json printed as it always was, on stdout.
  if (argv.json) problems.add(argv.new, changes.map((change) => changeProblem(change, { old: argv.old, new: argv.new })));
  else for (const change of changes) io.stdout(`${formatChange(change)}\n`);
  problems.end();
  io.stderr(changes.length === 0 ? `${argv.old} 和 ${argv.new} 的内容相同\n` : `共 ${changes.length} 处不同\n`);
  return changes.length === 0 ? EXIT.ok : EXIT.dataErrors;
}

async function verify(argv: { dir: string; printed: boolean; templates?: string; font?: string; fontBold?: string; json: boolean }, io: CliIO): Promise<number> {
  const [{ verifyOutput }, { signatureLabel, certificateLabel }] = await Promise.all([library.verify(), library.signatures()]);
  // Reading printed text needs the templates and fonts the forms were made with: loaded only then.
  const printed = argv.printed
    ? await (async () => {
        const [{ loadTemplates }, { loadFonts }] = await Promise.all([library.templates(), library.fonts()]);
        return { templates: await loadTemplates(argv.templates), fonts: await loadFonts(chooseFonts(argv.font, argv.fontBold)) };
      })()
    : undefined;
  const folders = await verifyOutput(argv.dir, printed);
  let problems = 0;
  const sink = problemSink(io, argv.json);
  for (const { dir, manifest, intact, dataIntact, printedIntact, signatures, findings, remarks } of folders) {
    // Findings on stdout, as they always were; what could not be checked on stderr.
    sink.add(dir, findings, [], (line) => io.stdout(line));
    sink.add(dir, remarks ?? []);
    problems += findings.length;
    if (!manifest) continue;
    for (const { name, check } of signatures) {
      io.stderr(`${path.join(dir, name)}：签名有效，覆盖到文件的最后一个字节（${signatureLabel(check)}；${certificateLabel(check)}）\n`);
    }
    const signedFiles = new Set(signatures.map((s) => s.name)).size;
    const signed = signedFiles > 0 ? `，${signedFiles} 个 PDF 的签名有效` : '';
    const printedLine = printedIntact !== undefined ? `，${printedIntact} 个 PDF 印出的内容与内嵌的数据相同` : '';
    const made = `由 ${manifest.source.file}（SHA-256 ${manifest.source.sha256.slice(0, 12)}…）生成${manifest.versions ? `，shenbao ${manifest.versions.shenbao}` : ''}，${dataIntact} 个 PDF 内嵌的数据与之相符${printedLine}${signed}`;
    io.stderr(
      findings.length === 0
        ? `${dir}：${intact} 个文件都与 manifest.json 相符（${made}）\n`
        : `${dir}：${intact} 个文件相符，${findings.length} 处不符（${made}）\n`,
    );
  }
  sink.end();
  return problems === 0 ? EXIT.ok : EXIT.dataErrors;
}

/** Where `sign` reads the P12's password from unless told otherwise. */
const PASSWORD_ENV = 'SHENBAO_P12_PASSWORD';

async function sign(
  argv: { input: string; p12: string; passwordEnv: string; reason?: string; location?: string; date?: string; password?: unknown; json: boolean },
  io: CliIO,
): Promise<number> {
  if (argv.password !== undefined) {
    throw new UserError(
      `sign 不接受写在命令行上的密码（--password）：命令行会留在命令历史和进程列表里。请把密码放进环境变量，用 --password-env 指出变量名（默认 ${PASSWORD_ENV}）`,
    );
  }
  const signedAt = creationDate(argv.date) ?? sourceDate() ?? new Date();
  const variable = argv.passwordEnv.trim();
  // Not echoed: what was given may be the password itself.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw new UserError(`--password-env 后面应是环境变量的名字（字母、数字、下划线），不是密码本身：请把密码放进一个环境变量，在这里写它的名字（默认 ${PASSWORD_ENV}）`);
  }
  const password = process.env[variable];
  if (password === undefined) {
    throw new UserError(`环境变量 ${variable} 没有设置：请把证书文件 ${argv.p12} 的密码放进它，或用 --password-env 指出放密码的环境变量`);
  }
  const [{ loadP12, readP12File }, { signPath, outcomeProblem, failureProblem }, { checkSignOptions }, { signatureLabel }] = await Promise.all([
    library.signer(),
    library.sign(),
    library.signPdf(),
    library.signatures(),
  ]);
  const texts = { reason: argv.reason, location: argv.location };
  checkSignOptions(texts);
  const signer = loadP12(await readP12File(argv.p12), password, argv.p12, `环境变量 ${variable}`);
  const label = signatureLabel({ signer: signer.name, signedAt });
  let exitCode: number = EXIT.ok;
  // Each file or packet folder is printed the moment it is done.
  const sink = problemSink(io, argv.json);
  const print = ({ dir, outcomes, manifestUpdated, resumed, failure, problems }: SignReport) => {
    if (resumed && dir !== undefined) {
      io.stderr(`${path.join(dir, 'manifest.json')}：上一次签名在换入签好的文件时中断了；已按文件夹里现有的文件补全 manifest.json，接着签其余的 PDF\n`);
    }
    for (const outcome of outcomes) {
      if (outcome.kind === 'signed') io.stderr(`${outcome.file}：已签名（${label}）\n`);
      else if (outcome.kind === 'already') io.stderr(`${outcome.file}：已有签名（${signatureLabel(outcome.signatures[0]!)}），没有再签\n`);
      // Each file not signed, where it stands among those signed (with --json, in the document).
      else if (!argv.json) sink.add(outcome.file, [outcomeProblem(outcome)!]);
    }
    if (failure && !argv.json) sink.add(dir ?? argv.input, [failureProblem(failure)]);
    if (argv.json) sink.add(dir ?? argv.input, problems);
    const count = (...kinds: SignOutcome['kind'][]) => outcomes.filter((o) => kinds.includes(o.kind)).length;
    const left = count('changed', 'missing', 'link', 'notFile');
    exitCode = Math.max(exitCode, failure ? exitCodeOf(failure) : EXIT.ok, left > 0 ? EXIT.dataErrors : EXIT.ok);
    if (dir === undefined) return;
    if (failure && count('signed') === 0 && !manifestUpdated) {
      io.stderr(`${dir}：因上面的问题没有签名，这个文件夹里的文件都没有改动\n`);
      return;
    }
    const already = count('already') > 0 ? `，${count('already')} 个已有签名` : '';
    const rest = failure ? '；因上面的问题，其余的 PDF 没有签' : '';
    io.stderr(`${dir}：签名 ${count('signed')} 个 PDF${already}${left > 0 ? `，${left} 个没有签名` : ''}${manifestUpdated ? '，manifest.json 已随之更新' : ''}${rest}\n`);
  };
  await signPath(argv.input, { signer, signedAt, ...texts }, print);
  sink.end();
  return exitCode;
}

/** Never write over a file the user has: extract's output must be a new file. */
async function refuseExisting(out: string): Promise<void> {
  // lstat, not a read: the file is only looked at, and a dangling link counts as taken too.
  const found = await lstat(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw fsFailure(error, READ, out);
  });
  if (found?.isDirectory()) throw new UserError(`-o ${out} 是一个文件夹，请写一个文件名，如 -o ${path.join(out, '修改稿.json')}`);
  await refuseLink(out);
  if (found) throw new UserError(`${out} 已存在：shenbao 不会覆盖它。请换一个文件名，或先把它移走`);
}

/** `-o` naming a symbolic link, to a file or to nowhere: nothing is written through it, nor over it. */
async function refuseLink(out: string): Promise<void> {
  const link = await fsStep(READ, out, () => linkAt(out));
  if (!link) return;
  const what = link.dangling ? `指向的 ${link.target} 不存在（链接已失效）` : `指向 ${link.target}`;
  throw new UserError(`-o ${out} 是一个符号链接，${what}：shenbao 不经由链接写文件，也不替换链接。请换一个文件名，或先把链接移走`);
}

/** Written beside (a new file of a random name) and renamed into place: a full disk never leaves half a file. */
async function writeAtomically(out: string, text: string | Uint8Array): Promise<void> {
  await fsStep('写入', out, async () => {
    const temporary = await writeBeside(out, text);
    try {
      await rename(temporary, out);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  });
}

async function schema(argv: { out?: string; problems: boolean }, io: CliIO): Promise<number> {
  const { packetJsonSchema } = await library.schema();
  const text = argv.problems ? problemJsonSchema() : packetJsonSchema();
  if (!argv.out) {
    io.stdout(text);
    return EXIT.ok;
  }
  await refuseForeign(argv.out);
  await writeAtomically(argv.out, text);
  return EXIT.ok;
}

/** Characters named one by one in a line of `fonts`. */
const FONT_CHARS_NAMED = 10;

async function serve(argv: { folder: string; port?: string; host?: string; open?: boolean; templates?: string; font?: string; fontBold?: string }, io: CliIO): Promise<number> {
  const port = argv.port === undefined ? 0 : /^\d{1,5}$/.test(argv.port.trim()) ? Number(argv.port.trim()) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UserError(`--port 应是 0 到 65535 之间的整数，现在是「${argv.port}」`);
  // A link to a folder is that folder (the server resolves it once, and serves only what lies in it).
  const found = await stat(argv.folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw fsFailure(error, READ, argv.folder);
  });
  if (!found?.isDirectory()) throw new UserError(found ? `${argv.folder} 不是文件夹：serve 要给出数据文件所在的文件夹` : notFoundMessage(argv.folder));
  const { startServer } = await library.serve();
  const running = await startServer({ folder: argv.folder, port, host: argv.host, templateDir: argv.templates, fonts: chooseFonts(argv.font, argv.fontBold) });
  if (argv.host !== undefined && !['127.0.0.1', 'localhost'].includes(argv.host.toLowerCase()))
    io.stderr(`警告：在 ${argv.host} 上提供，网络上能连到这台电脑的人，拿到地址就能读写这个文件夹里的数据文件\n`);
  io.stderr(`在浏览器里打开：${running.url}\n（按 Ctrl-C 停止）\n`);
  if (argv.open) {
    const { openInBrowser } = await import('./serve/open-browser.js');
    const failed = await openInBrowser(running.url);
    if (failed) io.stderr(`没能打开浏览器（${failed}）：请把上面的地址复制到浏览器里\n`);
  }
  // Ctrl-C or a TERM: requests under way finish (a save is not cut in half), then the server stops.
  const signal = await new Promise<string>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(name, () => resolve(name));
  });
  await running.close();
  io.stderr(`已停止（${signal}）\n`);
  return EXIT.ok;
}

async function fonts(argv: { input: string; data?: string; templates?: string }, io: CliIO): Promise<number> {
  const { fontFaces, nonSimplifiedNote } = await library.fontFaces();
  const report = await fontFaces(argv.input, { data: argv.data, templateDir: argv.templates });
  if (report.faces.length === 0 && report.unreadable.length === 0) throw new UserError(`文件夹 ${argv.input} 里没有字体文件（.ttf、.otf、.ttc、.otc）`);
  const lacking = (missing: string[]) =>
    missing.length === 0
      ? '都有'
      : `缺 ${missing.length} 个：${missing.slice(0, FONT_CHARS_NAMED).map((ch) => `「${ch}」`).join('')}${missing.length > FONT_CHARS_NAMED ? '等' : ''}`;
  for (const face of report.faces) {
    const lines = [
      face.name,
      `  ${face.family} ${face.style}，${face.outlines} 轮廓`,
      `  申报表上的 ${report.formCharacters} 个字：${lacking(face.formMissing)}`,
      ...(face.dataMissing ? [`  数据文件 ${argv.data} 中的 ${report.dataCharacters} 个字：${lacking(face.dataMissing)}`] : []),
      face.refused
        ? `  不能用：${face.refused}`
        : face.formMissing.length + (face.dataMissing?.length ?? 0) > 0
          ? `  缺字：用它时 build 会报出缺的字，这些字印不出`
          : face.nonSimplified.length > 0
            ? `  字形不对：${nonSimplifiedNote(face.nonSimplified)}`
            : `  可以用：--font ${quotedArgument(face.name)}`,
    ];
    io.stdout(`${lines.join('\n')}\n`);
  }
  for (const line of report.unreadable) io.stderr(`${line}\n`);
  return EXIT.ok;
}

/** A file name as typed on a command line: quoted when it holds a space (C:\Program Files\…). */
const quotedArgument = (name: string) => (/[\s"']/.test(name) ? `"${name}"` : name);

async function init(argv: { folder: string; year?: string }, io: CliIO): Promise<number> {
  const year = argv.year === undefined ? new Date().getFullYear() + 1 : yearOption(argv.year);
  if (argv.folder.trim() === '') throw new UserError('init 后面要写文件夹名，如 shenbao init 申报数据；不写就是当前文件夹');
  const { initFolder, STARTER_FILE } = await library.init();
  const [data, schemaFile, settings] = await initFolder(argv.folder, { year });
  io.stderr(
    `${data}：示例数据（${year}年度，一个示例项目），请改成自己的项目\n` +
      `${schemaFile}：数据格式，编辑器用它补全和检查\n` +
      `${settings}：让 VS Code 用这个数据格式检查文件夹里的 .json 文件\n` +
      `下一步：用 VS Code 打开文件夹 ${argv.folder}，改写 ${STARTER_FILE}；改好后运行 shenbao validate ${data}\n`,
  );
  return EXIT.ok;
}
