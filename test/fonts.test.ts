// The CJK font travels inside the PDF, as a subset, with a ToUnicode map so text extracts; and an
// independent reader (poppler's pdftotext) reads the same text as pdf-parse.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { declarationDocument, loadFonts, loadTemplates, renderPdf } from '../src/index.js';
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
    const document = declarationDocument(await loadTemplates(), seed.projects[3]!, seed.year);
    ({ bytes } = await renderPdf(document, { fonts: await loadFonts(), creationDate: new Date(0) }));
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
