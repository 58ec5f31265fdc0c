// `shenbao serve` (issue 21): every request guarded (the token, the Host, the Origin), only the
// folder's own data files read or written (its workbooks read, never written), a body past the cap
// refused, saves atomic and never over a file changed on disk, the data checked as validate checks
// it, a project's form previewed as the PDF build makes with where each value is printed, the
// files build makes downloaded, and the folder's packet built with its progress. Through real HTTP
// on 127.0.0.1.
import { spawn } from 'node:child_process';
import { access, chmod, copyFile, link, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/serve/server.js';
import { inSchemaOrder } from '../src/serve/packet-files.js';
import { extract, renderForm, renderWorkbook } from '../src/library.js';
import { starterPacket } from '../src/output/init.js';
import { validatePacket } from '../src/validate/validate.js';
import { editWorkbook } from './support/workbook-bad-books.js';
import { CLI } from './support/cli.js';
import { compact, pdfTextItems, readPdf } from './support/pdf.js';
import { loadSeed } from './support/seed.js';
import { treeHashes } from './support/tree.js';

let root: string;
let folder: string;
let server: RunningServer;
const SEED_TEXT = `${JSON.stringify(loadSeed(), null, 2)}\n`;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'shenbao-serve-'));
  folder = path.join(root, 'data');
  await mkdir(folder);
  await writeFile(path.join(folder, 'unit.json'), SEED_TEXT);
  await writeFile(path.join(folder, '说明.txt'), 'the office’s own notes');
  await writeFile(path.join(root, 'secret.json'), '{"secret": true}\n');
  await symlink(path.join(root, 'secret.json'), path.join(folder, 'link.json'));
  await link(path.join(root, 'secret.json'), path.join(folder, 'hard.json'));
  // A fill-in workbook; Excel's lock file of it while it is open; a link to a workbook outside.
  await writeFile(path.join(folder, '填报.xlsx'), await renderWorkbook(loadSeed()));
  await writeFile(path.join(folder, '~$填报.xlsx'), 'Excel’s lock file');
  await writeFile(path.join(root, 'secret.xlsx'), await renderWorkbook(loadSeed()));
  await symlink(path.join(root, 'secret.xlsx'), path.join(folder, 'link.xlsx'));
  server = await startServer({ folder });
});
afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request with the headers given (Host and Origin too, which fetch will not set). */
function send(method: string, target: string, { headers = {}, body }: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path: target, agent: false, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    // A refused upload may be cut off while it is being sent: the answer already came.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const authed = (extra: Record<string, string> = {}) => ({ Cookie: `shenbao_token_${server.port}=${server.token}`, 'Content-Type': 'application/json', ...extra });
const json = (reply: Reply) => JSON.parse(reply.body.toString('utf8'));

describe('security: refused, and nothing on disk changes', () => {
  it('no token, a wrong token, a foreign Origin, another Host, a path out of the folder, a link, a 100 MB body', async () => {
    const before = await treeHashes(root);
    const data = JSON.stringify({ data: loadSeed(), version: null });
    const cases: Array<[string, Promise<Reply>, number, string]> = [
      ['no token', send('GET', '/api/files'), 403, '拒绝：没有带上启动时给出的地址里的 token，请用 shenbao serve 打印的地址打开'],
      ['a wrong token', send('GET', '/api/files', { headers: { Cookie: `shenbao_token_${server.port}=guess; shenbao_token=${server.token}` } }), 403, '拒绝：没有带上启动时给出的地址里的 token，请用 shenbao serve 打印的地址打开'],
      ['a foreign Origin', send('PUT', '/api/packet?file=new.json', { headers: authed({ Origin: 'http://evil.example', 'Content-Type': 'application/json' }), body: data }), 403, '拒绝：来自别的网站（http://evil.example）的请求'],
      ['another Host (DNS rebinding)', send('GET', '/api/files', { headers: authed({ Host: `evil.example:${server.port}` }) }), 403, `拒绝：请求的主机名「evil.example:${server.port}」不是这个服务的（防止 DNS 重绑定）`],
      ['../ out of the folder', send('GET', '/api/packet?file=../secret.json', { headers: authed() }), 403, '「../secret.json」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件或 .xlsx 工作簿，不能带路径）'],
      ['../ to a workbook out of the folder', send('GET', '/api/packet?file=../secret.xlsx', { headers: authed() }), 403, '「../secret.xlsx」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件或 .xlsx 工作簿，不能带路径）'],
      ['an absolute path', send('PUT', `/api/packet?file=${encodeURIComponent(path.join(root, 'x.json'))}`, { headers: authed(), body: data }), 403, `「${path.join(root, 'x.json')}」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件，不能带路径）`],
      ['a symbolic link to a file outside', send('GET', '/api/packet?file=link.json', { headers: authed() }), 403, 'link.json 不是普通文件（是链接、文件夹或设备），不打开它'],
      ['a hard link to a file outside', send('GET', '/api/packet?file=hard.json', { headers: authed() }), 403, 'hard.json 还有别的硬链接（同一个文件也在别处），不打开它：请复制一份放进文件夹'],
      ['saving over a hard link', send('PUT', '/api/packet?file=hard.json', { headers: authed(), body: JSON.stringify({ data: {}, version: 'x' }) }), 403, 'hard.json 还有别的硬链接（同一个文件也在别处），不打开它：请复制一份放进文件夹'],
      ['a form of another site (text/plain, no Origin)', send('POST', '/api/build?file=unit.json', { headers: authed({ 'Content-Type': 'text/plain' }), body: '{}' }), 415, '拒绝：请求的内容应是 JSON（Content-Type: application/json）'],
      ['a body of no declared kind', send('PUT', '/api/packet?file=n.json', { headers: { Cookie: `shenbao_token_${server.port}=${server.token}` }, body: data }), 415, '拒绝：请求的内容应是 JSON（Content-Type: application/json）'],
      ['saving over a link', send('PUT', '/api/packet?file=link.json', { headers: authed(), body: JSON.stringify({ data: {}, version: 'x' }) }), 403, 'link.json 不是普通文件（是链接、文件夹或设备），不打开它'],
      ['a NUL in a new name', send('PUT', '/api/packet?file=a%00.json', { headers: authed(), body: data }), 403, '「a\u0000.json」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件，不能带路径）'],
      ['data that is no packet', send('PUT', '/api/packet?file=n.json', { headers: authed(), body: JSON.stringify({ data: 42, version: null }) }), 400, '要保存的数据应是一个 JSON 对象（数据包）'],
      ['a file that is no data file', send('GET', `/api/packet?file=${encodeURIComponent('说明.txt')}`, { headers: authed() }), 403, '「说明.txt」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件或 .xlsx 工作簿，不能带路径）'],
      ['Excel’s lock file', send('GET', `/api/packet?file=${encodeURIComponent('~$填报.xlsx')}`, { headers: authed() }), 403, '「~$填报.xlsx」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件或 .xlsx 工作簿，不能带路径）'],
      ['a 100 MB body', send('PUT', '/api/packet?file=big.json', { headers: authed({ 'Content-Length': String(100 * 1024 * 1024) }), body: Buffer.alloc(1024 * 1024) }), 413, '请求太大：最多 20 MB'],
      ['a 100 MB download', send('POST', '/api/download?kind=data', { headers: authed({ 'Content-Length': String(100 * 1024 * 1024) }), body: Buffer.alloc(1024 * 1024) }), 413, '请求太大：最多 20 MB'],
      ['a 100 MB build', send('POST', '/api/build?file=unit.json', { headers: authed({ 'Content-Length': String(100 * 1024 * 1024) }), body: Buffer.alloc(1024 * 1024) }), 413, '请求太大：最多 20 MB'],
      ['a workbook linked from outside', send('GET', '/api/packet?file=link.xlsx', { headers: authed() }), 403, 'link.xlsx 不是普通文件（是链接、文件夹或设备），不打开它'],
      ['a workbook saved as itself', send('PUT', `/api/packet?file=${encodeURIComponent('填报.xlsx')}`, { headers: authed(), body: data }), 400, '工作簿不能直接保存，请存为 填报.json'],
      ['a build of a workbook', send('POST', `/api/build?file=${encodeURIComponent('填报.xlsx')}`, { headers: authed() }), 403, '「填报.xlsx」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件，不能带路径）'],
      ['a build of a link', send('POST', '/api/build?file=link.json', { headers: authed() }), 403, 'link.json 不是普通文件（是链接、文件夹或设备），不打开它'],
      ['a build out of the folder', send('POST', '/api/build?file=../secret.json', { headers: authed() }), 403, '「../secret.json」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件，不能带路径）'],
      // Each new route, without the token.
      ...(
        [
          ['GET', `/api/packet?file=${encodeURIComponent('填报.xlsx')}`],
          ['GET', '/api/new?year=2024'],
          ['POST', '/api/preview'],
          ['POST', '/api/download?kind=data'],
          ['POST', '/api/build?file=unit.json'],
        ] as const
      ).map(([method, target]): [string, Promise<Reply>, number, string] => [
        `${method} ${target} without the token`,
        send(method, target, { headers: { Accept: 'application/json' }, body: JSON.stringify({ data: loadSeed(), file: 'unit.json', project: 0 }) }),
        403,
        '拒绝：没有带上启动时给出的地址里的 token，请用 shenbao serve 打印的地址打开',
      ]),
    ];
    for (const [what, reply, status, error] of cases) {
      const r = await reply;
      expect({ what, status: r.status, error: json(r).error }).toEqual({ what, status, error });
    }
    expect(await treeHashes(root)).toEqual(before);
  });

  it('the token in the address becomes a cookie the site keeps to itself, and leaves the address', async () => {
    const first = await send('GET', `/?token=${server.token}`);
    expect([first.status, first.headers.location, first.headers['set-cookie']]).toEqual([303, '/', [`shenbao_token_${server.port}=${server.token}; HttpOnly; SameSite=Strict; Path=/`]]);
    const page = await send('GET', '/', { headers: authed() });
    expect(page.status).toBe(200);
    expect([page.headers['content-type'], page.body.toString('utf8').startsWith('<!doctype html>')]).toEqual(['text/html; charset=utf-8', true]);
    // Only its own scripts (no inline one, none from elsewhere), never framed by another site.
    const policy = String(page.headers['content-security-policy']).split('; ');
    expect([policy[0], policy.find((p) => p.startsWith('script-src ')), policy.at(-1)]).toEqual(["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"]);
    expect(policy.join('; ')).not.toMatch(/unsafe|https?:|\*/);
  });
});

describe('the folder’s data files', () => {
  it('lists the data files and workbooks only (not the office’s notes, not a link, not Excel’s lock file)', async () => {
    const reply = await send('GET', '/api/files', { headers: authed() });
    expect(json(reply).files.map((f: { name: string; kind: string; size: number }) => [f.name, f.kind, f.size])).toEqual([
      ['unit.json', 'json', Buffer.byteLength(SEED_TEXT)],
      ['填报.xlsx', 'workbook', (await readFile(path.join(folder, '填报.xlsx'))).length],
    ]);
  });

  it('a workbook opens as the data it was written from, to be saved as the .json of its name; never saved itself', async () => {
    const opened = await send('GET', `/api/packet?file=${encodeURIComponent('填报.xlsx')}`, { headers: authed() });
    expect(opened.status).toBe(200);
    const answer = json(opened);
    const packet = validatePacket(loadSeed()).packet!;
    expect([JSON.parse(answer.text), answer.version, answer.saveAs]).toEqual([JSON.parse(JSON.stringify(packet)), null, '填报.json']);
    expect(answer.text).toBe(`${JSON.stringify(inSchemaOrder(JSON.parse(answer.text)), null, 2)}\n`);
    // The seed's own warnings, as validate says them of the data file, each at the cell it was read from.
    const seedWarnings = json(await send('POST', '/api/check', { headers: authed(), body: JSON.stringify({ data: loadSeed() }) })).problems;
    expect(answer.problems.map((p: { code: string; path: string }) => [p.code, p.path])).toEqual(seedWarnings.map((p: { code: string; path: string }) => [p.code, p.path]));
    expect(answer.problems.every((p: { severity: string; place: { kind: string; file: string } }) => p.severity === 'warning' && p.place.kind === 'sheet' && p.place.file === '填报.xlsx')).toBe(true);

    // With a 填报.json beside it (later work, perhaps), the workbook's data is still a new file's: its
    // save is refused as a changed file's is, that 填报.json shown and left as it is.
    const later = `${JSON.stringify({ ...loadSeed(), title: '后来改过的标题' }, null, 2)}\n`;
    await writeFile(path.join(folder, '填报.json'), later);
    const again = json(await send('GET', `/api/packet?file=${encodeURIComponent('填报.xlsx')}`, { headers: authed() }));
    expect([again.version, again.saveAs]).toEqual([null, '填报.json']);
    const saved = await send('PUT', `/api/packet?file=${encodeURIComponent('填报.json')}`, { headers: authed(), body: JSON.stringify({ data: JSON.parse(again.text), version: again.version }) });
    expect([saved.status, json(saved).disk.text]).toEqual([409, later]);
    expect(await readFile(path.join(folder, '填报.json'), 'utf8')).toBe(later);
    await rm(path.join(folder, '填报.json'));
    // A .json opens as before, saved as itself.
    expect(json(await send('GET', '/api/packet?file=unit.json', { headers: authed() })).saveAs).toBe('unit.json');
  });

  it('a workbook with a cell that cannot be read is not opened: the cell is named', async () => {
    const bad = await editWorkbook(await renderWorkbook(loadSeed()), (book) => (book.getWorksheet('项目')!.getCell('K2').value = 1.005));
    await writeFile(path.join(folder, '坏.xlsx'), bad);
    const reply = await send('GET', `/api/packet?file=${encodeURIComponent('坏.xlsx')}`, { headers: authed() });
    expect([reply.status, json(reply).error]).toEqual([422, '坏.xlsx 里有读不出的单元格，不能打开：请在 Excel 或 WPS 里改好后再打开']);
    expect(json(reply).problems.map((p: { severity: string; place: unknown; message: string }) => [p.severity, p.place, p.message])).toEqual([
      ['error', { kind: 'sheet', file: '坏.xlsx', sheet: '项目', cell: 'K2' }, '项目!K2（项目 1「培训费」，年度资金申请总额）：金额 1.005 有 3 位小数：最多两位，shenbao 不替你四舍五入，请改成要申报的数'],
    ]);
    await rm(path.join(folder, '坏.xlsx'));
  });

  it('a new packet is the starter `shenbao init` writes, of the year asked (this year by default)', async () => {
    const starter = (year: number) => `${JSON.stringify(inSchemaOrder(starterPacket(year)), null, 2)}\n`;
    expect(json(await send('GET', '/api/new?year=2024', { headers: authed() }))).toEqual({ text: starter(2024), version: null, saveAs: null });
    expect(json(await send('GET', '/api/new', { headers: authed() })).text).toBe(starter(new Date().getFullYear()));
    for (const year of ['1999', '2101', '二〇二四', '2024.5']) {
      const refused = await send('GET', `/api/new?year=${encodeURIComponent(year)}`, { headers: authed() });
      expect([refused.status, json(refused).error]).toEqual([400, `年度「${year}」不对：应是 2000 到 2100 之间的年份，如 2024`]);
    }
  });

  it('saves in the schema’s key order over the version read; refuses, writing nothing, when the file changed on disk meanwhile', async () => {
    const opened = json(await send('GET', '/api/packet?file=unit.json', { headers: authed() }));
    expect(opened.text).toBe(SEED_TEXT);
    // The browser sends its keys in any order, a target changed.
    const edited = loadSeed();
    edited.projects[0]!.indicators[1]!.target = '=320(人)';
    const shuffled = { projects: edited.projects, year: edited.year, unit: edited.unit, title: edited.title };
    const saved = await send('PUT', '/api/packet?file=unit.json', { headers: authed(), body: JSON.stringify({ data: shuffled, version: opened.version }) });
    expect(saved.status).toBe(200);
    const onDisk = await readFile(path.join(folder, 'unit.json'), 'utf8');
    expect(onDisk).toBe(`${JSON.stringify(inSchemaOrder(shuffled), null, 2)}\n`);
    expect(Object.keys(JSON.parse(onDisk))).toEqual(['title', 'unit', 'year', 'projects']);
    expect(JSON.parse(onDisk)).toEqual(JSON.parse(JSON.stringify(edited)));

    // Someone edits the file in another program; a save against the old version is refused.
    const theirs = onDisk.replace('=320(人)', '=330(人)');
    await writeFile(path.join(folder, 'unit.json'), theirs);
    const stale = await send('PUT', '/api/packet?file=unit.json', { headers: authed(), body: JSON.stringify({ data: loadSeed(), version: json(saved).version }) });
    expect([stale.status, json(stale).error, json(stale).disk.text]).toEqual([409, 'unit.json 在打开以后被别人改过了：没有覆盖它，请比较两边再决定', theirs]);
    expect(await readFile(path.join(folder, 'unit.json'), 'utf8')).toBe(theirs);
    await writeFile(path.join(folder, 'unit.json'), SEED_TEXT);
  });

  it('two saves against one version: one is saved, the other told of the change (no lost update)', async () => {
    const opened = json(await send('GET', '/api/packet?file=unit.json', { headers: authed() }));
    const mine = loadSeed();
    mine.unit = '甲';
    const yours = loadSeed();
    yours.unit = '乙';
    const replies = await Promise.all([mine, yours].map((data) => send('PUT', '/api/packet?file=unit.json', { headers: authed(), body: JSON.stringify({ data, version: opened.version }) })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = replies.find((r) => r.status === 200)!;
    expect(await readFile(path.join(folder, 'unit.json'), 'utf8')).toBe(json(winner).text);
    await writeFile(path.join(folder, 'unit.json'), SEED_TEXT);
  });

  it('keys named like Object.prototype’s (toString, __proto__) are saved as the data they are', async () => {
    const data = JSON.parse('{"title":"t","toString":"keep me","__proto__":{"x":1},"projects":[{"name":"n","constructor":5}]}');
    const made = await send('PUT', '/api/packet?file=keys.json', { headers: authed(), body: JSON.stringify({ data, version: null }) });
    expect(made.status).toBe(200);
    expect(JSON.parse(await readFile(path.join(folder, 'keys.json'), 'utf8'))).toEqual(JSON.parse('{"title":"t","projects":[{"name":"n","constructor":5}],"toString":"keep me","__proto__":{"x":1}}'));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    await rm(path.join(folder, 'keys.json'));
  });

  it('a draft with errors is saved (it is the user’s); a new file is made only where none is', async () => {
    const draft = { ...loadSeed(), year: 1999 };
    const made = await send('PUT', `/api/packet?file=${encodeURIComponent('草稿.json')}`, { headers: authed(), body: JSON.stringify({ data: draft, version: null }) });
    expect(made.status).toBe(200);
    expect(JSON.parse(await readFile(path.join(folder, '草稿.json'), 'utf8')).year).toBe(1999);
    // Another new file of that name: the one there is shown (as a changed file is), not replaced.
    const before = await readFile(path.join(folder, '草稿.json'), 'utf8');
    const again = await send('PUT', `/api/packet?file=${encodeURIComponent('草稿.json')}`, { headers: authed(), body: JSON.stringify({ data: loadSeed(), version: null }) });
    expect([again.status, json(again).disk.text]).toEqual([409, before]);
    expect(await readFile(path.join(folder, '草稿.json'), 'utf8')).toBe(before);
    await rm(path.join(folder, '草稿.json'));
  });

  it('a save keeps the file as readable as it was; a file with a byte-order mark opens as validate reads it', async () => {
    const file = path.join(folder, 'private.json');
    await writeFile(file, SEED_TEXT);
    await chmod(file, 0o600);
    const opened = json(await send('GET', '/api/packet?file=private.json', { headers: authed() }));
    const saved = await send('PUT', '/api/packet?file=private.json', { headers: authed(), body: JSON.stringify({ data: { ...loadSeed(), unit: '改过' }, version: opened.version }) });
    expect(saved.status).toBe(200);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await rm(file);
    await writeFile(path.join(folder, 'bom.json'), `\uFEFF${SEED_TEXT}`);
    const bom = json(await send('GET', '/api/packet?file=bom.json', { headers: authed() }));
    expect(bom.problems.map((p: { severity: string; code: string }) => p.severity)).toEqual(['warning', 'warning']);
    await rm(path.join(folder, 'bom.json'));
  });
});

describe('checked as validate checks, previewed as build makes', () => {
  it('an unknown 一级指标 is an error at its field; fixed, it is gone', async () => {
    const data = loadSeed();
    data.projects[0]!.indicators[0]!.level1 = '产出指数';
    const wrong = json(await send('POST', '/api/check', { headers: authed(), body: JSON.stringify({ data }) })).problems;
    const errors = wrong.filter((p: { severity: string }) => p.severity === 'error');
    expect(errors.map((p: { path: string; message: string }) => [p.path, p.message])).toEqual([
      ['projects[0].indicators[0].level1', '「产出指数」不是一级指标：一级指标只有 产出指标、成本指标、效益指标、满意度指标'],
    ]);
    data.projects[0]!.indicators[0]!.level1 = '产出指标';
    const fixed = json(await send('POST', '/api/check', { headers: authed(), body: JSON.stringify({ data }) })).problems;
    expect(fixed.filter((p: { severity: string }) => p.severity === 'error')).toEqual([]);
  });

  it('a changed target shows in the preview of its form; a project with errors is not previewed', async () => {
    const data = loadSeed();
    data.projects[1]!.indicators[0]!.target = '≥17(次)';
    const preview = await send('POST', '/api/preview', { headers: authed(), body: JSON.stringify({ data, project: 1 }) });
    expect([preview.status, preview.headers['content-type']]).toEqual([200, 'application/pdf']);
    const text = compact((await readPdf(preview.body)).pages.join('\n'));
    expect(text).toContain(compact('≥17(次)'));
    expect(text).toContain(compact(data.projects[1]!.name));
    data.projects[1]!.funds.annual.total = '1.00';
    const refused = await send('POST', '/api/preview', { headers: authed(), body: JSON.stringify({ data, project: 1 }) });
    expect([refused.status, json(refused).error]).toEqual([422, '项目 2 有错误，不能预览']);
    expect(json(refused).problems.map((p: { code: string }) => p.code)).toContain('amount-sum');
  });

  it('asked for JSON, the same PDF comes with where each value is printed: the changed target where the PDF draws it', async () => {
    const data = loadSeed();
    data.projects[0]!.indicators[0]!.target = '≥99(次)';
    const reply = await send('POST', '/api/preview', { headers: authed({ Accept: 'application/json' }), body: JSON.stringify({ data, project: 0 }) });
    expect([reply.status, reply.headers['content-type']]).toEqual([200, 'application/json; charset=utf-8']);
    const { pdf, pages } = json(reply) as { pdf: string; pages: Array<{ width: number; height: number; boxes: Array<{ path: string; x: number; y: number; width: number; height: number }> }> };
    const bytes = Buffer.from(pdf, 'base64');
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = compact((await readPdf(bytes)).pages.join('\n'));
    expect(text).toContain(compact('≥99(次)'));
    // The same form renderForm (and so build) makes of it, page for page.
    const rendered = await readPdf((await renderForm(data, 0)).pdf);
    expect((await readPdf(bytes)).pages).toEqual(rendered.pages);
    expect(pages.map((p) => [p.width, p.height])).toEqual(rendered.pages.map(() => [595.28, 841.89]));

    // The box of the target is where the PDF draws its text (read back by pdf.js): its left end, its baseline within it, its width.
    const boxes = pages[0]!.boxes.filter((b) => b.path === 'projects[0].indicators[0].target');
    expect(boxes).toHaveLength(1);
    const box = boxes[0]!;
    expect(box.width).toBeGreaterThan(0);
    const drawn = await pdfTextItems(bytes, 1, '≥99(次)');
    expect(drawn).toHaveLength(1);
    const { x, baseline, width } = drawn[0]!;
    expect(Math.abs(box.x - x)).toBeLessThan(0.01);
    expect(Math.abs(box.width - width)).toBeLessThan(0.5);
    expect(baseline).toBeGreaterThan(box.y);
    expect(baseline).toBeLessThan(box.y + box.height);
    // Every box has a path of this project (or the year), within its page.
    for (const page of pages)
      for (const b of page.boxes) {
        expect(b.path).toMatch(/^(projects\[0\]\.|year$)/);
        expect([b.x >= 0, b.y >= 0, b.x + b.width <= page.width, b.y + b.height <= page.height]).toEqual([true, true, true, true]);
      }
    expect(pages.flatMap((p) => p.boxes.map((b) => b.path))).toContain('projects[0].name');
  });
});

describe('downloads: the files build makes, from the data the page holds', () => {
  const download = (kind: string, body: unknown) => send('POST', `/api/download?kind=${kind}`, { headers: authed(), body: JSON.stringify(body) });
  /** The headers every download has, its name said both ways (RFC 6266). */
  const headersOf = (reply: Reply) => [reply.status, reply.headers['content-type'], reply.headers['content-disposition'], reply.headers['cache-control'], reply.headers['x-content-type-options']];
  const PDF = 'application/pdf';

  it('a form as PDF and Word (the .docx read back is the project), the 汇总表, the workbook, the data file', async () => {
    const seed = loadSeed();
    const packet = validatePacket(seed).packet!;
    const form = await download('form-pdf', { data: seed, file: 'unit.json', project: 0 });
    expect(headersOf(form)).toEqual([200, PDF, `attachment; filename="01-_.pdf"; filename*=UTF-8''01-%E5%9F%B9%E8%AE%AD%E8%B4%B9.pdf`, 'no-store', 'nosniff']);
    expect(seed.projects[0]!.name).toBe('培训费');
    expect(form.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await readPdf(form.body)).pages).toEqual((await readPdf((await renderForm(seed, 0)).pdf)).pages);

    const word = await download('form-docx', { data: seed, file: 'unit.json', project: 1 });
    const name2 = `02-${seed.projects[1]!.name}.docx`;
    expect(headersOf(word)).toEqual([200, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', `attachment; filename="02-_2023_.docx"; filename*=UTF-8''${encodeURIComponent(name2)}`, 'no-store', 'nosniff']);
    expect(word.body.subarray(0, 2).toString('latin1')).toBe('PK');
    const docx = path.join(root, name2);
    await writeFile(docx, word.body);
    const read = await extract(docx);
    expect([read.kind, read.problems, read.packet?.projects]).toEqual(['form', [], [packet.projects[1]]]);

    const summary = await download('summary-pdf', { data: seed, file: 'unit.json' });
    expect(headersOf(summary)).toEqual([200, PDF, `attachment; filename="_.pdf"; filename*=UTF-8''%E6%B1%87%E6%80%BB%E8%A1%A8.pdf`, 'no-store', 'nosniff']);
    expect(summary.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(compact((await readPdf(summary.body)).pages[0]!)).toContain(compact(seed.title));

    const workbook = await download('workbook', { data: seed, file: 'unit.json' });
    expect(headersOf(workbook)).toEqual([200, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `attachment; filename="unit.xlsx"; filename*=UTF-8''unit.xlsx`, 'no-store', 'nosniff']);
    const xlsx = path.join(root, 'unit.xlsx');
    await writeFile(xlsx, workbook.body);
    expect((await extract(xlsx)).packet).toEqual(packet);

    // The data file is the user's draft: errors and all, in the schema's key order; a new packet's is named as init names it.
    const draft = { projects: seed.projects, year: 1999, title: seed.title, unit: seed.unit };
    const data = await download('data', { data: draft, file: '' });
    expect(headersOf(data)).toEqual([200, 'application/json; charset=utf-8', `attachment; filename="_.json"; filename*=UTF-8''${encodeURIComponent('申报数据.json')}`, 'no-store', 'nosniff']);
    expect(data.body.toString('utf8')).toBe(`${JSON.stringify(inSchemaOrder(draft), null, 2)}\n`);
  });

  it('data with errors makes no form of that project, no 汇总表, no workbook; another project’s form still comes; an unknown kind is refused', async () => {
    const data = loadSeed();
    data.projects[1]!.funds.annual.total = '1.00';
    const refusals: Array<[string, number | undefined, string]> = [
      ['form-pdf', 1, `项目 2「${data.projects[1]!.name}」有错误，不能生成申报表`],
      ['form-docx', 1, `项目 2「${data.projects[1]!.name}」有错误，不能生成申报表`],
      ['summary-pdf', undefined, '数据有错误，不能生成汇总表'],
      ['workbook', undefined, '数据有错误，不能写成填报工作簿'],
    ];
    for (const [kind, project, error] of refusals) {
      const reply = await download(kind, { data, file: 'unit.json', project });
      expect([kind, reply.status, json(reply).error]).toEqual([kind, 422, error]);
      expect(json(reply).problems.map((p: { code: string; path: string; severity: string }) => [p.severity, p.code, p.path])).toContainEqual(['error', 'amount-sum', 'projects[1].funds.annual.total']);
      expect(json(reply).problems.every((p: { severity: string }) => p.severity === 'error')).toBe(true);
    }
    expect((await download('form-pdf', { data, file: 'unit.json', project: 0 })).status).toBe(200);
    const unknown = await download('zip', { data, file: 'unit.json' });
    expect([unknown.status, json(unknown).error]).toEqual([400, '不能下载「zip」：可以下载的是 form-pdf、form-docx、summary-pdf、workbook、data']);
    const none = await download('form-pdf', { data, file: 'unit.json', project: 10 });
    expect([none.status, json(none).error]).toEqual([400, '数据里没有第 11 个项目（project 从 0 数起，共 10 个项目）']);
  });
});

/** A streamed answer: its first line as soon as it comes, the whole when it ends, and a way to go away meanwhile. */
function streamed(method: string, target: string, body = '{}') {
  let first: (line: string) => void;
  const firstLine = new Promise<string>((resolve) => (first = resolve));
  let cut: () => void;
  const whole = new Promise<Reply>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path: target, agent: false, headers: { Host: `127.0.0.1:${server.port}`, ...authed() } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        const text = Buffer.concat(chunks).toString('utf8');
        if (text.includes('\n')) first(text.slice(0, text.indexOf('\n')));
      });
      // Ended, or cut off by going away: what came is the answer.
      res.on('close', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', () => undefined);
    });
    cut = () => req.destroy();
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || req.destroyed ? resolve({ status: 0, headers: {}, body: Buffer.alloc(0) }) : reject(error)));
    req.end(body);
  });
  return { firstLine, whole, cut: () => cut() };
}

const lines = (reply: Reply) => reply.body.toString('utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));

describe('生成全部: the saved data file built into the folder’s out/, as build builds it', () => {
  const out = () => path.join(folder, 'out');

  it('says its progress line by line, ends with the files written; a foreign file in out/ survives; a second build meanwhile is refused', async () => {
    const seed = loadSeed();
    await mkdir(path.join(out(), 'unit'), { recursive: true });
    await writeFile(path.join(out(), '说明.txt'), 'ours');
    await writeFile(path.join(out(), 'unit', '批注.txt'), 'ours too');
    const first = streamed('POST', '/api/build?file=unit.json');
    expect(JSON.parse(await first.firstLine)).toEqual({ type: 'progress', done: 0, total: 22, message: '生成 unit.json（共 22 个文件）' });
    // One build at a time: this one has 22 files to write yet.
    const second = await send('POST', '/api/build?file=unit.json', { headers: authed(), body: '{}' });
    expect([second.status, json(second).error]).toEqual([409, '正在生成 unit.json：请等它完成后再生成']);

    const reply = await first.whole;
    expect([reply.status, reply.headers['content-type'], reply.headers['cache-control']]).toEqual([200, 'application/x-ndjson', 'no-store']);
    const said = lines(reply);
    const names = [...seed.projects.flatMap((p, i) => ['pdf', 'docx'].map((f) => `${String(i + 1).padStart(2, '0')}-${p.name}.${f}`)), '汇总表.pdf', '汇总表.docx'];
    const files = names.map((n) => `out/unit/${n}`);
    expect(said.filter((l) => l.message?.startsWith('写出 '))).toEqual(files.map((f, i) => ({ type: 'progress', done: i + 1, total: 22, message: `写出 ${f}` })));
    expect(said.map((l) => l.message)).toContain('汇总表：排版 10 张申报表…');
    expect(said.map((l) => l.message)).toContain('汇总表：Word 文件排版中…');
    const done = said.at(-1);
    expect([done.type, done.outDir, done.files]).toEqual(['done', 'out/unit', files]);
    expect(done.problems.every((p: { severity: string }) => p.severity === 'warning')).toBe(true);
    const manifest = JSON.parse(await readFile(path.join(out(), 'unit', 'manifest.json'), 'utf8'));
    expect(manifest.files.map((f: { name: string }) => f.name).sort()).toEqual([...names].sort());
    for (const name of names.filter((n) => n.endsWith('.pdf'))) expect((await readFile(path.join(out(), 'unit', name))).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect([await readFile(path.join(out(), '说明.txt'), 'utf8'), await readFile(path.join(out(), 'unit', '批注.txt'), 'utf8')]).toEqual(['ours', 'ours too']);

    // The build over, another may begin.
    const again = await send('POST', '/api/build?file=unit.json', { headers: authed() });
    expect([again.status, lines(again).at(-1).type]).toEqual([200, 'done']);
  }, 60_000);

  it('data with errors builds nothing: its problems are said', async () => {
    const bad = loadSeed();
    bad.projects[1]!.funds.annual.total = '1.00';
    await writeFile(path.join(folder, 'bad.json'), JSON.stringify(bad, null, 2));
    const before = await treeHashes(folder);
    const reply = await send('POST', '/api/build?file=bad.json', { headers: authed() });
    const said = lines(reply);
    expect([reply.status, said.length, said[0].type, said[0].error]).toEqual([200, 1, 'failed', 'bad.json 有错误，没有生成：请先改正']);
    expect(said[0].problems.map((p: { severity: string; code: string; path: string }) => [p.severity, p.code, p.path])).toContainEqual(['error', 'amount-sum', 'projects[1].funds.annual.total']);
    expect(await treeHashes(folder)).toEqual(before);
    await rm(path.join(folder, 'bad.json'));
  });

  it('a page that goes away mid-build stops it: the output folder is as it was, and the server goes on', async () => {
    await copyFile(path.join(folder, 'unit.json'), path.join(folder, 'copy.json'));
    const before = await treeHashes(out());
    const build = streamed('POST', '/api/build?file=copy.json');
    await build.firstLine;
    build.cut();
    await build.whole;
    // Once the stopped build has let go, the next one runs (this one writes nothing: it has errors).
    await writeFile(path.join(folder, 'bad.json'), '{"title": 1}');
    let status = 409;
    for (let i = 0; i < 200 && status === 409; i++) {
      status = (await send('POST', '/api/build?file=bad.json', { headers: authed() })).status;
      if (status === 409) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
    expect(await treeHashes(out())).toEqual(before);
    await expect(access(path.join(out(), 'copy'))).rejects.toThrow();
    await rm(path.join(folder, 'copy.json'));
    await rm(path.join(folder, 'bad.json'));
  }, 60_000);

  it('an out/ that is a link (to anywhere) is not built into', async () => {
    await rm(out(), { recursive: true, force: true });
    await mkdir(path.join(root, 'elsewhere'));
    await symlink(path.join(root, 'elsewhere'), out());
    const reply = await send('POST', '/api/build?file=unit.json', { headers: authed() });
    expect(lines(reply)).toEqual([{ type: 'failed', error: 'out 不是文件夹（是链接或文件）：生成只写在这个文件夹里，请先把它移开或改名', problems: [] }]);
    expect(await treeHashes(path.join(root, 'elsewhere'))).toEqual({});
    await rm(out());
  });
});

describe('shenbao serve, the command', () => {
  it('a port in use, or 0.0.0.0 (no one name to check), is said in one line', async () => {
    await expect(startServer({ folder, port: server.port })).rejects.toThrow(`端口 ${server.port} 已被别的程序占用：请换一个 --port，或不写 --port（随便用一个空闲的）`);
    await expect(startServer({ folder, host: '0.0.0.0' })).rejects.toThrow('--host 0.0.0.0 是“所有地址”，浏览器发来的主机名无法核对：请写这台电脑在网络上的一个地址，如 --host 192.168.1.20');
  });

  it('prints its address with a token, opens it in the browser (--open), answers there, and Ctrl-C stops it cleanly (exit 0)', async () => {
    // The "browser": a program that notes the address it was asked to open.
    const browser = path.join(root, 'browser.sh');
    const opened = path.join(root, 'opened.txt');
    await writeFile(browser, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`, { mode: 0o755 });
    const child = spawn(process.execPath, [CLI, 'serve', folder, '--open'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BROWSER: browser } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 200 && !stderr.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
    const address = /在浏览器里打开：(http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{22}))\n/.exec(stderr);
    expect(address, stderr).not.toBeNull();
    await expect.poll(() => readFile(opened, 'utf8').catch(() => '')).toBe(address![1]);
    const files = await fetch(`http://127.0.0.1:${address![2]}/api/files?token=${address![3]}`);
    expect([files.status, ((await files.json()) as { files: Array<{ name: string }> }).files.map((f) => f.name)]).toEqual([200, ['unit.json', '填报.xlsx']]);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr.endsWith('已停止（SIGINT）\n')).toBe(true);
  }, 30_000);
});

describe('the library', () => {
  it('serve() is the command’s server: its address answers with the token, and close() stops it', async () => {
    const { serve } = await import('../src/index.js');
    const running = await serve(folder);
    const url = new URL(running.url);
    expect([url.hostname, url.pathname, url.searchParams.get('token')?.length]).toEqual(['127.0.0.1', '/', 22]);
    const files = await fetch(`http://127.0.0.1:${running.port}/api/files?token=${url.searchParams.get('token')}`);
    expect(((await files.json()) as { files: Array<{ name: string }> }).files.map((f) => f.name)).toEqual(['unit.json', '填报.xlsx']);
    await running.close();
    await expect(fetch(`http://127.0.0.1:${running.port}/api/files`)).rejects.toThrow();
  });
});
