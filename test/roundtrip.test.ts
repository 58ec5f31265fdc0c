// Acceptance: the seed packet, end to end. Every value of the data file comes back out of the
// PDFs, in order; the 汇总表 has its table, 合计, one bookmark per project and page footers.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPacketFile, type BuildReport } from '../src/output/build.js';
import { compact, expectInOrder, readPdf, type PdfReadback } from './support/pdf.js';
import { declarationValues, loadSeed, money, SEED_FILE } from './support/seed.js';

const seed = loadSeed();
let outDir: string;
let report: BuildReport;
const packetDir = () => path.join(outDir, 'minhang-2023');

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'shenbao-roundtrip-'));
  report = await buildPacketFile(SEED_FILE, { outDir, creationDate: new Date('2023-01-01T00:00:00Z') });
});
afterAll(() => rm(outDir, { recursive: true, force: true }));

describe('seed packet build', () => {
  it('writes one PDF and one Word file per project, numbered in data order, and the 汇总表 in both', async () => {
    expect(report.ok).toBe(true);
    expect((await readdir(packetDir())).sort()).toEqual([
      '01-培训费.docx',
      '01-培训费.pdf',
      '02-闵行区居村民服务自治平台（2023运维）.docx',
      '02-闵行区居村民服务自治平台（2023运维）.pdf',
      '03-残疾人就业保障金.docx',
      '03-残疾人就业保障金.pdf',
      '04-居村自治共治建设.docx',
      '04-居村自治共治建设.pdf',
      '05-委办局党建经费.docx',
      '05-委办局党建经费.pdf',
      '06-政府雇员项目.docx',
      '06-政府雇员项目.pdf',
      '07-邻里中心项目建设.docx',
      '07-邻里中心项目建设.pdf',
      '08-社会建设重点工作研究.docx',
      '08-社会建设重点工作研究.pdf',
      '09-社会建设宣传.docx',
      '09-社会建设宣传.pdf',
      '10-调研经费.docx',
      '10-调研经费.pdf',
      'manifest.json',
      '汇总表.docx',
      '汇总表.pdf',
    ]);
  });

  it('reports exactly the seed’s two real anomalies, as warnings', () => {
    expect(report.diagnostics.map((d) => [d.severity, d.code, d.path.join('.')])).toEqual([
      ['warning', 'framework-no-satisfaction', 'projects.2.indicators'],
      ['warning', 'framework-misfiled', 'projects.3.indicators.12.name'],
    ]);
  });
});

describe.each(seed.projects.map((project, i) => [i + 1, project.name, project] as const))(
  'declaration %i %s',
  (number, name, project) => {
    let pdf: PdfReadback;
    beforeAll(async () => {
      const file = (await readdir(packetDir())).find((f) => f.startsWith(`${String(number).padStart(2, '0')}-`) && f.endsWith('.pdf'))!;
      pdf = await readPdf(await readFile(path.join(packetDir(), file)));
    });

    it('gives back every header value, amount, goal and indicator in order', () => {
      expectInOrder(pdf.pages.join('\n'), declarationValues(project, seed.year));
    });

    it('leaves blank amounts blank (no "null", no 0) and prints the rest as #,##0.00', () => {
      const text = compact(pdf.pages.join(''));
      const annualTotal = money(project.funds.annual.total);
      expect(text).toContain(`项目资金总额年度资金申请总额${annualTotal}`);
      expect(text).not.toMatch(/null|undefined|NaN/);
    });

    it('has a bookmark named after the project and numbered footers', () => {
      expect(pdf.bookmarks).toEqual([name]);
      pdf.pages.forEach((page, i) => expect(compact(page)).toContain(`第${i + 1}页共${pdf.pages.length}页`));
    });
  },
);

describe('汇总表', () => {
  let pdf: PdfReadback;
  beforeAll(async () => {
    pdf = await readPdf(await readFile(path.join(packetDir(), '汇总表.pdf')));
  });

  it('opens with the packet title and the summary table, then the 合计 row', () => {
    const first = pdf.pages[0]!;
    expectInOrder(first, [
      seed.title,
      ...['序号', '项目名称', '项目性质', '项目类别', '实施单位', '年度资金申请总额', '当年财政拨款', '上年结转资金', '其他资金'],
      ...seed.projects.flatMap((p, i) => [
        String(i + 1), p.name, p.nature, p.category, p.implementer,
        money(p.funds.annual.total), money(p.funds.annual.fiscal), money(p.funds.annual.carryover), money(p.funds.annual.other),
      ]),
    ]);
    expect(compact(first)).toContain('合计2,814,495.002,814,495.000.000.00');
  });

  it('then holds every form in order, each starting on a new page', () => {
    expectInOrder(pdf.pages.join('\n'), seed.projects.flatMap((p) => declarationValues(p, seed.year)));
    const formStarts = pdf.pages.flatMap((page, i) => (compact(page).startsWith('财政项目支出绩效目标申报表') ? [i] : []));
    expect(formStarts).toHaveLength(seed.projects.length);
  });

  it('has one bookmark per project, in order', () => {
    expect(pdf.bookmarks).toEqual(seed.projects.map((p) => p.name));
  });

  it('numbers every page 第 X 页 共 Y 页 with the real page count', () => {
    expect(pdf.pages).toHaveLength(13);
    pdf.pages.forEach((page, i) => expect(compact(page)).toContain(`第${i + 1}页共13页`));
  });
});

describe('the tools of these tests', () => {
  // pdf-parse's pdf.js (its legacy build, the one for Node 20) puts core-js polyfills into the
  // globals of the process that loads it: Array.prototype.push and JSON.parse replaced by slower
  // JavaScript, Iterator and Set.prototype.union added. shenbao's code is tested in the JavaScript a
  // user's Node has, so pdf-parse runs in a thread of its own (support/pdf-reader-thread.mjs).
  it('reads PDFs without changing this process’s globals', async () => {
    expect((await readPdf(await readFile(path.join(packetDir(), '汇总表.pdf')))).pages).toHaveLength(13);
    expect(Object.getOwnPropertyNames(globalThis).filter((name) => /core-js|pdfjs/i.test(name))).toEqual([]);
  });

  it('loads pdf-parse and pdf.js only in that thread', async () => {
    const sources = await readdir(path.join(import.meta.dirname), { recursive: true });
    const loaders = [];
    for (const name of sources.filter((n) => /\.(ts|mjs)$/.test(n))) {
      if (/['"](pdf-parse|pdfjs-dist)(\/[^'"]*)?['"]/.test(await readFile(path.join(import.meta.dirname, name), 'utf8'))) loaders.push(name);
    }
    expect(loaders).toEqual([path.join('support', 'pdf-reader-thread.mjs')]);
  });

  it('toEqual compares byte arrays byte for byte (support/same-bytes.ts), and arrays of two kinds as before', () => {
    const a = Buffer.alloc(1 << 20, 7);
    const b = Buffer.from(a);
    expect(a).toEqual(b);
    b[b.length - 1] = 8;
    expect(a).not.toEqual(b);
    expect(a.subarray(0, 10)).not.toEqual(a.subarray(0, 11));
    expect(new Uint8Array([1, 2])).toEqual(new Uint8Array([1, 2]));
    expect(Buffer.from([1, 2])).not.toEqual(new Uint8Array([1, 2]));
    expect({ pdf: Buffer.from('%PDF'), name: 'x' }).not.toEqual({ pdf: Buffer.from('%PDG'), name: 'x' });
  });
});
