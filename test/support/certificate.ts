// Throw-away certificates for signing tests, made at test time with node-forge: subject and issuer
// in Chinese (UTF8String), as a password-protected PKCS#12 file.
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export const UNIT = '上海市闵行区地区工作办公室';
export const PASSWORD = 'sign-测试-密码';

export interface CertificateOptions {
  /** Without the private key (a certificate-only file). */
  withKey?: boolean;
  /** The subject's and issuer's CN; the unit by default. */
  commonName?: string;
  validity?: { from: Date; to: Date };
}

export function makeP12(options: CertificateOptions = {}): Buffer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string) as forge.pki.rsa.PrivateKey;
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string);
  certificate.serialNumber = '0a1b2c';
  certificate.validity.notBefore = options.validity?.from ?? new Date('2022-01-01T00:00:00Z');
  certificate.validity.notAfter = options.validity?.to ?? new Date('2032-01-01T00:00:00Z');
  // forge encodes a UTF8String value itself: given as text, not as UTF-8 bytes.
  const name = [
    { shortName: 'C', value: 'CN' },
    { shortName: 'CN', value: options.commonName ?? UNIT, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class },
  ];
  certificate.setSubject(name);
  certificate.setIssuer(name);
  certificate.sign(key, forge.md.sha256.create());
  const pfx = forge.pkcs12.toPkcs12Asn1(options.withKey === false ? null : key, [certificate], PASSWORD, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'binary');
}
