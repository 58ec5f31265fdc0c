// Signatures that must not be taken as valid (hostile-test findings): the CMS changed where its
// bytes are not signed (its tag, its padding), the /Contents string broken so the signature no
// longer parses, an update appended that drops the form (the signature field gone from the
// catalog), a certificate used outside its validity, and a signed file whose signature is gone
// while manifest.json says it was signed. Each is checked with the manifest brought up to date,
// as someone covering their tracks would.
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, PDFName, PDFRef } from '@pdfme/pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFiles } from '../src/output/build.js';
import { extractFile } from '../src/output/revision.js';
import { loadTemplates } from '../src/layout/templates.js';
import { manifestBytes, readManifest, sha256 } from '../src/output/manifest.js';
import { verifyOutput } from '../src/output/verify.js';
import { loadP12, type Signer } from '../src/sign/cms.js';
import { withPlaceholder } from '../src/sign/placeholder.js';
import { signPdf } from '../src/sign/sign.js';
import { signPath } from '../src/output/sign-folder.js';
import { certificateLabel, printable, readSignatures } from '../src/sign/signatures.js';
import { makeP12, PASSWORD } from './support/certificate.js';
import { SEED_FILE } from './support/seed.js';
import { lines } from './support/problems.js';
import { seedBuild } from './support/seed-built.js';

const F1 = '01-培训费.pdf';
const AT = new Date('2023-01-01T01:30:00Z');
let work: string;
let dir: string;
let original: Buffer;
let signed: Buffer;
let signer: Signer;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'shenbao-tamper-'));
  // The seed's build as the run made it once (test/support/seed-build.ts: --date 2023-01-01T08:00:00, 2023-01-01 00:00 UTC), copied.
  dir = path.join(work, 'minhang-2023');
  await cp(await seedBuild(), dir, { recursive: true });
  original = await readFile(path.join(dir, F1));
  signer = loadP12(makeP12(), PASSWORD, 'test.p12');
  // The folder signed whole, as `sign <dir>` signs it; each case then changes form 1.
  await signPath(dir, { signer, signedAt: AT });
  signed = await readFile(path.join(dir, F1));
}, 60_000);
afterAll(() => rm(work, { recursive: true, force: true }));

/** The folder with `bytes` as form 1, the manifest made to agree (size, hash, and `signed`). */
async function planted(bytes: Buffer, signedEntry = true): Promise<string[]> {
  await writeFile(path.join(dir, F1), bytes);
  const manifest = (await readManifest(dir))!;
  const files = manifest.files.map(({ signed: _, ...e }) => (e.name === F1 ? { ...e, size: bytes.length, sha256: sha256(bytes), ...(signedEntry ? { signed: true as const } : {}) } : e));
  await writeFile(path.join(dir, 'manifest.json'), manifestBytes({ ...manifest, files }));
  const [folder] = await verifyOutput(dir);
  return lines(folder!.findings);
}

/** Where the /Contents hex string starts ('<') in the signed file. */
const contentsAt = (bytes: Buffer) => bytes.indexOf('/Contents <') + '/Contents '.length;

describe('verify does not take these as signed', () => {
  it('the signed file itself holds', async () => {
    expect(await planted(signed)).toEqual([]);
  });

  it('the CMS’s outer tag changed (a SEQUENCE no more): not a CMS SignedData', async () => {
    const at = contentsAt(signed);
    expect(signed.toString('latin1', at, at + 3)).toBe('<30');
    const bytes = Buffer.from(signed);
    bytes.write('a1', at + 1, 'latin1');
    expect(await planted(bytes)).toEqual([`${path.join(dir, F1)}：签名无效，签名数据不是完好的 CMS SignedData（已损坏或不是这种格式）（签名人 （读不出），签名时间 2023-01-01 09:30:00（北京时间））`]);
  });

  it('the /Contents string broken (its ">" made a digit): the signature is still found, and does not hold', async () => {
    const end = signed.indexOf('>', contentsAt(signed));
    const bytes = Buffer.from(signed);
    bytes.write('0', end, 'latin1');
    const findings = await planted(bytes);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/：签名无效，签名范围没有恰好留出签名本身（\/Contents）（/);
  });

  it('an update appended that drops the form (the signature no longer in the catalog): bytes after the signature', async () => {
    // A new catalog without /AcroForm, as an incremental update with its own cross-reference section.
    const pdf = await PDFDocument.load(signed, { updateMetadata: false });
    const rootRef = pdf.context.trailerInfo.Root as PDFRef;
    const catalog = pdf.catalog.clone(pdf.context);
    catalog.delete(PDFName.of('AcroForm'));
    const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(signed.toString('latin1'))![1]);
    const object = `${rootRef.objectNumber} 0 obj\n${catalog.toString()}\nendobj\n`;
    const offset = signed.length;
    const xref = `xref\n${rootRef.objectNumber} 1\n${String(offset).padStart(10, '0')} 00000 n \n`;
    const size = pdf.context.largestObjectNumber + 1;
    const trailer = `trailer\n<< /Size ${size} /Root ${rootRef.toString()} /Prev ${prev} >>\nstartxref\n${offset + object.length}\n%%EOF\n`;
    const bytes = Buffer.concat([signed, Buffer.from(object + xref + trailer, 'latin1')]);
    expect((await PDFDocument.load(bytes, { updateMetadata: false })).catalog.has(PDFName.of('AcroForm'))).toBe(false);
    const findings = await planted(bytes);
    expect(findings).toEqual([
      `${path.join(dir, F1)}：签名以后文件末尾又多了 ${bytes.length - signed.length} 字节，不在签名范围内（签名人 上海市闵行区地区工作办公室，签名时间 2023-01-01 09:30:00（北京时间））`,
    ]);
  });

  it('a form signed with another certificate of the same name, among the folder’s: named by its fingerprint', async () => {
    const other = loadP12(makeP12(), PASSWORD, 'other.p12');
    expect(other.name).toBe(signer.name);
    const findings = await planted(await signPdf(original, F1, { signer: other, signedAt: AT }));
    expect(findings).toEqual([
      `${path.join(dir, F1)}：签名的证书（SHA-256 指纹 ${other.certificate.fingerprint256}）与这个目录里别的 PDF 的（${signer.certificate.fingerprint256}）不同`,
    ]);
  });

  it('a certificate used outside its validity: sign refuses it, and verify rejects such a signature made elsewhere', async () => {
    const expired = loadP12(makeP12({ validity: { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2001-01-01T00:00:00Z') } }), PASSWORD, 'old.p12');
    await expect(signPdf(original, F1, { signer: expired, signedAt: AT })).rejects.toThrow(
      `证书「上海市闵行区地区工作办公室」的有效期是 2000-01-01 08:00:00 至 2001-01-01 08:00:00（北京时间），签名时间 2023-01-01 09:30:00 时已过期：这样签的名不成立。请换用有效的证书`,
    );
    // As another tool would sign: the same placeholder and CMS, without sign's check.
    const pdf = await PDFDocument.load(original, { updateMetadata: false });
    const { bytes, byteRange } = withPlaceholder(original, pdf, { subFilter: 'ETSI.CAdES.detached', signedAt: AT }, expired.capacity, F1);
    const digest = createHash('sha256').update(bytes.subarray(0, byteRange[1])).update(bytes.subarray(byteRange[2])).digest();
    bytes.write(expired.cms(digest).toString('hex'), byteRange[1] + 1, 'latin1');
    expect((await readSignatures(bytes))[0]!.problem).toBe('签名时证书不在有效期内（有效期 2000-01-01 08:00:00 至 2001-01-01 08:00:00）');
  });

  it('a file the manifest says was signed, now without its signature', async () => {
    const unsignedAmongSigned = `${path.join(dir, F1)}：这个目录里别的 PDF 签了名，它没有签名`;
    expect(await planted(original)).toEqual([`${path.join(dir, F1)}：manifest.json 记着它签过名，现在读不出签名`, unsignedAmongSigned]);
    // Not said to be signed either (the flag taken away too): the other signatures still say it.
    expect(await planted(original, false)).toEqual([unsignedAmongSigned]);
  });
});

describe('a rebuild of a signed folder', () => {
  it('says which signed PDFs it replaced with new, unsigned ones', async () => {
    const out = path.join(work, 'rebuild');
    const options = { outDir: out, formats: ['pdf' as const], creationDate: new Date('2023-01-01T00:00:00Z'), jobs: 1 };
    const [first] = await buildFiles([SEED_FILE], options);
    const folder = first!.packetDir!;
    await signPath(path.join(folder, F1), { signer, signedAt: AT });
    expect((await readManifest(folder))!.files.find((e) => e.name === F1)!.signed).toBe(true);
    const [again] = await buildFiles([SEED_FILE], options);
    expect(again!.diagnostics.filter((d) => d.code === 'signatures-replaced').map((d) => [d.severity, d.message, d.hint])).toEqual([
      ['warning', `${F1} 原来签过名，已换成这次新生成的文件（没有签名）`, '需要签名的，请用 shenbao sign 重新签名'],
    ]);
    expect((await readManifest(folder))!.files.some((e) => e.signed)).toBe(false);
  }, 60_000);
});

describe('extract on a signed PDF changed after signing', () => {
  it('gives the data, and says it is not what was signed', async () => {
    const file = path.join(work, 'later.pdf');
    await writeFile(file, Buffer.concat([signed, Buffer.from('% appended later\n')]));
    const read = await extractFile(file, await loadTemplates());
    expect(read.embedded).toBeDefined();
    expect(lines(read.unsigned ?? [])).toEqual([`${file}：签名以后文件又多了 17 字节，读出的数据是后来改过的，不是签名时的（签名人 上海市闵行区地区工作办公室，签名时间 2023-01-01 09:30:00（北京时间））`]);
    const intact = path.join(work, 'intact.pdf');
    await writeFile(intact, signed);
    expect((await extractFile(intact, await loadTemplates())).unsigned).toBeUndefined();
  });
});

describe('files sign refuses', () => {
  it('a header and nothing else, or a header and garbage, is refused with a message, not a crash', async () => {
    for (const text of ['%PDF-1.7\n', '%PDF-1.7\ngarbage\n%%EOF\n']) {
      await expect(signPdf(Buffer.from(text), 'h.pdf', { signer, signedAt: AT })).rejects.toThrow('h.pdf 不是可以读取的 PDF 文件（已损坏？），无法签名');
    }
  });
});

describe('what is not a signature', () => {
  it('a project named like a signature dictionary: its words in the XMP and the title are not taken for one', async () => {
    const name = 'x obj /ByteRange [0 1 2 3] /Contents <00>';
    const packet = JSON.parse(await readFile(SEED_FILE, 'utf8')) as { projects: Array<{ name: string }> };
    packet.projects = [{ ...packet.projects[0]!, name }];
    const data = path.join(work, 'named.json');
    await writeFile(data, JSON.stringify(packet));
    const [report] = await buildFiles([data], { outDir: path.join(work, 'named'), formats: ['pdf'], creationDate: new Date('2023-01-01T00:00:00Z'), jobs: 1 });
    const pdf = report!.written.find((f) => !f.endsWith('汇总表.pdf') && f.endsWith('.pdf'))!;
    const bytes = await readFile(pdf);
    expect(bytes.includes('/ByteRange [0 1 2 3]')).toBe(true);
    expect(await readSignatures(bytes)).toEqual([]);
    const [folder] = await verifyOutput(report!.packetDir!);
    expect(folder!.findings).toEqual([]);
    // Nor does sign take it for a signature already there.
    expect((await readSignatures(await signPdf(bytes, 'named.pdf', { signer, signedAt: AT }))).map((c) => c.problem)).toEqual([undefined]);
  }, 60_000);
});

describe('who signed', () => {
  it('a certificate an authority issued: the authority and the fingerprint, so that two certificates of one name differ', async () => {
    const issued = loadP12(makeP12({ issuedBy: '测试证书机构' }), PASSWORD, 'ca.p12');
    const [check] = await readSignatures(await signPdf(original, F1, { signer: issued, signedAt: AT }));
    expect(check!.problem).toBeUndefined();
    expect(certificateLabel(check!)).toBe(`证书由 测试证书机构 签发，SHA-256 指纹 ${issued.certificate.fingerprint256}`);
    const [own] = await readSignatures(signed);
    expect(certificateLabel(own!)).toBe(`自签名证书（不是证书机构签发的），SHA-256 指纹 ${signer.certificate.fingerprint256}`);
    expect(issued.certificate.fingerprint256).not.toBe(signer.certificate.fingerprint256);
  });
});

describe('names from certificates', () => {
  it('print control and direction characters as escapes, not raw', () => {
    expect(printable('甲\n乙\u202E丙\u0000')).toBe('甲\\u{A}乙\\u{202E}丙\\u{0}');
    expect(printable('上海市闵行区地区工作办公室「R&D」')).toBe('上海市闵行区地区工作办公室「R&D」');
  });
});
