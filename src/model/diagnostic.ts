// Problems in the input are data, not exceptions: every stage returns its value together with
// these, and only bugs throw.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Where in the data file, straight from zod's issue path: ['projects', 2, 'funds', 'annual', 'total']. */
  path: ReadonlyArray<string | number>;
  /** What is wrong, in Chinese, without the place (the formatter adds file, project and field). */
  message: string;
  /** How to mend it, when there is something useful to say. */
  hint?: string;
  /** Which check found it: 'schema', 'json', 'amount-sum', … (stable, for tests and filtering). */
  ruleId: string;
  /** Where its value starts in the data file, 1-based (filled in when the file is read). */
  line?: number;
  column?: number;
  /** On the line that ends a list cut short (ruleId 'too-many-problems'): the problems left out of it. */
  omitted?: { errors: number; warnings: number };
}

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

  constructor(private readonly cap: number) {}

  add(diagnostics: Iterable<Diagnostic>): void {
    for (const d of diagnostics) {
      if (d.omitted) {
        this.left.errors += d.omitted.errors;
        this.left.warnings += d.omitted.warnings;
      } else if (this.kept.length < this.cap) this.kept.push(d);
      else if (d.severity === 'error') this.left.errors++;
      else this.left.warnings++;
    }
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
      ruleId: OMITTED_RULE,
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
  return d.path[0] === 'projects' && typeof d.path[1] === 'number' ? d.path[1] : undefined;
}

/** Stable order: packet-level first, then by project, keeping each check's own order; the line for problems left out last. */
export function sortByPlace(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i, p: d.omitted ? Infinity : (projectIndexOf(d) ?? -1) }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map(({ d }) => d);
}
