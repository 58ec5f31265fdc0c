// Issue 19, item 4: a lean install. What `npm install` puts on a Node 20 machine and what `npm pack`
// ships: no installed package that refuses this Node (npm's EBADENGINE warning), shenbao's own Node
// range within every runtime dependency's, the runtime install (`--omit=dev`) within its bound, and a
// package with its licences, the two font faces, docx bundled with a nanoid that runs on Node 20,
// exceljs bundled with the tree the overrides make, and no source map of shenbao's pointing at a
// file it does not ship. Also `prepare` without TypeScript.
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';
import { packed } from './support/packed.js';

const exec = promisify(execFile);
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const NODE_RANGE = manifest.engines.node;

interface Installed {
  /** The package's folder, relative to the project, e.g. node_modules/docx/node_modules/@types/node. */
  at: string;
  name: string;
  version: string;
  engines?: unknown;
}

const folders = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((name) => lstatSync(path.join(dir, name)).isDirectory()) : []);

/** Every package installed under `root`/node_modules, nested node_modules and scopes included: the folders npm checks. */
function installedPackages(root: string): Installed[] {
  const found: Installed[] = [];
  const visitModules = (modules: string) => {
    for (const entry of folders(modules).filter((name) => !name.startsWith('.'))) {
      const dir = path.join(modules, entry);
      if (entry.startsWith('@')) for (const scoped of folders(dir)) visitPackage(path.join(dir, scoped));
      else visitPackage(dir);
    }
  };
  const visitPackage = (dir: string) => {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string; engines?: unknown };
      found.push({ at: path.relative(root, dir).split(path.sep).join('/'), name: pkg.name, version: pkg.version, engines: pkg.engines });
    }
    visitModules(path.join(dir, 'node_modules'));
  };
  visitModules(path.join(root, 'node_modules'));
  return found;
}

const nodeRangeOf = (engines: unknown): string | undefined => {
  const node = (engines as { node?: unknown } | undefined)?.node;
  return typeof node === 'string' ? node : undefined;
};

/** npm's own check (npm-install-checks' checkEngine): engines.node must be satisfied, prereleases included. */
function refusing(packages: Installed[], nodeVersion: string): string[] {
  return packages.flatMap((p) => {
    const range = nodeRangeOf(p.engines);
    return range !== undefined && !semver.satisfies(nodeVersion, range, { includePrerelease: true }) ? [`${p.at} (${p.name}@${p.version}) needs Node ${range}`] : [];
  });
}

type LockPackages = Record<string, { version?: string; dev?: boolean; inBundle?: boolean; engines?: unknown }>;
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: LockPackages };
/** The packages `npm install --omit=dev` installs: every locked one that is not dev-only. */
const runtimeEntries = (packages: LockPackages) => Object.entries(packages).filter(([at, entry]) => at !== '' && entry.dev !== true);

/** Runtime packages whose Node range does not cover all of `ours`: on some Node that shenbao accepts, they would refuse. */
function narrower(ours: string, packages: LockPackages): string[] {
  return runtimeEntries(packages).flatMap(([at, entry]) => {
    const range = nodeRangeOf(entry.engines);
    return range !== undefined && !semver.subset(ours, range, { includePrerelease: true }) ? [`${at} needs Node ${range}`] : [];
  });
}

/** Disk use as du counts it (512-byte blocks), of a folder without the node_modules inside it (separate packages). */
function diskUse(dir: string): number {
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return stat.blocks * 512;
  return stat.blocks * 512 + readdirSync(dir).filter((name) => name !== 'node_modules').reduce((sum, name) => sum + diskUse(path.join(dir, name)), 0);
}

/** Source maps in the package that name a source it does not ship, as "map → missing source". */
function mapsPointingOutside(packed: string[], root: string): string[] {
  const shipped = new Set(packed);
  return packed
    .filter((file) => file.endsWith('.map'))
    .flatMap((file) => {
      const map = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as { sources?: string[]; sourceRoot?: string };
      return (map.sources ?? [])
        .map((source) => path.posix.join(path.posix.dirname(file), map.sourceRoot ?? '', source))
        .filter((source) => !shipped.has(source))
        .map((source) => `${file} → ${source}`);
    });
}

describe('installed packages and Node 20 (EBADENGINE)', () => {
  const installed = installedPackages(ROOT);

  it('no installed package, nested ones included, refuses this Node or the lowest shenbao accepts', () => {
    // The walk reaches nested and scoped packages: exceljs keeps its own saxes (5; shenbao's is 6).
    expect(installed.map((p) => p.at)).toEqual(
      expect.arrayContaining(['node_modules/docx', 'node_modules/typescript', 'node_modules/@types/node', 'node_modules/exceljs/node_modules/saxes']),
    );
    expect(installed.length).toBeGreaterThan(100);
    expect(refusing(installed, process.version)).toEqual([]);
    expect(refusing(installed, semver.minVersion(NODE_RANGE)!.version)).toEqual([]);
  });

  it('the check finds a package that needs a newer Node, scoped and nested ones too', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-engines-'));
    try {
      const put = async (at: string, pkg: object) => {
        await mkdir(path.join(dir, at), { recursive: true });
        await writeFile(path.join(dir, at, 'package.json'), JSON.stringify(pkg));
      };
      await put('node_modules/old', { name: 'old', version: '1.0.0', engines: { node: '>=18' } });
      await put('node_modules/@made-up/new', { name: '@made-up/new', version: '2.0.0', engines: { node: '>=22' } });
      await put('node_modules/old/node_modules/nested', { name: 'nested', version: '3.0.0', engines: { node: '^20.19.0 || >=22.12.0' } });
      await put('node_modules/none', { name: 'none', version: '4.0.0' });
      await put('node_modules/listed', { name: 'listed', version: '5.0.0', engines: ['node >= 99'] }); // the old array form: npm ignores it
      const packages = installedPackages(dir);
      expect(packages.map((p) => p.at).sort()).toEqual(['node_modules/@made-up/new', 'node_modules/listed', 'node_modules/none', 'node_modules/old', 'node_modules/old/node_modules/nested']);
      expect(refusing(packages, 'v20.20.2')).toEqual(['node_modules/@made-up/new (@made-up/new@2.0.0) needs Node >=22']);
      expect(refusing(packages, 'v20.18.1')).toEqual([
        'node_modules/@made-up/new (@made-up/new@2.0.0) needs Node >=22',
        'node_modules/old/node_modules/nested (nested@3.0.0) needs Node ^20.19.0 || >=22.12.0',
      ]);
      expect(refusing(packages, 'v22.12.0')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("shenbao's Node range lies within every runtime dependency's, and this Node is in it", () => {
    expect(NODE_RANGE).toBe('^20.19.0 || ^22.12.0 || >=23');
    expect(semver.satisfies(process.version, NODE_RANGE)).toBe(true);
    expect(narrower(NODE_RANGE, lock.packages)).toEqual([]);
    // What the check would say of the range shenbao declared before (yargs 18 and htmlparser2 12 need 20.19).
    expect(narrower('>=20', { 'node_modules/a': { engines: { node: '>=20.19.0' } }, 'node_modules/b': { dev: true, engines: { node: '>=22' } }, 'node_modules/c': { engines: { node: '>=18' } } })).toEqual([
      'node_modules/a needs Node >=20.19.0',
    ]);
    expect(narrower('>=20', lock.packages)).toEqual(expect.arrayContaining(['node_modules/yargs needs Node ^20.19.0 || ^22.12.0 || >=23', 'node_modules/htmlparser2 needs Node >=20.19.0']));
  });

  // Issue 19's line is 120 MB. ExcelJS (issue 20's workbook) brought 36 MB (92 → 128 MB, measured with
  // du on a clean `npm ci --omit=dev`), 21 MB of it its own browser builds in dist/, which Node never
  // loads and which no build of ExcelJS ships without. The overrides in package.json take back 6.5 MB
  // (fast-csv 5 without two copies of @types/node 14, unzipper 0.12 without binary/chainsaw/traverse,
  // one pako, one readable-stream 3, docx's @types/node the project's own): 121.3 MB counted here;
  // `du -sh node_modules` after a clean `npm install --omit=dev` said 122M (124,372 KiB). pdf-lib
  // 1.17.1 (24 MB, 14 MB of it UMD browser builds; no release since November 2021) was then replaced
  // by its maintained fork @pdfme/pdf-lib (5.6 MB with its dependencies, the same API): 103.7 MB
  // counted here, 104M (106,312 KiB) by du, within issue 19's line. The bound stands just above what
  // is measured: a heavier install still fails here.
  it('what `npm install --omit=dev` installs takes at most 104 MB (issue 19: 120 MB; ExcelJS brought 36 MB, overrides took back 6.5, @pdfme/pdf-lib for pdf-lib 18)', () => {
    const runtime = runtimeEntries(lock.packages).filter(([at]) => existsSync(path.join(ROOT, at)));
    // Only what runs: the test-only readers and the compiler are not among them.
    const names = runtime.map(([at]) => at);
    expect(names).toEqual(expect.arrayContaining(['node_modules/docx', 'node_modules/pdfkit', 'node_modules/fontkit']));
    for (const devOnly of ['node_modules/pdf-parse', 'node_modules/@xmldom/xmldom', 'node_modules/typescript', 'node_modules/semver', 'node_modules/@expo-google-fonts/noto-serif-sc']) expect(names).not.toContain(devOnly);
    const bytes = runtime.reduce((sum, [at]) => sum + diskUse(path.join(ROOT, at)), 0);
    expect(bytes / 2 ** 20).toBeLessThanOrEqual(104);
  });
});

describe('npm pack', () => {
  // The run's one `npm pack --ignore-scripts` (test/support/packed.ts; package.test.ts installs it).
  const packing = packed;

  it('ships the licences, exactly the two font faces, and nothing from test/, scratch/ or out/', async () => {
    const packed = (await packing()).files.map((f) => f.path);
    expect(packed).toEqual(expect.arrayContaining(['LICENSE', 'fonts/OFL.txt', 'fonts/README.md', 'dist/cli.js', 'dist/index.js', 'package.json']));
    expect(packed.filter((file) => /\.(ttf|ttc|otf|otc|woff2?)$/i.test(file))).toEqual(['fonts/NotoSerifSC-Bold.ttf', 'fonts/NotoSerifSC-Regular.ttf']);
    expect(packed.filter((file) => /^(test|scratch|out)\//.test(file))).toEqual([]);
    expect(readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 shenbao contributors\n/);
  });

  it("no source map of shenbao's points at a file the package does not ship", async () => {
    const packed = (await packing()).files.map((f) => f.path);
    // A dist/ from before the build stopped writing maps has them still: `rm -rf dist && npm run build`.
    const own = packed.filter((file) => !file.startsWith('node_modules/'));
    expect(own).toEqual(expect.arrayContaining(['dist/cli.js', 'fonts/OFL.txt']));
    expect(mapsPointingOutside(own, ROOT)).toEqual([]);
    // The bundled packages are packed as their authors publish them, maps included: exceljs's dist/
    // maps name the sources of its browser build, which it does not publish (nor does npm install it).
    const bundledMaps = packed.filter((file) => file.startsWith('node_modules/') && file.endsWith('.map'));
    expect(bundledMaps.filter((file) => !/^node_modules\/(exceljs|xmlchars|fast-csv|@fast-csv\/(format|parse))\//.test(file))).toEqual([]);
  });

  it('the map check finds a map whose source is not packed', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-maps-'));
    try {
      await mkdir(path.join(dir, 'dist/render'), { recursive: true });
      await writeFile(path.join(dir, 'dist/render/pdf.js.map'), JSON.stringify({ version: 3, sources: ['../../src/render/pdf.ts'] }));
      await writeFile(path.join(dir, 'dist/cli.js.map'), JSON.stringify({ version: 3, sources: ['cli.ts'] }));
      expect(mapsPointingOutside(['dist/render/pdf.js', 'dist/render/pdf.js.map', 'dist/cli.js', 'dist/cli.js.map', 'dist/cli.ts'], dir)).toEqual([
        'dist/render/pdf.js.map → src/render/pdf.ts',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  /** The packages in the package's node_modules (the bundled ones and theirs), each with its place. */
  const packedPackages = (files: Array<{ path: string }>): Installed[] =>
    files
      .map((f) => f.path)
      .filter((file) => /^node_modules\/(@[^/]+\/)?[^/]+(\/node_modules\/(@[^/]+\/)?[^/]+)*\/package\.json$/.test(file))
      .map((file) => {
        const pkg = JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as { name: string; version: string; engines?: unknown };
        return { at: path.posix.dirname(file), name: pkg.name, version: pkg.version, engines: pkg.engines };
      });

  it('bundles docx with a nanoid that runs on Node 20 (a consumer gets no overrides: npm applies them only in the root project)', async () => {
    const { files, bundled } = await packing();
    expect(bundled).toEqual(expect.arrayContaining(['docx']));
    const packed = packedPackages(files);
    expect(packed.map((p) => p.name)).toEqual(expect.arrayContaining(['docx', 'nanoid']));
    expect(packed.find((p) => p.name === 'nanoid')!.version).toMatch(/^5\./);
    expect(refusing(packed, process.version)).toEqual([]);
    expect(refusing(packed, semver.minVersion(NODE_RANGE)!.version)).toEqual([]);
  });

  it("bundles exceljs with the tree the overrides make, so a consumer installs that tree and not traverse 0.3.10's es-abstract", async () => {
    const { files, bundled } = await packing();
    expect(bundled).toEqual(expect.arrayContaining(['docx', 'exceljs']));
    const packed = packedPackages(files);
    // Each packed package is the one the lock installs at that place (`npm ci` if this fails).
    expect(packed.filter((p) => lock.packages[p.at]?.dev === true || lock.packages[p.at]?.version !== p.version)).toEqual([]);
    const names = packed.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['exceljs', 'jszip', 'archiver', 'unzipper', 'fast-csv', 'dayjs', 'saxes']));
    // Without the bundle a consumer resolved unzipper 0.10 → binary → chainsaw → traverse 0.3.10, and
    // with it es-abstract and some 90 packages (17 MB); and fast-csv 4 with two copies of @types/node 14.
    for (const gone of ['traverse', 'chainsaw', 'binary', 'es-abstract', 'fstream']) expect(names).not.toContain(gone);
    expect(packed.find((p) => p.name === 'unzipper')!.version).toMatch(/^0\.12\./);
    expect(packed.find((p) => p.name === 'fast-csv')!.version).toMatch(/^5\./);
    expect(packed.filter((p) => p.name === '@types/node').map((p) => p.at)).toEqual(['node_modules/@types/node']);
  });
});

describe('prepare (npm install from the repository)', () => {
  // Run scripts/prepare.js where no TypeScript can be found, as after `npm install --omit=dev`.
  async function prepareWithoutTypeScript(withDist: boolean): Promise<{ code: number; stdout: string; stderr: string; dist: boolean }> {
    const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-prepare-'));
    try {
      await mkdir(path.join(dir, 'scripts'));
      await copyFile(path.join(ROOT, 'scripts/prepare.js'), path.join(dir, 'scripts/prepare.js'));
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      if (withDist) {
        await mkdir(path.join(dir, 'dist'));
        await writeFile(path.join(dir, 'dist/cli.js'), '');
      }
      const { stdout, stderr } = await exec(process.execPath, ['scripts/prepare.js'], { cwd: dir });
      return { code: 0, stdout, stderr, dist: existsSync(path.join(dir, 'dist/cli.js')) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('without TypeScript the install goes on and says what to do, keeping an earlier dist/', async () => {
    expect(await prepareWithoutTypeScript(false)).toEqual({
      code: 0,
      stdout: '',
      stderr:
        'shenbao：没有安装 TypeScript（开发依赖），没有编译 dist/，命令还不能用。请运行完整的 npm install（不加 --omit=dev）；只想使用、不改源码的，请安装打好的包（npm pack 生成的 .tgz，其中已有编译好的 dist/）。\n',
      dist: false,
    });
    expect(await prepareWithoutTypeScript(true)).toEqual({
      code: 0,
      stdout: '',
      stderr: 'shenbao：没有安装 TypeScript（开发依赖），dist/ 没有重新编译，仍是上次编译的结果。改过 src/ 后请运行完整的 npm install（不加 --omit=dev）再编译。\n',
      dist: true,
    });
  });
});
