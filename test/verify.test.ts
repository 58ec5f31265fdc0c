// `shenbao verify`: a built packet folder checks out against its manifest.json; a file changed by
// one byte, deleted, added, or replaced by one built from other data is named, and the exit code
// is 1. Nothing is written.
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AFRelationship, PDFDict, PDFDocument, PDFName } from '@pdfme/pdf-lib';
import { sourceOfPdf } from '../src/extract/pdf.js';
import { formDataHash, sha256 } from '../src/output/manifest.js';
import { shenbao, shenbaoHere } from './support/cli.js';
import { loadSeed } from './support/seed.js';
import { seedBuild } from './support/seed-built.js';

const F3 = '03-残疾人就业保障金.pdf';
let work: string;
let built: string; // out/minhang-2023: a copy of the seed's build (test/support/seed-build.ts), copied for each case
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'shenbao-verify-'));
  built = path.join(work, 'out', 'minhang-2023');
  await cp(await seedBuild(), built, { recursive: true });
}, 60_000);
afterAll(() => rm(work, { recursive: true, force: true }));

/** A copy of the fresh build, changed by `change`, verified. */
async function verifyAfter(name: string, change: (dir: string) => Promise<void>) {
  const dir = path.join(work, name, 'minhang-2023');
  await cp(built, dir, { recursive: true });
  await change(dir);
  const before = (await readdir(dir)).sort();
  const run = await shenbaoHere(['verify', dir], work);
  expect((await readdir(dir)).sort()).toEqual(before); // verify writes nothing
  return { ...run, dir };
}

describe('shenbao verify', () => {
  it('passes on a fresh build: every file as recorded, with the source and shenbao’s version', async () => {
    const { code, stdout, stderr, dir } = await verifyAfter('fresh', async () => undefined);
    expect([code, stdout]).toEqual([0, '']);
    expect(stderr).toMatch(
      new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}：22 个文件都与 manifest.json 相符（由 minhang-2023\\.json（SHA-256 [0-9a-f]{12}…）生成，shenbao \\d+\\.\\d+\\.\\d+，11 个 PDF 内嵌的数据与之相符）\n$`),
    );
    // An output folder checks each of its packet folders.
    const whole = await shenbao(['verify', path.join(work, 'out')], work); // the real command, once
    expect(whole.code).toBe(0);
  });

  it('fails, naming the file, when one byte of a PDF changed', async () => {
    const { code, stdout, dir } = await verifyAfter('byte', async (dir) => {
      const file = path.join(dir, F3);
      const bytes = await readFile(file);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0x01;
      await writeFile(file, bytes);
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(new RegExp(`^${path.join(dir, F3).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}：已被改动，与生成时不同（大小相同，内容不同[^\n]*）\n$`));
  });

  it('says when a changed PDF still carries the data it was made from (a viewer saved it again)', async () => {
    const { code, stdout, dir } = await verifyAfter('resaved', async (dir) => {
      const file = path.join(dir, F3);
      await writeFile(file, Buffer.concat([await readFile(file), Buffer.from('\n% saved again\n')]));
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(new RegExp(`^${path.join(dir, F3).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}：已被改动，与生成时不同（大小 \\d+ 字节，生成时 \\d+ 字节；它内嵌的数据仍与生成时相同）\n$`));
  });

  it('fails, naming the file, when a PDF was deleted', async () => {
    const { code, stdout, dir } = await verifyAfter('deleted', (dir) => rm(path.join(dir, '汇总表.pdf')));
    expect(code).toBe(1);
    expect(stdout).toMatch(new RegExp(`^${path.join(dir, '汇总表.pdf').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}：缺少这个文件（manifest.json 记着它，\\d+ 字节）\n$`));
  });

  it('fails, naming it, when a file was added', async () => {
    const { code, stdout, dir } = await verifyAfter('added', (dir) => writeFile(path.join(dir, '盖章件.pdf'), '%PDF-1.4 scanned'));
    expect(code).toBe(1);
    expect(stdout).toBe(`${path.join(dir, '盖章件.pdf')}：多出来的文件，manifest.json 里没有它（不是这次生成的）\n`);
  });

  it('fails, naming the file, when a PDF was replaced by one built from edited data', async () => {
    const seed = loadSeed();
    const edited = { ...seed, projects: seed.projects.map((p, i) => (i === 2 ? { ...p, annualGoal: `${p.annualGoal}（已修改）` } : p)) };
    const other = path.join(work, 'edited');
    await writeFile(path.join(work, 'minhang-2023.json'), JSON.stringify(edited));
    const run = await shenbaoHere(['build', path.join(work, 'minhang-2023.json'), '-o', other, '--date', '2023-01-01', '--quiet', '--format', 'pdf'], work);
    expect(run.code, run.stderr).toBe(0);
    const { code, stdout, dir } = await verifyAfter('replaced', (dir) => cp(path.join(other, 'minhang-2023', F3), path.join(dir, F3)));
    expect(code).toBe(1);
    expect(stdout).toMatch(new RegExp(`^${path.join(dir, F3).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}：已被改动，与生成时不同（.+；它内嵌的数据也已不同）\n$`));
  });

  it('on an output folder, a packet folder without its manifest is a finding, not passed over', async () => {
    const root = path.join(work, 'root');
    await cp(path.join(work, 'out'), root, { recursive: true });
    await cp(built, path.join(root, 'copy'), { recursive: true });
    await rm(path.join(root, 'copy', 'manifest.json'));
    const run = await shenbaoHere(['verify', root], work);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`${path.join(root, 'copy', 'manifest.json')}：没有 manifest.json：无法核对（不是 shenbao 生成的目录，或 manifest.json 被删除了）\n`);
  });

  it('a form rebuilt from data with another unit carries other data, though its project is the same', async () => {
    const seed = loadSeed();
    await writeFile(path.join(work, 'unit.json'), JSON.stringify({ ...seed, unit: `${seed.unit}（新）` }));
    const other = path.join(work, 'unit-out');
    const run = await shenbaoHere(['build', path.join(work, 'unit.json'), '-o', other, '--date', '2023-01-01', '--quiet', '--format', 'pdf'], work);
    expect(run.code, run.stderr).toBe(0);
    const { code, stdout } = await verifyAfter('unit', (dir) => cp(path.join(other, 'unit', F3), path.join(dir, F3)));
    expect(code).toBe(1);
    expect(stdout).toContain('；它内嵌的数据也已不同）');
  });

  it('a form left from an earlier build (build --only after the data changed) is named: its data is not the 汇总表’s', async () => {
    const dir = path.join(work, 'only', 'minhang-2023');
    await cp(built, dir, { recursive: true });
    // Project 3's goal edited, then only project 1 rebuilt: form 3 keeps the old goal, the 汇总表 has the new.
    const edited = loadSeed();
    edited.projects[2] = { ...edited.projects[2]!, annualGoal: '改过的年度目标' };
    const data = path.join(work, 'only', 'minhang-2023.json');
    await writeFile(data, JSON.stringify(edited));
    // --replace: the folder was built from the seed's data file, this is another one (a copy, edited).
    const rebuild = await shenbaoHere(['build', data, '-o', path.join(work, 'only'), '--date', '2023-01-01', '--quiet', '--only', '培训费', '--replace'], work);
    expect(rebuild.code, rebuild.stderr).toBe(0);
    const run = await shenbaoHere(['verify', dir], work);
    expect([run.code, run.stdout]).toEqual([
      1,
      `${path.join(dir, F3)}：它内嵌的数据不是 汇总表.pdf 里第 3 个项目（残疾人就业保障金）的：不是按汇总表的数据生成的（较早生成后留下的、与别的申报表对调了，或来自别的数据）\n` +
        // Its Word file carries nothing to compare with the 汇总表: it is named against the data file as it is now.
        `${path.join(dir, F3.replace(/\.pdf$/, '.docx'))}：与数据文件 ${data} 现在的内容不一致（数据改过以后没有重新生成它，或它是按别的数据生成的）：请重新生成\n`,
    ]);
  }, 60_000);

  it('forms swapped, or one gone from the folder and the manifest both, are named against the 汇总表', async () => {
    const F1 = '01-培训费.pdf';
    const F10 = '10-调研经费.pdf';
    // Someone covering their tracks: the files moved, manifest.json rewritten to match.
    const rewrite = async (dir: string, files: (entries: Array<{ name: string }>) => Array<{ name: string }>) => {
      const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
      manifest.files = files(manifest.files);
      await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    };
    const swapped = await verifyAfter('swapped', async (dir) => {
      const [one, ten] = [await readFile(path.join(dir, F1)), await readFile(path.join(dir, F10))];
      await writeFile(path.join(dir, F1), ten);
      await writeFile(path.join(dir, F10), one);
      await rewrite(dir, (entries) => {
        const byName = new Map(entries.map((e) => [e.name, e]));
        return entries.map((e) => (e.name === F1 ? { ...byName.get(F10)!, name: F1 } : e.name === F10 ? { ...byName.get(F1)!, name: F10 } : e));
      });
    });
    expect([swapped.code, swapped.stdout]).toEqual([
      1,
      `${path.join(swapped.dir, F1)}：它内嵌的数据不是 汇总表.pdf 里第 1 个项目（培训费）的：不是按汇总表的数据生成的（较早生成后留下的、与别的申报表对调了，或来自别的数据）\n` +
        `${path.join(swapped.dir, F10)}：它内嵌的数据不是 汇总表.pdf 里第 10 个项目（调研经费）的：不是按汇总表的数据生成的（较早生成后留下的、与别的申报表对调了，或来自别的数据）\n`,
    ]);
    const gone = await verifyAfter('gone', async (dir) => {
      await rm(path.join(dir, F3));
      await rewrite(dir, (entries) => entries.filter((e) => e.name !== F3));
    });
    expect([gone.code, gone.stdout]).toEqual([1, `${path.join(gone.dir, '汇总表.pdf')}：第 3 个项目（残疾人就业保障金）没有申报表 PDF\n`]);
    // Deleted, the manifest as it was: said once, as missing.
    const deleted = await verifyAfter('form-deleted', (dir) => rm(path.join(dir, F3)));
    expect([deleted.code, deleted.stdout]).toEqual([1, expect.stringMatching(new RegExp(`^[^\n]*${F3}：缺少这个文件（manifest.json 记着它，\\d+ 字节）\n$`))]);
  }, 60_000);

  it('--printed reads each PDF’s printed text: a page whose data was changed, its print not (or the other way), is named field by field', async () => {
    const fresh = await verifyAfter('printed-fresh', async () => undefined);
    const printed = await shenbaoHere(['verify', fresh.dir, '--printed'], work);
    expect([printed.code, printed.stdout]).toEqual([0, '']);
    expect(printed.stderr).toContain('，11 个 PDF 内嵌的数据与之相符，11 个 PDF 印出的内容与内嵌的数据相同）\n');
    // Form 3 carries other data (its annual goal edited) than it prints; the manifest made to agree, so that only the print tells.
    const { dir } = await verifyAfter('printed-doctored', async (dir) => {
      const file = path.join(dir, F3);
      const pdf = await PDFDocument.load(await readFile(file), { updateMetadata: false });
      const packet = JSON.parse(await sourceOfPdf(await readFile(file), file));
      packet.projects[0].annualGoal = '改过的年度目标';
      pdf.catalog.delete(PDFName.of('AF'));
      pdf.catalog.lookupMaybe(PDFName.of('Names'), PDFDict)?.delete(PDFName.of('EmbeddedFiles'));
      await pdf.attach(Buffer.from(JSON.stringify(packet, null, 2)), 'declaration.json', { mimeType: 'application/json', afRelationship: AFRelationship.Source });
      const bytes = Buffer.from(await pdf.save());
      await writeFile(file, bytes);
      const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
      const { projects, ...header } = packet;
      for (const entry of manifest.files) {
        if (entry.name === F3) Object.assign(entry, { size: bytes.length, sha256: sha256(bytes), data: formDataHash(header, projects[0]) });
      }
      await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    });
    const run = await shenbaoHere(['verify', dir, '--printed'], work);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n').filter((line) => line.includes('印出的与内嵌的数据不同'))).toEqual([
      expect.stringMatching(new RegExp(`^${path.join(dir, F3).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}：印出的与内嵌的数据不同：.*年度总体目标.*改过的年度目标`)),
    ]);
  }, 60_000);

  it('refuses a folder that shenbao did not build, and one that is not there', async () => {
    const plain = path.join(work, 'plain');
    await mkdir(path.join(plain, '草稿'), { recursive: true });
    const run = await shenbaoHere(['verify', plain], work);
    expect([run.code, run.stderr]).toEqual([2, `${plain} 里没有 manifest.json，也没有含 manifest.json 的子目录：不是 shenbao 的输出目录\n`]);
    const missing = await shenbaoHere(['verify', path.join(work, 'nowhere')], work);
    expect([missing.code, missing.stderr]).toEqual([2, `找不到 ${path.join(work, 'nowhere')}：没有这个文件或文件夹，请检查路径是否写对\n`]);
    const file = path.join(built, F3);
    const notFolder = await shenbaoHere(['verify', file], work);
    expect([notFolder.code, notFolder.stderr]).toEqual([2, `${file} 不是目录：verify 核对的是一个输出目录（含 manifest.json），或 build 的输出目录\n`]);
  });
});
