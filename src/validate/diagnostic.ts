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
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === 'error');

/** The 0-based project a diagnostic belongs to, or undefined for packet-level problems. */
export function projectIndexOf(d: Diagnostic): number | undefined {
  return d.path[0] === 'projects' && typeof d.path[1] === 'number' ? d.path[1] : undefined;
}

/** Stable order: packet-level first, then by project, keeping each check's own order. */
export function sortByPlace(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i, p: projectIndexOf(d) ?? -1 }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map(({ d }) => d);
}
