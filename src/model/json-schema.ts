// schema/packet.schema.json, generated from the zod schema so editors can complete and check data
// files. A test keeps the committed file current (`npm run schema` rewrites it).
// zod gives the fields, types and checks; this file adds what only an editor reads (VS Code's JSON
// service, vscode-json-languageservice): the indicator framework as enums, Chinese error text in
// place of raw regular expressions (`errorMessage`, `patternErrorMessage`), `defaultSnippets`, and
// a stable `$id`. Rules the validator only warns about are worded so in the editor's message.
import { z } from 'zod';
import { LEVEL1_NAMES, LEVEL2_BY_LEVEL1 } from './framework.js';
import { MONEY_LIMIT, MONEY_PATTERN } from './money.js';
import { NATURES, PacketSchema } from './packet.js';
import { VISIBLE_TEXT_PATTERN } from './text.js';

export const SCHEMA_TITLE = '项目绩效目标汇总表（shenbao 数据文件）';

/**
 * A name for the schema, not an address: `.invalid` never resolves, so no editor fetches it. Data
 * files do not point at the schema; the folder's .vscode/settings.json maps them to the schema file
 * beside them (output/init.ts), so a data file copied elsewhere carries no broken path.
 */
export const SCHEMA_ID = 'https://shenbao.invalid/schema/packet.schema.json';

/** The schema's file name beside the data (`shenbao init`, `shenbao schema -o`). */
export const SCHEMA_FILE = 'packet.schema.json';

/**
 * 项目类别 as forms write it (预算管理一体化: 项目支出分为 … 其他运转类项目 和 特定目标类项目). The
 * validator accepts any text here, so the editor offers these without refusing others.
 */
export const CATEGORY_EXAMPLES = ['特定目标类', '其他运转类'] as const;

// The validator's own wording where it is fixed text (validate/ prints the same).
const MONEY_MESSAGE = '金额应写成不带千位分隔符、最多两位小数的数字字符串，如 "200000.00"';
const MONEY_LIMIT_MESSAGE = '金额过大：最多 99999999999.99（千亿元以下），请检查是否多打了数字';
const DATE_MESSAGE = '日期应写成 ISO 格式 YYYY-MM-DD，如 "2023-01-01"';
const BLANK_MESSAGE = '不能为空';
// The validator names the character and its position; a pattern cannot.
const INVISIBLE_MESSAGE = '含有不可见字符（控制字符、Tab、零宽空格、方向控制符、单独的回车符等），多半是从网页或 Word 复制来的，请删除；shenbao validate 会指出是第几个字符';

const PATTERN_MESSAGES: ReadonlyMap<string, string> = new Map([
  ['\\S', BLANK_MESSAGE],
  [VISIBLE_TEXT_PATTERN.source, INVISIBLE_MESSAGE],
  [MONEY_PATTERN.source, MONEY_MESSAGE],
  [MONEY_LIMIT.source, MONEY_LIMIT_MESSAGE],
]);

const LEVEL1_LIST = LEVEL1_NAMES.join('、');
const LEVEL1_MESSAGE = `一级指标只有 ${LEVEL1_LIST}（照这样写，前后不加空格）`;
const level2Message = (level1: string) =>
  `「${level1}」下的二级指标是 ${LEVEL2_BY_LEVEL1[level1]!.join('、')}；写成别的，shenbao 只给警告，表上照原样打印`;

type Schema = Record<string, unknown>;

export function packetJsonSchema(): string {
  const generated = z.toJSONSchema(PacketSchema, { target: 'draft-2020-12', io: 'input' }) as Schema;
  const { $schema, ...rest } = generated;
  const schema: Schema = { $schema, $id: SCHEMA_ID, ...rest, title: SCHEMA_TITLE };
  annotate(schema);
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** The editor-only keywords, added in place. */
function annotate(root: Schema): void {
  addPatternMessages(root);
  root.description = '一个数据文件就是一个汇总表：汇总表标题、单位、年度和各个项目。用 shenbao validate 检查，shenbao build 生成申报表和汇总表';

  const properties = root.properties as Record<string, Schema>;
  properties.$schema!.description = '可省略。编辑器凭文件夹里的 .vscode/settings.json 找到 packet.schema.json（shenbao init 会写好）';
  properties.year!.errorMessage = '应为整数年份，如 2023';

  const display = properties.display!.properties as Record<string, Schema>;
  display.zeroAmount!.errorMessage = '应为 "0.00"（默认）、"0"，或 "" 留空';
  display.yearBrackets!.errorMessage = '应为以下之一：ascii、fullwidth';

  const projects = properties.projects!;
  projects.description = '至少一个项目；每个项目印成一张申报表';
  const project = projects.items as Schema;
  project.defaultSnippets = [{ label: '新项目', description: '一个项目的全部栏目，按 Tab 键逐项填写', body: projectSnippet() }];
  const fields = project.properties as Record<string, Schema>;
  fields.nature!.errorMessage = `项目性质只有 ${NATURES.join('、')}（照这样写，前后不加空格）`;
  fields.nature!.description = '跨年度的项目写 阶段性项目';
  fields.category!.examples = [...CATEGORY_EXAMPLES];
  fields.category!.description = `如 ${CATEGORY_EXAMPLES.join('、')}；照表上写`;
  for (const date of ['startDate', 'endDate']) {
    fields[date]!.patternErrorMessage = DATE_MESSAGE;
    fields[date]!.description = 'ISO 格式 YYYY-MM-DD，如 "2023-01-01"；印出的样子由 display.dateFormat 决定';
  }
  // Blank goal text: the validator's own advice for the optional one.
  setPatternMessage(fields.overallGoal!, '\\S', '不能为空：没有项目总目标时省略这一项');
  for (const part of ['project', 'annual']) {
    const funds = (fields.funds!.properties as Record<string, Schema>)[part]!.properties as Record<string, Schema>;
    // Also the type error: a number where the string was meant gets the same advice, as in validate.
    for (const amount of Object.values(funds)) amount.errorMessage = MONEY_MESSAGE;
  }

  const indicators = fields.indicators!;
  indicators.description = '同一二级指标的三级指标排在一起；至少要有满意度指标';
  annotateIndicator(indicators.items as Schema);
}

/** 一级指标 from the framework (an error in validate too); 二级指标 under each 一级 (a warning there). */
function annotateIndicator(indicator: Schema): void {
  const fields = indicator.properties as Record<string, Schema>;
  fields.level1!.enum = [...LEVEL1_NAMES];
  fields.level1!.errorMessage = LEVEL1_MESSAGE;
  fields.level1!.markdownDescription = `指标框架的一级指标：${LEVEL1_NAMES.map((name) => `\`${name}\``).join('、')}`;
  fields.level2!.markdownDescription = [
    '指标框架中一级指标下的二级指标：',
    '',
    ...LEVEL1_NAMES.map((level1) => `- ${level1}：${LEVEL2_BY_LEVEL1[level1]!.join('、')}`),
  ].join('\n');
  // if/then, not anyOf: VS Code's service rewrites an enum message inside anyOf in English, and
  // completes a `then` branch's enum once the `if` holds.
  indicator.allOf = LEVEL1_NAMES.map((level1) => ({
    if: { properties: { level1: { const: level1 } }, required: ['level1'] },
    then: { properties: { level2: { enum: [...LEVEL2_BY_LEVEL1[level1]!], errorMessage: level2Message(level1) } } },
  }));
  indicator.defaultSnippets = LEVEL1_NAMES.map((level1) => ({
    label: `新指标：${level1}`,
    description: `${level1}下的一条三级指标`,
    body: indicatorSnippet(level1),
  }));
}

const choice = (index: number, values: readonly string[]) => `\${${index}|${values.join(',')}|}`;

function indicatorSnippet(level1: string, first = 1): Schema {
  return { level1, level2: choice(first, LEVEL2_BY_LEVEL1[level1]!), name: `$${first + 1}`, target: `$${first + 2}` };
}

function projectSnippet(): Schema {
  return {
    name: '$1',
    nature: choice(2, NATURES),
    category: choice(3, CATEGORY_EXAMPLES),
    department: '$4',
    implementer: '$5',
    startDate: '$6',
    endDate: '$7',
    funds: { project: {}, annual: { total: '${8:0.00}', fiscal: '${9:0.00}', carryover: '${10:0.00}', other: '${11:0.00}' } },
    annualGoal: '$12',
    indicators: [indicatorSnippet(LEVEL1_NAMES[0]!, 13)],
  };
}

/** Every pattern zod wrote gets its Chinese message (the editor otherwise shows the expression). */
function addPatternMessages(node: unknown): void {
  if (Array.isArray(node)) node.forEach(addPatternMessages);
  else if (node !== null && typeof node === 'object') {
    const schema = node as Schema;
    const message = typeof schema.pattern === 'string' ? PATTERN_MESSAGES.get(schema.pattern) : undefined;
    if (message !== undefined) schema.patternErrorMessage = message;
    Object.values(schema).forEach(addPatternMessages);
  }
}

function setPatternMessage(field: Schema, pattern: string, message: string): void {
  for (const part of (field.allOf as Schema[] | undefined) ?? [field]) if (part.pattern === pattern) part.patternErrorMessage = message;
}
