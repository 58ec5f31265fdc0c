// Issue 17, item 17 (sign) and item 5 (--reason, --location): `shenbao sign` refuses, before it
// touches a file, a certificate whose signature a verifier would not take:
//   - a TLS server's certificate: keyUsage keyEncipherment only, extKeyUsage serverAuth;
//   - a TLS server's certificate with digitalSignature: extKeyUsage serverAuth only (RFC 5280
//     §4.2.1.12: the key may serve only the purposes listed);
//   - a certificate authority's: keyUsage keyCertSign (and cRLSign), basicConstraints cA;
//   - an RSA key of 1024 bits;
// and a --reason or --location that holds a control, direction or noncharacter. Each: exit 2, one
// Chinese line with the reason, no stack trace, the folder byte for byte as before. A person's or
// unit's certificate (digitalSignature + nonRepudiation, clientAuth + emailProtection) still signs,
// and so does one without keyUsage (RFC 5280 §4.2.1.3: no restriction; test/sign.test.ts).
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeP12, PASSWORD, type CertificateOptions } from './support/certificate.js';
import { shenbaoHere } from './support/cli.js';
import { treeHashes } from './support/tree.js';
import { seedBuild } from './support/seed-built.js';

let work: string;
let folder: string; // out/minhang-2023: the seed's build (test/support/seed-build.ts), PDF and Word
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'shenbao-sign-17-'));
  process.env.SHENBAO_P12_PASSWORD = PASSWORD; // the default variable, read by sign in this process
  folder = await seedBuild();
}, 120_000);
afterAll(() => rm(work, { recursive: true, force: true }));

/**
 * `shenbao sign <a copy of the folder> --p12 <name>.p12 …`, with a certificate made of `certificate`
 * (or the P12 file given): the run, and the copy's hashes before and after.
 */
async function signWith(name: string, certificate: CertificateOptions | string, extra: string[] = []) {
  const dir = path.join(work, name, 'minhang-2023');
  await cp(folder, dir, { recursive: true });
  const p12 = typeof certificate === 'string' ? certificate : path.join(work, `${name}.p12`);
  if (typeof certificate !== 'string') await writeFile(p12, makeP12(certificate));
  const before = await treeHashes(dir);
  const run = await shenbaoHere(['sign', dir, '--p12', p12, '--date', '2023-01-01T09:30:00', ...extra], work);
  return { run, p12, dir, before, after: await treeHashes(dir) };
}

const refused = (run: { stderr: string }) => expect(run.stderr).not.toMatch(/内部错误|\n\s+at /);

describe('certificates that cannot sign are refused, the folder untouched', () => {
  it('a TLS server certificate: keyUsage keyEncipherment only, extKeyUsage serverAuth', async () => {
    const { run, p12, before, after } = await signWith('tls', {
      commonName: 'www.example.gov.cn',
      extensions: [{ name: 'keyUsage', keyEncipherment: true }, { name: 'extKeyUsage', serverAuth: true }],
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `${p12} 里的证书不能用来签名：它的密钥用途（keyUsage）只有密钥加密（keyEncipherment），没有数字签名（digitalSignature）或不可否认（nonRepudiation），这样签的名验证软件不认。请换用单位或个人的签名证书\n`,
    );
    refused(run);
    expect(after).toEqual(before);
  }, 60_000);

  it('a TLS server certificate with digitalSignature: extKeyUsage serverAuth only', async () => {
    const { run, p12, before, after } = await signWith('tls-ds', {
      commonName: 'www.example.gov.cn',
      extensions: [{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true }, { name: 'extKeyUsage', serverAuth: true }],
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `${p12} 里的证书不能用来签文件：它的扩展密钥用途（extKeyUsage）只有服务器身份验证（serverAuth，网站的 TLS 证书），不是给单位或个人签名用的。请换用单位或个人的签名证书\n`,
    );
    refused(run);
    expect(after).toEqual(before);
  }, 60_000);

  it('a certificate authority’s certificate: keyUsage keyCertSign and cRLSign only', async () => {
    const { run, p12, before, after } = await signWith('ca', {
      commonName: '测试证书机构',
      extensions: [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }],
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `${p12} 里的证书不能用来签名：它的密钥用途（keyUsage）只有签发证书（keyCertSign）、签发吊销列表（cRLSign），没有数字签名（digitalSignature）或不可否认（nonRepudiation），这样签的名验证软件不认。请换用单位或个人的签名证书\n`,
    );
    refused(run);
    expect(after).toEqual(before);
  }, 60_000);

  it('an RSA key of 1024 bits', async () => {
    const { run, p12, before, after } = await signWith('rsa1024', { keyBits: 1024 });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${p12} 里的私钥是 1024 位的 RSA 密钥，太短了：短于 2048 位的 RSA 已不够安全，2013 年以后不应再用来签名。请换用 2048 位或更长的证书\n`);
    refused(run);
    expect(after).toEqual(before);
  }, 60_000);

  it('a person’s or unit’s certificate still signs: digitalSignature + nonRepudiation, clientAuth + emailProtection', async () => {
    const { run, dir, before, after } = await signWith('person', {
      extensions: [
        { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
        { name: 'extKeyUsage', clientAuth: true, emailProtection: true },
      ],
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${dir}：签名 11 个 PDF，manifest.json 已随之更新\n`);
    expect(Object.keys(after).filter((key) => after[key] !== before[key]).sort()).toEqual(Object.keys(before).filter((key) => key.endsWith('.pdf') || key === 'manifest.json').sort());
  }, 60_000);
});

describe('--reason and --location hold only what a signature can show', () => {
  let p12: string; // a certificate that signs
  beforeAll(async () => {
    p12 = path.join(work, 'good.p12');
    await writeFile(p12, makeP12());
  });
  it.concurrent.for([
    ['--reason', '同意\u0007申报', '签名的原因（--reason）的第 3 个字符是控制字符 U+0007，不能写进签名，请删除它'],
    ['--reason', '同意申报\n', '签名的原因（--reason）的第 5 个字符是换行符 U+000A，不能写进签名，请删除它'],
    ['--location', '上海\u202E市', '签名的地点（--location）的第 3 个字符是不可见字符 U+202E（从右到左强制），不能写进签名，请删除它'],
    ['--location', '上海\u2066', '签名的地点（--location）的第 3 个字符是不可见字符 U+2066（从左到右隔离），不能写进签名，请删除它'],
    ['--reason', '同意\uFFFF', '签名的原因（--reason）的第 3 个字符是非字符 U+FFFF，不能写进签名，请删除它'],
  ] as Array<[string, string, string]>)('%s %j', { timeout: 60_000 }, async ([option, value, message], { expect }) => {
    // Side by side, each on its own copy of the folder.
    const { run, before, after } = await signWith(`text-${option.slice(2)}-${value.codePointAt(value.length - 1)}`, p12, [option, value]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${message}\n`);
    expect(run.stderr).not.toMatch(/内部错误|\n\s+at /);
    expect(after).toEqual(before);
  });
});
