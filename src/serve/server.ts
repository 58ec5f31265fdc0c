// `shenbao serve`: a local web server over one folder of data files. This is its core: every
// request guarded (guard.ts), the folder's data files and workbooks read and its data files saved
// (packet-files.ts, workbook-open.ts), the data checked as validate checks it (check.ts), a
// project's form previewed as the PDF build makes, with where each value is printed (preview.ts),
// the files build makes downloaded (downloads.ts), and the folder's packet built (build-run.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../errors.js';
import { createBuildContext, type BuildContext } from '../output/build.js';
import { formJob } from '../output/forms.js';
import { starterPacket } from '../output/init.js';
import type { FontFiles } from '../render/fonts.js';
import { Builds } from './build-run.js';
import { check, checkText, formErrors } from './check.js';
import type { BuildLine, PreviewAnswer } from './contract.js';
import { attachment, makeDownload } from './downloads.js';
import { hostNames, newToken, refusal, tokenCookie, urlHost } from './guard.js';
import { dataText, isWorkbookName, jsonNameOf, PacketFolder, RefusedName } from './packet-files.js';
import { previewForm } from './preview.js';
import { openWorkbook } from './workbook-open.js';
import { asset } from './assets.js';
import { PAGE_HTML } from './page.js';

/** A request body larger than this is refused (413) before it is read whole: a packet of 1,000 projects is about 5 MB. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

export interface ServeOptions {
  folder: string;
  /** 0 (default): any free port. */
  port?: number;
  /** 127.0.0.1 unless given (another host is reachable from the network: the command warns). */
  host?: string;
  templateDir?: string;
  fonts?: FontFiles;
}

export interface RunningServer {
  /** The address to open, with the token. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const folder = await PacketFolder.open(options.folder);
  const context = await createBuildContext({ templateDir: options.templateDir, fonts: options.fonts });
  const host = options.host ?? '127.0.0.1';
  // Every address (0.0.0.0, ::) has no one name a browser sends: the Host check could not hold.
  if (host === '0.0.0.0' || host === '::') throw new UserError(`--host ${host} 是“所有地址”，浏览器发来的主机名无法核对：请写这台电脑在网络上的一个地址，如 --host 192.168.1.20`);
  const token = newToken();
  let guard = { token, hosts: [] as string[], port: 0 };
  const builds = new Builds(folder.folder, context);
  const server = createServer((request, response) => {
    handle(request, response, { folder, context, builds, ...guard }).catch((error: unknown) => {
      // A client gone (a tab closed, an upload cut off) is no fault of the server's. (Not
      // request.destroyed: reading a body to its end destroys the request stream too.)
      if (request.socket.destroyed || (error as NodeJS.ErrnoException).code === 'ECONNRESET') return;
      const message = error instanceof UserError ? error.message : '服务内部错误';
      if (!(error instanceof UserError)) console.error(error);
      if (!response.headersSent) sendJson(response, error instanceof UserError ? 400 : 500, { error: message });
      else response.destroy();
    });
  });
  // A body that trickles in for ever is cut after a minute, not Node's five.
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenFailure(error, host, options.port ?? 0)));
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  guard = { token, hosts: hostNames(host, port), port };
  return {
    url: `http://${urlHost(host)}:${port}/?token=${token}`,
    token,
    port,
    // Requests under way finish (a save is never cut between its write and its rename); idle
    // connections end now, and any still open after 5 s are cut. A build cut so stops between two
    // files, and is waited for: its output folder is left whole.
    close: () =>
      new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), 5_000);
        server.close(() => {
          clearTimeout(cut);
          void builds.idle().then(resolve);
        });
        server.closeIdleConnections();
      }),
  };
}

/** Why the server could not listen, in the user's words. */
function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new UserError(`端口 ${port} 已被别的程序占用：请换一个 --port，或不写 --port（随便用一个空闲的）`);
    case 'EACCES':
      return new UserError(`没有权限使用端口 ${port}（1024 以下的端口要管理员权限）：请换一个 --port`);
    case 'EADDRNOTAVAIL':
      return new UserError(`--host ${host} 不是这台电脑的地址`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UserError(`--host ${host}：找不到这个主机名`);
    default:
      return error;
  }
}

interface Served {
  folder: PacketFolder;
  context: BuildContext;
  builds: Builds;
  token: string;
  port: number;
  hosts: readonly string[];
}

async function handle(request: IncomingMessage, response: ServerResponse, served: Served): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://placeholder');
  const refused = refusal(request, url, served);
  if (refused) {
    // Nothing of the request is read.
    request.resume();
    return sendJson(response, refused.status, { error: refused.message });
  }
  response.setHeader('Set-Cookie', tokenCookie(served.token, served.port));
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  const route = `${request.method} ${url.pathname}`;
  // The token leaves the address bar (and the history) once it is a cookie.
  if (route === 'GET /' && url.searchParams.has('token')) {
    response.writeHead(303, { Location: '/' });
    return void response.end();
  }
  if (route === 'GET /') return sendPage(response);
  if (request.method === 'GET' && url.pathname.startsWith('/assets/')) return sendAsset(response, url.pathname.slice('/assets/'.length));
  // Browsers ask for it unbidden: no icon, and no 404 in the page's console.
  if (route === 'GET /favicon.ico') {
    response.writeHead(204);
    return void response.end();
  }
  try {
    switch (route) {
      case 'GET /api/files':
        return sendJson(response, 200, { files: await served.folder.list() });
      case 'GET /api/packet': {
        const name = url.searchParams.get('file') ?? '';
        if (isWorkbookName(name)) {
          const opened = await openWorkbook(served.folder, name, served.context);
          return 'opened' in opened ? sendJson(response, 200, opened.opened) : sendJson(response, 422, opened.refused);
        }
        const read = await served.folder.read(name, { opens: true });
        return sendJson(response, 200, { ...read, saveAs: name, problems: checkText(read.text, name, served.context) });
      }
      case 'GET /api/new': {
        const year = newYear(url.searchParams.get('year'));
        return sendJson(response, 200, { text: dataText(starterPacket(year)), version: null, saveAs: null });
      }
      case 'PUT /api/packet': {
        const name = url.searchParams.get('file') ?? '';
        // A workbook is read, never written: its data goes to the .json of its name.
        if (isWorkbookName(name)) {
          request.resume();
          return sendJson(response, 400, { error: `工作簿不能直接保存，请存为 ${jsonNameOf(name)}` });
        }
        const body = await jsonBody(request);
        if (body === undefined) return tooLarge(response);
        const { data, version } = body as { data?: unknown; version?: unknown };
        if (data === undefined || !(version === null || typeof version === 'string')) throw new UserError('保存要给出 data（数据）和 version（打开时的版本，新文件为 null）');
        const saved = await served.folder.save(name, data, version);
        return 'conflict' in saved
          ? sendJson(response, 409, { error: `${name} 在打开以后被别人改过了：没有覆盖它，请比较两边再决定`, disk: saved.conflict })
          : sendJson(response, 200, saved.saved);
      }
      case 'POST /api/check': {
        const body = await jsonBody(request);
        if (body === undefined) return tooLarge(response);
        // Named as the file it was opened from, as validate names it.
        const { data, file } = body as { data?: unknown; file?: unknown };
        return sendJson(response, 200, { problems: check(data, typeof file === 'string' && file !== '' ? file : '数据', served.context).problems });
      }
      case 'POST /api/preview': {
        const body = await jsonBody(request);
        if (body === undefined) return tooLarge(response);
        const { data, project } = body as { data?: unknown; project?: unknown };
        // The page asks for the boxes too (Accept: application/json); a PDF viewer or a link, the PDF alone.
        const boxes = /\bapplication\/json\b/i.test(request.headers.accept ?? '');
        return await sendPreview(response, data, project, served.context, boxes);
      }
      case 'POST /api/download': {
        const kind = url.searchParams.get('kind') ?? '';
        const body = await jsonBody(request);
        if (body === undefined) return tooLarge(response);
        const made = await makeDownload(kind, body as { data?: unknown }, served.context);
        if ('refused' in made) return sendJson(response, 422, made.refused);
        const { bytes, name, type } = made.download;
        response.writeHead(200, {
          'Content-Type': type,
          'Content-Disposition': attachment(name),
          'Content-Length': bytes.byteLength,
          'Cache-Control': 'no-store',
          'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
        });
        return void response.end(bytes);
      }
      case 'POST /api/build':
        return await sendBuild(request, response, url.searchParams.get('file') ?? '', served);
      default:
        request.resume();
        return sendJson(response, 404, { error: `没有 ${route}` });
    }
  } catch (error) {
    if (error instanceof RefusedName) return sendJson(response, error.status, { error: error.message });
    throw error;
  }
}

/** The year of a new packet: this year, or the one asked for (2000 to 2100). */
function newYear(asked: string | null): number {
  if (asked === null || asked === '') return new Date().getFullYear();
  const year = Number(asked);
  if (!/^\d{4}$/.test(asked) || year < 2000 || year > 2100) throw new UserError(`年度「${asked}」不对：应是 2000 到 2100 之间的年份，如 2024`);
  return year;
}

/**
 * Project `project` (0-based) of `data` as its form's PDF, made as build makes it; its errors
 * instead when it has any. `boxes`: as JSON, the PDF (base64) with where each value is printed.
 */
async function sendPreview(response: ServerResponse, data: unknown, project: unknown, context: BuildContext, boxes: boolean): Promise<void> {
  if (!Number.isInteger(project) || (project as number) < 0) throw new UserError('预览要给出项目的序号 project（从 0 数起）');
  const index = project as number;
  const { validation, problems: all } = check(data, '数据', context);
  const accepted = validation.accepted.find((a) => a.number === index + 1);
  const problems = formErrors(all, index);
  if (!validation.header || !accepted || problems.length > 0) return sendJson(response, 422, { error: `项目 ${index + 1} 有错误，不能预览`, problems });
  const job = formJob(validation.header, accepted.project, index, { creationDate: new Date(), pdf: true, docx: false });
  const made = await previewForm(job, context);
  if (boxes) return sendJson(response, 200, { pdf: Buffer.from(made.pdf).toString('base64'), pages: made.pages } satisfies PreviewAnswer);
  response.writeHead(200, { 'Content-Type': 'application/pdf', 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'none'; frame-ancestors 'self'" });
  response.end(made.pdf);
}

/**
 * 生成全部 of data file `name`: its progress as NDJSON, a line at a time as build goes, then how it
 * ended. A page that goes away (its connection closed) stops the build between two files: the
 * output folder is then as it was.
 */
async function sendBuild(request: IncomingMessage, response: ServerResponse, name: string, served: Served): Promise<void> {
  const file = await served.folder.dataFilePath(name);
  const body = await jsonBody(request, { empty: true });
  if (body === undefined) return tooLarge(response);
  if (served.builds.current !== undefined) return sendJson(response, 409, { error: `正在生成 ${served.builds.current}：请等它完成后再生成` });
  // The page builds what it shows: a file changed on disk since it was opened is shown, not built.
  const { version } = body as { version?: unknown };
  if (typeof version === 'string') {
    const disk = await served.folder.read(name);
    if (disk.version !== version) return sendJson(response, 409, { error: `${name} 在打开以后被别人改过了：没有生成，请比较两边再决定`, disk });
  }
  const stop = new AbortController();
  const say = (line: BuildLine) => {
    if (!response.destroyed && !response.writableEnded) response.write(`${JSON.stringify(line)}\n`);
  };
  response.writeHead(200, {
    // NDJSON is UTF-8 by definition: no charset.
    'Content-Type': 'application/x-ndjson',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  });
  // The page knows at once that the build began.
  response.flushHeaders();
  response.on('close', () => {
    if (!response.writableFinished) stop.abort();
  });
  try {
    await served.builds.run(name, file, say, stop.signal);
  } catch (error) {
    console.error(error);
    say({ type: 'failed', error: '服务内部错误', problems: [] });
  }
  response.end();
}

/**
 * The request's JSON body; undefined when it is larger than MAX_BODY_BYTES (nothing more is read).
 * `empty`: no body at all is `{}`.
 */
async function jsonBody(request: IncomingMessage, { empty = false }: { empty?: boolean } = {}): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  if (empty && size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new UserError('请求的内容不是有效的 JSON');
  }
}

function tooLarge(response: ServerResponse): void {
  sendJson(response, 413, { error: `请求太大：最多 ${MAX_BODY_BYTES / 1024 / 1024} MB` });
  // The rest of the body is not waited for.
  response.on('finish', () => response.socket?.destroy());
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  });
  response.end(JSON.stringify(body));
}

function sendPage(response: ServerResponse): void {
  response.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    // The page's own files only: nothing from elsewhere, no inline script, no framing by other sites.
    // pdf.js draws the preview in its worker (worker-src) and hands pages over as blobs.
    'Content-Security-Policy': PAGE_POLICY,
  });
  response.end(PAGE_HTML);
}

const PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; worker-src 'self'; img-src 'self' blob: data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

async function sendAsset(response: ServerResponse, name: string): Promise<void> {
  const found = await asset(name);
  if (!found) return sendJson(response, 404, { error: `没有 /assets/${name}` });
  response.writeHead(200, { 'Content-Type': found.type, 'Cache-Control': 'no-cache', 'Content-Security-Policy': PAGE_POLICY });
  response.end(found.bytes);
}

