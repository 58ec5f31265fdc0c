// Problems (model/diagnostic.ts) as the lines a user reads: what tests written against the
// printed text compare.
import type { Diagnostic } from '../../src/model/diagnostic.js';
import { formatDiagnostic } from '../../src/validate/format.js';

export const lines = (diagnostics: readonly Diagnostic[]): string[] => diagnostics.map((d) => formatDiagnostic(d, ''));
