// Problems in the input are data, not exceptions: every stage returns its value together with
// these, and only bugs throw. One type for every stage (validate, extract, diff, verify, sign,
// build): what `--json` prints is `problemOf` (validate/format.ts) of these, in the shape
// `ProblemsDocumentSchema` below says, and schema/problem.schema.json is generated from it.
import { z } from 'zod';
import { UserError } from '../errors.js';

export type Severity = 'error' | 'warning';

/**
 * Where a problem is, as the file it is in says it: a data file's line and column (or the file as
 * a whole), a Word table's row and column, a PDF page, or a worksheet's cell. Numbers are 1-based.
 */
export const ProblemPlaceSchema = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('file'),
        file: z.string(),
        line: z.number().int().min(1).optional(),
        column: z.number().int().min(1).optional(),
      })
      .meta({ title: '文件（数据文件的行、列；没有行列时是整个文件）' }),
    z
      .object({
        kind: z.literal('word'),
        file: z.string(),
        /** The 申报表 the table belongs to (1-based, in the file); absent for the 汇总表's own table. */
        form: z.number().int().min(1).optional(),
        /** The Word table within that form (or the 汇总表), 1-based; absent for the form as a whole (its headings). */
        table: z.number().int().min(1).optional(),
        row: z.number().int().min(1).optional(),
        column: z.number().int().min(1).optional(),
      })
      .meta({ title: 'Word 文件的表格、行、列' }),
    z.object({ kind: z.literal('pdf'), file: z.string(), page: z.number().int().min(1).optional() }).meta({ title: 'PDF 文件的页' }),
    z
      .object({ kind: z.literal('sheet'), file: z.string(), sheet: z.string(), cell: z.string().regex(/^[A-Z]{1,3}[1-9]\d*$/) })
      .meta({ title: '电子表格的工作表和单元格（如 Sheet1!B7）' }),
  ])
  .meta({ id: 'ProblemPlace' });

export type ProblemPlace = z.infer<typeof ProblemPlaceSchema>;

/** One problem as `--json` prints it. */
export const ProblemSchema = z
  .object({
    severity: z.enum(['error', 'warning']),
    code: z.string().min(1).meta({ description: '问题的种类，稳定不变，供程序判断：schema、amount-sum、form-label-changed、file-altered、diff-changed……' }),
    message: z.string().meta({ description: '问题是什么（中文）' }),
    hint: z.string().optional().meta({ description: '怎样改正' }),
    project: z
      .object({ number: z.number().int().min(1), name: z.string().optional() })
      .optional()
      .meta({ description: '所属的项目：第几个（从 1 起）和项目名称' }),
    path: z.string().optional().meta({ description: '数据文件里的位置，如 projects[2].funds.annual.total；整个文件的问题没有' }),
    field: z.string().optional().meta({ description: '这一栏在表上的名称，如 年度资金·年度资金申请总额' }),
    place: ProblemPlaceSchema.optional().meta({ description: '问题所在：数据文件的行列、Word 表格的行列、PDF 的页或电子表格的单元格；涉及几个文件的问题没有（消息里写明各文件）' }),
  })
  .meta({ id: 'Problem', title: 'shenbao 报告的一个问题（错误或警告）' });

export type Problem = z.infer<typeof ProblemSchema>;

export const PROBLEMS_SCHEMA_TITLE = 'shenbao 命令的 --json 输出（问题列表）';

/** What every command's `--json` prints on stdout: one document. */
export const ProblemsDocumentSchema = z
  .object({ problems: z.array(ProblemSchema) })
  .meta({ title: PROBLEMS_SCHEMA_TITLE });

export type ProblemsDocument = z.infer<typeof ProblemsDocumentSchema>;

/** schema/problem.schema.json: the `--json` document, with the problem and its place under $defs. */
export function problemJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(ProblemsDocumentSchema, { target: 'draft-2020-12' }), null, 2)}\n`;
}

/**
 * A problem as a stage finds it. `code` is its stable kind; `line` and
 * `column` place it in a data file, `place` anywhere else (a Word table, a PDF page, a file).
 */
export interface Diagnostic {
  severity: Severity;
  /** Where in the data file, straight from zod's issue path: ['projects', 2, 'funds', 'annual', 'total']. */
  path: ReadonlyArray<string | number>;
  /** What is wrong, in Chinese, without the place (the formatter adds file, project and field). */
  message: string;
  /** How to mend it, when there is something useful to say. */
  hint?: string;
  /** Which check found it: 'schema', 'json', 'amount-sum', … (stable, for tests and filtering). */
  code: string;
  /** Where its value starts in the data file, 1-based (filled in when the file is read). */
  line?: number;
  column?: number;
  /** Where it is in a file other than a data file read as text (or which file, for a problem of a whole file). */
  place?: ProblemPlace;
  /** The 0-based project it belongs to, where its path does not say (a Word table of the 3rd form). */
  project?: number;
  /**
   * The message names its own place in words (a reading, verifying or signing problem: 第 2 张申报表第 3
   * 个表格第 4 行第 2 列…), as users have always read it: printed after the file's name alone.
   */
  standalone?: boolean;
  /** On the line that ends a list cut short (code 'too-many-problems'): the problems left out of it. */
  omitted?: { errors: number; warnings: number };
}

/** Where a value of the data stands in its file: a data file's line and column, or a workbook's cell. */
export type DataPlace = { line: number; column: number } | { place: ProblemPlace };

/** Where the value at a data path was read, for problems found after reading (glyphs the font lacks). */
export type Locate = (path: Diagnostic['path']) => DataPlace | undefined;

/** A problem of a file that names its own place in its message (see `standalone`). */
export function fileProblem(
  code: string,
  /** The place, or the file's path; undefined for a problem across files (its message names them). */
  place: ProblemPlace | string | undefined,
  message: string,
  more: { severity?: Severity; path?: ReadonlyArray<string | number>; project?: number; hint?: string } = {},
): Diagnostic {
  const { severity = 'error', path = [], ...rest } = more;
  const where = typeof place === 'string' ? { place: { kind: 'file' as const, file: place } } : place ? { place } : {};
  return { severity, code, path, message, ...where, standalone: true, ...rest };
}

/** The same problems said as errors (a refusal) or as warnings (a note). */
export const withSeverity = (diagnostics: readonly Diagnostic[], severity: Severity): Diagnostic[] =>
  diagnostics.map((d) => (d.severity === severity ? d : { ...d, severity }));

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === 'error');

/** The errors and warnings, those left out of a list cut short included. */
export function countProblems(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let [errors, warnings] = [0, 0];
  for (const d of diagnostics) {
    if (d.omitted) {
      errors += d.omitted.errors;
      warnings += d.omitted.warnings;
    } else if (d.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings };
}

export const OMITTED_RULE = 'too-many-problems';

/**
 * The problems of one data file as they are found, kept up to `cap` and past it only counted, so
 * that a file with a million problems takes the memory of a thousand. `list()` ends with one line
 * saying how many were left out.
 */
export class ProblemList {
  private readonly kept: Diagnostic[] = [];
  private readonly left = { errors: 0, warnings: 0 };
  private warningsKept = 0;

  constructor(private readonly cap: number) {}

  add(diagnostics: Iterable<Diagnostic>): void {
    for (const d of diagnostics) {
      if (d.omitted) {
        this.left.errors += d.omitted.errors;
        this.left.warnings += d.omitted.warnings;
      } else if (this.kept.length < this.cap) {
        this.kept.push(d);
        if (d.severity === 'warning') this.warningsKept++;
      } else if (d.severity === 'error') this.keepError(d);
      else this.left.warnings++;
    }
  }

  /** A full list gives up its last warning for an error: a warning left out may wait, an error may not hide behind a thousand of them. */
  private keepError(error: Diagnostic): void {
    // Each search that finds one gives it up, so a million errors cost at most `cap` searches.
    if (this.warningsKept === 0) {
      this.left.errors++;
      return;
    }
    let warning = this.kept.length - 1;
    while (this.kept[warning]!.severity !== 'warning') warning--;
    this.kept.splice(warning, 1);
    this.kept.push(error);
    this.warningsKept--;
    this.left.warnings++;
  }

  /** Whether nothing kept or left out is an error. */
  get hasErrors(): boolean {
    return this.left.errors > 0 || hasErrors(this.kept);
  }

  /** Those kept, in place order, and the line for those left out (last, whatever sorts them). */
  list(): Diagnostic[] {
    const { errors, warnings } = this.left;
    if (errors + warnings === 0) return sortByPlace(this.kept);
    const what = errors > 0 && warnings > 0 ? `${errors} 个错误、${warnings} 条警告` : errors > 0 ? `${errors} 个错误` : `${warnings} 条警告`;
    const tail: Diagnostic = {
      severity: errors > 0 ? 'error' : 'warning',
      path: [],
      message: `……还有 ${what}没有列出（每个数据文件只列出前 ${this.cap} 个问题）：请先改正上面这些再检查`,
      code: OMITTED_RULE,
      omitted: { errors, warnings },
    };
    return [...sortByPlace(this.kept), tail];
  }
}

/** `diagnostics` cut to `cap` in place order, with one line for those left out (merging such lines already there). */
export function capProblems(diagnostics: readonly Diagnostic[], cap: number): Diagnostic[] {
  const list = new ProblemList(cap);
  list.add(sortByPlace(diagnostics));
  return list.list();
}

/** The 0-based project a diagnostic belongs to, or undefined for packet-level problems. */
export function projectIndexOf(d: Diagnostic): number | undefined {
  return d.path[0] === 'projects' && typeof d.path[1] === 'number' ? d.path[1] : d.project;
}

/** Stable order: packet-level first, then by project, keeping each check's own order; the line for problems left out last. */
export function sortByPlace(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i, p: d.omitted ? Infinity : (projectIndexOf(d) ?? -1) }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map(({ d }) => d);
}

/**
 * A command refused because of problems it can name one by one (diff of a side with errors): its
 * message says them as lines; `--json` prints them as problems, each with its own code and place.
 */
export class RefusedForProblems extends UserError {
  override name = 'RefusedForProblems';
  constructor(
    message: string,
    readonly file: string,
    readonly diagnostics: readonly Diagnostic[],
    readonly projectNames: ReadonlyArray<string | undefined> = [],
  ) {
    super(message);
  }
}
