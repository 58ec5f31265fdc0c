// What a build loads before it can start (issue 18: the seed, cold, as a new process). Modules a
// command does not use cost its start all the same: the docx library alone is 25–30 ms of a
// PDF-only build. So, read from the sources' static imports (a dynamic `import()` is loaded only
// when reached): the process starts the build's thread before it loads anything but Node's own
// modules, and that thread loads neither the Word writer nor the JSON syntax tree used only for a
// file that is not JSON.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.join(import.meta.dirname, '..', 'src');

/** The modules a file loads before it runs: own files (relative to src/) and packages, by static value imports. */
function staticGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = ts.createSourceFile(file, readFileSync(path.join(SRC, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const statement of source.statements) {
      const specifier =
        (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      if (specifier === undefined || erased(statement)) continue;
      if (specifier.startsWith('.')) visit(path.join(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) packages.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
    }
    // Loaded with require at the top of a module (fontkit, as pdfkit loads it).
    for (const [, name] of source.text.matchAll(/^const \w+ = createRequire\(import\.meta\.url\)\('([^']+)'\)/gm)) packages.add(name!);
  };
  visit(entry);
  return { files: [...files].sort(), packages: [...packages].sort() };
}

/** `import type …`, or an import or export whose every name is a type: nothing is loaded. */
function erased(statement: ts.Statement): boolean {
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    if (!clause) return false;
    if (clause.isTypeOnly) return true;
    const bindings = clause.namedBindings;
    return !clause.name && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
  }
  if (ts.isExportDeclaration(statement)) {
    const clause = statement.exportClause;
    return statement.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
  }
  return false;
}

describe('a build’s start', () => {
  it('the process starts the build’s thread having loaded only Node’s own modules', () => {
    expect(staticGraph('cli.ts')).toEqual({ files: ['cli.ts', 'output/build-thread.ts'], packages: [] });
  });

  it('the build’s thread loads the PDF writer, not the Word writer, nor momoa (only for a file that is not JSON)', () => {
    const { packages } = staticGraph('output/worker.ts');
    expect(packages).toEqual(expect.arrayContaining(['pdfkit', 'fontkit', 'zod', 'handlebars', 'jsonc-parser']));
    expect(packages).not.toContain('docx');
    expect(packages).not.toContain('@humanwhocodes/momoa');
  });

  it('the check sees a static import of a package, through own files, and not an erased or dynamic one', () => {
    // blank.ts writes a Word form: it loads the Word writer, and through it the docx library.
    const blank = staticGraph('output/blank.ts');
    expect(blank.files).toContain('render/docx.ts');
    expect(blank.packages).toContain('docx');
    // forms.ts names the Word writer's option types only, and loads it with import() for Word files.
    expect(readFileSync(path.join(SRC, 'output', 'forms.ts'), 'utf8')).toMatch(/import type \{ DocxFonts, DocxOptions \} from '\.\.\/render\/docx\.js';[\s\S]*await import\('\.\.\/render\/docx\.js'\)/);
    expect(staticGraph('output/forms.ts').files).not.toContain('render/docx.ts');
  });
});
