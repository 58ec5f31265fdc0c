// One bench task per process, so that each peak RSS is its own: `tsx bench/tasks.ts <task> <n>`.
// Prints one JSON line: { seconds, peakRssMb, ... }. bench/build.ts runs them and prints the table.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { declarationDocument, summaryDocument } from '../src/layout/forms.js';
import { loadFonts } from '../src/render/fonts.js';
import { loadTemplates } from '../src/layout/templates.js';
import { numberPages, placeDocument } from '../src/layout/place.js';
import { pageMeasure } from '../src/layout/page-measure.js';
import { paginate } from '../src/layout/paginate.js';
import { pagedPdf } from '../src/output/paged-pdf.js';
import { renderPdf } from '../src/render/pdf.js';
import { textMeasure } from '../src/render/measure.js';
import { validatePacket } from '../src/validate/validate.js';
import type { Packet, Project } from '../src/model/packet.js';
import { renderDocx } from '../src/render/docx.js';
import { formArchive } from '../src/output/forms.js';
import { loadSeed } from '../test/support/seed.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const [task = '', count = '0'] = process.argv.slice(2);
const n = Number(count);
const seed = loadSeed();
const out = await mkdtemp(path.join(tmpdir(), 'shenbao-bench-'));
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** The seed's 10 projects repeated to n, each name made unique, so no two forms are equal. */
function projects(count: number): Project[] {
  return Array.from({ length: count }, (_, i) => ({ ...seed.projects[i % 10]!, name: `${seed.projects[i % 10]!.name}（第${i + 1}项）` }));
}

const report = (result: Record<string, unknown>) => console.log(JSON.stringify({ ...result, peakRssMb: peakRssMb() }));

try {
  const [templates, fonts] = await Promise.all([loadTemplates(), loadFonts()]);
  const creationDate = new Date('2023-01-01T00:00:00Z');

  if (task === 'pdf-forms' || task === 'docx-forms') {
    // n per-project files, the cost of each step summed over all of them.
    const split = { validate: 0, layout: 0, paginate: 0, place: 0, render: 0, write: 0 };
    const measure = textMeasure(fonts);
    let bytes = 0;
    const step = async <T>(name: keyof typeof split, work: () => T | Promise<T>): Promise<T> => {
      const t = performance.now();
      const result = await work();
      split[name] += performance.now() - t;
      return result;
    };
    const started = performance.now();
    for (const [i, project] of projects(n).entries()) {
      const packet: Packet = { ...seed, projects: [project] };
      await step('validate', () => validatePacket(packet));
      const grid = await step('layout', () => declarationDocument(templates, project, seed.year, 0));
      let file: Uint8Array;
      if (task === 'pdf-forms') {
        // The steps of pagedPdf, each timed: page breaks planned, every line and rule placed, drawn.
        const paged = await step('paginate', () => paginate(grid, pageMeasure(grid.page, measure)));
        const pages = await step('place', () => placeDocument(paged.document, measure));
        // As a build makes it: PDF/A, with the project's data attached.
        const archive = formArchive({ project, header: { title: seed.title, unit: seed.unit, year: seed.year } });
        file = await step('render', () => renderPdf(numberPages(pages, grid.page, 1, pages.length, measure), { fonts, creationDate, title: project.name, archive }));
      } else {
        file = await step('render', () => renderDocx(grid, { creationDate, title: project.name }));
      }
      bytes += file.length;
      await step('write', () => writeFile(path.join(out, `${i}.${task === 'pdf-forms' ? 'pdf' : 'docx'}`), file));
    }
    const seconds = (performance.now() - started) / 1000;
    const perForm = Object.fromEntries(Object.entries(split).map(([k, v]) => [k, +(v / n).toFixed(2)]));
    report({ seconds, formsPerSecond: n / seconds, averageKb: bytes / n / 1024, msPerForm: perForm });
  } else if (task === 'packet' || task === 'packet-docx') {
    // A packet of n projects through `shenbao build`, as a user runs it: the command line from
    // dist/ (built by npm run bench), its own process, its default --jobs (the cores). Its peak RSS
    // is its own (bench/peak-rss.mjs reports it at exit); the forms are done when it starts the 汇总表.
    const data = path.join(out, `unit-${n}.json`);
    await writeFile(data, JSON.stringify({ ...seed, projects: projects(n) }));
    const format = task === 'packet' ? 'pdf' : 'docx';
    const args = ['--import', path.join(ROOT, 'bench', 'peak-rss.mjs'), path.join(ROOT, 'dist', 'cli.js'), 'build', data, '-o', path.join(out, 'out')];
    const started = performance.now();
    const child = spawn(process.execPath, [...args, '--format', format, '--date', '2023-01-01'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let formsDone = 0;
    let cli: { peakRssMb: number } | undefined;
    let files = 0;
    for await (const line of createInterface({ input: child.stderr! })) {
      if (!formsDone && line.includes('汇总表：')) formsDone = performance.now();
      if (/^\s+\[\d+\/\d+\]/.test(line)) files++;
      if (line.startsWith('shenbao-bench ')) cli = JSON.parse(line.slice('shenbao-bench '.length)) as { peakRssMb: number };
    }
    const [code] = (await once(child, 'close')) as [number];
    const seconds = (performance.now() - started) / 1000;
    console.log(JSON.stringify({ seconds, formsSeconds: (formsDone - started) / 1000, jobs: availableParallelism(), files, ok: code === 0, peakRssMb: cli?.peakRssMb }));
  } else if (task === 'indicators') {
    const indicators = Array.from({ length: n }, (_, i) => ({ level1: '产出指标', level2: '数量指标', name: `测试指标${i + 1}`, target: `≥${i + 1}(次)` }));
    const grid = declarationDocument(templates, { ...seed.projects[0]!, indicators }, seed.year, 0);
    const started = performance.now();
    const pdf = await pagedPdf(grid, { fonts, creationDate });
    report({ seconds: (performance.now() - started) / 1000, pages: pdf.pages.length });
  } else if (task === 'goal') {
    // A 年度总体目标 of n characters: layout time grows linearly with its length.
    let annualGoal = '';
    for (let i = 1; annualGoal.length < n; i++) annualGoal += `第${i}项：推进基层社会治理体系建设，提升居民群众的获得感。${i % 7 === 0 ? '\n' : ''}`;
    const grid = declarationDocument(templates, { ...seed.projects[0]!, annualGoal: annualGoal.slice(0, n) }, seed.year, 0);
    const started = performance.now();
    const pdf = await pagedPdf(grid, { fonts, creationDate });
    report({ seconds: (performance.now() - started) / 1000, pages: pdf.pages.length });
  } else if (task === 'front') {
    // The 汇总表's own table for n projects.
    const grid = summaryDocument(templates, { ...seed, projects: projects(n) }, []);
    const started = performance.now();
    const pdf = await pagedPdf(grid, { fonts, creationDate });
    report({ seconds: (performance.now() - started) / 1000, pages: pdf.pages.length });
  } else {
    throw new Error(`unknown bench task ${task}`);
  }
} finally {
  await rm(out, { recursive: true, force: true });
}
