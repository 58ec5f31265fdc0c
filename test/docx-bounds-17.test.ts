// Issue 17, items 12 and 16 (.docx): the Word reader is bounded. Before, a .docx nested 20,000
// elements deep made `extract` run for minutes (saxes resolved each namespace prefix by walking
// every open element) and 5,000 deep overflowed the stack (内部错误, exit 4); a 275 KB .docx whose
// XML inflates to 180 MB aborted out of memory. Now:
//   nested 5,000 (content controls) and 20,000 (insertions) deep ........ 'nested too deep'
//   3,000,001 empty paragraphs (a 27 KB file) .............................. 'too many nodes'
//   nested 256 deep (the cap), each way the reader recurses ............... 'at the depth cap'
//   180 MB of XML, as the directory says it; claimed as 1 MB ............. 'inflating too much'
//   the parts together past the package cap; a size that lies below ...... 'the package'
//   40,000 joined paragraphs, 40,000 nested fields (were quadratic); list
//   letters from 2,000,000,000 (a 609-byte file that hung) ................ 'linear in what the file holds'
// The CLI cases assert the exit code, the exact Chinese line (no stack trace, no 内部错误) and the
// folder hashed before and after, under `prlimit --as` so that a regression fails the test, not
// the machine.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { strFromU8, strToU8, unzipSync, Zip, zipSync, type ZipInputFile } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { readDocx } from '../src/extract/docx-read.js';
import { shenbao, type Run } from './support/cli.js';
import { buildDocx } from './support/docx.js';
import { treeHashes } from './support/tree.js';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
/** Address space for the command: Node reserves about 1 GB of it, so some 500 MB can be used. */
const MEMORY = 1_500_000_000;

/** The command under an address-space limit (prlimit --as). */
const limited = (args: string[], cwd: string, memory = MEMORY): Promise<Run> => shenbao(args, cwd, { memory: memory });

/** `extract file -o 读回.json` in a folder holding only `file`: the outcome, the folder before and after, and the time. */
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function extractIn(name: string, bytes: Uint8Array, memory = MEMORY) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-bounds-'));
  made.push(dir);
  writeFileSync(path.join(dir, name), bytes);
  const before = await treeHashes(dir);
  const started = performance.now();
  const run = await limited(['extract', name, '-o', '读回.json'], dir, memory);
  const seconds = (performance.now() - started) / 1000;
  return { ...run, seconds, before, after: await treeHashes(dir) };
}

/** Refused as the user's to fix: exit 2, exactly `line` on stderr, nothing written. */
function expectRefused(result: Awaited<ReturnType<typeof extractIn>>, line: string): void {
  expect(result.stderr).not.toContain('内部错误');
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr).toBe(`${line}\n`);
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
  expect(result.after).toEqual(result.before);
}

/** The .docx with word/document.xml changed by `edit` (the text), every other part as it was. */
function withDocument(bytes: Uint8Array, edit: (xml: string) => string): Uint8Array {
  const parts = unzipSync(bytes);
  parts['word/document.xml'] = strToU8(edit(strFromU8(parts['word/document.xml']!)));
  return zipSync(parts);
}

/** Replaces the first match of `pattern` (which must be there) by what `wrap` makes of it. */
function wrapFirst(xml: string, pattern: RegExp, wrap: (found: string) => string): string {
  const match = pattern.exec(xml);
  if (!match) throw new Error(`no ${pattern} in word/document.xml`);
  return xml.slice(0, match.index) + wrap(match[0]) + xml.slice(match.index + match[0].length);
}

/** A minimal .docx around `body` (the children of w:body). */
const docxOf = (body: string, parts: Record<string, Uint8Array> = {}): Uint8Array =>
  zipSync({ 'word/document.xml': strToU8(`<w:document xmlns:w="${W}"><w:body>${body}</w:body></w:document>`), ...parts });

async function refusal(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a UserError');
}

type RepeatedEntry = ZipInputFile & { blocks: Uint8Array<ArrayBuffer>[] };

/** 1 MiB of text, less four bytes. */
const MEBIBYTE_OF_TEXT = strToU8('申报'.repeat(174_762));

/**
 * A zip entry of `megabytes` × MEBIBYTE_OF_TEXT between `head` and `tail`, deflated in a moment: a
 * block deflated on its own (sync-flushed, not final) refers only to itself, so the same block can
 * stand any number of times in a row. The directory claims `claimed` bytes (the truth by default).
 */
function repeatedEntry(filename: string, head: string, megabytes: number, tail: string, claimed?: number): RepeatedEntry {
  const [start, end] = [strToU8(head), strToU8(tail)];
  const deflated = (data: Uint8Array, final: boolean) => new Uint8Array(deflateRawSync(data, final ? {} : { finishFlush: constants.Z_SYNC_FLUSH }));
  const block = deflated(MEBIBYTE_OF_TEXT, false);
  let crc = crc32(start);
  for (let i = 0; i < megabytes; i++) crc = crc32(MEBIBYTE_OF_TEXT, crc);
  crc = crc32(end, crc);
  const size = start.length + megabytes * MEBIBYTE_OF_TEXT.length + end.length;
  return {
    filename,
    size: claimed ?? size,
    crc,
    compression: 8,
    blocks: [deflated(start, false), ...Array<Uint8Array<ArrayBuffer>>(megabytes).fill(block), deflated(end, true)],
  };
}

/** A zip of entries made by repeatedEntry, in their order. */
function zipOf(entries: RepeatedEntry[]): Uint8Array {
  const out: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    out.push(chunk);
  });
  for (const entry of entries) {
    zip.add(entry);
    entry.blocks.forEach((block, i) => entry.ondata!(null, block, i === entry.blocks.length - 1));
  }
  zip.end();
  const bytes = new Uint8Array(out.reduce((n, chunk) => n + chunk.length, 0));
  out.reduce((at, chunk) => (bytes.set(chunk, at), at + chunk.length), 0);
  return bytes;
}

/** word/document.xml: one paragraph of `megabytes` MiB of text. */
const hugeDocument = (megabytes: number, claimed?: number) =>
  repeatedEntry('word/document.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body><w:p><w:r><w:t>`, megabytes, '</w:t></w:r></w:p></w:body></w:document>', claimed);

let form: Uint8Array; // 01-社区睦邻学堂运营.docx as shenbao writes it
beforeAll(async () => {
  const folder = await buildDocx(path.join(import.meta.dirname, 'fixtures', 'distinct.json'));
  made.push(path.dirname(folder));
  form = new Uint8Array(readFileSync(path.join(folder, '01-社区睦邻学堂运营.docx')));
});

describe('nested too deep', () => {
  it('a form whose first table is wrapped in 5,000 content controls: refused, exit 2, nothing written', async () => {
    const deep = withDocument(form, (xml) => wrapFirst(xml, /<w:tbl>[\s\S]*?<\/w:tbl>/, (table) => `${'<w:sdt><w:sdtContent>'.repeat(5_000)}${table}${'</w:sdtContent></w:sdt>'.repeat(5_000)}`));
    const result = await extractIn('深.docx', deep);
    expectRefused(result, 'Word 文件 深.docx 的 word/document.xml 嵌套超过 256 层，不是 Word 保存的文件，shenbao 不读取');
  });

  it('a form with a run inside 20,000 insertions (a 40 KB file): refused at once', async () => {
    const deep = withDocument(form, (xml) => wrapFirst(xml, /<w:r>[\s\S]*?<\/w:r>/, (run) => `${'<w:ins w:id="1" w:author="x">'.repeat(20_000)}${run}${'</w:ins>'.repeat(20_000)}`));
    expect(deep.length).toBeLessThan(60_000);
    const result = await extractIn('深二万.docx', deep);
    expectRefused(result, 'Word 文件 深二万.docx 的 word/document.xml 嵌套超过 256 层，不是 Word 保存的文件，shenbao 不读取');
    // It took more than 120 s; the refusal comes as soon as level 257 is read.
    expect(result.seconds).toBeLessThan(30);
  });

  it('styles.xml too: the part is named', async () => {
    const styles = strToU8(`<w:styles xmlns:w="${W}">${'<w:style>'.repeat(300)}${'</w:style>'.repeat(300)}</w:styles>`);
    expect(await refusal(() => readDocx(docxOf('<w:p/>', { 'word/styles.xml': styles }), 'a.docx'))).toBe(
      'Word 文件 a.docx 的 word/styles.xml 嵌套超过 256 层，不是 Word 保存的文件，shenbao 不读取',
    );
  });
});

describe('too many nodes', () => {
  it('3,000,001 empty paragraphs (18 MB of XML in a 27 KB file): refused at the 3,000,001st', async () => {
    // Read whole, they took about 1 GB; refused, about 400 MB (so a larger limit than the others).
    const result = await extractIn('段落.docx', docxOf('<w:p/>'.repeat(3_000_001)), 2_500_000_000);
    expectRefused(result, 'Word 文件 段落.docx 的 word/document.xml 有超过 300 万个元素和文字段，远多于 1,000 张申报表的汇总表，shenbao 不读取');
  });
});

describe('at the depth cap', () => {
  // w:document and w:body are levels 1 and 2: each chain fills levels 3 to 256 exactly.
  const run = '<w:r><w:t>字</w:t></w:r>';
  const around = (open: string, close: string, levels: number, inner: string) => open.repeat(levels) + inner + close.repeat(levels);
  it.each([
    ['content controls around a paragraph', around('<w:sdt><w:sdtContent>', '</w:sdtContent></w:sdt>', 125, `<w:customXml><w:p>${run}</w:p></w:customXml>`)],
    ['insertions in a paragraph', `<w:p>${around('<w:ins>', '</w:ins>', 251, run)}</w:p>`],
    ['hyperlinks in a paragraph', `<w:p>${around('<w:hyperlink>', '</w:hyperlink>', 251, run)}</w:p>`],
    ['runs in runs', `<w:p>${around('<w:r>', '</w:r>', 252, '<w:t>字</w:t>')}</w:p>`],
    ['text in unknown elements in w:t', `<w:p><w:r><w:t>${around('<w:x>', '</w:x>', 251, '字')}</w:t></w:r></w:p>`],
  ])('%s: read', async (_, body) => {
    expect((await readDocx(docxOf(body), 'a.docx')).blocks).toEqual([{ type: 'paragraph', text: '字' }]);
  });

  it('one level more: refused', async () => {
    expect(await refusal(() => readDocx(docxOf(`<w:p>${around('<w:ins>', '</w:ins>', 252, run)}</w:p>`), 'a.docx'))).toBe(
      'Word 文件 a.docx 的 word/document.xml 嵌套超过 256 层，不是 Word 保存的文件，shenbao 不读取',
    );
  });
});

describe('inflating too much', () => {
  it('180 MB of XML in a 275 KB file, as the directory says: refused without inflating it', async () => {
    const bomb = zipOf([hugeDocument(180)]);
    expect(bomb.length).toBeLessThan(600_000);
    const result = await extractIn('炸弹.docx', bomb);
    expectRefused(result, 'Word 文件 炸弹.docx 的 word/document.xml 解压后有 180 MB，超过 64 MB 的上限，不能读取（文件可能已损坏，或不是正常的 Word 文件）');
  });

  it('180 MB of XML whose directory claims 1 MB: stopped once past 64 MB, as it inflates', async () => {
    const bomb = zipOf([hugeDocument(180, 1024 * 1024)]);
    const result = await extractIn('小炸弹.docx', bomb);
    expectRefused(result, 'Word 文件 小炸弹.docx 的 word/document.xml 解压后超过 64 MB 的上限，不能读取（文件可能已损坏，或不是正常的 Word 文件）');
  });
});

describe('the package', () => {
  const small = (name: string, megabytes: number) => repeatedEntry(name, '<x>', megabytes, '</x>');

  it('parts each within their caps but together past 80 MB: refused, naming the part that passed it', async () => {
    const bytes = zipOf([small('word/styles.xml', 15), small('word/numbering.xml', 15), hugeDocument(60)]);
    expect(await refusal(() => readDocx(bytes, 'a.docx'))).toBe(
      'Word 文件 a.docx 的 word/document.xml 解压后与其他部分合计超过 80 MB 的上限，不能读取（文件可能已损坏，或不是正常的 Word 文件）',
    );
  });

  it('a part that inflates to more than its directory entry says, within the cap: damaged, not cut short', async () => {
    const bytes = zipOf([hugeDocument(2, 1024 * 1024)]);
    expect(await refusal(() => readDocx(bytes, 'a.docx'))).toBe(
      'Word 文件 a.docx 已损坏或不完整（word/document.xml 的大小与压缩包目录记的不符）：请用 Word 打开后重新保存，或重新复制、下载这个文件',
    );
  });

  it('two parts whose names differ only in case: damaged (Word and shenbao might read different ones)', async () => {
    const document = strToU8(`<w:document xmlns:w="${W}"><w:body><w:p/></w:body></w:document>`);
    const bytes = zipSync({ 'word/document.xml': document, 'Word/Document.xml': document });
    expect(await refusal(() => readDocx(bytes, 'a.docx'))).toBe(
      'Word 文件 a.docx 已损坏或不完整（压缩包里有两个 Word/Document.xml）：请用 Word 打开后重新保存，或重新复制、下载这个文件',
    );
  });
});

describe('linear in what the file holds', () => {
  // Each took 30–50 s (every element asked every open field; each joined paragraph copied the ones before).
  it('40,000 paragraphs joined by deleted paragraph marks, each with a footnote', async () => {
    const body = '<w:p><w:pPr><w:rPr><w:del/></w:rPr></w:pPr><w:r><w:footnoteReference/></w:r><w:r><w:t>x</w:t></w:r></w:p>'.repeat(40_000);
    const started = performance.now();
    const [paragraph] = (await readDocx(docxOf(`${body}<w:p/>`), 'a.docx')).blocks;
    expect(paragraph).toMatchObject({ type: 'paragraph', text: 'x'.repeat(40_000), unreadable: [expect.stringContaining('脚注')] });
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('a 609-byte file whose list letters start at 2,000,000,000 (77 million letters a label): named, not built', async () => {
    const numbering =
      `<w:numbering xmlns:w="${W}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="2000000000"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>` +
      '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>';
    const paragraph = '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>加强</w:t></w:r></w:p>';
    const bytes = docxOf(paragraph.repeat(100), { 'word/numbering.xml': strToU8(numbering) });
    expect(bytes.length).toBeLessThan(1_000);
    const unreadable = ['段落的自动编号超过 100 个字，不是 Word 给的编号，读不准。请把编号改成直接输入的文字（如“1.”）'];
    expect((await readDocx(bytes, 'a.docx')).blocks).toEqual(Array(100).fill({ type: 'paragraph', text: '加强', unreadable }));
  });

  it('40,000 locked fields, each in the result of the one before', async () => {
    const field = '<w:r><w:fldChar w:fldCharType="begin" w:fldLock="1"/></w:r><w:r><w:instrText>QUOTE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>y</w:t></w:r>';
    const started = performance.now();
    const [paragraph] = (await readDocx(docxOf(`<w:p>${field.repeat(40_000)}</w:p>`), 'a.docx')).blocks;
    expect(paragraph).toEqual({ type: 'paragraph', text: 'y'.repeat(40_000) });
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
