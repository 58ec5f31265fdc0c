// `shenbao serve`, its core (issue 21's first part): every request guarded (the token, the Host,
// the Origin), only the folder's own data files read or written, a body past the cap refused,
// saves atomic and never over a file changed on disk, the data checked as validate checks it,
// and a project's form previewed as the PDF build makes. Through real HTTP on 127.0.0.1.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/serve/server.js';
import { inSchemaOrder } from '../src/serve/packet-files.js';
import { CLI } from './support/cli.js';
import { compact, readPdf } from './support/pdf.js';
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

const authed = (extra: Record<string, string> = {}) => ({ Cookie: `shenbao_token_${server.port}=${server.token}`, ...extra });
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
      ['../ out of the folder', send('GET', '/api/packet?file=../secret.json', { headers: authed() }), 403, '「../secret.json」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件，不能带路径）'],
      ['an absolute path', send('PUT', `/api/packet?file=${encodeURIComponent(path.join(root, 'x.json'))}`, { headers: authed(), body: data }), 403, `「${path.join(root, 'x.json')}」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件，不能带路径）`],
      ['a symbolic link to a file outside', send('GET', '/api/packet?file=link.json', { headers: authed() }), 403, 'link.json 不是普通文件（是链接、文件夹或设备），不打开它'],
      ['saving over a link', send('PUT', '/api/packet?file=link.json', { headers: authed(), body: JSON.stringify({ data: {}, version: 'x' }) }), 403, 'link.json 不是普通文件（是链接、文件夹或设备），不打开它'],
      ['a NUL in a new name', send('PUT', '/api/packet?file=a%00.json', { headers: authed(), body: data }), 403, '「a\u0000.json」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件，不能带路径）'],
      ['data that is no packet', send('PUT', '/api/packet?file=n.json', { headers: authed(), body: JSON.stringify({ data: 42, version: null }) }), 400, '要保存的数据应是一个 JSON 对象（数据包）'],
      ['a file that is no data file', send('GET', `/api/packet?file=${encodeURIComponent('说明.txt')}`, { headers: authed() }), 403, '「说明.txt」不是这个文件夹里的数据文件名（只能是文件夹里的 .json 文件，不能带路径）'],
      ['a 100 MB body', send('PUT', '/api/packet?file=big.json', { headers: authed({ 'Content-Length': String(100 * 1024 * 1024) }), body: Buffer.alloc(1024 * 1024) }), 413, '请求太大：最多 20 MB'],
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
    expect(page.body.toString('utf8')).toContain('<h1>shenbao 申报：检查和预览</h1>');
    // Only its own script (by nonce), never framed by another site.
    expect(String(page.headers['content-security-policy'])).toMatch(/^default-src 'self'; script-src 'nonce-[A-Za-z0-9+/=]{24}'; .*frame-ancestors 'none'$/);
  });
});

describe('the folder’s data files', () => {
  it('lists the data files only (not the office’s notes, not a link)', async () => {
    const reply = await send('GET', '/api/files', { headers: authed() });
    expect(json(reply).files.map((f: { name: string }) => f.name)).toEqual(['unit.json']);
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
    const again = await send('PUT', `/api/packet?file=${encodeURIComponent('草稿.json')}`, { headers: authed(), body: JSON.stringify({ data: loadSeed(), version: null }) });
    expect([again.status, json(again).error]).toEqual([403, '草稿.json 已存在']);
    await rm(path.join(folder, '草稿.json'));
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
});

describe('shenbao serve, the command', () => {
  it('a port in use, or 0.0.0.0 (no one name to check), is said in one line', async () => {
    await expect(startServer({ folder, port: server.port })).rejects.toThrow(`端口 ${server.port} 已被别的程序占用：请换一个 --port，或不写 --port（随便用一个空闲的）`);
    await expect(startServer({ folder, host: '0.0.0.0' })).rejects.toThrow('--host 0.0.0.0 是“所有地址”，浏览器发来的主机名无法核对：请写这台电脑在网络上的一个地址，如 --host 192.168.1.20');
  });

  it('prints its address with a token, answers there, and Ctrl-C stops it cleanly (exit 0)', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', folder], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 200 && !stderr.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
    const address = /在浏览器里打开：(http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{22}))\n/.exec(stderr);
    expect(address, stderr).not.toBeNull();
    const files = await fetch(`http://127.0.0.1:${address![2]}/api/files?token=${address![3]}`);
    expect([files.status, ((await files.json()) as { files: Array<{ name: string }> }).files.map((f) => f.name)]).toEqual([200, ['unit.json']]);
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
    expect(((await files.json()) as { files: Array<{ name: string }> }).files.map((f) => f.name)).toEqual(['unit.json']);
    await running.close();
    await expect(fetch(`http://127.0.0.1:${running.port}/api/files`)).rejects.toThrow();
  });
});
