// A PDF's signatures read back and checked (for `shenbao verify`, and so that `sign` does not sign
// twice): who signed (the certificate's CN), when (/M), whether the signature holds (the
// message digest is the hash of the bytes /ByteRange names, and the signature over the signed
// attributes verifies with the certificate's public key: node:crypto), whether /ByteRange leaves
// out exactly the /Contents hex string, and how many bytes came after what was signed.
// Certificates are not checked against a trust list: that is who signed, not whether to trust them.
import { createHash, verify, X509Certificate, constants, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString } from 'pdf-lib';
import { certificateParts, commonName, OID, parseDer } from './cms.js';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

export interface SignatureCheck {
  /** The signer's certificate CN (or its whole subject); undefined if no certificate could be read. */
  signer?: string;
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

/** The file's signatures, checked; none for a file without any (most cheaply: no /ByteRange at all). */
export async function readSignatures(bytes: Buffer, loaded?: PDFDocument): Promise<SignatureCheck[]> {
  // A signature dictionary is never in a compressed object stream (its /Contents must sit at a byte offset).
  if (!loaded && !bytes.includes('/ByteRange')) return [];
  const pdf = loaded ?? (await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false }));
  return signatureDictionaries(pdf).map((dict) => checkSignature(bytes, dict));
}

function checkSignature(bytes: Buffer, dict: PDFDict): SignatureCheck {
  const subFilter = dict.get(PDFName.of('SubFilter'));
  const check: SignatureCheck = {
    subFilter: subFilter instanceof PDFName ? subFilter.decodeText() : undefined,
    signedAt: pdfDateOf(dict.get(PDFName.of('M'))),
    appended: 0,
  };
  const range = dict.get(PDFName.of('ByteRange'));
  const numbers = range instanceof PDFArray ? range.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : NaN)) : [];
  const [a, b, c, d] = numbers;
  if (numbers.length !== 4 || !numbers.every((n) => Number.isSafeInteger(n) && n >= 0) || a !== 0 || b! > c!) {
    return { ...check, problem: '签名范围（/ByteRange）不对' };
  }
  const end = c! + d!;
  if (end > bytes.length) return { ...check, problem: '签名范围超出了文件末尾：文件被截短了' };
  check.appended = bytes.length - end;
  // What is left out must be exactly the /Contents string, brackets and all.
  const contents = dict.get(PDFName.of('Contents'));
  if (!(contents instanceof PDFHexString) || bytes.subarray(b, c).toString('latin1') !== contents.toString()) {
    return { ...check, problem: '签名范围没有恰好留出签名本身（/Contents）' };
  }
  const signed = [bytes.subarray(0, b), bytes.subarray(c, end)];
  return { ...check, ...checkCms(Buffer.from(contents.asBytes()), signed, check.signedAt) };
}

const DIGESTS: Record<string, string> = {
  [OID.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.3.14.3.2.26': 'sha1',
};
const RSA_PSS = '1.2.840.113549.1.1.10';

const oidOf = (node: Asn1 | undefined) => (node && node.type === asn1.Type.OID ? asn1.derToOid(node.value as string) : undefined);
const children = (node: Asn1 | undefined) => (Array.isArray(node?.value) ? node.value : []);
const bytesOf = (node: Asn1 | undefined) => Buffer.from(typeof node?.value === 'string' ? node.value : '', 'binary');
const der = (node: Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
const isContext = (node: Asn1 | undefined, tag: number) => node?.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === tag;

/** The CMS SignedData (padded with zeros to the placeholder's size) against the signed bytes. */
function checkCms(cms: Buffer, signed: Buffer[], signedAt: Date | undefined): Pick<SignatureCheck, 'signer' | 'signedAt' | 'problem'> {
  let info: Asn1[];
  try {
    const contentInfo = parseDer(cms, false);
    if (oidOf(children(contentInfo)[0]) !== OID.signedData) return { problem: '签名数据不是 CMS SignedData' };
    info = children(children(children(contentInfo)[1])[0]);
  } catch {
    return { problem: '签名数据（CMS）无法读取' };
  }
  // version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
  let at = 3;
  const certificates = isContext(info[at], 0) ? children(info[at++]).map(der) : [];
  if (isContext(info[at], 1)) at++;
  const signerInfo = children(children(info[at])[0]);
  // version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature
  const [, sid, digestAlgorithm] = signerInfo;
  const attributes = isContext(signerInfo[3], 0) ? signerInfo[3]! : undefined;
  const [signatureAlgorithm, signatureValue] = signerInfo.slice(attributes ? 4 : 3);
  const [issuer, serial] = children(sid);
  const certificate = issuer && serial && certificates.find((c) => {
    const parts = certificateParts(c);
    return der(parts.issuer).equals(der(issuer)) && der(parts.serial).equals(der(serial));
  });
  if (!certificate) return { problem: '签名里没有签名人的证书' };
  const x509 = new X509Certificate(certificate);
  const signer = commonName(certificateParts(certificate).subject) ?? x509.subject.replace(/\n/g, ', ');
  const digestName = DIGESTS[oidOf(children(digestAlgorithm)[0]) ?? ''];
  if (!digestName) return { signer, problem: '签名用了不认识的摘要算法' };
  const hash = createHash(digestName);
  for (const part of signed) hash.update(part);
  const digest = hash.digest();

  let data: Buffer;
  let time = signedAt;
  if (attributes) {
    const values = new Map(children(attributes).map((a) => [oidOf(children(a)[0]), children(children(a)[1])[0]]));
    if (!bytesOf(values.get(OID.messageDigest)).equals(digest)) return { signer, signedAt, problem: '文件内容与签名时不同' };
    const essCertificate = values.get(OID.signingCertificateV2);
    if (essCertificate) {
      // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }: the first names the signer's certificate.
      const id = children(children(children(essCertificate)[0])[0]);
      const hashed = id[0]?.type === asn1.Type.SEQUENCE ? DIGESTS[oidOf(children(id[0])[0]) ?? ''] : 'sha256';
      const certHash = bytesOf(id[0]?.type === asn1.Type.SEQUENCE ? id[1] : id[0]);
      if (!hashed || !createHash(hashed).update(certificate).digest().equals(certHash)) return { signer, signedAt, problem: '签名属性里的签名证书与所附的证书不符' };
    }
    const signingTime = values.get(OID.signingTime);
    if (!time && signingTime) time = signingTime.type === asn1.Type.UTCTIME ? asn1.utcTimeToDate(signingTime.value as string) : asn1.generalizedTimeToDate(signingTime.value as string);
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
  return { signer, signedAt: time, ...(holds ? {} : { problem: '签名值与签名人的证书不符' }) };
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

/** 签名人 …，签名时间 …（北京时间） */
export function signatureLabel(check: Pick<SignatureCheck, 'signer' | 'signedAt'>): string {
  const who = `签名人 ${check.signer ?? '（读不出）'}`;
  return check.signedAt ? `${who}，签名时间 ${beijingTime(check.signedAt)}（北京时间）` : `${who}，没有签名时间`;
}
