// Hostile tests for issue 16 (departments' Word forms: extract, gather, diff). Each reproduces a
// finding and asserts the CORRECT behaviour: data the page shows, or a refusal naming its place.
// Each was a finding of a hostile round; the message or data each now gives is asserted exactly.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import { gatherForms } from '../src/output/gather.js';
import { extractFile } from '../src/output/revision.js';
import { shenbaoHere } from './support/cli.js';
import { buildDocx } from './support/docx.js';
import { SEED_FILE } from './support/seed.js';
import { lines } from './support/problems.js';

let templates: FormTemplates;
let seedForm: Uint8Array; // 01-培训费.docx as build writes it
let seedForm2: Uint8Array; // 02-…docx
let dir: string;

beforeAll(async () => {
  templates = await loadTemplates();
  const folder = await buildDocx(SEED_FILE);
  seedForm = new Uint8Array(readFileSync(path.join(folder, '01-培训费.docx')));
  seedForm2 = new Uint8Array(readFileSync(path.join(folder, '02-闵行区居村民服务自治平台（2023运维）.docx')));
  dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-hostile16-'));
}, 60_000);

/** The form with literal replacements in word/document.xml (each `from` must occur). */
function edited(bytes: Uint8Array, ...pairs: Array<[string, string]>): Uint8Array {
  const entries = unzipSync(bytes);
  let xml = strFromU8(entries['word/document.xml']!);
  for (const [from, to] of pairs) {
    if (!xml.includes(from)) throw new Error(`not in document.xml: ${from}`);
    xml = xml.replace(from, to);
  }
  entries['word/document.xml'] = strToU8(xml);
  return zipSync(entries);
}

let count = 0;
async function extractBytes(bytes: Uint8Array, name = `f${++count}.docx`) {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return { file, read: await extractFile(file, templates) };
}

/** Target of indicator 1 of 培训费 as build writes it (one run). */
const TARGET = '<w:r><w:t xml:space="preserve">≥4(次)</w:t></w:r>';
const BEGIN = '<w:r><w:fldChar w:fldCharType="begin"/></w:r>';
const END = '<w:r><w:fldChar w:fldCharType="end"/></w:r>';
const instr = (code: string) => `<w:r><w:instrText xml:space="preserve">${code}</w:instrText></w:r>`;

type Read = Awaited<ReturnType<typeof extractFile>>;
const indicatorsOf = (read: Read) => ((read.data?.projects as Array<{ indicators: Array<{ target?: string }> }> | undefined)?.[0]?.indicators ?? []);
const everything = (read: Read) => [...lines(read.problems), ...lines(read.notes), ...read.diagnostics.map((d) => d.message)].join('\n');

describe('fields that break the reading', () => {
  it('an unclosed field (fldChar begin, no end) after the first target does not silently drop the other 11 indicators', async () => {
    // Today: exit 0, "0 个错误", 1 indicator instead of 12.
    const { file, read } = await extractBytes(edited(seedForm, [TARGET, TARGET + BEGIN]));
    expect(lines(read.problems)).toEqual([`${file}：第 1 张申报表第 2 个表格第 2 行第 7 列（绩效指标第 1 条的年度(/项目)指标值）：这里有一个没有结束的域（缺少域结束符），它后面的内容印不出来，读不准。请在 Word 里删去这个域，改成直接输入的文字`]);
  });

  it('a DATE field with no separate/result (Word and LibreOffice compute it: the page shows the date) is refused', async () => {
    // LibreOffice 7.4 prints "≥4(次)2026" for this cell; shenbao reads "≥4(次)" with exit 0.
    const { file, read } = await extractBytes(edited(seedForm, [TARGET, TARGET + BEGIN + instr(' DATE \\@ "yyyy" ') + END]));
    expect(lines(read.problems)).toEqual([`${file}：第 1 张申报表第 2 个表格第 2 行第 7 列（绩效指标第 1 条的年度(/项目)指标值）：这里有域（DATE），文件里没有存它显示的内容，读不出印的是什么。请改成直接输入的文字`]);
  });

  it('a SYMBOL field with no result is not dropped: "≥" is not lost from the target', async () => {
    const { file, read } = await extractBytes(edited(seedForm, [TARGET, BEGIN + instr(' SYMBOL 179 \\f "Symbol" ') + END + '<w:r><w:t>4(次)</w:t></w:r>']));
    // Was: target "4(次)", exit 0 (the operator silently gone).
    expect(lines(read.problems)).toEqual([`${file}：第 1 张申报表第 2 个表格第 2 行第 7 列（绩效指标第 1 条的年度(/项目)指标值）：这里有域（SYMBOL），文件里没有存它显示的内容，读不出印的是什么。请改成直接输入的文字`]);
  });
});

describe('w:sym with odd codes', () => {
  for (const code of ['10000', '', '-F0B3']) {
    it(`w:sym w:char="${code}" is refused with its place, not dropped`, async () => {
      const { file, read } = await extractBytes(edited(seedForm, [TARGET, `<w:r><w:sym w:font="Symbol" w:char="${code}"/><w:t>4(次)</w:t></w:r>`]));
      // Was: target "4(次)", exit 0.
      expect(lines(read.problems)).toEqual([`${file}：第 1 张申报表第 2 个表格第 2 行第 7 列（绩效指标第 1 条的年度(/项目)指标值）：这里有 Symbol 字体的符号，但它的代码「${code}」不是有效的字符代码，读不出印的是什么。请改成直接输入的字符`]);
    });
  }

  it('capitals (w:caps) do not change a Symbol-font character: μ inserted as w:sym F06D reads μ, not Μ', async () => {
    // LibreOffice prints U+F06D (μ) unchanged; shenbao reads "Μ4(次)" (capital Mu) with exit 0.
    const { read } = await extractBytes(edited(seedForm, [TARGET, '<w:r><w:rPr><w:caps/></w:rPr><w:sym w:font="Symbol" w:char="F06D"/><w:t>4(次)</w:t></w:r>']));
    expect([read.problems, indicatorsOf(read)[0]?.target]).toEqual([[], 'μ4(次)']);
  });
});

describe('title and year lines', () => {
  it('automatic numbering on the title paragraph is refused at the title, not as "not a shenbao form"', async () => {
    const numbering = '<w:abstractNum w:abstractNumId="10"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>';
    const entries = unzipSync(edited(seedForm, ['<w:p><w:pPr><w:keepNext/>', '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:keepNext/>']));
    entries['word/numbering.xml'] = strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">${numbering}</w:numbering>`);
    let message = '';
    try {
      const { read } = await extractBytes(zipSync(entries));
      message = lines(read.problems).join('\n');
    } catch (error) {
      message = (error as Error).message; // today: 没有找到「财政项目支出绩效目标申报表」，不是 shenbao 生成的申报表或汇总表 (exit 2)
    }
    expect(message).toMatch(/^\/.*\.docx：标题「1\. 财政项目支出绩效目标申报表」前面多了「1\.」（标题设了自动编号或项目符号，或打了字）。请在 Word 里去掉标题前的编号或文字后再读$/);
  });

  it('a struck-through correction of the year line is a warning, as in a cell', async () => {
    const { read } = await extractBytes(
      edited(seedForm, ['<w:t xml:space="preserve">(2023年度)</w:t>', '<w:t xml:space="preserve">(</w:t></w:r><w:r><w:rPr><w:strike/></w:rPr><w:t>2022</w:t></w:r><w:r><w:t>2023年度)</w:t>']),
    );
    // Today: read as 2023 with no word about the struck "2022".
    expect(lines(read.notes)).toEqual([expect.stringMatching(/\.docx：第 1 张申报表标题下的年度一行：带删除线的「2022」按删除读，读入的是「2023」$/)]);
  });
});

describe('gathering', () => {
  it('--year that differs from a form’s printed year is not applied silently', async () => {
    const a = path.join(dir, 'y-01.docx');
    const b = path.join(dir, 'y-02.docx');
    writeFileSync(a, seedForm);
    writeFileSync(b, edited(seedForm2, ['>(2023年度)<', '>(2024年度)<']));
    const gathered = await gatherForms([a, b], { templates, year: 2023 });
    // Today: a packet of year 2023 with no word that y-02.docx is printed (2024年度).
    const said = [...lines(gathered.conflicts), ...gathered.files.flatMap((f) => lines([...f.problems, ...f.notes])), ...gathered.diagnostics.map((d) => `${d.file ?? ''} ${d.diagnostic.message}`)];
    expect(said).toEqual([`${b}：表上印的年度是 2024，按 --year 2023 汇总（这张表的日期是否在 2023 年内，build 会再检查）`]);
  });

  it('a form whose 绩效指标 cell is unmerged in a middle row is not described as rows added below the groups', async () => {
    const entries = unzipSync(seedForm);
    const xml = strFromU8(entries['word/document.xml']!);
    // The third row of the lower table: drop the vMerge continue of its first cell (绩效指标).
    const lower = xml.indexOf('<w:tbl>', xml.indexOf('<w:tbl>') + 1);
    let at = lower;
    for (let i = 0; i < 3; i++) at = xml.indexOf('<w:tr>', at + 1);
    const cont = xml.indexOf('<w:vMerge w:val="continue"/>', at);
    entries['word/document.xml'] = strToU8(xml.slice(0, cont) + xml.slice(cont + '<w:vMerge w:val="continue"/>'.length));
    const { read } = await extractBytes(zipSync(entries));
    const message = lines(read.problems).join('\n');
    expect(message).toMatch(/\.docx：第 1 张申报表第 2 个表格第 3 行第 1 列：「绩效指标」的合并单元格从这一行起被拆开了（这一格没有与上面的「绩效指标」合并），无法读取。请把这一列重新与「绩效指标」合并$/);
  });
});

describe('diff against a packet whose names repeat', () => {
  it('a form named without its NN- prefix, when two projects share its name, says the name is ambiguous', async () => {
    const data = JSON.parse(readFileSync(SEED_FILE, 'utf8')) as { $schema?: string; projects: Array<{ name: string }> };
    delete data.$schema;
    data.projects[1]!.name = '培训费';
    const packetFile = path.join(dir, 'dup.json');
    writeFileSync(packetFile, JSON.stringify(data, null, 2));
    const folder = await buildDocx(packetFile);
    copyFileSync(path.join(folder, '02-培训费.docx'), path.join(dir, '培训费.docx'));
    const run = await shenbaoHere(['diff', 'dup.json', '培训费.docx'], dir);
    // Today: silently compared with project 1 and 22 differences listed (exit 1), no word that
    // project 2 has the same name (the form is project 2's, unchanged).
    expect([run.code, run.stderr]).toEqual([
      2,
      '培训费.docx 是项目「培训费」的申报表，dup.json 里有 2 个同名的项目（项目 1、项目 2），文件名没有编号，看不出是哪一个。请把申报表的文件名改成“编号-项目名称”（如 01-培训费.docx）再比较\n',
    ]);
  }, 30_000);
});
