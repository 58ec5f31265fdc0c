// What every request to `shenbao serve` must show before anything is read or written: the token
// (in the URL once, then a cookie), a Host that is this server's own name (DNS rebinding points
// another name at 127.0.0.1), and no Origin but this server's (a page of another site posting to
// it); and a body that says it is JSON. A local server reachable by every web page the user opens
// must check them all.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The cookie the token is kept in after the first visit, named by the port: cookies are not kept
 * apart by port, so a second `shenbao serve` (or another local server) would otherwise share,
 * replace or receive it.
 */
export const tokenCookieName = (port: number): string => `shenbao_token_${port}`;

/** A fresh token: 128 random bits, URL-safe. */
export const newToken = (): string => randomBytes(16).toString('base64url');

export interface GuardOptions {
  token: string;
  port: number;
  /** The names this server is reached by: 127.0.0.1 and localhost (with the port), or the --host given. */
  hosts: readonly string[];
}

/** Why a request is refused (its status and message, in Chinese), or undefined when it may go on. */
export function refusal(request: IncomingMessage, url: URL, options: GuardOptions): { status: number; message: string } | undefined {
  const host = request.headers.host;
  if (!host || !options.hosts.includes(host.toLowerCase())) return { status: 403, message: `拒绝：请求的主机名「${host ?? ''}」不是这个服务的（防止 DNS 重绑定）` };
  const origin = request.headers.origin;
  if (origin !== undefined && !options.hosts.some((h) => origin.toLowerCase() === `http://${h}`))
    return { status: 403, message: `拒绝：来自别的网站（${origin}）的请求` };
  // Any of the cookie's values may be ours: a page of another local server can set one of the same name with a narrower path, sent first.
  const given = url.searchParams.has('token') ? [url.searchParams.get('token')!] : cookies(request, tokenCookieName(options.port));
  if (!given.some((value) => sameToken(value, options.token))) return { status: 403, message: '拒绝：没有带上启动时给出的地址里的 token，请用 shenbao serve 打印的地址打开' };
  // A body is JSON, said so: a form of another site can post only text, a URL's fields or parts
  // without the browser asking this server first (which it never allows).
  if ((request.method === 'POST' || request.method === 'PUT') && (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/json')
    return { status: 415, message: '拒绝：请求的内容应是 JSON（Content-Type: application/json）' };
  return undefined;
}

function sameToken(given: string, token: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every value the request's cookies give `name`. */
export function cookies(request: IncomingMessage, name: string): string[] {
  return (request.headers.cookie ?? '').split(';').flatMap((part) => {
    const [key, ...value] = part.trim().split('=');
    return key === name ? [value.join('=')] : [];
  });
}

/** Set-Cookie for the token: only this server's pages send it back, never another site's requests. */
export const tokenCookie = (token: string, port: number): string => `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;

/** The names a server bound to `host` on `port` answers to (an IPv6 address in brackets, as a browser sends it). */
export function hostNames(host: string, port: number): string[] {
  const lower = host.toLowerCase();
  const names = lower === '127.0.0.1' || lower === 'localhost' ? ['127.0.0.1', 'localhost'] : [lower.includes(':') ? `[${lower}]` : lower];
  return names.map((name) => `${name}:${port}`);
}

/** The address to print for `host` (an IPv6 one in brackets). */
export const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);
