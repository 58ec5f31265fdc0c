// Issue 17, items 3 and 4. A packet folder belongs to the one data file it was built from: a build
// from another data file into it is refused, naming both, unless --replace (the same file by
// another path, or edited, is welcome). And `verify` knows staleness: every output made from data
// other than the data file's now (a PDF kept by `build --format docx`) is named.
import { cp, link, mkdir, mkdtemp, readFile, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildFiles, createBuildContext, type BuildContext, type BuildOptions } from '../src/output/build.js';
import { readManifest } from '../src/output/manifest.js';
import type { Packet } from '../src/model/packet.js';
import { verifyOutput } from '../src/output/verify.js';
import { shenbaoHere } from './support/cli.js';
import { loadSeed } from './support/seed.js';
import { treeHashes } from './support/tree.js';
import { lines } from './support/problems.js';

/** The seed's first three projects (the third has no 满意度 indicators: one warning). */
function threeProjects(): Packet {
  const seed = loadSeed();
  seed.projects = seed.projects.slice(0, 3);
  return seed;
}

const FORMS = ['01-培训费', '02-闵行区居村民服务自治平台（2023运维）', '03-残疾人就业保障金'];
const creationDate = new Date('2023-01-01T00:00:00Z');
let context: BuildContext;
let root: string; // links resolved: the manifest records resolved paths
let work: string; // this test's folder under root: the CLI's working directory
const at = (...parts: string[]) => path.join(work, ...parts);
const writeData = async (file: string, packet: unknown) => {
  await mkdir(path.dirname(at(file)), { recursive: true });
  await writeFile(at(file), JSON.stringify(packet, null, 2));
};
const build = (files: string[], options: Partial<BuildOptions> = {}) =>
  buildFiles(
    files.map((f) => at(f)),
    { outDir: at('out'), creationDate, ...options },
    context,
  );
/** No stack trace, no bug report: the user's mistake gets the user's message. */
const noStack = (stderr: string) => expect(stderr).not.toMatch(/内部错误|\n\s+at /);

beforeAll(async () => {
  context = await createBuildContext();
  root = await realpath(await mkdtemp(path.join(tmpdir(), 'shenbao-17-folder-')));
});
let count = 0;
beforeEach(async () => {
  work = path.join(root, `case-${++count}`);
  await mkdir(work);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('a folder belongs to one data file', () => {
  it('refuses a build from another data file into it, naming both, and touches nothing; --replace replaces', async () => {
    await writeData('a/2023.json', threeProjects());
    const other = threeProjects();
    other.projects[0]!.name = '干部培训费';
    await writeData('b/2023.json', other);
    expect((await build(['a/2023.json']))[0]!.ok).toBe(true);
    await writeFile(at('out', '2023', '盖章扫描.jpg'), 'scan');
    const before = await treeHashes(work);

    const refused = await shenbaoHere(['build', 'b/2023.json', '-o', 'out', '--date', '2023-01-01'], work);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `输出文件夹 out/2023 是由数据文件 ${at('a/2023.json')} 生成的，这次的数据文件是 ${at('b/2023.json')}，不是同一个文件：` +
        'shenbao 不会用另一个数据文件的结果替换它，这次什么也没有写。请用 -o 换一个输出目录；确实要替换时，请加 --replace\n',
    );
    noStack(refused.stderr);
    expect(await treeHashes(work)).toEqual(before);

    const replaced = await shenbaoHere(['build', 'b/2023.json', '-o', 'out', '--date', '2023-01-01', '--replace', '--quiet'], work);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stderr.trim().split('\n').at(-1)).toBe('b/2023.json：写出 8 个文件，删除 2 个旧文件，0 个错误，1 条警告');
    noStack(replaced.stderr);
    const after = await treeHashes(work);
    expect(after['out/2023/盖章扫描.jpg']).toBe(before['out/2023/盖章扫描.jpg']);
    expect(after['out/2023/01-干部培训费.pdf']).toBeDefined();
    expect(after['out/2023/01-培训费.pdf']).toBeUndefined();
    expect((await readManifest(at('out', '2023')))?.source).toMatchObject({ file: '2023.json', path: at('b/2023.json'), relative: '../../b/2023.json' });
  });

  it('takes the same file by another path (relative, absolute, a link, a hard link), edited or not, for the same file', async () => {
    await writeData('a/2023.json', threeProjects());
    expect((await build(['a/2023.json']))[0]!.ok).toBe(true);
    await mkdir(at('c'));
    await symlink(path.join('..', 'a', '2023.json'), at('c', '2023.json'));
    await mkdir(at('d'));
    await link(at('a', '2023.json'), at('d', '2023.json'));
    const edited = threeProjects();
    edited.projects[0]!.annualGoal = '改过的年度总体目标';
    await writeData('a/2023.json', edited); // writeFile keeps the inode: the hard link sees the edit too
    for (const file of ['c/2023.json', 'd/2023.json', at('a/2023.json')]) {
      const [report] = await buildFiles([file.startsWith('/') ? file : at(file)], { outDir: at('out'), creationDate }, context);
      expect(report!.failure, file).toBeUndefined();
      expect(report!.ok).toBe(true);
    }
    // Relative to the working directory, through the command.
    const run = await shenbaoHere(['build', 'a/2023.json', '-o', 'out', '--date', '2023-01-01', '--quiet'], work);
    expect(run.code, run.stderr).toBe(0);
    noStack(run.stderr);
    expect((await readManifest(at('out', '2023')))?.source.path).toBe(at('a/2023.json'));
  });

  it('a data file moved or renamed: refused with advice to use --replace, which then records the new place', async () => {
    await writeData('a/2023.json', threeProjects());
    expect((await build(['a/2023.json']))[0]!.ok).toBe(true);
    await mkdir(at('moved'));
    await rename(at('a', '2023.json'), at('moved', '2023.json'));
    const before = await treeHashes(work);

    const refused = await shenbaoHere(['build', 'moved/2023.json', '-o', 'out'], work);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `输出文件夹 out/2023 是由数据文件 ${at('a/2023.json')} 生成的，那个文件已不在原处（改名、移动或删除了），这次的数据文件是 ${at('moved/2023.json')}：` +
        'shenbao 不会用另一个数据文件的结果替换它，这次什么也没有写。如果这就是原来那个文件改名或移动后的，或确实要替换，请加 --replace 重新生成；否则请用 -o 换一个输出目录\n',
    );
    noStack(refused.stderr);
    expect(await treeHashes(work)).toEqual(before);

    const replaced = await shenbaoHere(['build', 'moved/2023.json', '-o', 'out', '--date', '2023-01-01', '--replace', '--quiet'], work);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect((await readManifest(at('out', '2023')))?.source.path).toBe(at('moved/2023.json'));
    // From now on the moved file is the folder's own.
    expect((await build(['moved/2023.json']))[0]!.failure).toBeUndefined();
  });

  it('a folder of an older version (no data file recorded) is taken, and records its data file from then on', async () => {
    await writeData('a/2023.json', threeProjects());
    await writeData('b/2023.json', threeProjects());
    await build(['a/2023.json']);
    const manifestFile = at('out', '2023', 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { source: Record<string, string> };
    manifest.source = { file: manifest.source.file!, sha256: manifest.source.sha256! };
    await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    const [report] = await build(['b/2023.json']);
    expect(report!.failure).toBeUndefined();
    expect((await readManifest(at('out', '2023')))?.source.path).toBe(at('b/2023.json'));
    await expect(build(['a/2023.json'])).rejects.toThrow(`输出文件夹 ${at('out', '2023')} 是由数据文件 ${at('b/2023.json')} 生成的`);
  });

  it('several data files in one command: each has its own folder; one refused stops them all, nothing written', async () => {
    await writeData('a/x.json', threeProjects());
    await writeData('b/y.json', threeProjects());
    await writeData('c/x.json', threeProjects());
    const reports = await build(['a/x.json', 'b/y.json']);
    expect(reports.map((r) => [r.packetDir, r.ok])).toEqual([
      [at('out', 'x'), true],
      [at('out', 'y'), true],
    ]);
    // The command takes one input: several data files are given as a folder of them.
    await mkdir(at('both'));
    await symlink(path.join('..', 'b', 'y.json'), at('both', 'y.json')); // y's own data file: welcome
    await cp(at('c', 'x.json'), at('both', 'x.json')); // another x.json: refused
    const before = await treeHashes(work);
    const both = await shenbaoHere(['build', 'both', '-o', 'out'], work);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe(
      `输出文件夹 out/x 是由数据文件 ${at('a/x.json')} 生成的，这次的数据文件是 ${at('both/x.json')}，不是同一个文件：` +
        'shenbao 不会用另一个数据文件的结果替换它，这次什么也没有写。请用 -o 换一个输出目录；确实要替换时，请加 --replace\n',
    );
    noStack(both.stderr);
    expect(await treeHashes(work)).toEqual(before);
  });

  it('a project folder copied whole (data and output) is the copy’s own: built and verified against the copy’s data', async () => {
    await writeData('2023/data/unit.json', threeProjects());
    await buildFiles([at('2023/data/unit.json')], { outDir: at('2023/out'), creationDate }, context);
    await cp(at('2023'), at('2024'), { recursive: true });
    const changed = threeProjects();
    changed.projects[0]!.funds.annual = { total: '900000.00', fiscal: '900000.00', carryover: '0.00', other: '0.00' };
    await writeData('2024/data/unit.json', changed);
    const [report] = await buildFiles([at('2024/data/unit.json')], { outDir: at('2024/out'), creationDate, formats: ['docx'] }, context);
    expect(report!.failure).toBeUndefined();
    const [folder] = await verifyOutput(at('2024/out/unit'));
    expect(lines(folder!.findings)).toEqual(
      ['01-培训费.pdf', '汇总表.pdf'].map((name) => `${at('2024/out/unit', name)}：与数据文件 ${at('2024/data/unit.json')} 现在的内容不一致（数据改过以后没有重新生成它，或它是按别的数据生成的）：请重新生成`),
    );
    // The year copied from is untouched and still current.
    expect((await verifyOutput(at('2023/out/unit')))[0]!.findings).toEqual([]);
  });
});

describe('verify knows staleness', () => {
  it('names each PDF left with the old amount by build --format docx; a full build makes it pass', async () => {
    await writeData('unit/2023.json', threeProjects());
    await build(['unit/2023.json']);
    const changed = threeProjects();
    changed.projects[0]!.funds.annual = { total: '900000.00', fiscal: '900000.00', carryover: '0.00', other: '0.00' };
    await writeData('unit/2023.json', changed);
    const docx = await shenbaoHere(['build', 'unit/2023.json', '-o', 'out', '--format', 'docx', '--date', '2023-01-01', '--quiet'], work);
    expect(docx.code, docx.stderr).toBe(0);
    const before = await treeHashes(work);

    const run = await shenbaoHere(['verify', 'out/2023'], work);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      ['01-培训费.pdf', '汇总表.pdf'].map((name) => `out/2023/${name}：与数据文件 ${at('unit/2023.json')} 现在的内容不一致（数据改过以后没有重新生成它，或它是按别的数据生成的）：请重新生成\n`).join(''),
    );
    expect(run.stderr).toMatch(/^out\/2023：8 个文件相符，2 处不符（由 2023\.json（SHA-256 [0-9a-f]{12}…）生成，shenbao [^，]+，4 个 PDF 内嵌的数据与之相符）\n$/);
    noStack(run.stderr);
    expect(await treeHashes(work)).toEqual(before); // verify writes nothing

    await build(['unit/2023.json']);
    const again = await shenbaoHere(['verify', 'out/2023'], work);
    expect([again.code, again.stdout]).toEqual([0, '']);
    expect(again.stderr).toMatch(/^out\/2023：8 个文件都与 manifest\.json 相符/);
  });

  it('names outputs of projects gone or now in error, and a 汇总表 the data can no longer make', async () => {
    await writeData('unit/2023.json', threeProjects());
    await build(['unit/2023.json']);
    const changed = threeProjects();
    changed.projects[0]!.funds.annual.total = '1.00'; // an error: the sum does not hold
    changed.projects.splice(1, 1); // 02 gone, 03 becomes 02
    await writeData('unit/2023.json', changed);
    const [folder] = await verifyOutput(at('out', '2023'));
    const data = `数据文件 ${at('unit/2023.json')} `;
    const line = (name: string, why: string) => `${at('out', '2023', name)}：${why}`;
    expect(folder!.findings.map((f) => [f.kind, lines([f])[0]])).toEqual(
      [
        ...['docx', 'pdf'].map((ext) => line(`${FORMS[0]}.${ext}`, `${data}里这个项目现在有错误：请改正后重新生成`)),
        ...['docx', 'pdf'].map((ext) => line(`${FORMS[1]}.${ext}`, `${data}里现在没有这个项目（删除、改名或换了位置）：请重新生成`)),
        ...['docx', 'pdf'].map((ext) => line(`${FORMS[2]}.${ext}`, `${data}里现在没有这个项目（删除、改名或换了位置）：请重新生成`)),
        ...['docx', 'pdf'].map((ext) => line(`汇总表.${ext}`, `${data}现在有错误，汇总表不能按它生成：请改正后重新生成`)),
      ].map((message) => ['stale', message]),
    );
  });

  it('a folder whose data file is gone still verifies, and says what it could not check', async () => {
    await writeData('unit/2023.json', threeProjects());
    await build(['unit/2023.json']);
    await rm(at('unit'), { recursive: true });
    const before = await treeHashes(work);
    const run = await shenbaoHere(['verify', 'out/2023'], work);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n');
    expect(lines[0]).toBe(`${path.join('out', '2023')}：没有核对这些文件是否按现在的数据生成：生成它们的数据文件 ${at('unit/2023.json')} 已不在原处（移动、改名或删除了）`);
    expect(lines[1]).toMatch(/^out\/2023：8 个文件都与 manifest\.json 相符/);
    expect(lines.length).toBe(3);
    noStack(run.stderr);
    expect(await treeHashes(work)).toEqual(before);
  });

  it('a folder of an older version (no data file recorded) says so', async () => {
    await writeData('unit/2023.json', threeProjects());
    await build(['unit/2023.json']);
    const manifestFile = at('out', '2023', 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { source: Record<string, string> };
    manifest.source = { file: manifest.source.file!, sha256: manifest.source.sha256! };
    await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    const [folder] = await verifyOutput(at('out', '2023'));
    expect(folder!.findings).toEqual([]);
    expect(lines(folder!.remarks ?? [])).toEqual([
      `${at('out', '2023')}：没有核对这些文件是否按现在的数据生成：manifest.json 没有记下数据文件在哪里（较早的版本生成的；重新生成一次就会记下）`,
    ]);
  });
});
