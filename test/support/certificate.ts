// Throw-away certificates for signing tests, made at test time with node-forge: subject and issuer
// in Chinese (UTF8String), as a password-protected PKCS#12 file.
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { expect } from 'vitest';

export const UNIT = '上海市闵行区地区工作办公室';
export const PASSWORD = 'sign-测试-密码';

export interface CertificateOptions {
  /** Without the private key (a certificate-only file). */
  withKey?: boolean;
  /** The subject's and issuer's CN; the unit by default. */
  commonName?: string;
  validity?: { from: Date; to: Date };
  /** Issued by a certificate authority of this CN (made here too, and put in the file after the signer's), not self-signed. */
  issuedBy?: string;
  /** The signer's certificate extensions, as forge takes them (e.g. `{ name: 'keyUsage', keyCertSign: true }`); none by default. */
  extensions?: object[];
  /** The signer's RSA key size; 2048 by default. */
  keyBits?: number;
}

export function makeP12(options: CertificateOptions = {}): Buffer {
  const [key, publicKey] = keyPair(options.keyBits);
  const name = (commonName: string) => [
    { shortName: 'C', value: 'CN' },
    // forge encodes a UTF8String value itself: given as text, not as UTF-8 bytes.
    { shortName: 'CN', value: commonName, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class },
  ];
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  certificate.serialNumber = '0a1b2c';
  certificate.validity.notBefore = options.validity?.from ?? new Date('2022-01-01T00:00:00Z');
  certificate.validity.notAfter = options.validity?.to ?? new Date('2032-01-01T00:00:00Z');
  certificate.setSubject(name(options.commonName ?? UNIT));
  if (options.extensions) certificate.setExtensions(options.extensions);
  const chain = [certificate];
  if (options.issuedBy) {
    const [caKey, caPublicKey] = keyPair();
    const authority = forge.pki.createCertificate();
    authority.publicKey = caPublicKey;
    authority.serialNumber = '01';
    authority.validity.notBefore = new Date('2020-01-01T00:00:00Z');
    authority.validity.notAfter = new Date('2040-01-01T00:00:00Z');
    authority.setSubject(name(options.issuedBy));
    authority.setIssuer(name(options.issuedBy));
    authority.setExtensions([{ name: 'basicConstraints', cA: true }]);
    authority.sign(caKey, forge.md.sha256.create());
    certificate.setIssuer(name(options.issuedBy));
    certificate.sign(caKey, forge.md.sha256.create());
    chain.push(authority);
  } else {
    certificate.setIssuer(name(options.commonName ?? UNIT));
    certificate.sign(key, forge.md.sha256.create());
  }
  const pfx = forge.pkcs12.toPkcs12Asn1(options.withKey === false ? null : key, chain, PASSWORD, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'binary');
}

type KeyPair = [forge.pki.rsa.PrivateKey, forge.pki.PublicKey];

/**
 * The 2048-bit keys made in this process, handed out in turn to each test file: a file's keys are
 * distinct from each other, as if made for it, and later files take the same ones again (files
 * share a process: vitest.config.ts). An RSA key took 0.3–1 s of CPU to make, and the suite made
 * some 20 (2026-12-07).
 */
const made: KeyPair[] = [];
const handedOut = new Map<string, number>();

function keyPair(bits = 2048): KeyPair {
  if (bits !== 2048) return newKeyPair(bits);
  const file = expect.getState().testPath ?? '';
  const next = handedOut.get(file) ?? 0;
  handedOut.set(file, next + 1);
  while (made.length <= next) made.push(newKeyPair(bits));
  return made[next]!;
}

function newKeyPair(bits: number): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return [
    forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }) as string) as forge.pki.rsa.PrivateKey,
    forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string),
  ];
}
