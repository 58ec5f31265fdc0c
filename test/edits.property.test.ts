// Model-based test of reading revised Word forms (issue 16, "A model-based test"). Generated
// packets (fast-check: realistic Chinese text, every text distinct, valid) are built as a form
// .docx; a random sequence of one to three edits from the catalogue below is applied to the
// form's XML as Word writes it and, as a person reads the printed page, to the data. extractDocx
// must then give exactly the edited data, or refuse (problems): never other data without a word.
//
// The catalogue (every edit is one the reader must read, so refusals are counted and none is
// expected):
//   target  a 指标值 retyped (the cell's one w:r/w:t replaced);
//   strike  a few characters of a target, a 三级指标 or a goal struck through (w:strike, w:dstrike,
//           w:strike w:val="true"/"1") and new text typed after them: read without the struck text;
//   insert  an indicator row added under a row, its 一级/二级 cells (and the first column) merged
//           into the row's groups (<w:vMerge/>): a new indicator of those groups;
//   delete  an indicator row deleted; when it started a merge, the next row starts it, with the text;
//   number  a goal's paragraphs (split into 2–3 if it had one) numbered through numbering.xml (added
//           to shenbao's, or a new part with its relationship and content type): 1. / 一、 / （一） /
//           ① / a) / • (also Word's Symbol and Wingdings bullets), read as printed, the label first,
//           "1. " with a space after an ASCII label, "一、" with none;
//   symbol  a ≥ or ≤ written as the Symbol font's character (<w:sym w:font="Symbol" w:char="F0B3"/>,
//           or U+F0B3 in a run whose font is Symbol; F0A3 for ≤): the data does not change.
// Before the edits, every merge continuation is written <w:vMerge/>, as Word saves it.
// Each kind is run on its own (a failure names the catalogue entry), then mixed.
import fc from 'fast-check';
import type { Document, Element } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { declarationDocument } from '../src/layout/forms.js';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import { UserError } from '../src/errors.js';
import { validatePacket } from '../src/validate/validate.js';
import type { Packet, Project } from '../src/model/packet.js';
import { extractDocx } from '../src/extract/docx.js';
import { renderDocx } from '../src/render/docx.js';
import { wordProperties } from '../src/render/word-properties.js';
import {
  addNumbering,
  cellsOf,
  children,
  descendants,
  editDocxParts,
  numberParagraph,
  removeNumbering,
  rowsOf,
  run,
  setRunProperty,
  setVMerge,
  symbolRun,
  tables,
  vMergeOf,
  W,
  wElement,
  wordStyleMerges,
  type DocxParts,
} from './support/docx.js';

let templates: FormTemplates;
beforeAll(async () => {
  templates = await loadTemplates();
});

// ---------------------------------------------------------------------------------------------
// Packets: one project (a form), its texts drawn from the words real forms use

const DISTRICTS = ['虹口区', '闵行区', '徐汇区', '普陀区', '杨浦区', '静安区'];
const OFFICES = ['社区发展办公室', '地区工作办公室', '民政局', '卫生健康委员会', '文化和旅游局', '司法局'];
const STREETS = ['嘉兴路街道', '江川路街道', '田林街道', '长风新村街道', '五角场街道', '曹家渡街道'];
const CENTRES = ['社区服务中心', '社区事务受理服务中心', '社区党群服务中心', '社区卫生服务中心'];
const CATEGORIES = ['特定目标类', '其他运转类', '公益服务类'];
const SUBJECTS = [
  '睦邻学堂', '老年助餐点', '社区卫生服务站', '居民议事会', '垃圾分类宣传', '便民服务窗口', '志愿服务队', '文化活动中心', '健身步道',
  '家庭医生签约', '社区食堂', '青少年暑托班', '防汛物资储备', '楼道照明改造', '加装电梯', '老旧小区修缮', '社区图书室', '法律援助',
];
const PROJECT_SUFFIXES = ['运营', '项目', '专项经费', '购买服务', '补贴'];
const MEASURES = [
  '开课场次', '服务人次', '覆盖率', '完成率', '验收合格率', '建设数量', '培训人数', '巡查次数', '整改完成时限', '投诉办结率',
  '资金支付进度', '使用率', '知晓率', '受益户数', '开放天数',
];
const AUDIENCES = ['学员', '居民', '老年人', '服务对象', '居委干部', '家长', '志愿者', '商户', '就餐老人', '楼组长'];
const CLAUSES = [
  '全年开设睦邻学堂课程', '覆盖辖区全部居民区', '提升居民参与社区公共事务的积极性', '服务覆盖率≥95%', '为辖区老年人提供助餐服务',
  '完成老旧小区修缮工程', '群众满意度≥90%', '年度培训不少于1200人次', '建立健全长效管理机制', '资金支付进度符合序时要求',
  '确保各项服务按时保质完成', '故障响应时间≤2小时', '改善社区人居环境', '推进十五分钟社区生活圈建设', '投诉率≤3%',
];
const UNITS = ['场', '人', '人次', '个', '项', '次', '户', '天', '%'];
const QUALITATIVE = ['提升', '明显提高', '有效改善', '按时完成', '12月底前', '每季度首月10日前', '健全', '逐步完善', '持续向好'];
/** 一级/二级 groups, in the order a form lists them. */
const LEVELS = [
  ['产出指标', '数量指标'],
  ['产出指标', '质量指标'],
  ['产出指标', '时效指标'],
  ['产出指标', '成本指标'],
  ['效益指标', '经济效益指标'],
  ['效益指标', '社会效益指标'],
  ['效益指标', '可持续影响指标'],
  ['满意度指标', '服务对象满意度指标'],
] as const;
const isSatisfaction = (level1: string) => level1 === '满意度指标';

/** A quantity (mostly ≥ or ≤, for the Symbol edit) or a qualitative target. */
const target = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('≥', '≤'), fc.integer({ min: 1, max: 5000 }), fc.constantFrom(...UNITS)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('=', '>', '<'), fc.integer({ min: 1, max: 5000 }), fc.constantFrom(...UNITS)) },
  { weight: 1, arbitrary: fc.constantFrom(...QUALITATIVE) },
).map((t) => (typeof t === 'string' ? t : `${t[0]}${t[2] === '%' ? Math.min(t[1], 100) : t[1]}(${t[2]})`));

const indicatorName = (level1: string, subject: number, measure: number) =>
  isSatisfaction(level1) ? `${AUDIENCES[subject % AUDIENCES.length]}满意度` : `${SUBJECTS[subject % SUBJECTS.length]}${MEASURES[measure % MEASURES.length]}`;

const indicator = fc
  .record({ level: fc.nat({ max: LEVELS.length - 1 }), subject: fc.nat(), measure: fc.nat(), target })
  .map(({ level, subject, measure, target }) => {
    const [level1, level2] = LEVELS[level]!;
    return { group: level, level1, level2, name: indicatorName(level1, subject, measure), target };
  });

/** One to three lines (paragraphs) of clauses, no clause twice. */
const goal = fc
  .tuple(fc.uniqueArray(fc.constantFrom(...CLAUSES), { minLength: 2, maxLength: 9 }), fc.integer({ min: 1, max: 3 }))
  .map(([clauses, lines]) => {
    const count = Math.min(lines, Math.floor(clauses.length / 2));
    const per = Math.ceil(clauses.length / count);
    return Array.from({ length: count }, (_, i) => `${clauses.slice(i * per, (i + 1) * per).join('，')}。`)
      .filter((line) => line !== '。')
      .join('\n');
  });

const cents = fc.integer({ min: 100, max: 99_999_999_99 });
const money = (n: bigint | number) => {
  const text = BigInt(n).toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
};

/** Every text of the project, each of which must be distinct from the others. */
const textsOf = (project: Project): string[] => [
  project.name,
  project.category,
  project.department,
  project.implementer,
  ...(project.overallGoal === undefined ? [] : [project.overallGoal]),
  project.annualGoal,
  ...project.indicators.flatMap((i) => [i.name, i.target]),
];

const packets: fc.Arbitrary<Packet> = fc
  .record({
    year: fc.integer({ min: 2023, max: 2026 }),
    district: fc.constantFrom(...DISTRICTS),
    office: fc.constantFrom(...OFFICES),
    subject: fc.constantFrom(...SUBJECTS),
    suffix: fc.constantFrom(...PROJECT_SUFFIXES),
    nature: fc.constantFrom('经常性项目', '阶段性项目', '一次性项目' as const),
    category: fc.constantFrom(...CATEGORIES),
    street: fc.constantFrom(...STREETS),
    centre: fc.constantFrom(...CENTRES),
    days: fc.tuple(fc.integer({ min: 0, max: 364 }), fc.integer({ min: 0, max: 364 })),
    annual: fc.tuple(cents, cents, cents),
    whole: fc.option(fc.tuple(cents, cents), { nil: undefined }),
    overallGoal: fc.option(goal, { nil: undefined }),
    annualGoal: goal,
    indicators: fc.uniqueArray(indicator, { minLength: 1, maxLength: 8, comparator: (a, b) => a.name === b.name || a.target === b.target }),
  })
  .map(({ year, district, office, subject, suffix, nature, category, street, centre, days, annual, whole, overallGoal, annualGoal, indicators }): Packet => {
    const day = (n: number) => new Date(Date.UTC(year, 0, 1 + n)).toISOString().slice(0, 10);
    const [start, end] = [Math.min(...days), Math.max(...days)];
    const annualTotal = annual.reduce((a, b) => a + BigInt(b), 0n);
    const unit = `上海市${district}${office}`;
    const project: Project = {
      name: `${district}${subject}${suffix}`,
      nature,
      category,
      department: `上海市${district}民政局`,
      implementer: `${district}${street}${centre}`,
      startDate: day(start),
      endDate: day(end),
      funds: {
        project:
          whole === undefined
            ? {}
            : { total: money(annualTotal + BigInt(whole[0]) + BigInt(whole[1])), fiscal: money(annualTotal + BigInt(whole[0])), other: money(whole[1]) },
        annual: { total: money(annualTotal), fiscal: money(annual[0]), carryover: money(annual[1]), other: money(annual[2]) },
      },
      ...(overallGoal === undefined ? {} : { overallGoal }),
      annualGoal,
      // Each group's rows together, groups in the form's order, as on a real form.
      indicators: [...indicators].sort((a, b) => a.group - b.group).map(({ level1, level2, name, target }) => ({ level1, level2, name, target })),
    };
    return { title: `${unit}${year}年度项目绩效目标汇总表`, unit, year, projects: [project] };
  })
  .filter((packet) => {
    const texts = textsOf(packet.projects[0]!);
    return new Set(texts).size === texts.length;
  });

// ---------------------------------------------------------------------------------------------
// The catalogue of edits. Each holds only choices (fc.nat), resolved against the form as it is
// when the edit is made, so that any sequence applies to any form.

const STRIKES = ['strike', 'dstrike', 'strike-true', 'strike-1'] as const;
const SYMBOL_FORMS = ['sym', 'private-use'] as const;
/** Level 0 of a numbered list, and the labels Word prints for its first three paragraphs. */
const LISTS = [
  { numFmt: 'decimal', lvlText: '%1.', labels: ['1.', '2.', '3.'] },
  { numFmt: 'chineseCounting', lvlText: '%1、', labels: ['一、', '二、', '三、'] },
  { numFmt: 'chineseCounting', lvlText: '（%1）', labels: ['（一）', '（二）', '（三）'] },
  { numFmt: 'decimalEnclosedCircle', lvlText: '%1', labels: ['①', '②', '③'] },
  { numFmt: 'lowerLetter', lvlText: '%1)', labels: ['a)', 'b)', 'c)'] },
  { numFmt: 'bullet', lvlText: '•', labels: ['•', '•', '•'] },
  // Word's own bullets: a Symbol-font character (Home → Bullets), and Wingdings ● (Chinese Word's default).
  { numFmt: 'bullet', lvlText: '\uF0B7', font: 'Symbol', labels: ['•', '•', '•'] },
  { numFmt: 'bullet', lvlText: '\uF06C', font: 'Wingdings', labels: ['●', '●', '●'] },
] as const;
/** What is typed after struck-through text. */
const RETYPED = ['130', '95', '全面', '居民', '年度', '季度', '按时', '明显', '二十', '辖区', '专项', '优良'];

type Edit =
  | { kind: 'target'; row: number; targets: string[] }
  | { kind: 'strike'; cell: number; at: number; length: number; mark: (typeof STRIKES)[number]; retyped: number; strikeOff: boolean }
  | { kind: 'insert'; row: number; subject: number; measure: number; targets: string[] }
  | { kind: 'delete'; row: number }
  | { kind: 'number'; goal: number; list: number; suffix: 'tab' | 'space'; paragraphs: 2 | 3; cuts: [number, number]; newPart: boolean }
  | { kind: 'symbol'; at: number; form: (typeof SYMBOL_FORMS)[number] };
type Kind = Edit['kind'];
const KINDS: Kind[] = ['target', 'strike', 'insert', 'delete', 'number', 'symbol'];

const edits: Record<Kind, fc.Arbitrary<Edit>> = {
  target: fc.record({ kind: fc.constant('target' as const), row: fc.nat(), targets: fc.array(target, { minLength: 3, maxLength: 3 }) }),
  strike: fc.record({
    kind: fc.constant('strike' as const),
    cell: fc.nat(),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 4 }),
    mark: fc.constantFrom(...STRIKES),
    retyped: fc.nat(),
    strikeOff: fc.boolean(),
  }),
  insert: fc.record({
    kind: fc.constant('insert' as const),
    row: fc.nat(),
    subject: fc.nat(),
    measure: fc.nat(),
    targets: fc.array(target, { minLength: 3, maxLength: 3 }),
  }),
  delete: fc.record({ kind: fc.constant('delete' as const), row: fc.nat() }),
  number: fc.record({
    kind: fc.constant('number' as const),
    goal: fc.nat(),
    list: fc.nat({ max: LISTS.length - 1 }),
    suffix: fc.constantFrom('tab' as const, 'space' as const),
    paragraphs: fc.constantFrom(2 as const, 3 as const),
    cuts: fc.tuple(fc.nat(), fc.nat()),
    newPart: fc.boolean(),
  }),
  symbol: fc.record({ kind: fc.constant('symbol' as const), at: fc.nat(), form: fc.constantFrom(...SYMBOL_FORMS) }),
};

// ---------------------------------------------------------------------------------------------
// A cell's text as the test knows it: paragraphs of characters, each with how it is written. A
// cell the test edits is written again whole from this (its first paragraph's and run's
// properties kept), as Word would save it after the edit.

type Style = 'plain' | 'strike-off' | (typeof STRIKES)[number] | (typeof SYMBOL_FORMS)[number];
interface Char {
  ch: string;
  style: Style;
}
interface Paragraph {
  chars: Char[];
  /** A numbered paragraph: its list (w:numId) and the list's format. */
  list?: { numId: number; labels: readonly string[] };
}
const STRUCK: ReadonlySet<Style> = new Set(STRIKES);
const SYMBOL_CODES: Record<string, number> = { '≥': 0xf0b3, '≤': 0xf0a3 };

/** The text a person reads: struck characters dropped, each numbered paragraph led by its label. */
function printed(paragraphs: readonly Paragraph[]): string {
  return paragraphs
    .map((p, i) => {
      const number = p.list ? paragraphs.slice(0, i).filter((q) => q.list?.numId === p.list!.numId).length : 0;
      const label = p.list ? p.list.labels[number]! : '';
      // A label ending in an ASCII character is followed by a space (the tab or space after it).
      const gap = /[\x21-\x7e]$/.test(label) ? ' ' : '';
      return label + gap + p.chars.filter((c) => !STRUCK.has(c.style)).map((c) => c.ch).join('');
    })
    .join('\n');
}

const plain = (text: string): Char[] => Array.from(text, (ch) => ({ ch, style: 'plain' as const }));

/** One run of `text` written in `style`, with the cell's own run properties (`base`) first. */
function runOf(d: Document, text: string, style: Style, base: Element | undefined): Element {
  const r = style === 'sym' || style === 'private-use' ? symbolRun(d, SYMBOL_CODES[text]!, style) : run(d, text);
  // The cell's run properties (a type size), where the run has none of its own of that name.
  const own = new Set(children(r, 'rPr').flatMap((rPr) => elementsIn(rPr).map((el) => el.localName)));
  for (const property of base ? elementsIn(base) : []) if (!own.has(property.localName)) setRunProperty(r, property.cloneNode(true) as Element);
  const mark: Partial<Record<Style, Element>> = {
    strike: wElement(d, 'strike'),
    dstrike: wElement(d, 'dstrike'),
    'strike-true': wElement(d, 'strike', { val: 'true' }),
    'strike-1': wElement(d, 'strike', { val: '1' }),
    // Typed after struck text with the strike turned off again: Word writes it off explicitly.
    'strike-off': wElement(d, 'strike', { val: '0' }),
  };
  if (mark[style]) setRunProperty(r, mark[style]);
  return r;
}

const elementsIn = (node: Element): Element[] => Array.from(node.childNodes).filter((n): n is Element => n.nodeType === 1);

/** Writes the cell's paragraphs again from `paragraphs`. */
function writeCell(tc: Element, paragraphs: readonly Paragraph[]): void {
  const d = tc.ownerDocument!;
  const old = children(tc, 'p');
  const pPr = old[0] && children(old[0], 'pPr')[0];
  // The cell's own run properties (shenbao writes a type size there, if any), without the edits' marks.
  const firstRun = old[0] && children(old[0], 'r')[0];
  const rPr = firstRun && (children(firstRun, 'rPr')[0]?.cloneNode(true) as Element | undefined);
  for (const property of rPr ? elementsIn(rPr) : []) if (['strike', 'dstrike', 'rFonts'].includes(property.localName ?? '')) rPr!.removeChild(property);
  for (const p of old) tc.removeChild(p);
  for (const paragraph of paragraphs) {
    const p = d.createElementNS(W, 'w:p');
    if (pPr) {
      const own = pPr.cloneNode(true) as Element;
      for (const numPr of children(own, 'numPr')) own.removeChild(numPr);
      p.appendChild(own);
    }
    if (paragraph.list) numberParagraph(p, paragraph.list.numId);
    // Runs of one style together; a Symbol character is a run of its own.
    let i = 0;
    const { chars } = paragraph;
    while (i < chars.length) {
      const style = chars[i]!.style;
      let j = i + 1;
      if (style !== 'sym' && style !== 'private-use') while (j < chars.length && chars[j]!.style === style) j++;
      p.appendChild(runOf(d, chars.slice(i, j).map((c) => c.ch).join(''), style, rPr));
      i = j;
    }
    tc.appendChild(p);
  }
}

// ---------------------------------------------------------------------------------------------
// The form as it is being edited: its XML, the data a person would read from it, and the cells
// the test has written.

interface TextCell {
  tc: Element;
  /** Where the value goes in the data. */
  field: 'name' | 'target' | 'overallGoal' | 'annualGoal';
  indicator?: number;
}

class Form {
  readonly cells = new Map<Element, Paragraph[]>();
  readonly log: string[] = [];
  readonly applied = new Set<Kind>();

  constructor(
    readonly parts: DocxParts,
    /** The data as a person reads the edited form. */
    readonly data: Project,
  ) {}

  get d(): Document {
    return this.parts.document;
  }

  /** The indicator rows of the form's lower table (the 绩效指标 table), in order. */
  indicatorRows(): Element[] {
    const lower = tables(this.d)[1]!;
    return rowsOf(lower).slice(1);
  }

  textCells(): TextCell[] {
    const upper = tables(this.d)[0]!;
    const goals = cellsOf(rowsOf(upper).at(-1)!);
    const cells: TextCell[] = this.indicatorRows().flatMap((row, k) => {
      const tcs = cellsOf(row);
      return [
        { tc: tcs.at(-2)!, field: 'name' as const, indicator: k },
        { tc: tcs.at(-1)!, field: 'target' as const, indicator: k },
      ];
    });
    if (this.data.overallGoal !== undefined) cells.push({ tc: goals.at(-2)!, field: 'overallGoal' });
    cells.push({ tc: goals.at(-1)!, field: 'annualGoal' });
    return cells;
  }

  value(cell: TextCell): string {
    if (cell.field === 'name' || cell.field === 'target') return this.data.indicators[cell.indicator!]![cell.field];
    return this.data[cell.field]!;
  }

  /** The cell's paragraphs as known to the test (for a cell not yet written: its value, a paragraph a line). */
  model(cell: TextCell): Paragraph[] {
    let paragraphs = this.cells.get(cell.tc);
    if (!paragraphs) {
      paragraphs = this.value(cell).split('\n').map((line) => ({ chars: plain(line) }));
      this.cells.set(cell.tc, paragraphs);
    }
    return paragraphs;
  }

  /** Writes the cell from `paragraphs` and puts what it now prints into the data. */
  write(cell: TextCell, paragraphs: Paragraph[]): void {
    this.cells.set(cell.tc, paragraphs);
    writeCell(cell.tc, paragraphs);
    const text = printed(paragraphs);
    if (cell.field === 'name' || cell.field === 'target') this.data.indicators[cell.indicator!]![cell.field] = text;
    else this.data[cell.field] = text;
  }

  /** Every text of the form now, to keep new ones distinct. */
  texts(): Set<string> {
    return new Set(textsOf(this.data));
  }

  where(cell: TextCell): string {
    return cell.indicator === undefined ? cell.field : `indicators[${cell.indicator}].${cell.field}`;
  }

  apply(edit: Edit): void {
    const done = this[edit.kind](edit as never);
    if (done !== undefined) {
      this.applied.add(edit.kind);
      this.log.push(done);
    }
  }

  /** A 指标值 retyped: the cell's text replaced by one run. */
  target({ row, targets }: Extract<Edit, { kind: 'target' }>): string | undefined {
    const cells = this.textCells().filter((c) => c.field === 'target');
    if (cells.length === 0) return undefined;
    const cell = cells[row % cells.length]!;
    const before = this.value(cell);
    const text = fresh(targets, this.texts(), (n) => `≥${n}(次)`);
    this.write(cell, [{ chars: plain(text) }]);
    return `${this.where(cell)} retyped: 「${before}」→「${text}」`;
  }

  /** Characters struck through and new text typed after them. */
  strike({ cell: pick, at, length, mark, retyped, strikeOff }: Extract<Edit, { kind: 'strike' }>): string | undefined {
    const cells = this.textCells();
    const cell = cells[pick % cells.length]!;
    const paragraphs = structuredClone(this.model(cell));
    // Where plain characters stand (struck ones and Symbol characters are left alone).
    const spots = paragraphs.flatMap((p, pi) => p.chars.flatMap((c, ci) => (c.style === 'plain' || c.style === 'strike-off' ? [[pi, ci] as const] : [])));
    if (spots.length === 0) return undefined;
    const [pi, ci] = spots[at % spots.length]!;
    const chars = paragraphs[pi]!.chars;
    let end = ci + 1;
    while (end < chars.length && end - ci < length && (chars[end]!.style === 'plain' || chars[end]!.style === 'strike-off')) end++;
    const struck = chars.slice(ci, end).map((c) => c.ch).join('');
    const options = RETYPED.filter((t) => t !== struck);
    const typed = options[retyped % options.length]!;
    for (const c of chars.slice(ci, end)) c.style = mark;
    chars.splice(end, 0, ...Array.from(typed, (ch) => ({ ch, style: strikeOff ? ('strike-off' as const) : ('plain' as const) })));
    const before = this.value(cell);
    this.write(cell, paragraphs);
    return `${this.where(cell)}: 「${struck}」 struck (${mark}), 「${typed}」 typed after it${strikeOff ? ' (strike w:val="0")' : ''}: 「${before}」→「${this.value(cell)}」`;
  }

  /** A row added under indicator row k, merged into its 一级/二级 groups and the 绩效指标 column. */
  insert({ row, subject, measure, targets }: Extract<Edit, { kind: 'insert' }>): string | undefined {
    const rows = this.indicatorRows();
    if (rows.length === 0) return undefined;
    const k = row % rows.length;
    const tr = rows[k]!;
    const copy = tr.cloneNode(true) as Element;
    const [tcs, copies] = [cellsOf(tr), cellsOf(copy)];
    for (const j of [0, 1, 2]) {
      // The cell above starts the merge if it did not belong to one; the copy continues it, empty.
      if (vMergeOf(tcs[j]!) === undefined) setVMerge(tcs[j]!, 'restart');
      setVMerge(copies[j]!, 'continue');
      const [first, ...rest] = children(copies[j]!, 'p');
      for (const p of rest) copies[j]!.removeChild(p);
      for (const node of Array.from(first!.childNodes)) if ((node as Element).localName !== 'pPr') first!.removeChild(node);
    }
    tr.parentNode!.insertBefore(copy, tr.nextSibling);
    const { level1, level2 } = this.data.indicators[k]!;
    const used = this.texts();
    let name = indicatorName(level1, subject, measure);
    for (let n = 1; used.has(name); n++) name = indicatorName(level1, subject + n, measure + n * 7);
    const text = fresh(targets, used, (n) => `≥${n}(人)`);
    this.data.indicators.splice(k + 1, 0, { level1, level2, name, target: text });
    const [nameCell, targetCell] = [copies.at(-2)!, copies.at(-1)!];
    this.write({ tc: nameCell, field: 'name', indicator: k + 1 }, [{ chars: plain(name) }]);
    this.write({ tc: targetCell, field: 'target', indicator: k + 1 }, [{ chars: plain(text) }]);
    return `row inserted under indicators[${k}] (${level1} / ${level2}): 「${name}」「${text}」`;
  }

  /** Indicator row k deleted; a merge it started is started by the next row, which takes the text. */
  delete({ row }: Extract<Edit, { kind: 'delete' }>): string | undefined {
    const rows = this.indicatorRows();
    if (rows.length === 0) return undefined;
    const k = row % rows.length;
    const tr = rows[k]!;
    const next = rows[k + 1];
    const moved: string[] = [];
    cellsOf(tr).forEach((tc, j) => {
      const below = next && cellsOf(next)[j];
      if (vMergeOf(tc) !== 'restart' || !below || vMergeOf(below) !== 'continue') return;
      setVMerge(below, 'restart');
      for (const p of children(below, 'p')) below.removeChild(p);
      for (const p of children(tc, 'p')) below.appendChild(p);
      moved.push(descendants(below, 't').map((t) => t.textContent).join(''));
    });
    tr.parentNode!.removeChild(tr);
    const [removed] = this.data.indicators.splice(k, 1);
    return `indicators[${k}] deleted (「${removed!.name}」)${moved.length ? `, its merge of 「${moved.join('」「')}」 moved to the next row` : ''}`;
  }

  /** A goal's paragraphs numbered (split into 2–3 first if it has one). */
  number({ goal, list, suffix, paragraphs: count, cuts, newPart }: Extract<Edit, { kind: 'number' }>): string | undefined {
    const goals = this.textCells().filter((c) => c.field === 'overallGoal' || c.field === 'annualGoal');
    const cell = goals[goal % goals.length]!;
    let paragraphs = structuredClone(this.model(cell));
    if (paragraphs.length === 1) {
      // Enter pressed before 1 or 2 characters a person sees, so that no paragraph prints empty.
      const { chars } = paragraphs[0]!;
      const seen = chars.flatMap((c, i) => (STRUCK.has(c.style) ? [] : [i]));
      const at = [...new Set(cuts.slice(0, count - 1).map((c) => 1 + (c % Math.max(1, seen.length - 1))))]
        .filter((c) => c < seen.length)
        .sort((a, b) => a - b)
        .map((c) => seen[c]!);
      paragraphs = [0, ...at].map((from, i) => ({ chars: chars.slice(from, [...at, chars.length][i]) }));
    }
    const { labels, ...level } = LISTS[list]!;
    // The form's first list: sometimes in a numbering.xml of its own, as in a file that had none.
    const ownPart = newPart && !this.applied.has('number');
    if (ownPart) removeNumbering(this.parts);
    const numId = addNumbering(this.parts, { ...level, suff: suffix });
    for (const p of paragraphs) p.list = { numId, labels };
    const before = this.value(cell);
    this.write(cell, paragraphs);
    const how = `${level.numFmt} "${level.lvlText}"${'font' in level ? ` in ${level.font}` : ''}, ${suffix}${ownPart ? ', numbering.xml new' : ''}`;
    return `${cell.field} numbered (${how}): 「${before}」→「${this.value(cell)}」`;
  }

  /** A ≥ or ≤ written as the Symbol font's character. */
  symbol({ at, form }: Extract<Edit, { kind: 'symbol' }>): string | undefined {
    const spots = this.textCells().flatMap((cell) =>
      this.model(cell).flatMap((p, pi) =>
        p.chars.flatMap((c, ci) => (SYMBOL_CODES[c.ch] !== undefined && (c.style === 'plain' || c.style === 'strike-off') ? [{ cell, pi, ci }] : [])),
      ),
    );
    if (spots.length === 0) return undefined;
    const { cell, pi, ci } = spots[at % spots.length]!;
    const paragraphs = structuredClone(this.model(cell));
    const char = paragraphs[pi]!.chars[ci]!;
    char.style = form;
    this.write(cell, paragraphs);
    return `${this.where(cell)}: its ${char.ch} written as the Symbol font's ${form === 'sym' ? '<w:sym w:char="' : 'U+'}${SYMBOL_CODES[char.ch]!.toString(16).toUpperCase()}${form === 'sym' ? '"/>' : ''}`;
  }
}

/** The first candidate not yet used, else one made distinct from `made(n)`. */
function fresh(candidates: readonly string[], used: ReadonlySet<string>, made: (n: number) => string): string {
  const found = candidates.find((c) => !used.has(c));
  if (found !== undefined) return found;
  let n = 7001;
  while (used.has(made(n))) n++;
  return made(n);
}

// ---------------------------------------------------------------------------------------------
// The property

interface Tally {
  runs: number;
  /** Runs in which each kind of edit was made. */
  applied: Record<Kind, number>;
  refusals: Array<{ edits: string[]; problems: string[] }>;
}

async function formDocx(packet: Packet): Promise<Uint8Array> {
  const project = packet.projects[0]!;
  const grid = declarationDocument(templates, project, packet.year, 0);
  return renderDocx(grid, { creationDate: new Date('2024-01-01T00:00:00Z'), title: project.name, properties: wordProperties(packet) });
}

/** Builds the form, edits it, reads it back: the data as edited, or a refusal (tallied). */
async function check(packet: Packet, sequence: readonly Edit[], tally: Tally): Promise<void> {
  // The generator makes valid packets only; a rule that refuses one is a finding in itself.
  expect(validatePacket(packet).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const original = await formDocx(packet);
  let form: Form | undefined;
  const bytes = editDocxParts(original, (parts) => {
    // Word writes a merge's continuation as a bare <w:vMerge/> when it saves.
    wordStyleMerges(parts.document);
    form = new Form(parts, structuredClone(packet.projects[0]!));
    for (const edit of sequence) form.apply(edit);
  });
  const { log, data, applied } = form!;
  tally.runs++;
  for (const kind of applied) tally.applied[kind]++;

  let read: Awaited<ReturnType<typeof extractDocx>>;
  try {
    read = await extractDocx(bytes, 'x.docx', templates);
  } catch (error) {
    // A refusal of the whole file: allowed, and counted, like problems.
    if (!(error instanceof UserError)) throw error;
    tally.refusals.push({ edits: log, problems: [error.message] });
    return;
  }
  if (read.problems.length > 0) {
    expect(read.data).toBeUndefined();
    tally.refusals.push({ edits: log, problems: read.problems.map((d) => d.message) });
    return;
  }
  const expected: Packet = { title: packet.title, unit: packet.unit, year: packet.year, projects: [data] };
  expect(read.data, `read back after: ${log.join('; ') || 'no edit'}`).toEqual(expected);
}

function emptyTally(): Tally {
  return { runs: 0, applied: { target: 0, strike: 0, insert: 0, delete: 0, number: 0, symbol: 0 }, refusals: [] };
}

/** Every edit of the catalogue is one the reader must read: a refusal is a finding, named with its edits. */
function expectNoRefusals(tally: Tally): void {
  const shown = tally.refusals.slice(0, 3).map((r) => `  edits: ${r.edits.join('; ')}\n  problems: ${r.problems.join(' | ')}`);
  expect(tally.refusals.length, `${tally.refusals.length} of ${tally.runs} runs refused:\n${shown.join('\n')}`).toBe(0);
}

// About 6 s in all on a 2-core machine. The time limit only bounds a long shrink after a failure.
const RUNS_PER_KIND = 20;
const RUNS_MIXED = 60;

describe('a revised form reads back as the edited data, or is refused (model-based, fast-check)', () => {
  // One edit kind at a time (1–3 of it), so that a failure names the catalogue entry.
  it.each(KINDS)('edits of one kind: %s', async (kind) => {
    const tally = emptyTally();
    await fc.assert(
      fc.asyncProperty(packets, fc.array(edits[kind], { minLength: 1, maxLength: 3 }), (packet, sequence) => check(packet, sequence, tally)),
      { numRuns: RUNS_PER_KIND, interruptAfterTimeLimit: 30_000, markInterruptAsFailure: true },
    );
    expect(tally.applied[kind]).toBeGreaterThan(0);
    expectNoRefusals(tally);
  });

  it('any sequence of one to three edits from the catalogue', async () => {
    const tally = emptyTally();
    const anyEdit = fc.oneof(...KINDS.map((kind) => edits[kind]));
    await fc.assert(
      fc.asyncProperty(packets, fc.array(anyEdit, { minLength: 1, maxLength: 3 }), (packet, sequence) => check(packet, sequence, tally)),
      { numRuns: RUNS_MIXED, interruptAfterTimeLimit: 30_000, markInterruptAsFailure: true },
    );
    for (const kind of KINDS) expect(tally.applied[kind], kind).toBeGreaterThan(0);
    expectNoRefusals(tally);
  });
});
