// `shenbao sign`: a PAdES signature (ETSI.CAdES.detached, SHA-256) appended as an incremental
// update. The certificate is made here, with node-forge, in Chinese (CN=上海市闵行区地区工作办公室,
// UTF8String, subject and issuer): the name node-forge would encode twice if the signer's issuer
// were taken from its decoded attributes. Checked independently with poppler's pdfsig where it is
// installed (and qpdf --check for the update's cross-references), and with our own verify: a file
// with bytes appended, or with one byte changed, is rejected by both.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DOMParser } from '@xmldom/xmldom';
import PDFKit from 'pdfkit';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef } from '@pdfme/pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceOfPdf } from '../src/extract/pdf.js';
import { loadP12 } from '../src/sign/cms.js';
import { signPdf } from '../src/sign/sign.js';
import { sha256 } from '../src/output/manifest.js';
import { readSignatures } from '../src/sign/signatures.js';
import { makeP12, PASSWORD, UNIT } from './support/certificate.js';
import { shenbao, shenbaoHere } from './support/cli.js';
import { seedBuild } from './support/seed-built.js';

const F1 = '01-培训费.pdf';
const SUMMARY = '汇总表.pdf';
const WHEN = '签名时间 2023-01-01 09:30:00（北京时间）';
const LABEL = `签名人 ${UNIT}，${WHEN}`;
/** Who issued the test certificate, and its fingerprint: set once it is made. */
let CERT = '';

const PDFSIG = ['/usr/bin/pdfsig', '/usr/local/bin/pdfsig'].find(existsSync);
const QPDF = ['/usr/bin/qpdf', '/usr/local/bin/qpdf'].find(existsSync);
const run = promisify(execFile);
/** pdfsig's report (it exits non-zero for a signature that does not hold). */
async function pdfsig(file: string): Promise<string> {
  try {
    return (await run(PDFSIG!, [file])).stdout;
  } catch (error) {
    return (error as { stdout: string }).stdout;
  }
}
if (!PDFSIG) console.warn('pdfsig (poppler-utils) is not installed: the checks with pdfsig are skipped (apt-get install -y poppler-utils)');
if (!QPDF) console.warn('qpdf is not installed: the qpdf --check of signed files is skipped (apt-get install -y qpdf)');

let work: string;
let built: string; // a copy of the seed's build (test/support/seed-build.ts), PDF and Word
let signedDir: string; // a copy of it, signed by `shenbao sign <dir>`
let p12: string;
let signRun: Awaited<ReturnType<typeof shenbao>>;

const SIGN_OPTIONS = () => ['--p12', p12, '--date', '2023-01-01T09:30:00'];
/** `shenbao sign …` run in this process; the first signing of the folder is the real command's. */
const sign = (args: string[]) => shenbaoHere(['sign', ...args, ...SIGN_OPTIONS()], work);
const flip = (bytes: Buffer, at: number) => {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
};

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'shenbao-sign-'));
  p12 = path.join(work, '单位.p12');
  await writeFile(p12, makeP12());
  CERT = `自签名证书（不是证书机构签发的），SHA-256 指纹 ${loadP12(await readFile(p12), PASSWORD, p12).certificate.fingerprint256}`;
  process.env.SHENBAO_P12_PASSWORD = PASSWORD; // the default variable; shenbao() passes the environment on
  built = path.join(work, 'out', 'minhang-2023');
  await cp(await seedBuild(), built, { recursive: true });
  signedDir = path.join(work, 'signed', 'minhang-2023');
  await cp(built, signedDir, { recursive: true });
  signRun = await shenbao(['sign', signedDir, ...SIGN_OPTIONS()], work);
}, 120_000);
afterAll(() => rm(work, { recursive: true, force: true }));

/** A copy of the signed folder, changed by `change`. */
async function signedCopy(name: string, change: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(work, name, 'minhang-2023');
  await cp(signedDir, dir, { recursive: true });
  await change(dir);
  return dir;
}

describe('shenbao sign <dir>', () => {
  it('signs every PDF the manifest names and updates manifest.json; verify then passes and names signer and time', async () => {
    expect(signRun.code, signRun.stderr).toBe(0);
    const lines = signRun.stderr.trim().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe(`${path.join(signedDir, F1)}：已签名（${LABEL}）`);
    expect(lines[11]).toBe(`${signedDir}：签名 11 个 PDF，manifest.json 已随之更新`);
    // Only PDFs are signed; the Word files are as built, and no working file is left.
    const names = await readdir(signedDir);
    expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
    for (const name of names.filter((n) => n.endsWith('.docx'))) expect(await readFile(path.join(signedDir, name))).toEqual(await readFile(path.join(built, name)));

    const verify = await shenbaoHere(['verify', signedDir], work);
    expect([verify.code, verify.stdout]).toEqual([0, '']);
    expect(verify.stderr).toContain(`${path.join(signedDir, F1)}：签名有效，覆盖到文件的最后一个字节（${LABEL}；${CERT}）\n`);
    expect(verify.stderr).toContain(`${path.join(signedDir, SUMMARY)}：签名有效，覆盖到文件的最后一个字节（${LABEL}；${CERT}）\n`);
    expect(verify.stderr).toMatch(/：22 个文件都与 manifest\.json 相符（.*，11 个 PDF 内嵌的数据与之相符，11 个 PDF 的签名有效）\n$/);
  });

  it('keeps each entry’s data hash (what the PDF carries did not change) and records the signed bytes', async () => {
    const before = JSON.parse(await readFile(path.join(built, 'manifest.json'), 'utf8'));
    const after = JSON.parse(await readFile(path.join(signedDir, 'manifest.json'), 'utf8'));
    expect(after.complete).toBe(true);
    expect(after.files.map((f: { name: string; data?: string }) => [f.name, f.data])).toEqual(before.files.map((f: { name: string; data?: string }) => [f.name, f.data]));
    for (const entry of after.files as Array<{ name: string; size: number; sha256: string }>) {
      const bytes = await readFile(path.join(signedDir, entry.name));
      expect(entry.size).toBe(bytes.length);
      const old = before.files.find((f: { name: string }) => f.name === entry.name);
      expect(entry.sha256 === old.sha256).toBe(!entry.name.endsWith('.pdf'));
    }
  });

  it('pdfsig says the signature is valid, of the whole document, by the unit', async () => {
    if (!PDFSIG) return console.warn('skipped: pdfsig is not installed');
    for (const name of [F1, SUMMARY]) {
      const report = await pdfsig(path.join(signedDir, name));
      expect(report).toContain(`- Signer Certificate Common Name: ${UNIT}\n`);
      expect(report).toContain('- Signature Type: ETSI.CAdES.detached\n');
      expect(report).toContain('- Signing Hash Algorithm: SHA-256\n');
      expect(report).toContain('- Total document signed\n');
      expect(report).toContain('- Signature Validation: Signature is Valid.\n');
    }
  });

  it('qpdf finds the update’s cross-references and objects sound', async () => {
    if (!QPDF) return console.warn('skipped: qpdf is not installed');
    for (const name of [F1, SUMMARY]) {
      const { stdout, stderr } = await run(QPDF, ['--check', path.join(signedDir, name)]);
      expect(stderr).toBe('');
      expect(stdout).toContain('No syntax or stream encoding errors found');
    }
  });

  it('passes over PDFs already signed, and leaves them as they are', async () => {
    // …and removes what a sign killed outright left behind (its process is gone).
    const dir = await signedCopy('again', (dir) => writeFile(path.join(dir, '.shenbao-signing-999999999-1-0'), 'half'));
    const before = await readFile(path.join(dir, F1));
    const again = await sign([dir]);
    expect(again.code).toBe(0);
    expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(again.stderr).toContain(`${path.join(dir, F1)}：已有签名（${LABEL}），没有再签\n`);
    expect(again.stderr).toMatch(new RegExp(`：签名 0 个 PDF，11 个已有签名\n$`));
    expect(await readFile(path.join(dir, F1))).toEqual(before);
  });

  it('does not sign a PDF changed since it was built (not shenbao’s any more), and says so', async () => {
    const dir = path.join(work, 'changed', 'minhang-2023');
    await cp(built, dir, { recursive: true });
    const file = path.join(dir, '03-残疾人就业保障金.pdf');
    const changed = Buffer.concat([await readFile(file), Buffer.from('\n% saved again\n')]);
    await writeFile(file, changed);
    const result = await sign([dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}：生成以后被改动过（与 manifest.json 记的不同），已不是 shenbao 写的文件，没有签名\n`);
    expect(result.stderr).toMatch(/：签名 10 个 PDF，1 个没有签名，manifest\.json 已随之更新\n$/);
    expect(await readFile(file)).toEqual(changed);
  });
});

describe('the signed file', () => {
  let original: Buffer;
  let signed: Buffer;
  beforeAll(async () => {
    original = await readFile(path.join(built, F1));
    signed = await readFile(path.join(signedDir, F1));
  });

  it('is the original with an update appended: every original byte unchanged, startxref exact', () => {
    expect(signed.subarray(0, original.length)).toEqual(original);
    const tail = signed.subarray(-64).toString('latin1');
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(tail)![1]);
    expect(signed.subarray(startxref, startxref + 5).toString('latin1')).toBe('xref\n');
    const trailer = signed.subarray(startxref).toString('latin1');
    const previous = Number(/\/Prev (\d+)/.exec(trailer)![1]);
    expect(previous).toBe(Number(/startxref\n(\d+)\n%%EOF\s*$/.exec(original.subarray(-64).toString('latin1'))![1]));
  });

  it('still declares PDF/A-3b, keeps its /ID, and carries the same data', async () => {
    const [before, after] = await Promise.all([PDFDocument.load(original, { updateMetadata: false }), PDFDocument.load(signed, { updateMetadata: false })]);
    const metadata = after.catalog.lookup(PDFName.of('Metadata')) as PDFRawStream;
    const xmp = new DOMParser().parseFromString(Buffer.from(metadata.getContents()).toString('utf8').replace(/^[\s\S]*?(<x:xmpmeta)/, '$1').replace(/<\?xpacket end[\s\S]*$/, ''), 'text/xml');
    const values = (name: string) => Array.from(xmp.getElementsByTagName(name)).map((n) => n.textContent);
    expect([values('pdfaid:part'), values('pdfaid:conformance')]).toEqual([['3'], ['B']]);
    expect(after.context.trailerInfo.ID!.toString()).toBe(before.context.trailerInfo.ID!.toString());
    expect(after.context.trailerInfo.Info!.toString()).toBe(before.context.trailerInfo.Info!.toString());
    expect(await sourceOfPdf(signed, F1)).toBe(await sourceOfPdf(original, F1));
    const extracted = await shenbaoHere(['extract', path.join(signedDir, F1)], work);
    expect(extracted.stdout).toBe(await sourceOfPdf(original, F1));
  });

  it('has an invisible, printable signature widget on its first page, and /SigFlags 3', async () => {
    const pdf = await PDFDocument.load(signed, { updateMetadata: false });
    const form = pdf.catalog.lookup(PDFName.of('AcroForm'), PDFDict);
    expect(form.get(PDFName.of('SigFlags'))).toEqual(PDFNumber.of(3));
    const widgetRef = form.lookup(PDFName.of('Fields'), PDFArray).get(0);
    expect(widgetRef).toBeInstanceOf(PDFRef);
    const widget = pdf.context.lookup(widgetRef, PDFDict);
    expect(widget.get(PDFName.of('FT'))).toBe(PDFName.of('Sig'));
    expect(widget.get(PDFName.of('Subtype'))).toBe(PDFName.of('Widget'));
    expect(widget.get(PDFName.of('F'))).toEqual(PDFNumber.of(4));
    expect(widget.get(PDFName.of('Rect'))!.toString()).toBe('[ 0 0 0 0 ]');
    const page = pdf.getPage(0);
    expect(widget.get(PDFName.of('P'))).toBe(page.ref);
    expect(page.node.lookup(PDFName.of('Annots'), PDFArray).asArray()).toEqual([widgetRef]);
    const signature = widget.lookup(PDFName.of('V'), PDFDict);
    expect(signature.get(PDFName.of('SubFilter'))).toBe(PDFName.of('ETSI.CAdES.detached'));
    expect(signature.get(PDFName.of('M'))!.toString()).toBe("(D:20230101093000+08'00')");
    const range = signature.lookup(PDFName.of('ByteRange'), PDFArray).asArray().map((n) => (n as PDFNumber).asNumber());
    expect(range[0]).toBe(0);
    expect(range[2]! + range[3]!).toBe(signed.length);
    expect(signed.subarray(range[1]!, range[2]!).toString('latin1')).toMatch(/^<[0-9a-f]+>$/);
  });

  it('is rejected by verify, and by pdfsig, when bytes are appended after signing', async () => {
    const dir = await signedCopy('appended', async (dir) => {
      const file = path.join(dir, F1);
      await writeFile(file, Buffer.concat([await readFile(file), Buffer.from('\n% appended\n')]));
    });
    const file = path.join(dir, F1);
    const verify = await shenbaoHere(['verify', dir], work);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`${file}：签名以后文件末尾又多了 12 字节，不在签名范围内（${LABEL}）\n`);
    expect(verify.stdout).toContain(`${file}：已被改动，与生成时不同（`);
    if (!PDFSIG) return console.warn('skipped: pdfsig is not installed');
    expect(await pdfsig(file)).toContain('- Not total document signed\n');
  });

  it('is rejected by verify, and by pdfsig, when one byte inside the signed range changed', async () => {
    const dir = await signedCopy('flipped', async (dir) => {
      const file = path.join(dir, F1);
      // A byte of the original's cross-reference table: the file still reads, its signature must not hold.
      const bytes = await readFile(file);
      await writeFile(file, flip(bytes, original.lastIndexOf('trailer') - 3));
    });
    const file = path.join(dir, F1);
    const verify = await shenbaoHere(['verify', dir], work);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`${file}：签名无效，文件内容与签名时不同（${LABEL}；${CERT}）\n`);
    if (!PDFSIG) return console.warn('skipped: pdfsig is not installed');
    expect(await pdfsig(file)).toContain('- Signature Validation: Digest Mismatch.\n');
  });

  it('a signature whose own bytes were changed does not hold', async () => {
    const check = (await readSignatures(signed))[0]!;
    expect(check).toMatchObject({ signer: UNIT, appended: 0, subFilter: 'ETSI.CAdES.detached' });
    expect(check.problem).toBeUndefined();
    // A hex digit of the RSA signature, the last thing in /Contents (before any zero padding).
    const contents = signed.toString('latin1').lastIndexOf('/Contents <') + '/Contents <'.length;
    let last = signed.indexOf('>', contents) - 1;
    while (signed[last] === 0x30) last--;
    const broken = Buffer.from(signed);
    broken[last] = broken[last] === 0x31 ? 0x32 : 0x31;
    expect((await readSignatures(broken))[0]!.problem).toBe('签名值与签名人的证书不符');
  });
});

describe('shenbao sign <file>', () => {
  it('signs the 汇总表 alone; its folder’s manifest follows, so verify passes', async () => {
    const dir = path.join(work, 'one', 'minhang-2023');
    await cp(built, dir, { recursive: true });
    const file = path.join(dir, SUMMARY);
    const result = await sign([file, '--reason', '同意申报', '--location', '上海']);
    expect([result.code, result.stderr]).toEqual([0, `${file}：已签名（${LABEL}）\n${dir}：签名 1 个 PDF，manifest.json 已随之更新\n`]);
    const verify = await shenbaoHere(['verify', dir], work);
    expect([verify.code, verify.stdout]).toEqual([0, '']);
    expect(verify.stderr).toMatch(/，1 个 PDF 的签名有效）\n$/);
    if (PDFSIG) expect(await pdfsig(file)).toContain('- Signature Validation: Signature is Valid.\n');
    const signature = (await PDFDocument.load(await readFile(file))).catalog.lookup(PDFName.of('AcroForm'), PDFDict);
    expect(signature.get(PDFName.of('SigFlags'))).toEqual(PDFNumber.of(3));
  });

  it('refuses a PDF already signed', async () => {
    const file = path.join(signedDir, F1);
    const result = await sign([file]);
    expect([result.code, result.stderr]).toEqual([2, `${file} 已经签过名（${LABEL}）：shenbao 不在已签名的 PDF 上再签一次\n`]);
  });

  it('signs a PDF whose last section is a cross-reference stream (pdf-lib with object streams) with a stream section', async () => {
    const repacked = Buffer.from(await (await PDFDocument.load(await readFile(path.join(built, F1)), { updateMetadata: false })).save({ useObjectStreams: true }));
    const signer = loadP12(await readFile(p12), PASSWORD, p12);
    const signed = await signPdf(repacked, 'repacked.pdf', { signer, signedAt: new Date('2023-01-01T01:30:00Z') });
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(signed.subarray(-64).toString('latin1'))![1]);
    expect(signed.subarray(startxref, startxref + 40).toString('latin1')).toMatch(/^\d+ 0 obj\n<<\n\/Type \/XRef\n/);
    expect((await readSignatures(signed)).map((c) => [c.signer, c.problem, c.appended])).toEqual([[UNIT, undefined, 0]]);
    expect(await sourceOfPdf(signed, 'x.pdf')).toBe(await sourceOfPdf(repacked, 'x.pdf'));
    const file = path.join(work, 'repacked-signed.pdf');
    await writeFile(file, signed);
    if (QPDF) expect((await run(QPDF, ['--check', file])).stdout).toContain('No syntax or stream encoding errors found');
    if (PDFSIG) expect(await pdfsig(file)).toContain('- Signature Validation: Signature is Valid.\n');
  });

  it('signs a PDF whose last section is a classic table written by pdf-lib with a classic section', async () => {
    const resaved = Buffer.from(await (await PDFDocument.load(await readFile(path.join(built, SUMMARY)), { updateMetadata: false })).save({ useObjectStreams: false }));
    expect(resaved.includes('/Type /XRef')).toBe(false);
    const signer = loadP12(await readFile(p12), PASSWORD, p12);
    const signed = await signPdf(resaved, 'resaved.pdf', { signer, signedAt: new Date('2023-01-01T01:30:00Z') });
    expect(signed.subarray(0, resaved.length)).toEqual(resaved);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(signed.subarray(-64).toString('latin1'))![1]);
    expect(signed.subarray(startxref, startxref + 5).toString('latin1')).toBe('xref\n');
    const previous = Number(/\/Prev (\d+)/.exec(signed.subarray(startxref).toString('latin1'))![1]);
    expect(previous).toBe(Number(/startxref\n(\d+)\n%%EOF\s*$/.exec(resaved.subarray(-64).toString('latin1'))![1]));
    expect((await readSignatures(signed)).map((c) => [c.signer, c.problem, c.appended])).toEqual([[UNIT, undefined, 0]]);
    expect(await sourceOfPdf(signed, 'x.pdf')).toBe(await sourceOfPdf(resaved, 'x.pdf'));
    const file = path.join(work, 'resaved-signed.pdf');
    await writeFile(file, signed);
    if (QPDF) expect((await run(QPDF, ['--check', file])).stdout).toContain('No syntax or stream encoding errors found');
    if (PDFSIG) expect(await pdfsig(file)).toContain('- Signature Validation: Signature is Valid.\n');
  });
});

describe('shenbao sign refuses, naming the file', () => {
  it('a password on the command line', async () => {
    const file = path.join(built, F1);
    const before = await readFile(file);
    const result = await sign([file, '--password', PASSWORD]);
    expect([result.code, result.stderr]).toEqual([
      2,
      'sign 不接受写在命令行上的密码（--password）：命令行会留在命令历史和进程列表里。请把密码放进环境变量，用 --password-env 指出变量名（默认 SHENBAO_P12_PASSWORD）\n',
    ]);
    expect(await readFile(file)).toEqual(before);
  });

  it('a wrong password, an unset variable', async () => {
    process.env.SHENBAO_TEST_WRONG = 'wrong';
    const wrong = await sign([path.join(built, F1), '--password-env', 'SHENBAO_TEST_WRONG']);
    expect([wrong.code, wrong.stderr]).toEqual([2, `${p12}：密码不对，无法打开这个证书文件（密码取自环境变量 SHENBAO_TEST_WRONG）\n`]);
    const unset = await sign([path.join(built, F1), '--password-env', 'SHENBAO_TEST_UNSET']);
    expect([unset.code, unset.stderr]).toEqual([2, `环境变量 SHENBAO_TEST_UNSET 没有设置：请把证书文件 ${p12} 的密码放进它，或用 --password-env 指出放密码的环境变量\n`]);
  });

  it('a certificate file that is not PKCS#12, and one without a private key', async () => {
    const certOnly = path.join(work, '只有证书.p12');
    await writeFile(certOnly, makeP12({ withKey: false }));
    const noKey = await shenbaoHere(['sign', path.join(built, F1), '--p12', certOnly], work);
    expect([noKey.code, noKey.stderr]).toEqual([2, `${certOnly} 里没有私钥，只有证书：签名要用含私钥的证书文件（导出时选“导出私钥”）\n`]);
    const bogus = path.join(work, 'bogus.p12');
    await writeFile(bogus, 'not a certificate');
    const unreadable = await shenbaoHere(['sign', path.join(built, F1), '--p12', bogus], work);
    expect([unreadable.code, unreadable.stderr]).toEqual([2, `${bogus} 无法读取：不是 PKCS#12 证书文件（.p12 或 .pfx），或文件已损坏\n`]);
  });

  it('a file that is not a PDF, and an encrypted PDF', async () => {
    const manifest = path.join(built, 'manifest.json');
    const notPdf = await sign([manifest]);
    expect([notPdf.code, notPdf.stderr]).toEqual([2, `${manifest} 不是 PDF 文件，无法签名\n`]);
    const encrypted = path.join(work, '加密.pdf');
    await writeFile(encrypted, await encryptedPdf());
    const result = await sign([encrypted]);
    expect([result.code, result.stderr]).toEqual([2, `${encrypted} 是加密的 PDF，无法签名（shenbao 生成的 PDF 不加密，PDF/A 也不允许加密）\n`]);
  });

  it('explains its options in --help (and --password is not one)', async () => {
    const help = await shenbaoHere(['sign', '--help'], work);
    expect(help.code).toBe(0);
    for (const option of ['--p12', '--password-env', '--reason', '--location', '--date', '--help']) expect(help.stdout).toMatch(new RegExp(`${option}\\s+\\S`));
    expect(help.stdout).not.toMatch(/--password\s/);
  });
});

/** A PDF with a user password (pdfkit's RC4/AES encryption). */
function encryptedPdf(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFKit({ userPassword: 'x', pdfVersion: '1.7' });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.text('encrypted');
    doc.end();
  });
}

// What a hostile tester found: names the manifest gives that are no longer regular files, files and
// folders the command may not read or write, a P12 that never ends, a password given as the name
// of its variable, texts too long for PDF/A, one bad packet folder among several, a sign killed in
// its swap, and messages that spoke of a build.
describe('shenbao sign, hostile cases', () => {
  const isRoot = process.getuid?.() === 0;
  /** Run as nobody when root (root may read and write anything), so that permissions are real. */
  const asUser = isRoot ? { uid: 65534, gid: 65534 } : {};
  /** A copy of the unsigned build at <work>/<name>/minhang-2023. */
  async function builtCopy(name: string): Promise<string> {
    const dir = path.join(work, name, 'minhang-2023');
    await cp(built, dir, { recursive: true });
    return dir;
  }
  /** A folder anyone may enter, with a copy of the build (`p`) and of the P12 in it. */
  async function openCopy(): Promise<{ root: string; dir: string; key: string }> {
    const root = await mkdtemp(path.join(tmpdir(), 'shenbao-sign-user-'));
    await chmod(root, 0o755);
    const dir = path.join(root, 'p');
    await cp(built, dir, { recursive: true });
    const key = path.join(root, '单位.p12');
    await cp(p12, key);
    await chmod(key, 0o644);
    return { root, dir, key };
  }
  const manifestOf = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));

  it('reports a manifest-named PDF that is a folder, a FIFO or a symbolic link: not read, not replaced; the others are signed', async () => {
    const dir = await builtCopy('not-files');
    const folder = path.join(dir, '03-残疾人就业保障金.pdf');
    await rm(folder);
    await mkdir(folder);
    const fifo = path.join(dir, F1);
    await rm(fifo);
    execFileSync('mkfifo', [fifo]);
    const link = path.join(dir, SUMMARY);
    const target = path.join(work, 'not-files', '汇总表-链接目标.pdf');
    await rm(link);
    await cp(path.join(built, SUMMARY), target);
    await symlink(target, link);
    const result = await sign([dir]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines).toContain(`${fifo}：不是普通文件（是命名管道、设备等），不是 shenbao 写的 PDF；没有签名，也没有改动它`);
    expect(lines).toContain(`${folder}：是一个文件夹，不是 shenbao 写的 PDF；没有签名，也没有改动它`);
    expect(lines).toContain(`${link}：是一个符号链接，不是 shenbao 写的文件；没有签名，它和它指向的文件都没有改动`);
    expect(lines[11]).toBe(`${dir}：签名 8 个 PDF，3 个没有签名，manifest.json 已随之更新`);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect((await lstat(folder)).isDirectory()).toBe(true);
    expect(await readlink(link)).toBe(target);
    expect(await readFile(target)).toEqual(await readFile(path.join(built, SUMMARY)));
    // Their entries are as built; no working file is left.
    const before = await manifestOf(built);
    const after = await manifestOf(dir);
    for (const name of [F1, SUMMARY, '03-残疾人就业保障金.pdf']) {
      expect(after.files.find((e: { name: string }) => e.name === name)).toEqual(before.files.find((e: { name: string }) => e.name === name));
    }
    expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('does not follow a symbolic link given as the file to sign', async () => {
    const target = path.join(work, 'link-target.pdf');
    await cp(path.join(built, F1), target);
    const link = path.join(work, 'link.pdf');
    await symlink(target, link);
    const result = await sign([link]);
    expect([result.code, result.stderr]).toEqual([2, `${link} 是一个符号链接：shenbao 不会用签好的文件替换符号链接，请直接签它指向的文件 ${target}\n`]);
    expect(await readlink(link)).toBe(target);
  });

  it('a PDF it may not read: one line naming the file (exit 3), the folder unchanged', async () => {
    const { root, dir, key } = await openCopy();
    try {
      await chmod(dir, 0o777);
      const file = path.join(dir, '03-残疾人就业保障金.pdf');
      await chmod(file, 0o000);
      const before = await readFile(path.join(dir, 'manifest.json'));
      const result = await shenbao(['sign', dir, '--p12', key], root, asUser);
      expect([result.code, result.stderr]).toEqual([
        3,
        `没有权限读取 ${file}：请检查它的权限，或换一个有权限的用户运行\n${dir}：因上面的问题没有签名，这个文件夹里的文件都没有改动\n`,
      ]);
      expect(await readFile(path.join(dir, 'manifest.json'))).toEqual(before);
      expect(await readFile(path.join(dir, F1))).toEqual(await readFile(path.join(built, F1)));
      expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('a folder it may not write: sign’s own words, no -o (sign has none)', async () => {
    const { root, dir, key } = await openCopy();
    try {
      await chmod(dir, 0o555);
      const result = await shenbao(['sign', dir, '--p12', key], root, asUser);
      expect([result.code, result.stderr]).toEqual([
        3,
        `没有权限创建锁文件于 ${dir}：签名要在 PDF 所在的文件夹里写入签好的文件，请检查这个文件夹的权限，关闭正打开其中文件的程序（如 PDF 阅读器），或换一个有权限的用户运行\n` +
          `${dir}：因上面的问题没有签名，这个文件夹里的文件都没有改动\n`,
      ]);
    } finally {
      await chmod(dir, 0o755);
      await rm(root, { recursive: true, force: true });
    }
  });

  it('signs a read-only PDF (mode 444) and keeps its mode', async () => {
    const dir = await builtCopy('read-only');
    const file = path.join(dir, F1);
    await chmod(file, 0o444);
    const result = await sign([dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`${file}：已签名（${LABEL}）\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o444);
    expect((await readSignatures(await readFile(file))).map((c) => c.signer)).toEqual([UNIT]);
  });

  it('refuses a --p12 that is not a regular file, or over 1 MB, without reading it', async () => {
    const withP12 = (key: string) => shenbaoHere(['sign', path.join(built, F1), '--p12', key], work);
    const zero = await withP12('/dev/zero');
    expect([zero.code, zero.stderr]).toEqual([2, '证书文件 /dev/zero 是设备文件，不是普通文件：shenbao 只读普通文件，请给出证书文件本身的路径\n']);
    const fifo = path.join(work, 'fifo.p12');
    execFileSync('mkfifo', [fifo]);
    const piped = await withP12(fifo);
    expect([piped.code, piped.stderr]).toEqual([2, `证书文件 ${fifo} 是命名管道（FIFO），不是普通文件：shenbao 只读普通文件，请给出证书文件本身的路径\n`]);
    const folder = await withP12(work);
    expect([folder.code, folder.stderr]).toEqual([2, `证书文件 ${work} 是文件夹，不是普通文件：shenbao 只读普通文件，请给出证书文件本身的路径\n`]);
    const large = path.join(work, 'large.p12');
    await writeFile(large, Buffer.alloc(2 * 1024 * 1024));
    const big = await withP12(large);
    expect([big.code, big.stderr]).toEqual([2, `${large} 有 2097152 字节，不像证书文件（PKCS#12 证书文件通常只有几 KB，shenbao 最多读 1 MB）：请检查是不是给错了文件\n`]);
  });

  it('does not echo a --password-env that is not a variable name (it may be the password)', async () => {
    const result = await sign([path.join(built, F1), '--password-env', 'MyS3cret!pw']);
    expect([result.code, result.stderr]).toEqual([
      2,
      '--password-env 后面应是环境变量的名字（字母、数字、下划线），不是密码本身：请把密码放进一个环境变量，在这里写它的名字（默认 SHENBAO_P12_PASSWORD）\n',
    ]);
    expect(result.stdout + result.stderr).not.toContain('MyS3cret');
  });

  it('refuses a reason or location over 200 characters (PDF/A strings are at most 32,767 bytes), in the library too', async () => {
    const file = path.join(built, F1);
    const before = await readFile(file);
    const reason = await sign([file, '--reason', '同'.repeat(40_000)]);
    expect([reason.code, reason.stderr]).toEqual([2, '签名的原因（--reason）有 40000 个字符，太长了：最多 200 个字符\n']);
    const location = await sign([file, '--location', 'x'.repeat(201)]);
    expect([location.code, location.stderr]).toEqual([2, '签名的地点（--location）有 201 个字符，太长了：最多 200 个字符\n']);
    expect(await readFile(file)).toEqual(before);
    const signer = loadP12(await readFile(p12), PASSWORD, p12);
    const signedAt = new Date('2023-01-01T01:30:00Z');
    await expect(signPdf(before, F1, { signer, signedAt, reason: 'x'.repeat(40_000) })).rejects.toThrow('签名的原因（--reason）有 40000 个字符，太长了：最多 200 个字符');
    const longest = await signPdf(before, F1, { signer, signedAt, reason: '同'.repeat(200), location: '上'.repeat(200) });
    expect((await readSignatures(longest))[0]!.problem).toBeUndefined();
  });

  it('an output folder: each packet folder is reported; one another shenbao holds is reported, the others are signed (exit 2)', async () => {
    const out = path.join(work, 'two-packets');
    await cp(built, path.join(out, 'a-2023'), { recursive: true });
    await cp(built, path.join(out, 'b-2023'), { recursive: true });
    await cp(built, path.join(out, 'c-2023'), { recursive: true });
    // A live process of this host (this test) holds b as a sign, c as a build.
    const lock = (dir: string, command: string) =>
      writeFile(path.join(out, dir, '.shenbao.lock'), JSON.stringify({ host: hostname(), pid: process.pid, started: '2026-11-26T08:00:00.000Z', command }));
    await lock('b-2023', 'sign');
    await lock('c-2023', 'build');
    // A real process: the holder is another process, as it would be.
    const result = await shenbao(['sign', out, ...SIGN_OPTIONS()], work);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines.slice(0, 12).every((line) => line.startsWith(path.join(out, 'a-2023')))).toBe(true);
    const held = (dir: string, doing: string) =>
      `另一个 shenbao 正在${doing} ${path.join(out, dir)}（${hostname()} 上的进程 ${process.pid}，2026-11-26T08:00:00.000Z 开始）：请等它结束后再签名。如果确定没有 shenbao 在运行，删除 ${path.join(out, dir, '.shenbao.lock')} 后重试`;
    expect(lines.slice(11)).toEqual([
      `${path.join(out, 'a-2023')}：签名 11 个 PDF，manifest.json 已随之更新`,
      held('b-2023', '签名'),
      `${path.join(out, 'b-2023')}：因上面的问题没有签名，这个文件夹里的文件都没有改动`,
      held('c-2023', '生成'),
      `${path.join(out, 'c-2023')}：因上面的问题没有签名，这个文件夹里的文件都没有改动`,
    ]);
    expect(await readFile(path.join(out, 'b-2023', F1))).toEqual(await readFile(path.join(built, F1)));
    expect((await shenbaoHere(['verify', path.join(out, 'a-2023')], work)).code).toBe(0);
  });

  it('marks each entry it signed `signed: true` (and no other), and marks an entry already signed that is not', async () => {
    const entries = (await manifestOf(signedDir)).files as Array<{ name: string; signed?: boolean }>;
    expect(entries.filter((e) => e.signed).map((e) => e.name)).toEqual(entries.filter((e) => e.name.endsWith('.pdf')).map((e) => e.name));
    expect(entries.filter((e) => !e.name.endsWith('.pdf')).every((e) => !('signed' in e))).toBe(true);
    // Signed by an older shenbao, which did not mark them.
    const dir = await signedCopy('unmarked', async (dir) => {
      const manifest = await manifestOf(dir);
      for (const entry of manifest.files) delete entry.signed;
      await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    });
    const result = await sign([dir]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/：签名 0 个 PDF，11 个已有签名，manifest\.json 已随之更新\n$/);
    expect(await manifestOf(dir)).toEqual(await manifestOf(signedDir));
  });

  it('finishes a sign killed in its swap (manifest pending: sign, both versions listed), then signs the rest', async () => {
    const dir = await builtCopy('interrupted');
    // The state kill -9 leaves between two renames: F1 swapped in, the 汇总表 not yet.
    const signer = loadP12(await readFile(p12), PASSWORD, p12);
    const manifest = await manifestOf(dir);
    const signedVersions = [];
    for (const name of [F1, SUMMARY]) {
      const bytes = await signPdf(await readFile(path.join(dir, name)), name, { signer, signedAt: new Date('2023-01-01T01:30:00Z') });
      signedVersions.push({ ...manifest.files.find((e: { name: string }) => e.name === name), size: bytes.length, sha256: sha256(bytes), signed: true });
      if (name === F1) await writeFile(path.join(dir, name), bytes);
    }
    await writeFile(path.join(dir, '.shenbao-signing-999999999-1-1'), 'the 汇总表, signed, half written');
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, complete: false, pending: 'sign', files: [...manifest.files, ...signedVersions] }, null, 2));
    const f1 = await readFile(path.join(dir, F1));

    const result = await sign([dir]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe(`${path.join(dir, 'manifest.json')}：上一次签名在换入签好的文件时中断了；已按文件夹里现有的文件补全 manifest.json，接着签其余的 PDF`);
    expect(lines[1]).toBe(`${path.join(dir, F1)}：已有签名（${LABEL}），没有再签`);
    expect(lines).toContain(`${path.join(dir, SUMMARY)}：已签名（${LABEL}）`);
    expect(lines.at(-1)).toBe(`${dir}：签名 10 个 PDF，1 个已有签名，manifest.json 已随之更新`);
    expect(await readFile(path.join(dir, F1))).toEqual(f1);
    const after = await manifestOf(dir);
    expect([after.complete, 'pending' in after, after.files.length]).toEqual([true, false, manifest.files.length]);
    expect(after.files.find((e: { name: string }) => e.name === F1)).toEqual(signedVersions[0]);
    expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]);
    const verify = await shenbaoHere(['verify', dir], work);
    expect([verify.code, verify.stdout]).toEqual([0, '']);
  });

  it('still refuses a folder a build left half-swapped (its manifest is not pending a sign)', async () => {
    const dir = await builtCopy('build-interrupted');
    const manifest = await manifestOf(dir);
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, complete: false, pending: 'build' }, null, 2));
    const before = await readFile(path.join(dir, 'manifest.json'));
    const result = await sign([dir]);
    expect([result.code, result.stderr]).toEqual([
      2,
      `${path.join(dir, 'manifest.json')}：上一次生成在替换文件时中断了，这个目录里新旧文件混在一起；请先重新生成，再签名\n${dir}：因上面的问题没有签名，这个文件夹里的文件都没有改动\n`,
    ]);
    expect(await readFile(path.join(dir, 'manifest.json'))).toEqual(before);
  });
});
