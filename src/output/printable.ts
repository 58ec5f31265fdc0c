// Can every character be printed? Each valid project's form is laid out as a grid, and every character the forms and the 汇总表's own table will print is checked
// against the font that prints it — before anything is written, and by `validate` as well as
// `build`, so the two never disagree.
import { declarationDocument, summaryDocument } from '../layout/forms.js';
import type { FormTemplates } from '../layout/templates.js';
import type { LoadedFonts } from '../render/fonts.js';
import { glyphDiagnostics, missingGlyphs } from '../render/glyphs.js';
import { projectIndexOf, type Diagnostic } from '../validate/diagnostic.js';
import type { Place } from '../validate/source.js';
import type { LoadedPacket } from '../validate/validate.js';

export interface Printable {
  /** Glyph errors, placed (line and column) where `locate` can. */
  diagnostics: Diagnostic[];
  /** 0-based indexes of the projects with characters the font lacks. */
  unprintable: Set<number | undefined>;
}

export function checkPrintable(
  loaded: LoadedPacket,
  context: { templates: FormTemplates; fonts: Pick<LoadedFonts, 'faces'> },
  locate: (path: Diagnostic['path']) => Place | undefined = () => undefined,
): Printable {
  if (!loaded.header) return { diagnostics: [], unprintable: new Set() };
  const { year } = loaded.header;
  // One form at a time (a packet of 10,000 forms' grids would take a gigabyte at once).
  const missing = loaded.packet ? missingGlyphs(summaryDocument(context.templates, loaded.packet, []), context.fonts) : [];
  for (const { number, project } of loaded.accepted) {
    missing.push(...missingGlyphs(declarationDocument(context.templates, project, year, number - 1), context.fonts));
  }
  const problems = glyphDiagnostics(missing);
  return {
    diagnostics: problems.map((d) => ({ ...d, ...locate(d.path) })),
    unprintable: new Set(problems.map(projectIndexOf)),
  };
}
