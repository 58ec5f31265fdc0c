// The signer: a PKCS#12 file (.p12/.pfx) read once, and the CMS SignedData (RFC 5652 §5) it makes
// for a PDF signature, detached, SHA-256, in the PAdES baseline B-B form (ETSI EN 319 142-1): signed
// attributes content-type, message-digest and ESS signing-certificate-v2 (RFC 5035), and no
// signing-time (the time is the /Sig dictionary's /M).
//
// node-forge reads the PKCS#12 file and encodes the ASN.1; node:crypto hashes and signs. forge's
// own pkcs7.createSignedData is not used, for what it does wrong here (measured with forge 1.4.3):
// it writes any attribute other than content-type, message-digest and signing-time with an empty
// value set (signing-certificate-v2 came out as `SET {}`), it writes the signer's issuer from the
// certificate's decoded name, so a UTF8String name (CN=上海市…) is UTF-8-encoded twice and no
// verifier finds the certificate, it signs only RSA keys, and it wants the signed bytes as one
// string. Here the issuer, serial number and certificates are the certificate's own DER bytes.
//
// A key or certificate whose signature a verifier would not accept (RSA under 2048 bits, a CA's or
// a TLS server's certificate) is refused when the file is loaded: before any PDF is touched.
import { createHash, createPrivateKey, createPublicKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { stat } from 'node:fs/promises';
import forge from 'node-forge';
import { fsStep, READ, UserError } from '../errors.js';
import { notRegular, readRegular, refusedKind } from '../files.js';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
} as const;

export interface Signer {
  /** The signing certificate. */
  certificate: X509Certificate;
  /** Its subject's common name (CN), as the certificate writes it; the whole subject where it has none. */
  name: string;
  /** Bytes a signature takes at most: what a PDF's placeholder must hold. */
  capacity: number;
  /** The CMS SignedData (DER) over content whose SHA-256 is `digest`. */
  cms(digest: Buffer): Buffer;
}

// ---- ASN.1, with forge -------------------------------------------------------------------------

const universal = (type: number, constructed: boolean, value: Asn1[] | string): Asn1 => asn1.create(asn1.Class.UNIVERSAL, type, constructed, value);
const sequence = (...items: Asn1[]) => universal(asn1.Type.SEQUENCE, true, items);
const set = (...items: Asn1[]) => universal(asn1.Type.SET, true, items);
const oid = (id: string) => universal(asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
const octets = (bytes: Buffer) => universal(asn1.Type.OCTETSTRING, false, bytes.toString('binary'));
const small = (n: number) => universal(asn1.Type.INTEGER, false, String.fromCharCode(n));
const tagged = (tag: number, ...items: Asn1[]) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, items);
const der = (value: Asn1): Buffer => Buffer.from(asn1.toDer(value).getBytes(), 'binary');

/** Parsed so that it encodes back to the same bytes: BIT STRINGs are not looked into. */
export function parseDer(bytes: Buffer, all = true): Asn1 {
  const options = { strict: true, parseAllBytes: all, decodeBitStrings: false };
  return (asn1.fromDer as unknown as (bytes: string, options: object) => Asn1)(bytes.toString('binary'), options);
}

/** A certificate's parts, as its DER has them. */
export function certificateParts(certificate: Buffer): { serial: Asn1; issuer: Asn1; subject: Asn1 } {
  const tbs = (parseDer(certificate).value as Asn1[])[0]!.value as Asn1[];
  // The version is an optional [0] before the serial number.
  const at = tbs[0]!.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return { serial: tbs[at]!, issuer: tbs[at + 2]!, subject: tbs[at + 4]! };
}

/** The common name of a Name, decoded by its string type (UTF8String, BMPString, or one byte a character). */
export function commonName(name: Asn1): string | undefined {
  for (const rdn of name.value as Asn1[]) {
    for (const attribute of rdn.value as Asn1[]) {
      const [type, value] = attribute.value as Asn1[];
      if (asn1.derToOid(type!.value as string) !== OID.commonName || typeof value?.value !== 'string') continue;
      const bytes = Buffer.from(value.value, 'binary');
      if (value.type === asn1.Type.UTF8) return bytes.toString('utf8');
      if (value.type === asn1.Type.BMPSTRING) return bytes.swap16().toString('utf16le');
      return bytes.toString('latin1');
    }
  }
  return undefined;
}

// ---- the SignedData ----------------------------------------------------------------------------

/**
 * The signed attributes, sorted by their encoding as DER wants of a SET OF. No signing-time: PAdES
 * baseline has the time in the signature dictionary only.
 */
function signedAttributes(digest: Buffer, certificate: Buffer): Asn1[] {
  const { serial, issuer } = certificateParts(certificate);
  const attribute = (type: string, value: Asn1) => sequence(oid(type), set(value));
  // ESSCertIDv2: hashAlgorithm left out (its default is SHA-256), the hash, the issuer and serial
  // number (issuer as GeneralNames with one directoryName, [4], explicit since Name is a CHOICE).
  const essCertId = sequence(octets(createHash('sha256').update(certificate).digest()), sequence(sequence(tagged(4, issuer)), serial));
  const attributes = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octets(digest)),
    attribute(OID.signingCertificateV2, sequence(sequence(essCertId))),
  ];
  return attributes.map((a) => ({ a, bytes: der(a) })).sort((x, y) => Buffer.compare(x.bytes, y.bytes)).map(({ a }) => a);
}

function signedData(certificates: Buffer[], attributes: Asn1[], algorithm: Asn1, signature: Buffer): Buffer {
  const { serial, issuer } = certificateParts(certificates[0]!);
  const sha256 = sequence(oid(OID.sha256));
  const signerInfo = sequence(small(1), sequence(issuer, serial), sha256, tagged(0, ...attributes), algorithm, octets(signature));
  const content = sequence(
    small(1),
    set(sha256),
    sequence(oid(OID.data)), // detached: no content here
    tagged(0, ...certificates.map((c) => parseDer(c))),
    set(signerInfo),
  );
  return der(sequence(oid(OID.signedData), tagged(0, content)));
}

/** What a key signs with, and the most bytes its signature takes. */
function keyAlgorithm(key: KeyObject, file: string): { algorithm: Asn1; maxSignature: number } {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    return { algorithm: sequence(oid(OID.rsaEncryption), universal(asn1.Type.NULL, false, '')), maxSignature: Math.ceil((details.modulusLength ?? 0) / 8) };
  }
  if (key.asymmetricKeyType === 'ec') {
    const bytes = { prime256v1: 32, secp384r1: 48, secp521r1: 66 }[details.namedCurve ?? ''];
    // ECDSA-Sig-Value: SEQUENCE of two INTEGERs, each at most a sign byte longer than the curve.
    if (bytes) return { algorithm: sequence(oid(OID.ecdsaWithSha256)), maxSignature: 3 + 2 * (bytes + 3) };
  }
  const what = key.asymmetricKeyType === 'ec' ? `椭圆曲线 ${details.namedCurve ?? ''}` : (key.asymmetricKeyType ?? '未知');
  throw new UserError(`${file} 里的私钥类型是 ${what}：shenbao 只能用 RSA 或 ECDSA（P-256、P-384、P-521）的私钥签名`);
}

// ---- PKCS#12 -----------------------------------------------------------------------------------

/** The most bytes a P12 file may have: a real one, a key and a certificate chain, has a few KB. */
export const MAX_P12_BYTES = 1024 * 1024;

/** A P12 file's bytes: a regular file (not /dev/zero, a FIFO or a folder) of at most MAX_P12_BYTES. */
export async function readP12File(file: string): Promise<Buffer> {
  const tooLarge = (size: number) =>
    new UserError(`${file} 有 ${size} 字节，不像证书文件（PKCS#12 证书文件通常只有几 KB，shenbao 最多读 1 MB）：请检查是不是给错了文件`);
  const info = await fsStep(READ, file, () => stat(file));
  // Worded as every input that is not a regular file (files.ts).
  const kind = notRegular(info);
  if (kind) throw refusedKind(file, kind, '证书文件');
  if (info.size > MAX_P12_BYTES) throw tooLarge(info.size);
  // Read from a handle checked again: the name may have been changed since.
  const bytes = await fsStep(READ, file, () => readRegular(file, { follow: true, limit: MAX_P12_BYTES }));
  if (!bytes) {
    // Replaced since it was looked at: said as what it is now.
    const now = await stat(file).catch(() => undefined);
    throw refusedKind(file, (now && notRegular(now)) ?? 'device', '证书文件');
  }
  if (bytes.length > MAX_P12_BYTES) throw tooLarge(bytes.length);
  return bytes;
}

/** A P12's key and certificate (with the rest of its chain); `passwordFrom` says where the password came from, for messages. */
export function loadP12(bytes: Buffer, password: string, file: string, passwordFrom = ''): Signer {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1.fromDer(bytes.toString('binary')), password);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/Invalid password|wrong password|MAC could not be verified/i.test(message)) {
      throw new UserError(`${file}：密码不对，无法打开这个证书文件${passwordFrom ? `（密码取自${passwordFrom}）` : ''}`);
    }
    throw new UserError(`${file} 无法读取：不是 PKCS#12 证书文件（.p12 或 .pfx），或文件已损坏`);
  }
  const bags = (type: string) => p12.getBags({ bagType: type })[type] ?? [];
  const keys: KeyObject[] = [];
  for (const bag of [...bags(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bags(forge.pki.oids.keyBag!)]) {
    // forge reads RSA keys itself; any other key it leaves as the PrivateKeyInfo, for node to read.
    const asn = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : (bag as { asn1?: Asn1 }).asn1;
    if (asn) keys.push(createPrivateKey({ key: der(asn), format: 'der', type: 'pkcs8' }));
  }
  const certificates = bags(forge.pki.oids.certBag!).flatMap((bag) => {
    const asn = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag as { asn1?: Asn1 }).asn1;
    return asn ? [der(asn)] : [];
  });
  if (keys.length === 0) throw new UserError(`${file} 里没有私钥，只有证书：签名要用含私钥的证书文件（导出时选“导出私钥”）`);
  const spki = (key: KeyObject) => createPublicKey(key).export({ type: 'spki', format: 'der' });
  for (const key of keys) {
    const own = certificates.find((c) => new X509Certificate(c).publicKey.export({ type: 'spki', format: 'der' }).equals(spki(key)));
    if (own) return signer(key, [own, ...certificates.filter((c) => c !== own)], file);
  }
  throw new UserError(`${file} 里没有与私钥对应的证书，无法签名`);
}

// ---- what the certificate may sign -------------------------------------------------------------

/** The shortest RSA key shenbao signs with (NIST SP 800-131A: shorter RSA keys may not make signatures after 2013). */
export const MIN_RSA_BITS = 2048;

/** keyUsage bits (RFC 5280 §4.2.1.3), in order, as a certificate viewer names them. */
const KEY_USAGES = [
  ['digitalSignature', '数字签名'],
  ['nonRepudiation', '不可否认'],
  ['keyEncipherment', '密钥加密'],
  ['dataEncipherment', '数据加密'],
  ['keyAgreement', '密钥协商'],
  ['keyCertSign', '签发证书'],
  ['cRLSign', '签发吊销列表'],
  ['encipherOnly', '只加密'],
  ['decipherOnly', '只解密'],
] as const;

/** extKeyUsage purposes (RFC 5280 §4.2.1.12 and others) under which a certificate names a person or an organisation, and so may sign a document. */
const SIGNING_PURPOSES = new Set([
  '2.5.29.37.0', // anyExtendedKeyUsage
  '1.3.6.1.5.5.7.3.2', // clientAuth: a person's or unit's identity certificate (Chinese CAs issue them so, with emailProtection or alone)
  '1.3.6.1.5.5.7.3.4', // emailProtection: what PDF verifiers (Acrobat, NSS in poppler) accept for signing
  '1.3.6.1.5.5.7.3.36', // documentSigning (RFC 9336)
  '1.2.840.113583.1.1.5', // Adobe Authentic Documents Trust
  '1.3.6.1.4.1.311.10.3.12', // Microsoft Document Signing
]);

/** The others, by name, for the message. */
const OTHER_PURPOSES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': '服务器身份验证（serverAuth，网站的 TLS 证书）',
  '1.3.6.1.5.5.7.3.3': '代码签名（codeSigning）',
  '1.3.6.1.5.5.7.3.8': '时间戳（timeStamping）',
  '1.3.6.1.5.5.7.3.9': 'OCSP 签名（OCSPSigning）',
};

/** A certificate's extensions, by OID: each extnValue's DER. */
function extensions(certificate: Buffer): Map<string, Buffer> {
  const tbs = (parseDer(certificate).value as Asn1[])[0]!.value as Asn1[];
  const found = new Map<string, Buffer>();
  // extensions [3] EXPLICIT SEQUENCE OF Extension { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }
  const tagged3 = tbs.find((part) => part.tagClass === asn1.Class.CONTEXT_SPECIFIC && part.type === 3);
  for (const extension of ((tagged3?.value as Asn1[] | undefined)?.[0]?.value as Asn1[] | undefined) ?? []) {
    const parts = extension.value as Asn1[];
    const value = parts.at(-1)!;
    if (value.type === asn1.Type.OCTETSTRING) found.set(asn1.derToOid(parts[0]!.value as string), Buffer.from(value.value as string, 'binary'));
  }
  return found;
}

/**
 * Refuses a key and certificate that cannot make a signature a verifier accepts: an RSA key under
 * MIN_RSA_BITS; a keyUsage without digitalSignature and nonRepudiation (a CA's keyCertSign, a
 * TLS server's keyEncipherment); an extKeyUsage that names only other purposes (serverAuth). A
 * certificate without keyUsage (or extKeyUsage) is accepted: RFC 5280 §4.2.1.3 (§4.2.1.12) puts no
 * restriction on its key then, and verifiers (Acrobat, poppler) accept such signatures.
 */
function checkCertificateUse(key: KeyObject, certificate: Buffer, file: string): void {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType === 'rsa' && bits !== undefined && bits < MIN_RSA_BITS) {
    throw new UserError(
      `${file} 里的私钥是 ${bits} 位的 RSA 密钥，太短了：短于 ${MIN_RSA_BITS} 位的 RSA 已不够安全，2013 年以后不应再用来签名。请换用 ${MIN_RSA_BITS} 位或更长的证书`,
    );
  }
  const found = extensions(certificate);
  const keyUsage = found.get(OID.keyUsage);
  if (keyUsage) {
    // BIT STRING: the count of unused bits, then the bits, the first (digitalSignature) highest.
    const bytes = Buffer.from(parseDer(keyUsage).value as string, 'binary').subarray(1);
    const has = (bit: number) => ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0;
    if (!has(0) && !has(1)) {
      const usages = KEY_USAGES.filter((_, bit) => has(bit)).map(([name, label]) => `${label}（${name}）`);
      throw new UserError(
        `${file} 里的证书不能用来签名：它的密钥用途（keyUsage）${usages.length > 0 ? `只有${usages.join('、')}` : '是空的'}，没有数字签名（digitalSignature）或不可否认（nonRepudiation），这样签的名验证软件不认。请换用单位或个人的签名证书`,
      );
    }
  }
  const extKeyUsage = found.get(OID.extKeyUsage);
  if (extKeyUsage) {
    const purposes = (parseDer(extKeyUsage).value as Asn1[]).map((purpose) => asn1.derToOid(purpose.value as string));
    if (!purposes.some((purpose) => SIGNING_PURPOSES.has(purpose))) {
      const named = purposes.map((purpose) => OTHER_PURPOSES[purpose] ?? purpose);
      throw new UserError(
        `${file} 里的证书不能用来签文件：它的扩展密钥用途（extKeyUsage）只有${named.join('、') || '（空）'}，不是给单位或个人签名用的。请换用单位或个人的签名证书`,
      );
    }
  }
}

function signer(key: KeyObject, certificates: Buffer[], file: string): Signer {
  const { algorithm, maxSignature } = keyAlgorithm(key, file);
  checkCertificateUse(key, certificates[0]!, file);
  const certificate = new X509Certificate(certificates[0]!);
  const make = (digest: Buffer, signature: (attributes: Buffer) => Buffer) => {
    const attributes = signedAttributes(digest, certificates[0]!);
    // Signed as the DER of a SET OF (RFC 5652 §5.4), carried as [0] IMPLICIT.
    return signedData(certificates, attributes, algorithm, signature(der(set(...attributes))));
  };
  // The placeholder's size: this very structure with the longest signature the key can make.
  const capacity = make(Buffer.alloc(32), () => Buffer.alloc(maxSignature, 0xff)).length;
  return {
    certificate,
    name: commonName(certificateParts(certificates[0]!).subject) ?? certificate.subject.replace(/\n/g, ', '),
    capacity,
    cms: (digest) => make(digest, (attributes) => sign('sha256', attributes, key)),
  };
}
