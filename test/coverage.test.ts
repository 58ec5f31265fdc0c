// An office's own template must still print every value of the data: one that drops a cell, or
// prints nothing at all, is refused, naming the template and the fields it misses. (The messages
// are the probe's, issue 17: test/coverage-printed-17.test.ts.)
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE_DIR, loadTemplates } from '../src/layout/templates.js';
import { declarationDocument, summaryDocument } from '../src/layout/forms.js';
import { loadSeed } from './support/seed.js';

const ADVICE = '（检查时用一份每项都不同的试填数据排出模板）每个写明 field="…" 的单元格要印出这个字段的值，表上每个数据都要有这样一个单元格（见 README「模板与表格网格」）';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shenbao-coverage-'));
  await cp(DEFAULT_TEMPLATE_DIR, dir, { recursive: true });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const edit = async (name: string, change: (text: string) => string) => {
  const file = path.join(dir, name);
  await writeFile(file, change(await readFile(file, 'utf8')));
};

describe('template coverage', () => {
  it('accepts the bundled templates for every seed project and the 汇总表', async () => {
    const templates = await loadTemplates(dir);
    const seed = loadSeed();
    seed.projects.forEach((project, i) => expect(() => declarationDocument(templates, project, seed.year, i)).not.toThrow());
    expect(() => summaryDocument(templates, seed)).not.toThrow();
  });

  it('refuses a declaration template that drops the 上年结转资金 cell', async () => {
    await edit('declaration.hbs', (t) => t.replace('field="funds.annual.carryover">{{funds.annual.carryover}}', '>'));
    const templates = await loadTemplates(dir);
    const seed = loadSeed();
    expect(() => declarationDocument(templates, seed.projects[0]!, seed.year, 0)).toThrow(
      `模板 ${path.join(dir, 'declaration.hbs')} 中没有写明这些字段的单元格：funds.annual.carryover。${ADVICE}`,
    );
  });

  it('refuses an empty declaration template instead of printing blank forms', async () => {
    await writeFile(path.join(dir, 'declaration.hbs'), '');
    const templates = await loadTemplates(dir);
    const seed = loadSeed();
    expect(() => declarationDocument(templates, seed.projects[0]!, seed.year, 0)).toThrow(
      `模板 ${path.join(dir, 'declaration.hbs')} 中没有写明这些字段的单元格：/year、name、nature、category、department、implementer、`,
    );
  });

  it('refuses a 汇总表 template whose table lacks a project’s amounts', async () => {
    await edit('summary.hbs', (t) => t.replace(/field="projects\.\{\{@index\}\}\.funds\.annual\.other"/, ''));
    const templates = await loadTemplates(dir);
    expect(() => summaryDocument(templates, loadSeed())).toThrow(
      // The probe's first row says it for every row (the template draws them all alike).
      `模板 ${path.join(dir, 'summary.hbs')} 中第 1 个表格第 2 行第 9 列的单元格印出了 projects.0.funds.annual.other 的值，却没有写 field="projects.0.funds.annual.other"。${ADVICE}`,
    );
  });
});
