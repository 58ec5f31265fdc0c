// The one source of truth for a packet's data: the zod schema gives the TypeScript types, the
// validation of every input, and schema/packet.schema.json for editors. Each field's `title` is
// its label on the form, so diagnostics can name fields the way the office knows them.
import { z } from 'zod';
import { DisplaySchema } from './display.js';
import { MONEY_LIMIT, MONEY_PATTERN } from './money.js';
import { GOAL_MAX_LENGTH, INDICATOR_TEXT_MAX_LENGTH, NAME_MAX_LENGTH, textField } from './text.js';

export { GOAL_MAX_LENGTH, INDICATOR_TEXT_MAX_LENGTH, NAME_MAX_LENGTH } from './text.js';

/** Single-line text: trimmed, at most NAME_MAX_LENGTH characters (see text.ts for all checks). */
const text = (title: string, maxLength = NAME_MAX_LENGTH) => textField(title, { maxLength });

/** Goal text: kept as written (line breaks, indentation), up to GOAL_MAX_LENGTH characters. */
const goal = (title: string, blank = '不能为空') => textField(title, { maxLength: GOAL_MAX_LENGTH, trim: false, blank });

const MONEY_MESSAGE = '金额应写成不带千位分隔符、最多两位小数的数字字符串，如 "200000.00"';

const money = (title: string) =>
  z
    // A number (200000) instead of a string gets the same advice: the quotes are what is missing.
    .string({ error: (issue) => (issue.input === undefined ? '缺少必填项' : MONEY_MESSAGE) })
    .regex(MONEY_PATTERN, { error: MONEY_MESSAGE })
    // 99,999,999,999.99 元 is far beyond any district budget line; more is a slip of the keyboard.
    .regex(MONEY_LIMIT, { error: '金额过大：最多 99999999999.99（千亿元以下），请检查是否多打了数字' })
    .meta({ title, examples: ['200000.00', '0.00'] });

const isoDate = (title: string) =>
  z.iso
    .date({
      // 2023-02-30 is written right but is no day of the calendar: say that, not the format.
      error: (issue) =>
        issue.input === undefined
          ? '缺少必填项'
          : typeof issue.input === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(issue.input)
          ? `日期 ${issue.input} 不存在，请检查月份和日期`
          : '日期应写成 ISO 格式 YYYY-MM-DD，如 "2023-01-01"',
    })
    .meta({ title });

const YEAR_RANGE = '年度应在 2000 到 2100 之间';

export const NATURES = ['经常性项目', '阶段性项目', '一次性项目'] as const;

export const IndicatorSchema = z
  .object({
    // Names from the framework's closed lists are kept as written, as 项目性质 is: a space around one
    // is named by validate (rules.ts), as the editor's enum names it, not trimmed away unseen.
    level1: textField('一级指标', { maxLength: NAME_MAX_LENGTH, trim: false }),
    level2: textField('二级指标', { maxLength: NAME_MAX_LENGTH, trim: false }),
    name: text('三级指标', INDICATOR_TEXT_MAX_LENGTH),
    target: text('年度(/项目)指标值', INDICATOR_TEXT_MAX_LENGTH).meta({
      description:
        '按表上印出的原样填写。数量型：运算符 + 数值 + (单位)，如 "≥4(次)"、"=90 (%)"、"≤5%"；定性或时间：文字，如 "提升"、"4季度前"',
    }),
  })
  .strict()
  .meta({ title: '绩效指标' });

export const ProjectFundsSchema = z
  .object({
    total: money('项目资金总额').optional(),
    fiscal: money('其中：财政资金').optional(),
    other: money('其他资金').optional(),
  })
  .strict()
  .meta({ title: '项目资金', description: '整个项目（可跨年度）的资金；可留空' });

export const AnnualFundsSchema = z
  .object({
    total: money('年度资金申请总额'),
    fiscal: money('其中：当年财政拨款'),
    carryover: money('上年结转资金'),
    other: money('其他资金'),
  })
  .strict()
  .meta({ title: '年度资金' });

export const ProjectSchema = z
  .object({
    name: text('项目名称'),
    nature: z
      .enum(NATURES, {
        // "经常性项目 " is right but for a space no one sees: say that, not just the list.
        error: (issue) =>
          issue.input === undefined
            ? '缺少必填项'
            : typeof issue.input === 'string' && (NATURES as readonly string[]).includes(issue.input.trim())
              ? `「${issue.input}」前后有多余的空格，请删去`
              : undefined,
      })
      .meta({ title: '项目性质' }),
    category: text('项目类别'),
    department: text('主管部门'),
    implementer: text('实施单位'),
    startDate: isoDate('计划开始日期'),
    endDate: isoDate('计划完成日期'),
    funds: z
      .object({ project: ProjectFundsSchema, annual: AnnualFundsSchema })
      .strict()
      .meta({ title: '项目资金（元）' }),
    overallGoalHeading: text('项目总目标的标题')
      .optional()
      .meta({
        title: '项目总目标的标题',
        description: '申报表上“项目总目标”一栏的标题，省略时印“项目总目标”。跨年度的阶段性项目可写成如 "项目总体目标(2024年-2026年)"',
        examples: ['项目总体目标(2024年-2026年)'],
      }),
    overallGoal: goal('项目总目标', '不能为空：没有项目总目标时省略这一项')
      .optional()
      .meta({ title: '项目总目标', description: '可省略；保留换行' }),
    annualGoal: goal('年度总体目标').meta({ description: '必填；保留换行' }),
    // An empty list is accepted (a warning): the form then prints only the indicator header row.
    indicators: z.array(IndicatorSchema).meta({ title: '绩效指标' }),
  })
  .strict()
  .meta({ title: '项目' });

export const PacketSchema = z
  .object({
    // An editor's pointer, not data; but it goes into every Word file's properties, so it is text like the rest.
    $schema: textField('数据格式的地址', { maxLength: 2_000 }).optional(),
    title: text('汇总表标题'),
    unit: text('单位'),
    year: z
      .int({ error: (issue) => (issue.input === undefined ? '缺少必填项' : '应为整数年份，如 2023') })
      .min(2000, { error: YEAR_RANGE })
      .max(2100, { error: YEAR_RANGE })
      .meta({ title: '年度' }),
    display: DisplaySchema.optional(),
    projects: z.array(ProjectSchema).min(1).meta({ title: '项目' }),
  })
  .strict()
  .meta({ title: '项目绩效目标汇总表' });

export type Indicator = z.infer<typeof IndicatorSchema>;
export type Project = z.infer<typeof ProjectSchema>;
export type Packet = z.infer<typeof PacketSchema>;
export type { Display } from './display.js';
