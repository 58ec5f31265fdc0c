// Property: whatever a data file holds, validatePacket answers with diagnostics, quickly, and never
// throws. Each run takes the seed packet and applies a few random corruptions: deleted keys, values
// of the wrong type, random Unicode (control and zero-width characters, lone surrogates) put into
// text, huge strings up to 1 MB, deep nesting, arrays where objects belong, NaN-like numbers,
// unknown keys (including __proto__), or a whole packet replaced by something else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTarget } from '../src/model/target.js';
import { validatePacket } from '../src/validate/validate.js';
import type { Diagnostic } from '../src/model/diagnostic.js';
import { loadSeed } from './support/seed.js';

type Key = string | number;
type Container = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;

/** Every place in the tree (not below `maxDepth`, so deep nesting made earlier stays cheap). */
function places(root: unknown, maxDepth = 8): Key[][] {
  const found: Key[][] = [];
  const walk = (value: unknown, path: Key[]) => {
    if (!isContainer(value) || path.length >= maxDepth) return;
    for (const key of Array.isArray(value) ? value.keys() : Object.keys(value)) {
      const child = path.concat(key);
      found.push(child);
      walk((value as Record<Key, unknown>)[key], child);
    }
  };
  walk(root, []);
  return found;
}

const get = (root: unknown, path: Key[]): unknown =>
  path.reduce<unknown>((value, key) => (isContainer(value) ? (value as Record<Key, unknown>)[key] : undefined), root);

/** Sets like JSON.parse does: an own property, even for "__proto__". */
function put(container: Container, key: Key, value: unknown): void {
  Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

const oddChar = fc.oneof(
  fc.integer({ min: 0x00, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\u200B', '\u200D', '\u200F', '\u2028', '\u202E', '\u2060', '\u2064', '\uFEFF', '\r\n', '\u3000', '𠀀', '😀', '\uE000'),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), // lone surrogates
  fc.string({ unit: 'binary', maxLength: 3 }),
);

/** Built when applied, so that fast-check reports it by its recipe, not by a megabyte of text. */
class Built {
  constructor(
    readonly recipe: string,
    readonly build: () => unknown,
  ) {}
  toString(): string {
    return this.recipe;
  }
}

const hugeString = fc
  .tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom('字', ' ', '\u200B', '=', '9', 'a\n'))
  .map(([length, unit]) => new Built(`${JSON.stringify(unit)} × ${length}`, () => unit.repeat(Math.ceil(length / unit.length)).slice(0, length)));

const deep = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.boolean()).map(
  ([depth, asArray]) =>
    new Built(`nested ${asArray ? '[…]' : '{ level1: … }'} × ${depth}`, () => {
      let value: unknown = '底';
      for (let i = 0; i < depth; i++) value = asArray ? [value] : { level1: value };
      return value;
    }),
);

/** A fresh copy of a generated value: fast-check reuses values while shrinking, and a data file
 * never holds one object twice (no cycles). */
const fresh = (value: unknown): unknown => (value instanceof Built ? value.build() : structuredClone(value));

const oddNumber = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e308, 2023.5, Number.MAX_SAFE_INTEGER + 2, -2023),
  fc.double(),
  fc.constantFrom('2023', '二〇二三', '', ' ', 'NaN'),
);

/** Text that looks like a 指标值 (or a year in a title), to reach the target and title rules. */
const targetLike = fc.oneof(
  // operator? number? unit? rest?: mostly well-formed quantities, often slightly broken
  fc
    .tuple(
      fc.constantFrom('', '=', '≥', '≤', '>', '<', '＝', '＞', '＜', '≧', '≦', '>=', '<=', '= ', '≥≥'),
      fc.oneof(fc.constant(''), fc.stringMatching(/^[+-]?\d{1,4}([.,]\d{1,3})?$/), fc.constantFrom('abc', '１２０', '100.01', '1,000')),
      fc.constantFrom('', '%', '％', '(%)', '（％）', ' (%)', '(次)', '（次）', '(', ')', '()', '(次', '次)', '人次', '(次)/年', '((次))'),
      fc.constantFrom('', '', '', '以上', ' ', '全覆盖'),
    )
    .map((parts) => parts.join('')),
  fc.array(fc.constantFrom(...'≥≤=<>＝＞＜≧（）()%％0123456789０９.,-+次人 年'), { maxLength: 12 }).map((chars) => chars.join('')),
);

const replacement = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  targetLike,
  oddNumber,
  hugeString,
  deep,
  fc.constantFrom(null, undefined, true, [], {}, [[]], ['≥4(次)'], { '': '' }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** A plausible but possibly wrong value for one field the business rules read. */
const ruleField = fc.oneof(
  { weight: 4, arbitrary: fc.record({ field: fc.constant('target' as const), value: targetLike }) },
  fc.record({
    field: fc.constantFrom('level1' as const, 'level2' as const),
    value: fc.oneof(
      fc.constantFrom('产出指标', '成本指标', '效益指标', '满意度指标', '数量指标', '社会效益指标', '服务对象满意度指标', '产出指数', '产出'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
    ),
  }),
  fc.record({
    field: fc.constantFrom('startDate' as const, 'endDate' as const),
    value: fc
      .date({ min: new Date('1999-01-01'), max: new Date('2101-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
  }),
  fc.record({ field: fc.constant('nature' as const), value: fc.constantFrom('经常性项目', '阶段性项目', '一次性项目') }),
  fc.record({ field: fc.constant('year' as const), value: fc.integer({ min: 1990, max: 2110 }) }),
  fc.record({ field: fc.constant('title' as const), value: fc.string({ maxLength: 20 }).map((t) => `${t}２０２３年度${t}`) }),
);

type Corruption =
  | { kind: 'field'; project: number; indicator: number; field: string; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'insert'; at: number; where: number; text: string }
  | { kind: 'wrap'; at: number } // [value]: an array where an object (or anything) belongs
  | { kind: 'add-key'; at: number; key: string; value: unknown }
  | { kind: 'duplicate'; at: number } // an array item copied: more projects or indicators
  | { kind: 'root'; value: unknown };

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({ kind: fc.constant('field' as const), project: fc.nat(), indicator: fc.nat(), rule: ruleField })
      .map(({ rule, ...rest }) => ({ ...rest, ...rule })),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: replacement }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      where: fc.nat(),
      text: fc.array(oddChar, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrap' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add-key' as const),
      at: fc.nat(),
      key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'remark', ''), fc.string({ maxLength: 8 })),
      value: replacement,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('root' as const), value: replacement }) },
);

/** Applies the corruptions to `seed` in place. */
function corrupt(seed: unknown, corruptions: readonly Corruption[]): unknown {
  let root = seed;
  for (const c of corruptions) {
    if (c.kind === 'field') {
      setField(root, c);
      continue;
    }
    if (c.kind === 'root') {
      root = fresh(c.value);
      continue;
    }
    const all = places(root);
    if (all.length === 0) continue;
    const path = all[c.at % all.length]!;
    const parent = get(root, path.slice(0, -1));
    const key = path.at(-1)!;
    if (!isContainer(parent)) continue;
    const current = (parent as Record<Key, unknown>)[key];
    switch (c.kind) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 'replace':
        put(parent, key, fresh(c.value));
        break;
      case 'insert': {
        const text = typeof current === 'string' ? current : typeof current === 'number' ? String(current) : '';
        const where = c.where % (text.length + 1);
        put(parent, key, text.slice(0, where) + c.text + text.slice(where));
        break;
      }
      case 'wrap':
        put(parent, key, [current]);
        break;
      case 'add-key':
        if (isContainer(current) && !Array.isArray(current)) put(current, c.key, fresh(c.value));
        else put(parent, key, { [c.key]: fresh(c.value) });
        break;
      case 'duplicate':
        // A shallow copy: a deep clone of a 5,000-level value could overflow the test's own stack.
        if (Array.isArray(parent)) parent.splice(Number(key), 0, Array.isArray(current) ? [...current] : isContainer(current) ? { ...current } : current);
        break;
    }
  }
  return root;
}

/** Puts the value where its rule reads it, if the packet still has that place. */
function setField(root: unknown, c: { project: number; indicator: number; field: string; value: unknown }): void {
  if (!isContainer(root)) return;
  if (c.field === 'year' || c.field === 'title') return put(root, c.field, c.value);
  const projects = (root as { projects?: unknown }).projects;
  if (!Array.isArray(projects) || projects.length === 0) return;
  const project: unknown = projects[c.project % projects.length];
  if (!isContainer(project)) return;
  if (!['target', 'level1', 'level2'].includes(c.field)) return put(project, c.field, c.value);
  const indicators = (project as { indicators?: unknown }).indicators;
  if (!Array.isArray(indicators) || indicators.length === 0) return;
  const indicator: unknown = indicators[c.indicator % indicators.length];
  if (isContainer(indicator)) put(indicator, c.field, c.value);
}

function expectWellFormed(d: Diagnostic): void {
  expect(['error', 'warning']).toContain(d.severity);
  expect(Array.isArray(d.path)).toBe(true);
  for (const key of d.path) expect(['string', 'number']).toContain(typeof key);
  expect(typeof d.message).toBe('string');
  expect(d.message.trim()).not.toBe('');
  expect(typeof d.code).toBe('string');
  expect(d.code).not.toBe('');
  if (d.hint !== undefined) expect(d.hint.trim()).not.toBe('');
}

describe('validatePacket on corrupted packets (fast-check)', () => {
  it('the seed itself is the starting point: valid, with its two warnings', () => {
    const result = validatePacket(loadSeed());
    expect(result.diagnostics.map((d) => d.severity)).toEqual(['warning', 'warning']);
  });

  it('parseTarget reads any text without throwing, and its numbers are plain decimals', () => {
    fc.assert(
      fc.property(fc.oneof(targetLike, fc.string({ unit: 'binary', maxLength: 30 })), (target) => {
        const parsed = parseTarget(target);
        if (parsed.kind === 'quantity') {
          expect(parsed.value).toMatch(/^-?\d+(\.\d+)?$/);
          expect(parsed.percent).toBe(parsed.unit?.startsWith('%') ?? false);
        }
        if (parsed.kind === 'malformed') expect(parsed.reason).not.toBe('');
      }),
      { numRuns: 2000 },
    );
  });

  it('generated corrupted packets never crash or hang the validator', () => {
    const seed = loadSeed();
    let slowest = 0;
    fc.assert(
      fc.property(fc.array(corruption, { minLength: 1, maxLength: 5 }), (corruptions) => {
        const raw = corrupt(structuredClone(seed), corruptions);
        const started = performance.now();
        const result = validatePacket(raw);
        const took = performance.now() - started;
        slowest = Math.max(slowest, took);
        expect(took).toBeLessThan(3000);

        result.diagnostics.forEach(expectWellFormed);
        expect(() => JSON.stringify(result.diagnostics)).not.toThrow();
        const errors = result.diagnostics.filter((d) => d.severity === 'error');
        // A packet only when nothing is an error; accepted projects have no error of their own.
        expect(result.packet === undefined).toBe(errors.length > 0);
        for (const { number } of result.accepted) {
          expect(errors.some((d) => d.path[0] === 'projects' && d.path[1] === number - 1)).toBe(false);
        }
        if (result.accepted.length > 0) expect(result.header).toBeDefined();
        // Sorted by place: packet-level diagnostics first, then by project.
        const order = result.diagnostics.map((d) => (d.path[0] === 'projects' && typeof d.path[1] === 'number' ? d.path[1] : -1));
        expect(order).toEqual([...order].sort((a, b) => a - b));
        // Something changed that the schema cares about, or the result is still the seed's (two
        // warnings and perhaps new ones): never an empty answer for a non-object.
        if (!isContainer(raw) || Array.isArray(raw)) expect(errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
    expect(slowest).toBeLessThan(3000);
  }, 120_000);
});
