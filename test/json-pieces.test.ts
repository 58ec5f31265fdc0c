// The 汇总表's attached JSON, made a piece at a time (output/json-pieces.ts): joined, the pieces are
// JSON.stringify(value, null, 2) exactly, whatever the value holds.
import { describe, expect, it } from 'vitest';
import { jsonPieces } from '../src/output/json-pieces.js';
import { createHash } from 'node:crypto';
import { packetData, packetDataHash } from '../src/output/manifest.js';
import { loadSeed } from './support/seed.js';

const joined = (value: unknown, depth?: number, compact?: boolean) => [...jsonPieces(value, depth, compact)].join('');

describe('jsonPieces', () => {
  const seed = packetData(loadSeed());

  it('gives the seed packet as JSON.stringify(packet, null, 2), a piece per project', () => {
    const pieces = [...jsonPieces(seed)];
    expect(pieces.join('')).toBe(JSON.stringify(seed, null, 2));
    // Each project is one piece: its own text, indented as a member of `projects`.
    for (const project of seed.projects) expect(pieces).toContain(JSON.stringify(project, null, 2).replaceAll('\n', '\n    '));
  });

  const hostile = {
    empty: { object: {}, array: [], nested: [[], {}] },
    leftOut: { a: undefined, f: () => 1, s: Symbol('s'), kept: 0 },
    allLeftOut: { a: undefined },
    inArrays: [undefined, () => 1, Symbol('s'), null, 1],
    date: new Date(Date.UTC(2023, 0, 1)),
    ownToJSON: { toJSON: (key: string) => `key:${key}` },
    toUndefined: { toJSON: () => undefined },
    text: '多行\n"引号" \\ \u2028 \ud83d\ude00 \udc00',
    numbers: [0, -0, 1.5e300, Number.NaN, Number.POSITIVE_INFINITY],
    deep: { a: { b: { c: [{ d: [1, { e: 'f' }] }] } } },
    '键 "带引号"': true,
  };

  it.each([0, 1, 2, 3, 6])('gives JSON.stringify(value, null, 2) of every kind of value, opened %i levels deep', (depth) => {
    expect(joined(hostile, depth)).toBe(JSON.stringify(hostile, null, 2));
    expect(joined([hostile, [hostile]], depth)).toBe(JSON.stringify([hostile, [hostile]], null, 2));
  });

  it.each([[{}], [[]], [null], ['文本'], [42], [{ a: undefined }]])('gives JSON.stringify of %j', (value) => {
    expect(joined(value)).toBe(JSON.stringify(value, null, 2));
    expect(joined(value, 2, true)).toBe(JSON.stringify(value));
  });

  it.each([0, 1, 2, 3, 6])('compact: gives JSON.stringify(value) of every kind of value, opened %i levels deep', (depth) => {
    expect(joined(hostile, depth, true)).toBe(JSON.stringify(hostile));
    expect(joined([hostile, [hostile]], depth, true)).toBe(JSON.stringify([hostile, [hostile]]));
  });

  it("hashes the packet's compact JSON a project at a time, as the manifest always recorded it", () => {
    const pieces = [...jsonPieces(seed, 2, true)];
    for (const project of seed.projects) expect(pieces).toContain(JSON.stringify(project));
    expect(packetDataHash(loadSeed())).toBe(createHash('sha256').update(JSON.stringify(seed)).digest('hex'));
  });
});
