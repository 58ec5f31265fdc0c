// Bytes compared as bytes. toEqual walks a Buffer as any iterable, an element at a time through
// its generic equality: comparing the seed's PDFs and Word files took seconds of a test file's
// CPU (sign.test.ts: 4.5 s, 2026-12-07). Buffer.compare gives the same answer. Registered once per
// test process (files share one: vitest.config.ts).
import { expect } from 'vitest';

const REGISTERED = Symbol.for('shenbao.test.sameBytes');
const registry = globalThis as { [REGISTERED]?: true };

/** Two byte arrays of one kind: equal when their bytes are; anything else is left to toEqual. */
function sameBytes(a: unknown, b: unknown): boolean | undefined {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.constructor !== b.constructor) return undefined;
  return Buffer.compare(a, b) === 0;
}

if (!registry[REGISTERED]) {
  expect.addEqualityTesters([sameBytes]);
  registry[REGISTERED] = true;
}
