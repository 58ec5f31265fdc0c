// Can every character be printed? Each valid project's form is laid out as a grid, and every character the forms and the 汇总表's own table will print is checked
// against the font that prints it — before anything is written, and by `validate` as well as
// `build`, so the two never disagree.
//
// Laying every form out here cost as much as a tenth of making it, on the build's own thread. A
// form prints nothing but its templates' own text and its view's values (layout/view.ts: data,
// amounts, numbers), so where all of those are in both faces, nothing can be missing and the form
// is not laid out. Otherwise it is, and each missing character is found where it prints. The
// 汇总表's front table likewise, with its own view.
import { declarationDocument, summaryDocument } from '../layout/forms.js';
import type { FormTemplates } from '../layout/templates.js';
import { declarationView, summaryView } from '../layout/view.js';
import type { FontFace, LoadedFonts } from '../render/fonts.js';
import { glyphDiagnostics, missingGlyphs, printsNoGlyph } from '../render/glyphs.js';
import { projectIndexOf, sortByPlace, type Diagnostic, type Locate } from '../model/diagnostic.js';
import { checkTemplateCoverage } from '../layout/coverage.js';
import { validatePacket, type LoadedPacket, type Validation } from '../validate/validate.js';

export interface Printable {
  /** Glyph errors, placed (line and column) where `locate` can. */
  diagnostics: Diagnostic[];
  /** 0-based indexes of the projects with characters the font lacks. */
  unprintable: Set<number | undefined>;
}

/** Forms laid out by the check (counted by tests: the fast path is taken, or not). */
export const GLYPH_CHECK = { formsLaidOut: 0 };

export function checkPrintable(
  loaded: LoadedPacket,
  context: { templates: FormTemplates; fonts: Pick<LoadedFonts, 'faces'> },
  locate: Locate = () => undefined,
): Printable {
  if (!loaded.header) return { diagnostics: [], unprintable: new Set() };
  const { year, display } = loaded.header;
  const printable = printableCharacter(context.fonts.faces);
  const own = context.templates.ownCharacters;
  const templatesPrintable = own !== undefined && [...own].every(printable);
  // The 汇总表's front table the same way: its grid for 10,000 projects is some 50 MB, and making
  // it some 100 MB more for a moment, at the start of a build.
  const { packet } = loaded;
  const frontPrintable = !packet || (templatesPrintable && printableValues(summaryView(packet), printable));
  const missing = frontPrintable ? [] : missingGlyphs(summaryDocument(context.templates, packet, []), context.fonts);
  // One form at a time (a packet of 10,000 forms' grids would take a gigabyte at once).
  for (const { number, project } of loaded.accepted) {
    if (templatesPrintable && printableValues(declarationView(project, year, display), printable)) continue;
    GLYPH_CHECK.formsLaidOut++;
    missing.push(...missingGlyphs(declarationDocument(context.templates, project, year, number - 1, display), context.fonts));
  }
  // A field the 汇总表 prints as well as the form (name, implementer, amounts) is one problem.
  const seen = new Set<string>();
  const problems = glyphDiagnostics(
    missing.filter((p) => {
      const key = JSON.stringify([p.path ?? p.text, p.char, p.font]);
      return !seen.has(key) && seen.add(key);
    }),
  );
  return {
    diagnostics: problems.map((d) => ({ ...d, ...locate(d.path) })),
    unprintable: new Set(problems.map(projectIndexOf)),
  };
}

/**
 * Data (not read from a file: the library's packet, the page's edit) validated and checked against
 * the templates and fonts as build checks a data file: its house style printed in full by the
 * templates (a refusal throws), every character printable. `diagnostics`: all of it, in place order.
 */
export function checkPacket(data: unknown, context: { templates: FormTemplates; fonts: Pick<LoadedFonts, 'faces'> }) {
  const validation: Validation = validatePacket(data);
  if (validation.header) checkTemplateCoverage(context.templates, validation.header.display);
  const { diagnostics: glyphs, unprintable } = checkPrintable({ ...validation, file: '' }, context);
  return { validation, glyphs, unprintable, diagnostics: sortByPlace([...validation.diagnostics, ...glyphs]) };
}

/** In both faces, or printing no glyph at all (as glyphs.ts skips them). */
function printableCharacter(faces: { regular: FontFace; bold: FontFace }): (char: string) => boolean {
  const known = new Map<string, boolean>();
  return (char) => {
    let ok = known.get(char);
    if (ok === undefined) {
      const codePoint = char.codePointAt(0)!;
      ok = printsNoGlyph(codePoint) || (faces.regular.hasGlyph(codePoint) && faces.bold.hasGlyph(codePoint));
      known.set(char, ok);
    }
    return ok;
  };
}

/** Every string and number in the view (as a template prints it) is printable. */
function printableValues(value: unknown, printable: (char: string) => boolean): boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    for (const char of String(value)) if (!printable(char)) return false;
    return true;
  }
  if (value && typeof value === 'object') return Object.values(value).every((v) => printableValues(v, printable));
  return true;
}
