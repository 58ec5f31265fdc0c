// Golden files compared by structure (STYLE.md item 9): `test/fixtures/<case>/<file>` holds JSON
// that the test parses and compares with toEqual, so formatting and key order never matter; or,
// for long ones, text of one item a line, compared line by line.
// `UPDATE_GOLDEN=1 npx vitest run …` rewrites the files from what the code produces now; review
// the diff before committing it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Packet } from '../../src/model/packet.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const UPDATING_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** `actual` must equal test/fixtures/<name>/<file> as parsed JSON (or rewrite it under UPDATE_GOLDEN=1). */
export function expectGolden(name: string, actual: unknown, file = 'grid.json'): void {
  const golden = path.join(FIXTURES, name, file);
  // Through JSON, as the file holds it: undefined fields vanish, exactly as when it was written.
  const value: unknown = JSON.parse(JSON.stringify(actual));
  if (UPDATING_GOLDEN) {
    mkdirSync(path.dirname(golden), { recursive: true });
    writeFileSync(golden, `${goldenJson(value)}\n`);
    return;
  }
  if (!existsSync(golden))
    throw new Error(`golden file ${path.relative(process.cwd(), golden)} is missing: run the test once with UPDATE_GOLDEN=1 and review it`);
  expect(value, `differs from ${path.relative(process.cwd(), golden)} (UPDATE_GOLDEN=1 rewrites it)`).toEqual(
    JSON.parse(readFileSync(golden, 'utf8')),
  );
}

/**
 * `lines` must equal test/fixtures/<name>/<file>, a text file of one item a line (or rewrite it
 * under UPDATE_GOLDEN=1): for goldens too long for JSON to stay readable, such as positioned pages.
 */
export function expectGoldenLines(name: string, lines: readonly string[], file: string): void {
  const golden = path.join(FIXTURES, name, file);
  if (UPDATING_GOLDEN) {
    mkdirSync(path.dirname(golden), { recursive: true });
    writeFileSync(golden, `${lines.join('\n')}\n`);
    return;
  }
  if (!existsSync(golden))
    throw new Error(`golden file ${path.relative(process.cwd(), golden)} is missing: run the test once with UPDATE_GOLDEN=1 and review it`);
  expect(lines, `differs from ${path.relative(process.cwd(), golden)} (UPDATE_GOLDEN=1 rewrites it)`).toEqual(readFileSync(golden, 'utf8').split('\n').slice(0, -1));
}

/**
 * JSON laid out for review: an object or array holding only plain values (a cell, a heading, the
 * column widths) on one line, everything else indented, so that a diff shows one line per cell.
 */
export function goldenJson(value: unknown, indent = ''): string {
  const flat = (v: unknown) => v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'));
  if (flat(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + goldenJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  if (entries.every(([, v]) => flat(v))) return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${goldenJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** test/fixtures/distinct.json: a valid packet in which every amount and every field differs. */
export const DISTINCT_FILE = path.join(FIXTURES, 'distinct.json');
export const loadDistinctRaw = (): unknown => JSON.parse(readFileSync(DISTINCT_FILE, 'utf8'));
export const loadDistinct = (): Packet => loadDistinctRaw() as Packet;
