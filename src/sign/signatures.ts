// A PDF's signatures read back and checked (for `shenbao verify`, and so that `sign` does not sign
// twice): who signed (the certificate's CN), when (/M), whether the signature holds (the
// message digest is the hash of the bytes /ByteRange names, and the signature over the signed
// attributes verifies with the certificate's public key: node:crypto), whether /ByteRange leaves
// out exactly the /Contents hex string, and how many bytes came after what was signed.
// Certificates are not checked against a trust list: that is who signed, not whether to trust them.
import { createHash, verify, X509Certificate, constants, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString } from '@pdfme/pdf-lib';
import { quietly } from '../extract/pdf-read.js';
import { certificateParts, commonName, OID, parseDer } from './cms.js';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

export interface SignatureCheck {
  /** The signer's certificate CN (or its whole subject); undefined if no certificate could be read. */
  signer?: string;
  /** Who issued the signer's certificate (its CN, or whole subject), the certificate's SHA-256 fingerprint, and whether it issued itself. */
  certificate?: { issuer: string; fingerprint: string; selfSigned: boolean };
  /** /M, else the signing-time attribute. */
  signedAt?: Date;
  subFilter?: string;
  /** Why the signature does not hold; undefined when it does. */
  problem?: string;
  /** Bytes of the file after the last byte signed: 0 when it covers the whole file. */
  appended: number;
}

/** Every signature field's value (a signature dictionary), fields in /Kids too. */
export function signatureDictionaries(pdf: PDFDocument): PDFDict[] {
  const lookup = (value: unknown) => (value instanceof PDFRef ? pdf.context.lookup(value) : value);
  const form = lookup(pdf.catalog.get(PDFName.of('AcroForm')));
  const found: PDFDict[] = [];
  const seen = new Set<unknown>();
  const visit = (field: unknown, type: unknown) => {
    const dict = lookup(field);
    if (!(dict instanceof PDFDict) || seen.has(dict)) return;
    seen.add(dict);
    const fieldType = dict.get(PDFName.of('FT')) ?? type; // inherited from the parent field
    const value = lookup(dict.get(PDFName.of('V')));
    if (fieldType === PDFName.of('Sig') && value instanceof PDFDict) found.push(value);
    const kids = lookup(dict.get(PDFName.of('Kids')));
    if (kids instanceof PDFArray) for (const kid of kids.asArray()) visit(kid, fieldType);
  };
  const fields = form instanceof PDFDict ? lookup(form.get(PDFName.of('Fields'))) : undefined;
  if (fields instanceof PDFArray) for (const field of fields.asArray()) visit(field, undefined);
  return found;
}

/**
 * The file's signatures, checked; none for a file without any (most cheaply: no /ByteRange at all).
 * Found two ways: the form's signature fields, and every /ByteRange the bytes hold. A signature
 * the fields no longer reach (an update dropped the form) or that no longer parses (one byte of
 * its dictionary changed) is still checked from its bytes, or reported: never passed over as if
 * the file had none.
 */
export async function readSignatures(bytes: Buffer, loaded?: PDFDocument): Promise<SignatureCheck[]> {
  // A signature dictionary is never in a compressed object stream (its /Contents must sit at a byte offset).
  if (!bytes.includes('/ByteRange')) return [];
  const pdf = loaded ?? (await quietly(() => PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false })).catch(() => undefined));
  const checks = pdf ? signatureDictionaries(pdf).map((dict) => checkSignature(bytes, dict)) : [];
  const known = new Set(checks.map((check) => check.range?.join(' ')));
  for (const { range, about } of rawByteRanges(bytes)) {
    if (!known.has(range.join(' '))) checks.push(checkRange(bytes, range, about));
  }
  return checks.map(({ range: _, ...check }) => check);
}

/**
 * Every `/ByteRange [a b c d]` in the file's bytes that points at a signature: from the file's
 * start, leaving out a range that begins with the `<` of a hex string (a signature's /Contents).
 * The same words elsewhere (a project named "/ByteRange [0 1 2 3]", in the XMP or a title) point
 * at no such thing and are not signatures; a real one stays one even when a byte of its
 * dictionary or its /Contents is changed, since its numbers still point where they did. Its /M
 * and /SubFilter are read from the text around it (a signature dictionary is never compressed).
 */
function rawByteRanges(bytes: Buffer): Array<{ range: [number, number, number, number]; about: Pick<SignatureCheck, 'subFilter' | 'signedAt'> }> {
  const text = bytes.toString('latin1');
  return [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].flatMap((m) => {
    const range = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as [number, number, number, number];
    const [a, b, c] = range;
    if (a !== 0 || b >= c || b >= bytes.length || bytes[b] !== 0x3c) return [];
    // The dictionary around it: from its object's start to its end.
    const start = text.lastIndexOf(' obj', m.index);
    const end = text.indexOf('endobj', m.index);
    const object = text.slice(start < 0 ? m.index : start, end < 0 ? undefined : end);
    const time = /\/M\s*\((D:[^)]*)\)/.exec(object)?.[1];
    const subFilter = /\/SubFilter\s*\/([^\s/<>[\]()]+)/.exec(object)?.[1];
    return [{ range, about: { signedAt: time ? pdfDateOf(PDFString.of(time)) : undefined, subFilter } }];
  });
}

function checkSignature(bytes: Buffer, dict: PDFDict): SignatureCheck & { range?: number[] } {
  const subFilter = dict.get(PDFName.of('SubFilter'));
  const about = { subFilter: subFilter instanceof PDFName ? subFilter.decodeText() : undefined, signedAt: pdfDateOf(dict.get(PDFName.of('M'))) };
  const range = dict.get(PDFName.of('ByteRange'));
  const numbers = range instanceof PDFArray ? range.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : NaN)) : [];
  if (numbers.length !== 4) return { ...about, appended: 0, problem: '签名范围（/ByteRange）不对' };
  return { ...checkRange(bytes, numbers as [number, number, number, number], about), range: numbers };
}

/** A signature by its /ByteRange: what it leaves out must be its /Contents hex string, which holds the CMS. */
function checkRange(bytes: Buffer, [a, b, c, d]: [number, number, number, number], about: Pick<SignatureCheck, 'subFilter' | 'signedAt'>): SignatureCheck {
  const check: SignatureCheck = { ...about, appended: 0 };
  if (![a, b, c, d].every((n) => Number.isSafeInteger(n) && n >= 0) || a !== 0 || b > c) return { ...check, problem: '签名范围（/ByteRange）不对' };
  const end = c + d;
  if (end > bytes.length) return { ...check, problem: '签名范围超出了文件末尾：文件被截短了，或被别的程序重新保存过' };
  check.appended = bytes.length - end;
  // What is left out must be exactly one hex string, brackets and all.
  const contents = bytes.subarray(b, c).toString('latin1');
  const hex = /^<([0-9a-fA-F\s]*)>$/.exec(contents)?.[1]?.replace(/\s/g, '');
  if (hex === undefined || hex.length % 2 !== 0) return { ...check, problem: '签名范围没有恰好留出签名本身（/Contents）' };
  const signed = [bytes.subarray(0, b), bytes.subarray(c, end)];
  const result = checkCms(Buffer.from(hex, 'hex'), signed, check.signedAt);
  return { ...check, ...result, signedAt: result.signedAt ?? check.signedAt };
}

const DIGESTS: Record<string, string> = {
  [OID.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.3.14.3.2.26': 'sha1',
};
const RSA_PSS = '1.2.840.113549.1.1.10';

const oidOf = (node: Asn1 | undefined) => (node && node.tagClass === asn1.Class.UNIVERSAL && node.type === asn1.Type.OID ? asn1.derToOid(node.value as string) : undefined);
const children = (node: Asn1 | undefined) => (Array.isArray(node?.value) ? node.value : []);
const bytesOf = (node: Asn1 | undefined) => Buffer.from(typeof node?.value === 'string' ? node.value : '', 'binary');
const der = (node: Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
const isContext = (node: Asn1 | undefined, tag: number) => node?.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === tag && node.constructed;
const isUniversal = (node: Asn1 | undefined, type: number) => node?.tagClass === asn1.Class.UNIVERSAL && node.type === type;
const isSequence = (node: Asn1 | undefined) => isUniversal(node, asn1.Type.SEQUENCE) && node!.constructed;
const isSet = (node: Asn1 | undefined) => isUniversal(node, asn1.Type.SET) && node!.constructed;

/** Thrown where the CMS is not shaped as RFC 5652 says: the signature does not hold. */
class Malformed extends Error {}
const expect = (ok: boolean | undefined): void => {
  if (!ok) throw new Malformed();
};

/** The parts of a detached CMS SignedData with one signer (RFC 5652 §5), its shape checked at every level. */
function signedDataParts(cms: Buffer) {
  const contentInfo = parseDer(cms, false);
  // The DER, then only the placeholder's zero padding.
  const length = der(contentInfo).length;
  expect(cms.subarray(0, length).equals(der(contentInfo)) && cms.subarray(length).every((byte) => byte === 0));
  expect(isSequence(contentInfo) && children(contentInfo).length === 2 && oidOf(children(contentInfo)[0]) === OID.signedData);
  const wrapper = children(contentInfo)[1];
  expect(isContext(wrapper, 0) && children(wrapper).length === 1 && isSequence(children(wrapper)[0]));
  // version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
  const info = children(children(wrapper)[0]);
  expect(isUniversal(info[0], asn1.Type.INTEGER) && isSet(info[1]) && isSequence(info[2]));
  // Detached: the content type only, no content.
  expect(children(info[2]).length === 1 && oidOf(children(info[2])[0]) !== undefined);
  let at = 3;
  const certificates = isContext(info[at], 0) ? children(info[at++]).map(der) : [];
  if (isContext(info[at], 1)) at++;
  expect(at === info.length - 1 && isSet(info[at]));
  const signerInfos = children(info[at]);
  if (signerInfos.length !== 1) return { certificates, signerCount: signerInfos.length };
  // version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature, [1] unsignedAttrs
  const signerInfo = children(signerInfos[0]);
  expect(isSequence(signerInfos[0]) && isUniversal(signerInfo[0], asn1.Type.INTEGER));
  const [, sid, digestAlgorithm] = signerInfo;
  expect(isSequence(sid) && children(sid).length === 2 && isSequence(children(sid)[0]) && isUniversal(children(sid)[1], asn1.Type.INTEGER));
  expect(isSequence(digestAlgorithm));
  const attributes = isContext(signerInfo[3], 0) ? signerInfo[3]! : undefined;
  const rest = signerInfo.slice(attributes ? 4 : 3);
  const [signatureAlgorithm, signatureValue, unsigned] = rest;
  expect(isSequence(signatureAlgorithm) && isUniversal(signatureValue, asn1.Type.OCTETSTRING) && !signatureValue!.constructed);
  expect(rest.length === 2 || (rest.length === 3 && isContext(unsigned, 1)));
  if (attributes) {
    for (const attribute of children(attributes)) expect(isSequence(attribute) && children(attribute).length === 2 && oidOf(children(attribute)[0]) !== undefined && isSet(children(attribute)[1]));
  }
  const [issuer, serial] = children(sid);
  return { certificates, signerCount: 1, issuer: issuer!, serial: serial!, digestAlgorithm: digestAlgorithm!, attributes, signatureAlgorithm: signatureAlgorithm!, signatureValue: signatureValue! };
}

/** The CMS SignedData (padded with zeros to the placeholder's size) against the signed bytes. */
function checkCms(cms: Buffer, signed: Buffer[], signedAt: Date | undefined): Pick<SignatureCheck, 'signer' | 'certificate' | 'signedAt' | 'problem'> {
  let parts: ReturnType<typeof signedDataParts>;
  try {
    parts = signedDataParts(cms);
  } catch {
    return { problem: '签名数据不是完好的 CMS SignedData（已损坏或不是这种格式）' };
  }
  if (parts.signerCount !== 1 || !('issuer' in parts)) return { problem: `签名数据里有 ${parts.signerCount} 个签名人，shenbao 只核对一个签名人的签名` };
  const { certificates, issuer, serial, digestAlgorithm, attributes, signatureAlgorithm, signatureValue } = parts;
  const certificate = certificates.find((c) => {
    try {
      const own = certificateParts(c);
      return der(own.issuer).equals(der(issuer!)) && der(own.serial).equals(der(serial!));
    } catch {
      return false;
    }
  });
  if (!certificate) return { problem: '签名里没有签名人的证书' };
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certificate);
  } catch {
    return { problem: '签名人的证书无法读取' };
  }
  const names = certificateParts(certificate);
  const signer = commonName(names.subject) ?? x509.subject.replace(/\n/g, ', ');
  const issuerName = commonName(names.issuer) ?? x509.issuer.replace(/\n/g, ', ');
  const about = { signer, certificate: { issuer: issuerName, fingerprint: x509.fingerprint256, selfSigned: x509.checkIssued(x509) } };
  const digestName = DIGESTS[oidOf(children(digestAlgorithm)[0]) ?? ''];
  if (!digestName) return { ...about, problem: '签名用了不认识的摘要算法' };
  if (digestName === 'sha1') return { ...about, problem: '签名用的摘要算法是 SHA-1，已不安全（应是 SHA-256 或更强）' };
  const hash = createHash(digestName);
  for (const part of signed) hash.update(part);
  const digest = hash.digest();

  let data: Buffer;
  let time = signedAt;
  if (attributes) {
    const list = children(attributes).map((a) => ({ type: oidOf(children(a)[0]), values: children(children(a)[1]) }));
    const one = (type: string) => {
      const found = list.filter((a) => a.type === type);
      return found.length === 1 && found[0]!.values.length === 1 ? found[0]!.values[0] : undefined;
    };
    // RFC 5652 §5.3: with signed attributes, the content type and the message digest, each once.
    if (oidOf(one(OID.contentType)) === undefined || !isUniversal(one(OID.messageDigest), asn1.Type.OCTETSTRING)) {
      return { ...about, signedAt, problem: '签名属性不全（缺内容类型或消息摘要）' };
    }
    if (!bytesOf(one(OID.messageDigest)).equals(digest)) return { ...about, signedAt, problem: '文件内容与签名时不同' };
    const essCertificate = one(OID.signingCertificateV2);
    if (essCertificate) {
      // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }: the first names the signer's certificate.
      const id = children(children(children(essCertificate)[0])[0]);
      const hashed = isSequence(id[0]) ? DIGESTS[oidOf(children(id[0])[0]) ?? ''] : 'sha256';
      const certHash = bytesOf(isSequence(id[0]) ? id[1] : id[0]);
      if (!hashed || !createHash(hashed).update(certificate).digest().equals(certHash)) return { ...about, signedAt, problem: '签名属性里的签名证书与所附的证书不符' };
    }
    const signingTime = one(OID.signingTime);
    if (!time && signingTime) {
      try {
        time = signingTime.type === asn1.Type.UTCTIME ? asn1.utcTimeToDate(signingTime.value as string) : asn1.generalizedTimeToDate(signingTime.value as string);
      } catch {
        time = undefined;
      }
    }
    // Signed as a SET OF (RFC 5652 §5.4), carried as [0] IMPLICIT.
    data = der(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, children(attributes)));
  } else {
    data = Buffer.concat(signed);
  }
  const key: { key: KeyObject; padding?: number; saltLength?: number } = { key: x509.publicKey };
  if (oidOf(children(signatureAlgorithm)[0]) === RSA_PSS) Object.assign(key, { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO });
  let holds = false;
  try {
    holds = verify(digestName, data, key, bytesOf(signatureValue));
  } catch {
    holds = false;
  }
  if (!holds) return { ...about, signedAt: time, problem: '签名值与签名人的证书不符' };
  // A certificate speaks for its holder only while it is valid.
  if (time && (time < new Date(x509.validFrom) || time > new Date(x509.validTo))) {
    return { ...about, signedAt: time, problem: `签名时证书不在有效期内（有效期 ${beijingTime(new Date(x509.validFrom))} 至 ${beijingTime(new Date(x509.validTo))}）` };
  }
  return { ...about, signedAt: time };
}

/** A PDF date (D:YYYYMMDDHHmmSSOHH'mm'; all but the year optional). */
export function pdfDateOf(value: unknown): Date | undefined {
  const text = value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined;
  const m = text && /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(\d{2})?'?(\d{2})?'?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh = '00', om = '00'] = m;
  const offset = sign === '+' || sign === '-' ? `${sign}${oh}:${om}` : 'Z';
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A time as an office reads it: Beijing time, 2023-01-01 08:00:00. */
export function beijingTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Text from a certificate, safe to print: control and direction characters (a line break, U+202E) shown as \\u{…}. */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`);
}

/** 签名人 …，签名时间 …（北京时间） */
export function signatureLabel(check: Pick<SignatureCheck, 'signer' | 'signedAt'>): string {
  const who = `签名人 ${check.signer === undefined ? '（读不出）' : printable(check.signer)}`;
  return check.signedAt ? `${who}，签名时间 ${beijingTime(check.signedAt)}（北京时间）` : `${who}，没有签名时间`;
}

/** 证书由 … 签发，SHA-256 指纹 …: what tells two certificates with the same name apart. */
export function certificateLabel(check: Pick<SignatureCheck, 'certificate'>): string {
  if (!check.certificate) return '';
  const { issuer, fingerprint, selfSigned } = check.certificate;
  return `${selfSigned ? '自签名证书（不是证书机构签发的）' : `证书由 ${printable(issuer)} 签发`}，SHA-256 指纹 ${fingerprint}`;
}
