// The server's API (src/serve/server.ts), typed by the contract both sides compile against.
import type { BuildLine, FileEntry, OpenedFile, PreviewAnswer, ProblemView } from '../contract.js';
import type { PacketData } from './data.js';

export interface Answer<T> {
  status: number;
  body: T & { error?: string; problems?: ProblemView[] };
}

async function call<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<Answer<T>> {
  const response = await fetch(path, {
    method,
    ...init,
    headers: { ...(body !== undefined && { 'Content-Type': 'application/json' }), ...(init.headers as Record<string, string> | undefined) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await jsonOf(response, `服务器的回答不是 JSON（${response.status}）`)) as Answer<T>['body'] };
}

/** The answer's JSON, or `{ error }` saying `otherwise` when it is none (a proxy's page, a cut connection). */
async function jsonOf(response: Response, otherwise: string): Promise<unknown> {
  return (response.headers.get('Content-Type') ?? '').startsWith('application/json') ? response.json() : { error: otherwise };
}

export const files = () => call<{ files: FileEntry[] }>('GET', '/api/files');
export const openFile = (name: string) => call<OpenedFile>('GET', `/api/packet?file=${encodeURIComponent(name)}`);
export const newPacket = (year: number) => call<OpenedFile>('GET', `/api/new?year=${year}`);
export const save = (name: string, data: PacketData, version: string | null) =>
  call<{ text: string; version: string; disk?: { text: string; version: string } }>('PUT', `/api/packet?file=${encodeURIComponent(name)}`, { data, version });
export const check = (data: PacketData, file: string, signal: AbortSignal) => call<{ problems: ProblemView[] }>('POST', '/api/check', { data, file }, { signal });
export const preview = (data: PacketData, project: number, signal: AbortSignal) =>
  call<PreviewAnswer>('POST', '/api/preview', { data, project }, { signal, headers: { Accept: 'application/json' } });

export type DownloadKind = 'form-pdf' | 'form-docx' | 'summary-pdf' | 'workbook' | 'data';

/** A file made by the server from the data: its bytes and its name (from Content-Disposition), or the refusal. */
export async function download(kind: DownloadKind, data: PacketData, file: string, project: number): Promise<{ blob: Blob; name: string } | { error: string; problems?: ProblemView[] }> {
  const response = await fetch(`/api/download?kind=${kind}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ data, file, project }) });
  if (!response.ok) return (await jsonOf(response, `下载失败（${response.status}）`)) as { error: string; problems?: ProblemView[] };
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  return { blob: await response.blob(), name: encoded ? decodeURIComponent(encoded) : 'shenbao' };
}

/**
 * Runs the build of a saved data file, each line of its progress given to `line` as it comes.
 * `version`: the file as the page has it; changed on disk since, it is not built (`disk` says how it is).
 */
export async function build(name: string, version: string | null, line: (line: BuildLine) => void): Promise<{ status: number; error?: string; disk?: { text: string; version: string } }> {
  const response = await fetch(`/api/build?file=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ version }) });
  if (!response.ok || !response.body) return { status: response.status, ...((await jsonOf(response, `生成失败（${response.status}）`)) as { error: string; disk?: { text: string; version: string } }) };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) rest += value;
    const lines = rest.split('\n');
    rest = done ? '' : lines.pop()!;
    for (const text of lines) if (text.trim() !== '') line(JSON.parse(text) as BuildLine);
    if (done) return { status: response.status };
  }
}
