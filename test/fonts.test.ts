// The CJK font travels inside the PDF, as a subset, with a ToUnicode map so text extracts; and an
// independent reader (poppler's pdftotext) reads the same text as pdf-parse. A font that cannot
// print the forms (damaged, cut short, without Chinese) is refused when it is loaded.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseFonts, DEFAULT_FONTS, loadFonts } from '../src/render/fonts.js';
import { declarationDocument } from '../src/layout/forms.js';
import { loadTemplates } from '../src/layout/templates.js';
import { pagedPdf } from '../src/output/paged-pdf.js';
import { sharedFontBytes } from '../src/render/fonts.js';
import { compact, readPdf } from './support/pdf.js';
import { loadSeed } from './support/seed.js';

const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('embedded font', () => {
  let bytes: Buffer;
  beforeAll(async () => {
    const seed = loadSeed();
    const document = declarationDocument(await loadTemplates(), seed.projects[3]!, seed.year, 3);
    ({ bytes } = await pagedPdf(document, { fonts: await loadFonts(), creationDate: new Date(0) }));
  });

  it('embeds Noto Serif SC as subsets (ABCDEF+ prefix, FontFile2, ToUnicode)', () => {
    const pdf = bytes.toString('latin1');
    const names = [...pdf.matchAll(/\/FontName \/([A-Z]{6})\+(NotoSerifSC-\w+)/g)].map((m) => m[2]).sort();
    expect(names).toEqual(['NotoSerifSC-Bold', 'NotoSerifSC-Regular']);
    expect(pdf.match(/\/FontFile2 \d+ 0 R/g)).toHaveLength(2);
    expect(pdf.match(/\/ToUnicode \d+ 0 R/g)).toHaveLength(2);
    // The full faces are ~15 MB each; a two-page form with subsets stays small.
    expect(bytes.length).toBeLessThan(300_000);
  });

  it.skipIf(!hasPdftotext)('pdftotext reads the same text as pdf-parse (skipped without poppler-utils)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-fonts-'));
    try {
      const file = path.join(dir, 'form.pdf');
      await writeFile(file, bytes);
      const poppler = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
      const parsed = (await readPdf(bytes)).pages.join('');
      expect(compact(poppler)).toBe(compact(parsed));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('loading a font', () => {
  let dir: string;
  let noto: Buffer;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shenbao-font-files-'));
    noto = await readFile(DEFAULT_FONTS.regular);
    return () => rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, data: Buffer) => {
    const target = path.join(dir, name);
    await writeFile(target, data);
    return target;
  };
  const refusal = async (regular: string, bold?: string) =>
    loadFonts(chooseFonts(regular, bold)).then(
      () => 'loaded',
      (error: Error) => `${error.name}: ${error.message}`,
    );

  it('parses the default faces once and answers glyph questions from their cmap', async () => {
    const fonts = await loadFonts();
    expect(fonts.faces.regular.name).toBe('NotoSerifSC-Regular');
    expect(fonts.faces.bold.name).toBe('NotoSerifSC-Bold');
    expect(fonts.regular.equals(noto)).toBe(true);
    expect((await loadFonts()).faces.regular).toBe(fonts.faces.regular);
    expect(fonts.faces.regular.hasGlyph(0x8d22)).toBe(true); // 财
    expect(fonts.faces.regular.hasGlyph(0x20000)).toBe(false); // 𠀀
  });

  it('reads the files into shared memory, which a worker parses without reading them again', async () => {
    const fonts = await loadFonts();
    const shared = sharedFontBytes(fonts)!;
    expect(shared.regular).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.regular.byteLength).toBe(noto.length);
    // Files that do not exist: the faces can only come from the shared bytes.
    const elsewhere = await loadFonts({ family: 'Shared', regular: '/nonexistent/regular.ttf', bold: '/nonexistent/bold.ttf' }, shared);
    expect(elsewhere.faces.bold.name).toBe('NotoSerifSC-Bold');
    expect(elsewhere.regular.buffer).toBe(shared.regular);
  });

  it('refuses a font cut short, naming the file and what to do', async () => {
    for (const size of [100_000, 5_000_000, noto.length - 10]) {
      const cut = await file(`cut-${size}.ttf`, noto.subarray(0, size));
      expect(await refusal(cut)).toBe(
        `UserError: 字体文件 ${cut} 已损坏或不完整（glyf 表超出了文件末尾，文件可能只复制了一部分），请重新复制或下载这个字体文件`,
      );
    }
    const stub = await file('stub.ttf', noto.subarray(0, 100));
    expect(await refusal(stub)).toBe(`UserError: 字体文件 ${stub} 已损坏或不完整（无法读取文件头），请重新复制或下载这个字体文件`);
  });

  it('refuses a font whose tables are missing or whose glyphs cannot be read', async () => {
    const tables = tableDirectory(noto);
    const noCmap = Buffer.from(noto);
    noCmap.write('cmaq', tables.get('cmap')!.entry, 'latin1');
    const renamed = await file('no-cmap.ttf', noCmap);
    expect(await refusal(renamed)).toBe(`UserError: 字体文件 ${renamed} 已损坏或不完整（缺少 cmap 表），请重新复制或下载这个字体文件`);

    // 财's entry in loca points far beyond glyf: the file is whole, the glyph is not.
    const badLoca = Buffer.from(noto);
    const longOffsets = noto.readInt16BE(tables.get('head')!.offset + 50) === 1;
    expect(longOffsets).toBe(true);
    const gid = (await loadFonts()).faces.regular.font.glyphForCodePoint(0x8d22).id;
    badLoca.writeUInt32BE(0x7fff_fff0, tables.get('loca')!.offset + 4 * gid);
    const broken = await file('bad-loca.ttf', badLoca);
    expect(await refusal(broken)).toBe(`UserError: 字体文件 ${broken} 已损坏或不完整（字形 ${gid} 的位置超出了 glyf 表），请重新复制或下载这个字体文件`);
  });

  it('refuses a font without Chinese, saying which characters it lacks', async () => {
    const roboto = fileURLToPath(new URL('./fixtures/fonts/Roboto-Regular.ttf', import.meta.url));
    const message = `UserError: 字体文件 ${roboto} 不含中文字形（缺「财」「政」「项」「目」「支」「出」等 15 个字），不能用来印申报表；请换用含简体中文的 TrueType 字体`;
    expect(await refusal(roboto)).toBe(message);
    // A Chinese regular face does not excuse a Latin bold one: titles print in bold.
    expect(await refusal(DEFAULT_FONTS.regular, roboto)).toBe(message);
  });

  it('refuses a collection it cannot read, and files that are no font', async () => {
    // Collections are read (a face named after #: test/fonts-ttc.test.ts); this one has no version 1 or 2 header.
    const ttc = await file('a.ttc', Buffer.concat([Buffer.from('ttcf'), Buffer.alloc(64)]));
    expect(await refusal(ttc)).toBe(`UserError: 字体文件 ${ttc} 已损坏或不完整（无法读取文件头），请重新复制或下载这个字体文件`);
    const text = await file('a.ttf', Buffer.from('not a font at all'));
    expect(await refusal(text)).toBe(`UserError: 字体文件 ${text} 不是 TrueType/OpenType 字体文件，请换用 TrueType 字体文件（.ttf）`);
  });
});

/** Where each table sits in a TrueType file, and where its directory entry is. */
function tableDirectory(data: Buffer): Map<string, { entry: number; offset: number }> {
  const tables = new Map<string, { entry: number; offset: number }>();
  for (let i = 0, n = data.readUInt16BE(4); i < n; i++) {
    const entry = 12 + 16 * i;
    tables.set(data.toString('latin1', entry, entry + 4), { entry, offset: data.readUInt32BE(entry + 8) });
  }
  return tables;
}
