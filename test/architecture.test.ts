// One-way arrows (DESIGN.md, "The flow"): layout decides every position and hands the writers the
// grid (Word) or positioned pages (PDF); a writer only writes, and nothing it gives back goes into
// layout again. So render/ imports from layout/ nothing but the grid's and the pages' types, and
// nothing of the stages after it; layout/ imports no writer (it gets its measure as an
// interface); and in output/, what a writer returned is never handed to layout.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.join(import.meta.dirname, '..', 'src');
const sourcesIn = (folder: string) =>
  readdirSync(path.join(SRC, folder))
    .filter((f) => f.endsWith('.ts'))
    .sort();
const parse = (file: string, text = readFileSync(file, 'utf8')) => ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);

interface Import {
  /** Erased when compiled: `import type …`, or every name it brings is `type X`. */
  typeOnly: boolean;
  from: string;
  /** The local names of the values it brings. */
  values: string[];
}

/** Every `import … from '…'` / `export … from '…'` of a file. */
function imports(source: ts.SourceFile): Import[] {
  const found: Import[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const values: string[] = [];
      if (clause && !clause.isTypeOnly) {
        if (clause.name) values.push(clause.name.text);
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) values.push(bindings.name.text);
        if (bindings && ts.isNamedImports(bindings)) values.push(...bindings.elements.filter((e) => !e.isTypeOnly).map((e) => e.name.text));
      }
      found.push({ typeOnly: clause !== undefined && values.length === 0, from: statement.moduleSpecifier.text, values });
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.exportClause;
      const values = statement.isTypeOnly ? [] : clause && ts.isNamedExports(clause) ? clause.elements.filter((e) => !e.isTypeOnly).map((e) => e.name.text) : ['*'];
      found.push({ typeOnly: values.length === 0, from: statement.moduleSpecifier.text, values });
    }
  }
  return found;
}

const importsOf = (folder: string, file: string) => imports(parse(path.join(SRC, folder, file)));
const RENDER = sourcesIn('render');

/**
 * The stages in their one order (DESIGN.md, "The flow"); a file may import from its own stage and
 * those before it, never from one after it. The files at src/'s root are the base every stage may
 * use (errors, file reading, exit codes, the version) and, above everything, the commands (the
 * CLI, its progress display and the library's index).
 */
const LAYERS = ['base', 'model', 'validate', 'layout', 'render', 'extract', 'sign', 'output', 'serve', 'commands'] as const;
const ROOT_FILES: Record<string, (typeof LAYERS)[number]> = {
  'errors.ts': 'base',
  'files.ts': 'base',
  'version.ts': 'base',
  'exit-codes.ts': 'base',
  'types/linebreak.d.ts': 'base',
  'cli.ts': 'commands',
  'command-line.ts': 'commands',
  'progress.ts': 'commands',
  'yargs-adapter.ts': 'commands',
  'index.ts': 'commands',
  'library.ts': 'commands',
};

/** The stage of a file under src/ ('output/build.ts' → 'output'), or undefined for one the order does not place. */
function layerOf(file: string): (typeof LAYERS)[number] | undefined {
  const folder = file.split('/')[0]!;
  return ROOT_FILES[file] ?? LAYERS.find((layer) => layer === folder && layer !== 'base' && layer !== 'commands');
}

/** `from → to` for each import of `file` (a path under src/) that reaches a later stage; type-only imports count too. */
function againstTheOrder(file: string, source: ts.SourceFile): string[] {
  const rank = LAYERS.indexOf(layerOf(file)!);
  return imports(source)
    .filter((i) => i.from.startsWith('.'))
    .map((i) => path.posix.relative('.', path.posix.join(path.posix.dirname(file), i.from)).replace(/\.js$/, '.ts'))
    .filter((target) => LAYERS.indexOf(layerOf(target)!) > rank)
    .map((target) => `${file} → ${target}`);
}

describe('layers in one order: base → model → validate → layout → render → extract → sign → output → serve → commands', () => {
  const ALL = (readdirSync(SRC, { recursive: true }) as string[])
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith('.ts'))
    .sort();

  it('every file of src/ has its place in the order', () => {
    expect(ALL.length).toBeGreaterThan(80);
    expect(ALL.filter((f) => layerOf(f) === undefined)).toEqual([]);
  });

  it('no import reaches a later stage', () => {
    expect(ALL.flatMap((f) => againstTheOrder(f, parse(path.join(SRC, f))))).toEqual([]);
  });

  it('the check sees an import against the order, a type-only one included, and passes one with it', () => {
    const planted = [
      "import { lockPacketFolder } from '../output/lock.js';",
      "import type { SignOptions } from '../sign/sign.js';",
      "import { UserError } from '../errors.js';",
      "import { loadPdf } from './pdf.js';",
      "import { parseTarget } from '../model/target.js';",
    ].join('\n');
    expect(againstTheOrder('extract/planted.ts', parse('planted.ts', planted))).toEqual([
      'extract/planted.ts → output/lock.ts',
      'extract/planted.ts → sign/sign.ts',
    ]);
    expect(againstTheOrder('files.ts', parse('files.ts', "import type { Packet } from './model/packet.js';"))).toEqual(['files.ts → model/packet.ts']);
    expect(againstTheOrder('command-line.ts', parse('x.ts', "import { buildPacket } from './output/build.js';"))).toEqual([]);
  });
});

describe('render/ reads only the grid’s and the pages’ types from layout/', () => {
  /** What a writer may know of layout: the grid, the positioned pages, the faces and the measure's interface. */
  const TYPES = ['../layout/grid.js', '../layout/place.js', '../layout/text.js'];

  it('finds the writers', () => {
    expect(RENDER).toContain('pdf.ts');
    expect(RENDER).toContain('docx.ts');
    expect(importsOf('render', 'pdf.ts').map((i) => i.from)).toContain('../layout/place.js');
  });

  it.each(RENDER)('%s', (file) => {
    const fromLayout = importsOf('render', file).filter((i) => i.from.startsWith('../layout/'));
    expect(fromLayout.filter((i) => !(i.typeOnly && TYPES.includes(i.from)))).toEqual([]);
  });

  it('the check sees a value import from layout', () => {
    const sample = path.join(import.meta.dirname, 'fixtures', 'architecture-sample.ts.txt');
    expect(imports(parse(sample)).map(({ typeOnly, from }) => ({ typeOnly, from }))).toEqual([
      { typeOnly: true, from: '../layout/grid.js' },
      { typeOnly: false, from: '../layout/paginate.js' },
    ]);
    expect(imports(parse('x.ts', "import { type Face, setText } from '../layout/text.js';\nimport { type PlacedText } from '../layout/place.js';"))).toEqual([
      { typeOnly: false, from: '../layout/text.js', values: ['setText'] },
      { typeOnly: true, from: '../layout/place.js', values: [] },
    ]);
  });
});

describe('render/ knows nothing of the stages after it', () => {
  const LATER = /^\.\.\/(extract|sign|output)\/|^\.\.\/(cli|command-line)\.js$/;
  it.each(RENDER)('%s', (file) => {
    expect(importsOf('render', file).filter((i) => LATER.test(i.from))).toEqual([]);
  });
});

describe('layout/ imports no writer: it is given its measure', () => {
  it.each(sourcesIn('layout'))('%s', (file) => {
    expect(importsOf('layout', file).filter((i) => i.from.startsWith('../render/'))).toEqual([]);
  });
});

describe('nothing a writer returns goes back into layout', () => {
  it('render/ exports no placements, spilled rows or forced breaks: a writer gives back bytes', () => {
    const exported = RENDER.flatMap((file) => exportedNames(parse(path.join(SRC, 'render', file))).map((name) => `${file}: ${name}`));
    expect(exported).toContain('pdf.ts: renderPdf');
    expect(exported.filter((e) => /placement|placed|spill|forced|rowsOn|breaks|layout/i.test(e.split(': ')[1]!))).toEqual([]);
  });

  it.each(sourcesIn('output'))('output/%s hands layout nothing a writer returned', (file) => {
    expect(feedback(parse(path.join(SRC, 'output', file)))).toEqual([]);
  });

  it('the check sees a writer’s result handed to layout, however it got there', () => {
    const sample = `
      import { layOutPages } from '../layout/pages.js';
      import { numberPages, type PositionedPage } from '../layout/place.js';
      import { textMeasure } from '../render/measure.js';
      import { renderPdf, pdfWriter } from '../render/pdf.js';
      export async function twice(grid, options) {
        const measure = textMeasure(options.fonts);
        const { pages } = layOutPages(grid, measure);
        const first = await renderPdf(numberPages(pages, grid.page, 1, pages.length, measure), options);
        const rows = first.placements.map((p) => p.row);
        layOutPages(grid, measure, rows);
        const writer = pdfWriter(options);
        for (const page of pages) writer.page(page);
        return numberPages(pages, grid.page, 1, (await writer.end()).length, measure);
      }`;
    expect(feedback(parse('sample.ts', sample))).toEqual([
      'layOutPages(grid, measure, rows)',
      'numberPages(pages, grid.page, 1, (await writer.end()).length, measure)',
    ]);
  });
});

/** The names a module exports. */
function exportedNames(source: ts.SourceFile): string[] {
  const names: string[] = [];
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause))
      names.push(...statement.exportClause.elements.map((e) => e.name.text));
    else if (!exported) continue;
    else if (ts.isVariableStatement(statement)) names.push(...statement.declarationList.declarations.flatMap((d) => boundNames(d.name)));
    else if ('name' in statement && statement.name && ts.isIdentifier(statement.name as ts.Node)) names.push((statement.name as ts.Identifier).text);
  }
  return names;
}

const boundNames = (name: ts.BindingName): string[] =>
  ts.isIdentifier(name) ? [name.text] : name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : boundNames(e.name)));

/**
 * The calls of a layout function, in `source`, given something a writer returned: the result of a
 * call of a render/ function other than the measure and the fonts (layout's inputs), or a variable
 * made from one, followed through the file in order (by name: coarse, but it errs on the safe side).
 */
function feedback(source: ts.SourceFile): string[] {
  const all = imports(source);
  const named = (test: (from: string) => boolean) => new Set(all.filter((i) => test(i.from)).flatMap((i) => i.values));
  const layout = named((from) => from.startsWith('../layout/'));
  const writers = named((from) => from.startsWith('../render/') && !/\/(measure|fonts|font-files|word-properties)\.js$/.test(from));
  const fromWriter = new Set<string>();
  const tainted = (node: ts.Node): boolean => {
    if (ts.isIdentifier(node) && fromWriter.has(node.text)) return true;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && writers.has(node.expression.text)) return true;
    return ts.forEachChild(node, (child) => (tainted(child) ? true : undefined)) ?? false;
  };
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer && tainted(node.initializer)) boundNames(node.name).forEach((n) => fromWriter.add(n));
    if (ts.isForOfStatement(node) && tainted(node.expression) && ts.isVariableDeclarationList(node.initializer))
      node.initializer.declarations.forEach((d) => boundNames(d.name).forEach((n) => fromWriter.add(n)));
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left) && tainted(node.right)) fromWriter.add(node.left.text);
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && layout.has(node.expression.text) && node.arguments.some(tainted)) found.push(node.getText(source));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
