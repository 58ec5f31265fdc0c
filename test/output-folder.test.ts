// Output folders are shenbao's alone: a build replaces and removes only the files it wrote itself
// (recorded in manifest.json), never anything else, and refuses, changing nothing, when a file it
// would write is taken. A failure half-way through the swap is undone.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildFiles, createBuildContext, type BuildContext } from '../src/output/build.js';
import { readManifest } from '../src/output/manifest.js';
import type { Packet } from '../src/model/packet.js';
import { compact, readPdf } from './support/pdf.js';
import { loadSeed } from './support/seed.js';
import { treeHashes } from './support/tree.js';

// Failure injection for the swap and the staging writes (see the last describe block).
const faults = vi.hoisted(() => ({ renameTo: undefined as string | undefined, writeName: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const fail = (code: string, syscall: string, file: string) =>
    Object.assign(new Error(`${code}: injected, ${syscall} '${file}'`), { code, syscall, path: file });
  return {
    ...fs,
    rename: async (from: string, to: string) => {
      // One refusal, as when a viewer holds the file for a moment; moving the old version back then works.
      if (faults.renameTo && path.basename(String(to)) === faults.renameTo && !String(to).includes('.shenbao-staging-')) {
        faults.renameTo = undefined;
        throw fail('EPERM', 'rename', String(to));
      }
      return fs.rename(from, to);
    },
    writeFile: async (file: string, ...rest: unknown[]) => {
      if (faults.writeName && path.basename(String(file)) === faults.writeName) throw fail('ENOSPC', 'write', String(file));
      return (fs.writeFile as (...a: unknown[]) => Promise<void>)(file, ...rest);
    },
  };
});

/** The seed's first three projects, with every amount distinct so a stale 汇总表 shows. */
function threeProjects(): Packet {
  const seed = loadSeed();
  seed.projects = seed.projects.slice(0, 3);
  seed.projects[0]!.funds.annual = { total: '123456.78', fiscal: '100000.00', carryover: '20000.00', other: '3456.78' };
  return seed;
}

let root: string;
let data: string;
let out: string;
let context: BuildContext;
const packetDir = () => path.join(out, 'unit-2023');
const creationDate = new Date('2023-01-01T00:00:00Z');
const writeData = (packet: unknown) => writeFile(data, JSON.stringify(packet, null, 2));
const build = (only?: string[]) => buildFiles([data], { outDir: out, creationDate, only }, context);
/** Each form, as a PDF and as a Word file beside it. */
const FORMS = ['01-培训费', '02-闵行区居村民服务自治平台（2023运维）', '03-残疾人就业保障金'].flatMap((name) => [`${name}.pdf`, `${name}.docx`]);
const OUTPUTS = [...FORMS, '汇总表.pdf', '汇总表.docx'];

beforeAll(async () => {
  context = await createBuildContext();
});
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'shenbao-folder-'));
  data = path.join(root, 'unit-2023.json');
  out = path.join(root, 'out');
  await writeData(threeProjects());
});
afterEach(async () => {
  faults.renameTo = undefined;
  faults.writeName = undefined;
  await rm(root, { recursive: true, force: true });
});

describe('a packet folder with other people’s files in it', () => {
  it('keeps them through a rebuild, and records only its own files in manifest.json', async () => {
    await mkdir(path.join(packetDir(), '盖章件'), { recursive: true });
    await writeFile(path.join(packetDir(), '底稿.xlsx'), 'draft');
    await writeFile(path.join(packetDir(), '盖章件', '01-培训费.pdf'), 'stamped scan');
    await build();
    await build();
    expect((await readdir(packetDir())).sort()).toEqual([...OUTPUTS, 'manifest.json', '底稿.xlsx', '盖章件'].sort());
    expect(await readFile(path.join(packetDir(), '底稿.xlsx'), 'utf8')).toBe('draft');
    expect(await readFile(path.join(packetDir(), '盖章件', '01-培训费.pdf'), 'utf8')).toBe('stamped scan');
    const manifest = await readManifest(packetDir());
    expect(manifest?.complete).toBe(true);
    expect(manifest?.files.map((f) => f.name).sort()).toEqual([...OUTPUTS].sort());
    expect(manifest?.source.file).toBe('unit-2023.json');
  });

  it('refuses, writing nothing, when a file it would write is someone else’s', async () => {
    await mkdir(packetDir(), { recursive: true });
    await writeFile(path.join(packetDir(), '03-残疾人就业保障金.pdf'), 'not shenbao’s');
    const before = await treeHashes(root);
    await expect(build()).rejects.toThrow(
      [
        '输出文件夹里已有同名文件，不是 shenbao 生成的（或生成后被改动过），shenbao 不会覆盖它们，这次什么也没有写：',
        `  ${path.join(packetDir(), '03-残疾人就业保障金.pdf')}`,
        '请把它们移走或改名，或用 -o 换一个输出目录，然后重新生成',
      ].join('\n'),
    );
    expect(await treeHashes(root)).toEqual(before);
  });

  it('compares names as Windows does: 汇总表.PDF of the user’s blocks 汇总表.pdf', async () => {
    await mkdir(packetDir(), { recursive: true });
    await writeFile(path.join(packetDir(), '汇总表.PDF'), 'user');
    await expect(build()).rejects.toThrow(`  ${path.join(packetDir(), '汇总表.PDF')}`);
  });

  it('treats an output the user changed since as the user’s: refused when in the way, kept when not', async () => {
    await build();
    await writeFile(path.join(packetDir(), '01-培训费.pdf'), 'annotated by hand');
    await expect(build()).rejects.toThrow(`  ${path.join(packetDir(), '01-培训费.pdf')}`);

    const renamed = threeProjects();
    renamed.projects[0]!.name = '干部培训费';
    await writeData(renamed);
    const [report] = await build();
    expect(await readFile(path.join(packetDir(), '01-培训费.pdf'), 'utf8')).toBe('annotated by hand');
    expect(report!.diagnostics.filter((d) => d.code === 'changed-output').map((d) => d.message)).toEqual([
      `${path.join(packetDir(), '01-培训费.pdf')} 在 shenbao 生成后被改动过，已原样保留，以后也不会再替换或删除它`,
    ]);
    expect((await readManifest(packetDir()))?.files.map((f) => f.name)).not.toContain('01-培训费.pdf');
  });

  it('refuses a manifest.json that is not its own', async () => {
    await mkdir(packetDir(), { recursive: true });
    await writeFile(path.join(packetDir(), 'manifest.json'), '{"name": "my app"}');
    await expect(build()).rejects.toThrow(
      `输出目录 ${packetDir()} 中已有一个 manifest.json，但不是 shenbao 写的（或已损坏）：shenbao 不会覆盖它。请把它移走，或用 -o 换一个输出目录`,
    );
  });
});

describe('a manifest.json that is no file', () => {
  it('a FIFO or a folder of that name is refused at once, not waited on', async () => {
    for (const make of [(file: string) => execFileSync('mkfifo', [file]), (file: string) => mkdirSync(file)]) {
      await rm(packetDir(), { recursive: true, force: true });
      await mkdir(packetDir(), { recursive: true });
      make(path.join(packetDir(), 'manifest.json'));
      await expect(readManifest(packetDir())).rejects.toThrow(`输出目录 ${packetDir()} 中已有一个 manifest.json，但不是 shenbao 写的（或已损坏）`);
    }
  });
});

describe('files of projects that are gone or renumbered', () => {
  it('are removed: they are shenbao’s own', async () => {
    await build();
    const packet = threeProjects();
    packet.projects = [packet.projects[2]!, packet.projects[0]!]; // 03 becomes 01, 01 becomes 02, 02 is gone
    await writeData(packet);
    const [report] = await build();
    expect((await readdir(packetDir())).sort()).toEqual([
      '01-残疾人就业保障金.docx',
      '01-残疾人就业保障金.pdf',
      '02-培训费.docx',
      '02-培训费.pdf',
      'manifest.json',
      '汇总表.docx',
      '汇总表.pdf',
    ]);
    expect(report!.removed.map((f) => path.basename(f)).sort()).toEqual([...FORMS].sort());
  });
});

describe('--format', () => {
  const buildAs = (formats: Array<'pdf' | 'docx'>) => buildFiles([data], { outDir: out, creationDate, formats }, context);

  it('writes only the formats asked for, and keeps the files of the others from before', async () => {
    await build();
    const before = await treeHashes(packetDir());
    const [report] = await buildAs(['pdf']);
    expect(report!.written.map((f) => path.basename(f))).toEqual(OUTPUTS.filter((f) => f.endsWith('.pdf')));
    expect(report!.removed).toEqual([]);
    expect(report!.diagnostics.filter((d) => d.code === 'stale-form')).toEqual([]);
    // Same data, same date: every file, PDF and Word, is as it was, and still recorded as shenbao's.
    expect(await treeHashes(packetDir())).toEqual(before);
    expect((await readManifest(packetDir()))!.files.map((f) => f.name).sort()).toEqual(OUTPUTS.sort());
  });

  it('says which kept files are out of date, one line per form', async () => {
    await build();
    const changed = threeProjects();
    changed.projects[0]!.funds.annual = { total: '987654.32', fiscal: '900000.00', carryover: '80000.00', other: '7654.32' };
    await writeData(changed);
    const [report] = await buildAs(['docx']);
    expect(report!.written.map((f) => path.basename(f))).toEqual(OUTPUTS.filter((f) => f.endsWith('.docx')));
    expect(report!.diagnostics.filter((d) => d.code === 'stale-form').map((d) => [d.path, d.message])).toEqual([
      [['projects', 0], '01-培训费.pdf 是以前生成的，与现在的数据不一致（这次 --format 没有重新生成它）'],
      [[], '汇总表.pdf 是以前生成的，与现在的数据不一致（这次 --format 没有重新生成它）'],
    ]);
    expect((await readdir(packetDir())).sort()).toEqual([...OUTPUTS, 'manifest.json'].sort());
  });

  it('removes both files of a project now in error', async () => {
    await build();
    const broken = threeProjects();
    broken.projects[2]!.funds.annual.total = '1.00';
    await writeData(broken);
    const [report] = await buildAs(['pdf']);
    expect(report!.removed.map((f) => path.basename(f)).sort()).toEqual(['03-残疾人就业保障金.docx', '03-残疾人就业保障金.pdf', '汇总表.docx', '汇总表.pdf']);
    expect((await readdir(packetDir())).sort()).toEqual(['01-培训费.docx', '01-培训费.pdf', '02-闵行区居村民服务自治平台（2023运维）.docx', '02-闵行区居村民服务自治平台（2023运维）.pdf', 'manifest.json']);
  });
});

describe('--only', () => {
  it('rebuilds the named form and the 汇总表, so the 汇总表 never shows an old amount', async () => {
    await build();
    const changed = threeProjects();
    changed.projects[0]!.funds.annual = { total: '987654.32', fiscal: '900000.00', carryover: '80000.00', other: '7654.32' };
    changed.projects[1]!.funds.annual.fiscal = '1.00';
    changed.projects[1]!.funds.annual.total = sumText(changed.projects[1]!.funds.annual);
    await writeData(changed);
    const [report] = await build(['培训费']);
    expect(report!.written.map((f) => path.basename(f))).toEqual(['01-培训费.pdf', '01-培训费.docx', '汇总表.pdf', '汇总表.docx']);
    const summary = compact((await readPdf(await readFile(path.join(packetDir(), '汇总表.pdf')))).pages.join(''));
    expect(summary).toContain('987,654.32');
    expect(summary).not.toContain('123,456.78');
    // The form not named is kept, and said to be out of date.
    expect(report!.diagnostics.filter((d) => d.code === 'stale-form').map((d) => [d.path, d.message])).toEqual([
      [['projects', 1], '02-闵行区居村民服务自治平台（2023运维）.pdf、02-闵行区居村民服务自治平台（2023运维）.docx 是以前生成的，与现在的数据不一致（这次 --only 没有重新生成它）'],
    ]);
  });

  it('removes the 汇总表, and says so, when another project now has an error', async () => {
    await build();
    const broken = threeProjects();
    broken.projects[2]!.funds.annual.total = '1.00';
    await writeData(broken);
    const [report] = await build(['培训费']);
    expect((await readdir(packetDir())).sort()).toEqual([...FORMS, 'manifest.json'].sort());
    expect(report!.diagnostics.find((d) => d.code === 'summary-skipped')?.message).toBe(
      '汇总表未生成：数据中有错误的项目，汇总表不能缺项；原有的 汇总表.pdf、汇总表.docx 已删除，以免它与数据不一致',
    );
  });

  it('after a reorder, leaves no old-numbered file of the project beside the new one', async () => {
    await build();
    const packet = threeProjects();
    packet.projects = [packet.projects[1]!, packet.projects[0]!, packet.projects[2]!];
    await writeData(packet);
    const [report] = await build(['培训费']);
    const files = await readdir(packetDir());
    expect(files.filter((f) => f.includes('培训费')).sort()).toEqual(['02-培训费.docx', '02-培训费.pdf']);
    expect(files).not.toContain('02-闵行区居村民服务自治平台（2023运维）.pdf');
    expect(files).not.toContain('02-闵行区居村民服务自治平台（2023运维）.docx');
    expect(report!.diagnostics.filter((d) => d.code === 'missing-form').map((d) => d.message)).toEqual([
      '01-闵行区居村民服务自治平台（2023运维）.pdf、01-闵行区居村民服务自治平台（2023运维）.docx 不存在：这次 --only 没有生成它',
    ]);
  });

  it('is a usage error with no name, or a name that matches nothing', async () => {
    await expect(build([])).rejects.toThrow('--only 后面要写项目名称，如 --only 培训费（可以写多个）');
    await expect(build(['培训', '调研经费'])).rejects.toThrow(
      '--only：没有名为「培训」、「调研经费」的项目。项目名称有：培训费、闵行区居村民服务自治平台（2023运维）、残疾人就业保障金',
    );
  });
});

describe('inputs and folders that must not be confused', () => {
  it('refuses an output folder that holds its own input', async () => {
    // A sibling folder is fine (inside this test's folder: a build into the shared tmpdir would leave
    // a packet folder there that a later run, from another data file, is refused).
    const beside = path.join(root, 'data', 'unit-2023.json');
    await mkdir(path.dirname(beside));
    await writeFile(beside, await readFile(data));
    await expect(buildFiles([beside], { outDir: root }, context)).resolves.toBeDefined();
    const inside = path.join(root, 'unit-2023', 'unit-2023.json');
    await mkdir(path.dirname(inside), { recursive: true });
    await writeFile(inside, await readFile(data));
    await expect(buildFiles([inside], { outDir: root }, context)).rejects.toThrow(
      `输出文件夹 ${path.join(root, 'unit-2023')} 里有数据文件 ${inside} 本身：请用 -o 指定另一个输出目录，不要和数据文件放在一起`,
    );
  });

  it('refuses two data files that would share one packet folder, naming both', async () => {
    const a = path.join(root, '单位?.json');
    const b = path.join(root, '单位_.json');
    await writeFile(a, await readFile(data));
    await writeFile(b, await readFile(data));
    await expect(buildFiles([a, b], { outDir: out }, context)).rejects.toThrow(
      `数据文件 ${a} 和 ${b} 会写到同一个输出文件夹「单位_」，后一个会覆盖前一个：请给其中一个改名`,
    );
    await expect(readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('a swap that fails or is cut short', () => {
  it('undoes every step when a file cannot be replaced (held open on Windows), leaving the old output', async () => {
    await build();
    await writeFile(path.join(packetDir(), '底稿.xlsx'), 'draft');
    const changed = threeProjects();
    changed.projects[0]!.annualGoal = '新的年度总体目标';
    await writeData(changed);
    const before = await treeHashes(out);
    faults.renameTo = '03-残疾人就业保障金.pdf';
    const [report] = await build();
    const message = `没有权限替换 ${path.join(packetDir(), '03-残疾人就业保障金.pdf')}：请检查这个文件夹的权限，关闭正打开其中文件的程序（如 PDF 阅读器），或用 -o 换一个输出目录`;
    expect(report!.failure).toEqual({
      message,
      exitCode: 3,
      diagnostic: { severity: 'error', code: 'build-environment', message, path: [], standalone: true },
    });
    expect(await treeHashes(out)).toEqual(before);
  });

  it('a full disk while writing leaves the old output and no staging folder', async () => {
    await build();
    const before = await treeHashes(out);
    faults.writeName = '02-闵行区居村民服务自治平台（2023运维）.pdf';
    const [report] = await build();
    expect(report!.failure?.message).toBe(
      `磁盘空间不足，无法写入 ${path.join(packetDir(), '02-闵行区居村民服务自治平台（2023运维）.pdf')}：请清理磁盘空间，或用 -o 换一个输出目录后重试`,
    );
    expect(await treeHashes(out)).toEqual(before);
  });

  it('a full disk in a new folder leaves no folder behind', async () => {
    faults.writeName = '01-培训费.pdf';
    expect((await build())[0]!.failure?.message).toMatch(/^磁盘空间不足/);
    // Not even out/, which the build made for it.
    await expect(readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a build killed during the swap leaves a manifest that still knows both versions', async () => {
    await build();
    const manifest = (await readManifest(packetDir()))!;
    // As the swap leaves it: the pending manifest names the old and the new version of a file.
    await writeFile(path.join(packetDir(), '01-培训费.pdf'), 'new version, half-swapped');
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update('new version, half-swapped').digest('hex');
    const pending = { ...manifest, complete: false, files: [...manifest.files, { name: '01-培训费.pdf', size: 25, sha256: hash }] };
    await writeFile(path.join(packetDir(), 'manifest.json'), JSON.stringify(pending));
    const [report] = await build();
    expect(report!.ok).toBe(true);
    expect((await readManifest(packetDir()))?.complete).toBe(true);
    expect((await readFile(path.join(packetDir(), '01-培训费.pdf'))).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

function sumText(annual: { fiscal: string; carryover: string; other: string }): string {
  return ((Number(annual.fiscal) * 100 + Number(annual.carryover) * 100 + Number(annual.other) * 100) / 100).toFixed(2);
}

describe('other hands in the folder while a build runs', () => {
  it('refuses to replace an output the user saved over during the build, changing nothing', async () => {
    await build();
    const before = await treeHashes(out);
    const [report] = await buildFiles([data], {
      outDir: out,
      creationDate,
      onProgress: async (event) => {
        // The user stamps the old 汇总表 while the new forms are being written.
        if (event.kind === 'written' && event.done === 1) await writeFile(path.join(packetDir(), '汇总表.pdf'), 'stamped scan');
      },
    }, context);
    expect(report!.failure?.message).toBe(
      `${path.join(packetDir(), '汇总表.pdf')} 在生成期间被改动或新放入，shenbao 没有替换它，这次什么也没有改：请重新生成`,
    );
    expect(await readFile(path.join(packetDir(), '汇总表.pdf'), 'utf8')).toBe('stamped scan');
    expect(await treeHashes(out)).toEqual({ ...before, 'unit-2023/汇总表.pdf': (await treeHashes(out))['unit-2023/汇总表.pdf'] });
  });

  it('refuses to write over a file that appeared under an output’s name during the build', async () => {
    const [report] = await buildFiles([data], {
      outDir: out,
      creationDate,
      onProgress: async (event) => {
        if (event.kind === 'written' && event.done === 1) await writeFile(path.join(packetDir(), '03-残疾人就业保障金.pdf'), 'mine');
      },
    }, context);
    expect(report!.failure?.message).toBe(
      `${path.join(packetDir(), '03-残疾人就业保障金.pdf')} 在生成期间被改动或新放入，shenbao 没有替换它，这次什么也没有改：请重新生成`,
    );
    expect(await readdir(packetDir())).toEqual(['03-残疾人就业保障金.pdf']);
  });

  it('waits for no one: a folder another build holds is reported, and the other packets are still built', async () => {
    const other = path.join(root, 'other-2023.json');
    await writeFile(other, await readFile(data));
    await mkdir(packetDir(), { recursive: true });
    // A live process of this host holds the lock (our parent, say).
    const owner = { host: hostname(), pid: process.ppid, started: '2026-11-26T08:00:00.000Z' };
    await writeFile(path.join(packetDir(), '.shenbao.lock'), JSON.stringify(owner));
    const reports = await buildFiles([other, data], { outDir: out, creationDate }, context);
    expect(reports.map((r) => [path.basename(r.file), r.written.length, r.failure?.exitCode])).toEqual([
      ['other-2023.json', 8, undefined],
      ['unit-2023.json', 0, 2],
    ]);
    expect(reports[1]!.failure?.message).toBe(
      `另一个 shenbao 正在生成 ${packetDir()}（${owner.host} 上的进程 ${owner.pid}，${owner.started} 开始）：请等它结束后再生成。如果确定没有 shenbao 在运行，删除 ${path.join(packetDir(), '.shenbao.lock')} 后重试`,
    );
  });

  it('takes over the lock of a build of this host that was killed', async () => {
    const { spawnSync } = await import('node:child_process');
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    await mkdir(packetDir(), { recursive: true });
    await writeFile(path.join(packetDir(), '.shenbao.lock'), JSON.stringify({ host: hostname(), pid: deadPid, started: 'x' }));
    const [report] = await build();
    expect(report!.written).toHaveLength(8);
    expect(await readdir(packetDir())).not.toContain('.shenbao.lock');
  });

  it('refuses a manifest.json whose entries are damaged or name paths', async () => {
    await build();
    const manifest = (await readManifest(packetDir()))!;
    for (const files of [[...manifest.files, null], [{ name: '../unit-2023.json', size: 1, sha256: 'x' }]]) {
      await writeFile(path.join(packetDir(), 'manifest.json'), JSON.stringify({ ...manifest, files }));
      await expect(build()).rejects.toThrow(`输出目录 ${packetDir()} 中已有一个 manifest.json，但不是 shenbao 写的（或已损坏）`);
    }
  });
});
