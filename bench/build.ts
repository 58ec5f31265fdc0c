// npm run bench: how long the seed packet takes, and how much memory, on this machine.
// Prints figures; asserts nothing (tests assert behaviour, not timings).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  buildPacketFile,
  createBuildContext,
  declarationDocument,
  loadFonts,
  loadTemplates,
  pagedPdf,
  summaryDocument,
} from '../src/index.js';
import { extractDocx } from '../src/extract/docx.js';
import { renderDocx } from '../src/render/docx.js';
import { loadSeed, SEED_FILE } from '../test/support/seed.js';

const ms = (t: number) => `${t.toFixed(0)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const out = await mkdtemp(path.join(tmpdir(), 'shenbao-bench-'));

try {
  let t = performance.now();
  const context = await createBuildContext();
  console.log(`templates + fonts loaded:          ${ms(performance.now() - t)}`);

  for (const run of [1, 2, 3]) {
    t = performance.now();
    const report = await buildPacketFile(SEED_FILE, { outDir: out, formats: ['pdf'] }, context);
    console.log(`seed packet, 11 PDFs (run ${run}):      ${ms(performance.now() - t)}  (${report.written.length} files)`);
  }
  for (const run of [1, 2, 3]) {
    t = performance.now();
    const report = await buildPacketFile(SEED_FILE, { outDir: out, formats: ['docx'] }, context);
    console.log(`seed packet, 11 .docx (run ${run}):     ${ms(performance.now() - t)}  (${report.written.length} files)`);
  }
  {
    // A revised 汇总表 read back: the seed's, and one form grown to 10,000 indicator rows.
    const summary = await readFile(path.join(out, 'minhang-2023', '汇总表.docx'));
    t = performance.now();
    extractDocx(summary, '汇总表.docx', context.templates);
    console.log(`extract the seed 汇总表.docx:         ${ms(performance.now() - t)}`);
    const big = { ...loadSeed(), projects: [{ ...loadSeed().projects[0]!, indicators: Array.from({ length: 10_000 }, (_, i) => ({ ...loadSeed().projects[0]!.indicators[i % 12]!, name: `指标${i}` })) }] };
    const bytes = await renderDocx(declarationDocument(context.templates, big.projects[0]!, big.year, 0), { creationDate: new Date(0), title: 'bench' });
    t = performance.now();
    const read = extractDocx(bytes, 'big.docx', context.templates);
    console.log(`extract a form of 10,000 indicators:  ${ms(performance.now() - t)}  (${mb(bytes.length)} .docx, ${read.problems.length} problems)`);
  }

  const seed = loadSeed();
  const templates = await loadTemplates();
  const fonts = await loadFonts();
  const one = declarationDocument(templates, seed.projects[0]!, seed.year, 0);
  const n = 20;
  t = performance.now();
  for (let i = 0; i < n; i++) await pagedPdf(one, { fonts, creationDate: new Date(0) });
  console.log(`one-page form, separate documents: ${ms((performance.now() - t) / n)} per form (mean of ${n})`);

  // A very long 年度总体目标 (issue 5): layout time should grow linearly with its length.
  for (const chars of [20_000, 200_000]) {
    const sentence = (i: number) => `第${i}项：推进基层社会治理体系建设，提升居民群众的获得感。${i % 7 === 0 ? '\n' : ''}`;
    let annualGoal = '';
    for (let i = 1; annualGoal.length < chars; i++) annualGoal += sentence(i);
    const form = declarationDocument(templates, { ...seed.projects[0]!, annualGoal: annualGoal.slice(0, chars) }, seed.year, 0);
    t = performance.now();
    const { bytes } = await pagedPdf(form, { fonts, creationDate: new Date(0) });
    console.log(`${chars.toLocaleString('en-US')}-character goal:`.padEnd(36) + `${ms(performance.now() - t)}  (${mb(bytes.length)} PDF)`);
  }

  // Long tables (issue 7): every page break placed from one measurement, so pdfmake lays each
  // document out once, however many rows and pages (before: one pass per page, 97 s for the first).
  const tag = (t: string, chars: number) => `【${t}】${'推进基层社会治理体系建设，提升居民群众的获得感。'.repeat(chars)}`.slice(0, chars);
  const indicators = (n: number, chars: number | null) =>
    Array.from({ length: n }, (_, i) => ({
      level1: '产出指标',
      level2: '数量指标',
      name: chars ? tag(`N${i}`, chars) : `测试指标${i + 1}`,
      target: chars ? tag(`T${i}`, chars) : `≥${i + 1}(次)`,
    }));
  const long = {
    '100 indicators, 500-char texts:': declarationDocument(templates, { ...seed.projects[0]!, indicators: indicators(100, 500) }, seed.year, 0),
    '1,000 indicators:': declarationDocument(templates, { ...seed.projects[0]!, indicators: indicators(1000, null) }, seed.year, 0),
    '汇总表 front table, 300 projects:': summaryDocument(
      templates,
      { ...seed, projects: Array.from({ length: 300 }, (_, i) => ({ ...seed.projects[i % 10]!, name: `${seed.projects[i % 10]!.name}${i + 1}` })) },
      [],
    ),
  };
  for (const [name, document] of Object.entries(long)) {
    t = performance.now();
    const { bytes, layoutPasses } = await pagedPdf(document, { fonts, creationDate: new Date(0) });
    const pages = (bytes.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    console.log(name.padEnd(36) + `${ms(performance.now() - t)}  (${pages} pages, ${layoutPasses} layout pass${layoutPasses > 1 ? 'es' : ''})`);
  }

  const usage = process.memoryUsage();
  console.log(`memory: rss ${mb(usage.rss)}, heap used ${mb(usage.heapUsed)}, external ${mb(usage.external)}`);
} finally {
  await rm(out, { recursive: true, force: true });
}
