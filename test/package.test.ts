// The package as a program installs it: `npm pack`, the tarball unpacked as
// node_modules/shenbao of a new project, its dependencies linked from this checkout's
// node_modules (no network), and a TypeScript program that imports 'shenbao' compiled under
// `strict` with the shipped types checked too (skipLibCheck false), then run. Its renderForm and
// renderSummary give, in memory, the bytes `shenbao build --date` wrote for the same date (the
// seed's shared build: test/support/seed-build.ts, `--date 2023-01-01T08:00:00`, Beijing time).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';
import { SEED_FILE } from './support/seed.js';
import { seedBuild } from './support/seed-built.js';
import { packed } from './support/packed.js';

const run = promisify(execFile);
/** The date the seed's shared build was made with (seed-build.ts: 08:00 Beijing time, the same moment). */
const SEED_DATE = '2023-01-01';
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let dir: string;
let made: string;
let consumerRun: { stdout: string; stderr: string };
/** What tsc said of the consumer and of a program importing an internal path, compiled together. */
let compiled: string;

const CONSUMER = `import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderForm, renderSummary, type Packet, type RenderedFiles } from 'shenbao';

const [data, out] = process.argv.slice(2) as [string, string];
const packet = JSON.parse(await readFile(data, 'utf8')) as Packet;
const date = new Date('${SEED_DATE}');
const form: RenderedFiles = await renderForm(packet, 0, { date });
const summary: RenderedFiles = await renderSummary(packet, { date });
await writeFile(path.join(out, 'form.pdf'), form.pdf);
await writeFile(path.join(out, 'form.docx'), form.docx);
await writeFile(path.join(out, 'summary.pdf'), summary.pdf);
await writeFile(path.join(out, 'summary.docx'), summary.docx);
console.log(JSON.stringify({ form: form.diagnostics.map((d) => d.code), summary: summary.diagnostics.length }));
`;

/** A path the exports map does not give. */
const INTERNAL = "import { paginate } from 'shenbao/dist/layout/paginate.js';\nconsole.log(typeof paginate);\n";

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    // TypeScript's own lib.*.d.ts are not the package's to check: about 2 s of the compile's 9 s of CPU here.
    skipDefaultLibCheck: true,
    types: ['node'],
    outDir: 'built',
  },
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shenbao-package-'));
  if (!existsSync(path.join(ROOT, 'dist', 'index.js'))) await run(process.execPath, [TSC, '-p', path.join(ROOT, 'tsconfig.build.json')]);
  // dist/ is built (npm test builds it first); packing builds nothing more. The run's one pack
  // (test/support/packed.ts), which install.test.ts lists.
  const { file: tarball } = await packed();
  const modules = path.join(dir, 'node_modules');
  await mkdir(modules);
  await run('tar', ['-xzf', tarball, '-C', modules]);
  await rename(path.join(modules, 'package'), path.join(modules, 'shenbao'));
  // Its dependencies as npm would install them, linked: each resolves its own from this checkout.
  const { dependencies } = JSON.parse(readFileSync(path.join(modules, 'shenbao', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  // The consumer's own: @types/node, as any TypeScript program for Node has it.
  for (const name of [...Object.keys(dependencies), '@types/node']) {
    await mkdir(path.dirname(path.join(modules, name)), { recursive: true });
    await symlink(path.join(ROOT, 'node_modules', name), path.join(modules, name), 'dir');
  }
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, files: ['consumer.ts', 'internal.ts'] }));
  await writeFile(path.join(dir, 'consumer.ts'), CONSUMER);
  await writeFile(path.join(dir, 'internal.ts'), INTERNAL);
  // One compilation for both (tsc takes some 10 s here): it fails for internal.ts alone, and emits consumer.js all the same.
  compiled = await run(process.execPath, [TSC, '-p', dir], { cwd: dir }).then(
    () => '',
    (error: { stdout: string }) => error.stdout,
  );
  made = path.join(dir, 'made');
  await mkdir(made);
  consumerRun = await run(process.execPath, [path.join(dir, 'built', 'consumer.js'), SEED_FILE, made], { cwd: dir });
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed package, installed and used from TypeScript', () => {
  it('compiles under strict with the shipped types checked, and its in-memory files are the bytes build wrote', async () => {
    // Not one error in consumer.ts nor in any shipped .d.ts: the one error is internal.ts's (below).
    expect(compiled).toBe("internal.ts(1,26): error TS2307: Cannot find module 'shenbao/dist/layout/paginate.js' or its corresponding type declarations.\n");
    const seed = await seedBuild();
    const first = (JSON.parse(readFileSync(SEED_FILE, 'utf8')) as { projects: Array<{ name: string }> }).projects[0]!.name;
    const form = `01-${first}.pdf`;
    expect(await readdir(seed)).toContain(form);
    const pairs: Array<[string, string]> = [
      ['form.pdf', form],
      ['form.docx', form.replace(/\.pdf$/, '.docx')],
      ['summary.pdf', '汇总表.pdf'],
      ['summary.docx', '汇总表.docx'],
    ];
    for (const [ours, built] of pairs) {
      const [a, b] = await Promise.all([readFile(path.join(made, ours)), readFile(path.join(seed, built))]);
      expect({ file: built, bytes: a.length, equal: a.equals(b) }).toEqual({ file: built, bytes: b.length, equal: true });
    }
    // The seed's two warnings are of projects 3 and 4: the 汇总表's, not the first form's.
    expect(JSON.parse(consumerRun.stdout)).toEqual({ form: [], summary: 2 });
    expect(consumerRun.stderr).toBe('');
  });

  it('ships its types with no type of a development-only package', async () => {
    const shipped = path.join(dir, 'node_modules', 'shenbao', 'dist');
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        if (spec!.startsWith('.')) visit(path.resolve(path.dirname(file), spec!.replace(/\.js$/, '.d.ts')));
        else external.add(spec!);
      }
    };
    visit(path.join(shipped, 'index.d.ts'));
    // zod is a dependency with its own types; nothing else (fontkit, node-forge…) is reached.
    expect([...external].sort()).toEqual(['zod']);
  });

  it('keeps its internals behind the exports map: not importable, not compilable', async () => {
    expect(compiled).toContain("internal.ts(1,26): error TS2307: Cannot find module 'shenbao/dist/layout/paginate.js'");
    const imported = await run(process.execPath, ['--input-type=module', '-e', "await import('shenbao/dist/layout/paginate.js')"], { cwd: dir }).catch(
      (error: { stderr: string }) => error,
    );
    expect(imported.stderr).toContain("[ERR_PACKAGE_PATH_NOT_EXPORTED]: Package subpath './dist/layout/paginate.js' is not defined by \"exports\" in");
    // What the map does give: the package and its schemas.
    const given = await run(
      process.execPath,
      ['--input-type=module', '-e', "const s = await import('shenbao/packet.schema.json', { with: { type: 'json' } }); const p = await import('shenbao'); console.log(s.default.title, Object.keys(p).sort().join(','))"],
      { cwd: dir },
    );
    expect(given.stdout).toBe('项目绩效目标汇总表（shenbao 数据文件） InvalidPacketError,UserError,buildPacket,diff,extract,packetJsonSchema,renderForm,renderSummary,renderWorkbook,serve,sign,validate,verify\n');
  });
});
