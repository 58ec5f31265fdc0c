// What changed between two versions of a packet, field by field, for `shenbao diff a b`: the
// office reviews a resubmitted declaration by the fields of the form, not by JSON lines. Fields
// are named by their form labels (fieldLabel, from the schema's titles) and walked in schema
// order, so a field added to the schema is compared without touching this file.
import path from 'node:path';
import { OVERALL_GOAL_HEADING } from '../layout/view.js';
import { UserError } from '../errors.js';
import { DEFAULT_DISPLAY } from '../model/display.js';
import { z } from 'zod';
import { MONEY_PATTERN, compareMoney } from '../model/money.js';
import { IndicatorSchema, PacketSchema, ProjectSchema, type Indicator, type Packet, type Project } from '../model/packet.js';
import { fieldLabel } from '../validate/format.js';
import { fileProblem, type Diagnostic } from '../model/diagnostic.js';
import type { DataPath } from '../layout/grid.js';

// The same type as the grid's paths (one declaration, so both can be exported side by side).
export type { DataPath } from '../layout/grid.js';

export interface PacketChange {
  kind: 'changed' | 'added' | 'removed';
  /** Path in the NEW packet for changed/added, in the OLD packet for removed. e.g. ['projects', 2, 'indicators', 4, 'target'] */
  path: DataPath;
  /** 1-based number and name of the project it belongs to (new side, or old side when removed); absent for packet-level fields */
  project?: { number: number; name: string };
  /** The field's form label as fieldLabel gives it ('年度资金·其他资金'); '项目' / '绩效指标' for a whole project / indicator row. */
  label: string;
  /** The value as printed text (strings as is, the year as digits); absent for added, or when the field was absent. */
  before?: string;
  /** Absent for removed, or when the field is absent in the new packet. */
  after?: string;
  /** A difference in what the two sides print (a PDF printing other than it carries), not in the data they carry. */
  printed?: true;
}

// ── the fields, from the schema ────────────────────────────────────────────────────────────────

interface Leaf {
  /** Relative to the object the schema describes. */
  path: string[];
  /** Amounts compare as numbers: "200000" and "200000.00" are the same money. */
  money: boolean;
}

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? unwrap(schema.unwrap() as z.ZodType) : schema;
}

/** The scalar fields below `schema`, in schema order; lists (indicators, projects) are aligned separately. */
function leaves(schema: z.ZodType, prefix: string[] = []): Leaf[] {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) return Object.entries(inner.shape).flatMap(([key, s]) => leaves(s as z.ZodType, [...prefix, key]));
  if (inner instanceof z.ZodArray) return [];
  // Every field under `funds` is an amount (money() in packet.ts); nothing else is.
  return [{ path: prefix, money: prefix[0] === 'funds' }];
}

/** What a field left out prints as, where that is something (by its path in its object). */
const PRINTED_DEFAULTS = new Map<string, string>([
  ['overallGoalHeading', OVERALL_GOAL_HEADING],
  ...Object.entries(DEFAULT_DISPLAY).map(([key, value]): [string, string] => [`display.${key}`, value]),
]);

// `$schema` is the editor's pointer to the JSON schema, not part of the declaration.
const PACKET_FIELDS = leaves(PacketSchema).filter((f) => f.path[0] !== '$schema');
const PROJECT_FIELDS = leaves(ProjectSchema);
const INDICATOR_FIELDS = leaves(IndicatorSchema);

function valueAt(object: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((o, key) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined), object);
}

/** As printed: strings as is, the year as digits; undefined stays undefined (shown as （空）). */
function printed(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

function sameValue(a: string | undefined, b: string | undefined, money: boolean): boolean {
  if (a === undefined || b === undefined) return a === b;
  // An amount that is not well-formed (an unvalidated packet) is compared as written.
  if (money && MONEY_PATTERN.test(a) && MONEY_PATTERN.test(b)) return compareMoney(a, b) === 0;
  return a === b;
}

/** `changed` entries for every field of `fields` that differs between the two objects. */
function fieldChanges(
  fields: readonly Leaf[],
  before: unknown,
  after: unknown,
  base: DataPath,
  project: PacketChange['project'],
): PacketChange[] {
  const changes: PacketChange[] = [];
  for (const field of fields) {
    const a = printed(valueAt(before, field.path));
    const b = printed(valueAt(after, field.path));
    // Left out or written out, a default prints the same (the goal heading, the house style).
    const printsAs = (value: string | undefined) => value ?? PRINTED_DEFAULTS.get(field.path.join('.'));
    if (sameValue(a, b, field.money) || (printsAs(a) !== undefined && printsAs(a) === printsAs(b))) continue;
    const path = [...base, ...field.path];
    changes.push(withValues({ kind: 'changed', path, ...(project && { project }), label: fieldLabel(path) }, a, b));
  }
  return changes;
}

/** Sets before/after only when defined, so toEqual and JSON show absent values as absent. */
function withValues(change: PacketChange, before: string | undefined, after: string | undefined): PacketChange {
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  return change;
}

// ── ordering: new-list order, removed rows where they stood ───────────────────────────────────────

/**
 * Walks the new list in order and puts each unpaired old item right after the new partner of the
 * nearest paired old item before it (or first, when none), so a removed row shows where it stood.
 * `partner[i]` is the new index paired with old index i.
 */
function inNewOrder<T>(
  oldCount: number,
  newCount: number,
  partner: ReadonlyArray<number | undefined>,
  emitNew: (j: number) => T[],
  emitRemoved: (i: number) => T[],
): T[] {
  const removedAfter = new Map<number, number[]>(); // new index (-1: before all) → old indices
  let anchor = -1;
  for (let i = 0; i < oldCount; i++) {
    const j = partner[i];
    if (j !== undefined) anchor = j;
    else removedAfter.set(anchor, [...(removedAfter.get(anchor) ?? []), i]);
  }
  const out: T[] = [];
  const flush = (j: number) => (removedAfter.get(j) ?? []).forEach((i) => out.push(...emitRemoved(i)));
  flush(-1);
  for (let j = 0; j < newCount; j++) {
    out.push(...emitNew(j));
    flush(j);
  }
  return out;
}

// ── projects ────────────────────────────────────────────────────────────────────────────────────

/** New index for each old project: by name first (first unpaired of that name), then by position. */
function pairProjects(before: readonly Project[], after: readonly Project[]): Array<number | undefined> {
  const partner: Array<number | undefined> = new Array(before.length).fill(undefined);
  const pairedNew = new Set<number>();
  const byName = new Map<string, number[]>();
  before.forEach((p, i) => byName.set(p.name, [...(byName.get(p.name) ?? []), i]));
  after.forEach((p, j) => {
    const i = byName.get(p.name)?.shift();
    if (i === undefined) return;
    partner[i] = j;
    pairedNew.add(j);
  });
  // A rename leaves an unpaired old and new project at the same place in lists of the same length:
  // that is one project with a new name, not one removed and one added.
  if (before.length === after.length)
    for (let i = 0; i < before.length; i++)
      if (partner[i] === undefined && !pairedNew.has(i)) {
        partner[i] = i;
        pairedNew.add(i);
      }
  return partner;
}

function projectChanges(before: Project, after: Project, index: number): PacketChange[] {
  const project = { number: index + 1, name: after.name };
  const base: DataPath = ['projects', index];
  return [
    ...fieldChanges(PROJECT_FIELDS, before, after, base, project),
    ...indicatorChanges(before.indicators, after.indicators, [...base, 'indicators'], project),
  ];
}

// ── indicators ──────────────────────────────────────────────────────────────────────────────────

/** `产出指标 / 数量指标 / 培训人次：≥4(次)`: a whole row, as the form reads it left to right. */
export function indicatorText(indicator: Indicator): string {
  return `${indicator.level1} / ${indicator.level2} / ${indicator.name}：${indicator.target}`;
}

/** Small integer ids for equal keys, so the LCS table compares numbers, not objects. */
function keyIds<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): [number[], number[]] {
  const ids = new Map<string, number>();
  const id = (x: T) => {
    const k = key(x);
    let n = ids.get(k);
    if (n === undefined) ids.set(k, (n = ids.size));
    return n;
  };
  return [a.map(id), b.map(id)];
}

/** Pairs [old, new] of a longest common subsequence of equal ids, in order. O(n·m) time and memory after trimming the common ends. */
function lcsPairs(a: readonly number[], b: readonly number[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  // Equal ends are paired outright: the usual edit leaves most of a list alone, and the table stays small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) pairs.push([start, start++]);
  let endA = a.length;
  let endB = b.length;
  const tail: Array<[number, number]> = [];
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) tail.unshift([--endA, --endB]);

  const n = endA - start;
  const m = endB - start;
  // lengths[i*(m+1)+j]: LCS length of a[start+i..endA) and b[start+j..endB).
  const width = m + 1;
  const lengths = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lengths[i * width + j] =
        a[start + i] === b[start + j]
          ? lengths[(i + 1) * width + j + 1]! + 1
          : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[start + i] === b[start + j]) pairs.push([start + i++, start + j++]);
    else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) i++;
    else j++;
  }
  return [...pairs, ...tail];
}

/**
 * Within a gap between LCS anchors, pairs old and new rows that agree on `key`: for each new row
 * in order, the first unpaired old row with the same key.
 */
function pairInGap(
  before: readonly Indicator[],
  after: readonly Indicator[],
  oldRows: number[],
  newRows: number[],
  partner: Array<number | undefined>,
  pairedNew: Set<number>,
  key: (x: Indicator) => string,
): void {
  const waiting = new Map<string, number[]>();
  for (const i of oldRows) if (partner[i] === undefined) waiting.set(key(before[i]!), [...(waiting.get(key(before[i]!)) ?? []), i]);
  for (const j of newRows) {
    if (pairedNew.has(j)) continue;
    const i = waiting.get(key(after[j]!))?.shift();
    if (i === undefined) continue;
    partner[i] = j;
    pairedNew.add(j);
  }
}

const ROW = (x: Indicator) => JSON.stringify([x.level1, x.level2, x.name, x.target]);
// Within a gap, in this order: same row but the target (the usual edit), same row but the name,
// same name and target under another 一级/二级 heading. What is left was removed or added.
const GAP_KEYS = [
  (x: Indicator) => JSON.stringify([x.level1, x.level2, x.name]),
  (x: Indicator) => JSON.stringify([x.level1, x.level2, x.target]),
  (x: Indicator) => JSON.stringify([x.name, x.target]),
];

function indicatorChanges(
  before: readonly Indicator[],
  after: readonly Indicator[],
  base: DataPath,
  project: NonNullable<PacketChange['project']>,
): PacketChange[] {
  // Whole-row equality first: an inserted or deleted row then costs exactly one added/removed.
  const [a, b] = keyIds(before, after, ROW);
  const anchors = lcsPairs(a, b);
  const partner: Array<number | undefined> = new Array(before.length).fill(undefined);
  const pairedNew = new Set<number>();
  for (const [i, j] of anchors) {
    partner[i] = j;
    pairedNew.add(j);
  }
  // The gaps between anchors (and before the first / after the last).
  let prevI = 0;
  let prevJ = 0;
  for (const [i, j] of [...anchors, [before.length, after.length] as [number, number]]) {
    const oldRows = range(prevI, i);
    const newRows = range(prevJ, j);
    if (oldRows.length > 0 && newRows.length > 0)
      for (const key of GAP_KEYS) pairInGap(before, after, oldRows, newRows, partner, pairedNew, key);
    prevI = i + 1;
    prevJ = j + 1;
  }

  const newToOld = new Map<number, number>();
  partner.forEach((j, i) => j !== undefined && newToOld.set(j, i));
  const label = fieldLabel(base); // '绩效指标'
  return inNewOrder<PacketChange>(
    before.length,
    after.length,
    partner,
    (j) => {
      const i = newToOld.get(j);
      if (i !== undefined) return fieldChanges(INDICATOR_FIELDS, before[i], after[j], [...base, j], project);
      return [{ kind: 'added', path: [...base, j], project, label, after: indicatorText(after[j]!) }];
    },
    (i) => [{ kind: 'removed', path: [...base, i], project, label, before: indicatorText(before[i]!) }],
  );
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
}

// ── the packet ──────────────────────────────────────────────────────────────────────────────────

/**
 * Every difference from `before` to `after`: packet-level fields first, then project by project in
 * the new packet's order (a removed project where it stood), each in schema field order, its
 * indicators in list order. Identical packets give [].
 */
export function diffPackets(before: Packet, after: Packet): PacketChange[] {
  const partner = pairProjects(before.projects, after.projects);
  const newToOld = new Map<number, number>();
  partner.forEach((j, i) => j !== undefined && newToOld.set(j, i));
  return [
    ...fieldChanges(PACKET_FIELDS, before, after, [], undefined),
    ...orderChange(before, after, partner),
    ...inNewOrder<PacketChange>(
      before.projects.length,
      after.projects.length,
      partner,
      (j) => {
        const p = after.projects[j]!;
        const i = newToOld.get(j);
        if (i !== undefined) return projectChanges(before.projects[i]!, p, j);
        return [{ kind: 'added', path: ['projects', j], project: { number: j + 1, name: p.name }, label: '项目', after: p.name }];
      },
      (i) => {
        const p = before.projects[i]!;
        return [{ kind: 'removed', path: ['projects', i], project: { number: i + 1, name: p.name }, label: '项目', before: p.name }];
      },
    ),
  ];
}

/**
 * Projects that are in both but in another order: one change naming the new order. The order is
 * the forms' numbers (NN-) and the 汇总表's rows, so it matters even when nothing else changed.
 */
function orderChange(before: Packet, after: Packet, partner: ReadonlyArray<number | undefined>): PacketChange[] {
  const kept = partner.flatMap((j, i) => (j === undefined ? [] : [{ i, j }]));
  const oldOrder = kept.map(({ i }) => before.projects[i]!.name);
  const newOrder = [...kept].sort((a, b) => a.j - b.j).map(({ i }) => before.projects[i]!.name);
  if (oldOrder.every((name, k) => name === newOrder[k])) return [];
  const names = (order: string[]) => order.join('、');
  return [{ kind: 'changed', path: ['projects'], label: '项目顺序', before: names(oldOrder), after: names(newOrder) }];
}

// ── one form against a packet ───────────────────────────────────────────────────────────────────

/** The packet-level fields a single form's file may hold (a .docx in its custom properties, the year on the page). */
export const HEADER_FIELDS = ['title', 'unit', 'year', 'display'] as const;
export type HeaderField = (typeof HEADER_FIELDS)[number];
const HEADER_LABELS: Record<HeaderField, string> = { title: '汇总表标题', unit: '单位', year: '年度', display: '印制样式' };

/** One side of a diff: the packet read from `file`. */
export interface DiffSide {
  file: string;
  packet: Packet;
  /**
   * A PDF that prints other than the data it carries: the packet as printed (its projects and
   * year read from its pages). Both are compared.
   */
  printed?: Packet;
  /** What reading the file found worth saying (its print differs from its data, or could not be read). */
  notes?: Diagnostic[];
  /**
   * Set when the file is one 申报表 (extract's kind 'form', one project): the packet-level fields
   * it holds. Only those are compared, and against a packet only the project it is the form of.
   */
  form?: { fields: readonly HeaderField[] };
}

export interface SidesDiff {
  changes: PacketChange[];
  /** What was compared, when a side is one form: the project it was paired with, and how (warnings). */
  notes: Diagnostic[];
}

/**
 * Every difference between two sides. Two packets: diffPackets. One form against a packet: the
 * form's project against the packet's project of the same name (or, when no project has that name,
 * the one the file's NN- prefix numbers, or the packet's only one: a rename), numbered as in the
 * packet; the packet's other projects and the header fields the form does not hold are not
 * compared. Two forms: their one project each (a rename shows as one), and the header fields both
 * hold.
 */
export function diffSides(before: DiffSide, after: DiffSide): SidesDiff {
  const carried = diffCarried(before, after);
  const notes = [...(before.notes ?? []), ...(after.notes ?? []), ...carried.notes];
  if (!before.printed && !after.printed) return { changes: carried.changes, notes };
  // What they print, compared as well: a difference there that the data does not have is said as printed.
  const printed = diffCarried({ ...before, packet: before.printed ?? before.packet }, { ...after, packet: after.printed ?? after.packet });
  const key = (change: PacketChange) => JSON.stringify([change.kind, change.path, change.before, change.after]);
  const known = new Set(carried.changes.map(key));
  const extra = printed.changes.filter((change) => !known.has(key(change))).map((change): PacketChange => ({ ...change, printed: true }));
  return { changes: [...carried.changes, ...extra], notes };
}

function diffCarried(before: DiffSide, after: DiffSide): SidesDiff {
  if (before.form && after.form) {
    const shared = before.form.fields.filter((f) => after.form!.fields.includes(f));
    const unshared = HEADER_FIELDS.filter((f) => !shared.includes(f));
    return { changes: diffPackets(before.packet, withHeader(after.packet, before.packet, unshared)), notes: [] };
  }
  if (!before.form && !after.form) return { changes: diffPackets(before.packet, after.packet), notes: [] };
  const [form, whole] = before.form ? [before, after] : [after, before];
  const fields = form.form!.fields;
  const project = form.packet.projects[0]!;
  const { index, by } = formProject(form.file, project.name, whole);
  const projects = whole.packet.projects.map((p, i) => (i === index ? project : p));
  const merged = withHeader({ ...whole.packet, projects }, form.packet, fields);
  const changes = before.form ? diffPackets(merged, whole.packet) : diffPackets(whole.packet, merged);
  const paired = `项目 ${index + 1}「${oneLine(whole.packet.projects[index]!.name)}」`;
  const unnamed = `${whole.file} 里没有名为「${oneLine(project.name)}」的项目，`;
  const note = (code: string, message: string) => fileProblem(code, form.file, message, { severity: 'warning', project: index });
  const notes = {
    name: whole.packet.projects.length > 1 ? [note('diff-form-paired', `这是一张申报表：只与 ${whole.file} 的${paired}比较`)] : [],
    number: [note('diff-form-paired', `${unnamed}按文件名的编号与${paired}比较`)],
    only: [note('diff-form-paired', `${unnamed}与它唯一的${paired}比较`)],
  }[by];
  const unheld = HEADER_FIELDS.filter((f) => !fields.includes(f));
  if (unheld.length > 0) notes.push(fileProblem('diff-fields-not-held', form.file, `文件里没有记下${unheld.map((f) => HEADER_LABELS[f]).join('、')}，这几项不比较`, { severity: 'warning' }));
  return { changes, notes };
}

/**
 * The packet's project that a form of `name` from `file` is the form of: the one of that name (of
 * several, the one its NN- prefix numbers, as build names them), else the one the prefix numbers,
 * else a packet's only project.
 */
function formProject(file: string, name: string, whole: DiffSide): { index: number; by: 'name' | 'number' | 'only' } {
  const projects = whole.packet.projects;
  const prefix = /^(\d+)-/.exec(path.basename(file))?.[1];
  const numbered = prefix === undefined ? undefined : Number(prefix) - 1;
  const named = projects.flatMap((p, i) => (p.name === name ? [i] : []));
  if (named.length === 1) return { index: named[0]!, by: 'name' };
  if (named.length > 1) {
    const index = named.find((i) => i === numbered);
    if (index !== undefined) return { index, by: 'name' };
    // Several projects of that name, and the file name does not say which: not guessed.
    throw new UserError(
      `${file} 是项目「${oneLine(name)}」的申报表，${whole.file} 里有 ${named.length} 个同名的项目（${named.map((i) => `项目 ${i + 1}`).join('、')}），${prefix === undefined ? '文件名没有编号' : `文件名的编号 ${prefix} 不是其中的哪一个`}，看不出是哪一个。请把申报表的文件名改成“编号-项目名称”（如 ${String(named[0]! + 1).padStart(2, '0')}-${oneLine(name)}.docx）再比较`,
    );
  }
  if (numbered !== undefined && numbered >= 0 && numbered < projects.length) return { index: numbered, by: 'number' };
  if (projects.length === 1) return { index: 0, by: 'only' };
  const names = projects.map((p, i) => `${i + 1}「${oneLine(p.name)}」`).join('、');
  const why =
    numbered === undefined
      ? '文件名也不是 shenbao 起的“编号-项目名称”，对不上是哪个项目'
      : `按文件名的编号 ${prefix} 也对不上（只有 ${projects.length} 个项目）`;
  throw new UserError(
    `${file} 是项目「${oneLine(name)}」的申报表，${whole.file} 里没有这个项目，${why}。${whole.file} 的项目有：${names}。请与这个项目所在的数据文件比较，或把申报表的文件名改成“编号-项目名称”（如 01-${oneLine(projects[0]?.name ?? '项目名称')}.docx）`,
  );
}

/** `packet` with the header `fields` taken from `from` (left out where `from` leaves them out). */
function withHeader(packet: Packet, from: Packet, fields: readonly HeaderField[]): Packet {
  const out: Record<string, unknown> = { ...packet };
  for (const field of fields) {
    if (from[field] === undefined) delete out[field];
    else out[field] = from[field];
  }
  return out as unknown as Packet;
}

// ── as text ─────────────────────────────────────────────────────────────────────────────────────

const ABSENT = '（空）';

/** A value on one line: line breaks as ⏎ (a goal's line breaks are part of it, so they must show). */
function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '⏎');
}

/** 「value」, or （空） without brackets for a field that is absent, so it cannot be taken for text. */
function quoted(value: string | undefined): string {
  return value === undefined ? ABSENT : `「${oneLine(value)}」`;
}

/**
 * One line of Chinese, e.g.
 * `项目 1「培训费」：年度资金·其他资金：「0.00」→「1200.00」`,
 * `项目 2「X」：新增绩效指标第 5 条：产出指标 / 数量指标 / 新指标：≥3(个)`,
 * `删除项目 4「…」`, `年度：「2023」→「2024」`.
 */
/**
 * A difference as a problem for `diff --json`: a warning (neither side is wrong), coded by its kind,
 * at its data path and in the file it is read from (the new one; the old one for what was removed).
 */
export function changeProblem(change: PacketChange, files: { old: string; new: string }): Diagnostic {
  return {
    severity: 'warning',
    code: change.printed ? `diff-printed-${change.kind}` : `diff-${change.kind}`,
    path: change.path,
    message: formatChange(change),
    place: { kind: 'file', file: change.kind === 'removed' ? files.old : files.new },
    standalone: true,
    ...(change.project && { project: change.project.number - 1 }),
  };
}

export function formatChange(change: PacketChange): string {
  const verb = change.kind === 'added' ? '新增' : '删除';
  const { project } = change;
  const projectText = project ? `项目 ${project.number}「${oneLine(project.name)}」` : '';
  // A whole project: the project is the change itself.
  if (change.kind !== 'changed' && change.path.length === 2 && change.path[0] === 'projects') return `${change.printed ? '印出的' : ''}${verb}${projectText}`;
  const prefix = `${projectText ? `${projectText}：` : ''}${change.printed ? '印出的' : ''}`;
  if (change.kind === 'changed') return `${prefix}${change.label}：${quoted(change.before)}→${quoted(change.after)}`;
  // A whole row of a list: its number on the side it belongs to, then the row as text.
  const last = change.path[change.path.length - 1];
  const row = typeof last === 'number' ? `第 ${last + 1} 条` : '';
  const value = change.kind === 'added' ? change.after : change.before;
  return `${prefix}${verb}${change.label}${row}：${value === undefined ? ABSENT : oneLine(value)}`;
}

/**
 * A difference between what a PDF carries (`before`) and what it prints (`after`), in one line:
 * `项目 1「培训费」：年度资金·当年财政拨款：印出「900000.00」，内嵌的数据是「200000.00」`;
 * a row or project printed but not carried is 印出的多了…, one carried but not printed 印出的少了….
 */
export function printedDifference(change: PacketChange): string {
  const { project } = change;
  const projectText = project ? `项目 ${project.number}「${oneLine(project.name)}」` : '';
  const more = change.kind === 'added' ? '印出的多了' : '印出的少了';
  if (change.kind !== 'changed' && change.path.length === 2 && change.path[0] === 'projects') return `${more}${projectText}`;
  const prefix = projectText ? `${projectText}：` : '';
  if (change.kind === 'changed') return `${prefix}${change.label}：印出${quoted(change.after)}，内嵌的数据是${quoted(change.before)}`;
  const last = change.path[change.path.length - 1];
  const row = typeof last === 'number' ? `第 ${last + 1} 条` : '';
  const value = change.kind === 'added' ? change.after : change.before;
  return `${prefix}${more}${change.label}${row}：${value === undefined ? ABSENT : oneLine(value)}`;
}
