// One PDF signed: the incremental update with a placeholder (placeholder.ts), the SHA-256 of every
// byte but the placeholder, the CMS over it (cms.ts) written into the placeholder. A PDF that is
// already signed is refused (AlreadySigned): a second signature would be a second update, and the
// first signature would no longer cover the whole file, which `verify` reports as bytes appended
// after signing. An archive file is signed once, by the unit that files it.
import { createHash } from 'node:crypto';
import { PDFDict, PDFDocument } from '@pdfme/pdf-lib';
import { UserError } from '../errors.js';
import { unwritableMessage } from '../model/text.js';
import type { Signer } from './cms.js';
import { withPlaceholder } from './placeholder.js';
import { beijingTime, printable, readSignatures, signatureLabel, type SignatureCheck } from './signatures.js';
import { quietly } from '../extract/pdf-read.js';

export interface SignOptions {
  signer: Signer;
  /** The signing time (/M). */
  signedAt: Date;
  reason?: string;
  location?: string;
}

/**
 * The most characters --reason and --location may have: a few words written into the signature
 * dictionary, kept far below PDF/A's limit of 32,767 bytes a string (ISO 19005-3 §6.1.13 via
 * ISO 32000-1 Annex C).
 */
export const MAX_SIGNATURE_TEXT = 200;

/** Refuses a reason or location too long to write into the signature. */
export function checkSignOptions(options: Pick<SignOptions, 'reason' | 'location'> & Partial<Pick<SignOptions, 'signer' | 'signedAt'>>): void {
  // A certificate speaks for its holder only while it is valid: verify would refuse the signature.
  const { signer, signedAt } = options;
  if (signer && signedAt) {
    const [from, to] = [new Date(signer.certificate.validFrom), new Date(signer.certificate.validTo)];
    if (signedAt < from || signedAt > to) {
      const state = signedAt > to ? '已过期' : '尚未生效';
      throw new UserError(
        `证书「${printable(signer.name)}」的有效期是 ${beijingTime(from)} 至 ${beijingTime(to)}（北京时间），签名时间 ${beijingTime(signedAt)} 时${state}：这样签的名不成立。请换用有效的证书${signedAt > to ? '' : '，或改 --date'}`,
      );
    }
  }
  for (const [key, what] of [
    ['reason', '签名的原因'],
    ['location', '签名的地点'],
  ] as const) {
    const length = [...(options[key] ?? '')].length;
    if (length > MAX_SIGNATURE_TEXT) throw new UserError(`${what}（--${key}）有 ${length} 个字符，太长了：最多 ${MAX_SIGNATURE_TEXT} 个字符`);
    // A signature panel shows these: a control or direction character would show nothing or reorder them.
    const problem = unwritableMessage(`${what}（--${key}）`, options[key] ?? '', '不能写进签名');
    if (problem) throw new UserError(problem);
  }
}

/** Thrown for a PDF that has a signature already. */
export class AlreadySigned extends UserError {
  constructor(
    file: string,
    readonly signatures: SignatureCheck[],
  ) {
    super(`${file} 已经签过名（${signatureLabel(signatures[0]!)}）：shenbao 不在已签名的 PDF 上再签一次`);
  }
}

/** The signed file's bytes. */
export async function signPdf(bytes: Buffer, file: string, options: SignOptions): Promise<Buffer> {
  checkSignOptions(options);
  if (!bytes.subarray(0, 1024).toString('latin1').includes('%PDF-')) throw new UserError(`${file} 不是 PDF 文件，无法签名`);
  let pdf: PDFDocument;
  try {
    pdf = await quietly(() => PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false }));
    // A file pdf-lib reads without objects (a header and nothing) has no catalog to sign.
    if (!(pdf.catalog instanceof PDFDict) || pdf.getPageCount() === 0) throw new Error('no catalog or pages');
  } catch {
    throw new UserError(`${file} 不是可以读取的 PDF 文件（已损坏？），无法签名`);
  }
  if (pdf.isEncrypted) throw new UserError(`${file} 是加密的 PDF，无法签名（shenbao 生成的 PDF 不加密，PDF/A 也不允许加密）`);
  const existing = await readSignatures(bytes, pdf);
  if (existing.length > 0) throw new AlreadySigned(file, existing);

  const { signer } = options;
  const dictionary = { subFilter: 'ETSI.CAdES.detached', signedAt: options.signedAt, name: signer.name, reason: options.reason, location: options.location } as const;
  const { bytes: signed, byteRange } = withPlaceholder(bytes, pdf, dictionary, signer.capacity, file);
  const [, contents, after] = byteRange;
  const digest = createHash('sha256').update(signed.subarray(0, contents)).update(signed.subarray(after)).digest();
  const cms = signer.cms(digest);
  if (cms.length > signer.capacity) throw new Error(`bug: the signature of ${file} takes ${cms.length} bytes, its placeholder ${signer.capacity}`);
  // The rest of the placeholder stays zeros, as PDF signatures are padded.
  signed.write(cms.toString('hex'), contents + 1, 'latin1');
  return signed;
}
