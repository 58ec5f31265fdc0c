// The grid is the one-way hand-off from layout to the writers (DESIGN.md): a writer translates a
// grid and imports from layout/ nothing but the grid's types, so it can hold no layout of its own.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const RENDER = path.join(import.meta.dirname, '..', 'src', 'render');

/** Every `import … from '…'` / `export … from '…'` of a file: whether type-only, and from where. */
function imports(file: string): Array<{ typeOnly: boolean; from: string }> {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)].map((m) => ({ typeOnly: m[2] !== undefined, from: m[3]! }));
}

describe('render/ reads only the grid from layout/', () => {
  const files = readdirSync(RENDER).filter((f) => f.endsWith('.ts'));

  it('finds the writers', () => {
    expect(files).toContain('pdf.ts');
    expect(files).toContain('docx.ts');
  });

  it.each(files)('%s', (file) => {
    const fromLayout = imports(path.join(RENDER, file)).filter((i) => i.from.startsWith('../layout/'));
    expect(fromLayout.filter((i) => !(i.typeOnly && i.from === '../layout/grid.js'))).toEqual([]);
  });

  it('the check sees a value import from layout', () => {
    const sample = path.join(import.meta.dirname, 'fixtures', 'architecture-sample.ts.txt');
    expect(imports(sample)).toEqual([
      { typeOnly: true, from: '../layout/grid.js' },
      { typeOnly: false, from: '../layout/paginate.js' },
    ]);
  });
});
