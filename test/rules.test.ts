// The validation rules of issue 5, item 7, and the text checks of items 3 and 8: each case changes
// one thing in the first seed project (培训费, which has no diagnostics of its own) and asserts the
// exact diagnostics that project or the packet then gets.
import { describe, expect, it } from 'vitest';
import { GOAL_MAX_LENGTH, INDICATOR_TEXT_MAX_LENGTH, NAME_MAX_LENGTH } from '../src/model/text.js';
import { validatePacket } from '../src/validate/validate.js';
import type { Diagnostic } from '../src/model/diagnostic.js';
import type { Packet } from '../src/model/packet.js';
import { loadSeed } from './support/seed.js';

type Raw = Record<string, unknown>;
type RawProject = Raw & { indicators: Raw[] };

function withFirstProject(change: (p: RawProject) => void): Raw {
  const packet = loadSeed() as unknown as Raw & { projects: RawProject[] };
  change(packet.projects[0]!);
  return packet;
}

/** The diagnostics of project 1, or of the packet itself, as plain objects. */
const ofFirstProject = (raw: unknown): Diagnostic[] =>
  validatePacket(raw).diagnostics.filter((d) => d.path[0] === 'projects' && d.path[1] === 0);
const ofPacket = (raw: unknown): Diagnostic[] => validatePacket(raw).diagnostics.filter((d) => d.path[0] !== 'projects');

const schemaError = (path: Array<string | number>, message: string): Diagnostic => ({
  severity: 'error',
  path,
  message,
  hint: undefined,
  code: 'schema',
});

describe('年度总体目标 is required', () => {
  it('is an error when missing', () => {
    const packet = withFirstProject((p) => delete p.annualGoal);
    expect(ofFirstProject(packet)).toEqual([schemaError(['projects', 0, 'annualGoal'], '缺少必填项')]);
    expect(validatePacket(packet).accepted.map((a) => a.number)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('is an error when empty or whitespace only (spaces, 全角空格, line breaks)', () => {
    for (const blank of ['', ' \u3000\n ']) {
      const packet = withFirstProject((p) => (p.annualGoal = blank));
      expect(ofFirstProject(packet)).toEqual([schemaError(['projects', 0, 'annualGoal'], '不能为空')]);
    }
  });

  it('says how to leave out a blank 项目总目标', () => {
    const packet = withFirstProject((p) => (p.overallGoal = '   '));
    expect(ofFirstProject(packet)).toEqual([
      schemaError(['projects', 0, 'overallGoal'], '不能为空：没有项目总目标时省略这一项'),
    ]);
  });

  it('gives one message for a blank single-line field, not two', () => {
    const packet = withFirstProject((p) => (p.indicators[1]!.name = '\t'));
    expect(ofFirstProject(packet)).toEqual([schemaError(['projects', 0, 'indicators', 1, 'name'], '不能为空')]);
  });
});

describe('invisible characters in text', () => {
  const cases: Array<[string, (p: RawProject) => void, Array<string | number>, string]> = [
    [
      'a zero-width space in the name',
      (p) => (p.name = '培训\u200B费'),
      ['name'],
      '第 3 个字符是不可见字符 U+200B（零宽空格），多半是从网页或 Word 复制来的，请删除',
    ],
    [
      'a soft hyphen in a goal (printed as nothing, or as a gap: the text reads back otherwise)',
      (p) => (p.annualGoal = '分段\u00AD标记'),
      ['annualGoal'],
      '第 3 个字符是不可见字符 U+00AD（软连字符），多半是从网页或 Word 复制来的，请删除',
    ],
    [
      'a BOM at the end of the department (checked before trimming)',
      (p) => (p.department = '上海市闵行区地区工作办公室\uFEFF'),
      ['department'],
      '第 14 个字符是不可见字符 U+FEFF（零宽不换行空格 / BOM），多半是从网页或 Word 复制来的，请删除',
    ],
    [
      'a tab in a target, counted after a character outside the BMP',
      (p) => (p.indicators[2]!.target = '𠀀=16\t(课时)'),
      ['indicators', 2, 'target'],
      '第 5 个字符是 U+0009（制表符 Tab），表上无法显示，请换成空格或删除',
    ],
    [
      'a C0 control character, twice',
      (p) => (p.category = '特定\u0001目标\u0001类'),
      ['category'],
      '第 3 个字符是控制字符 U+0001，表上无法显示，多半是文件损坏或复制时带入的，请删除（共 2 处）',
    ],
    [
      'a C1 control character (NEL)',
      (p) => (p.implementer = '地区\u0085工作办公室'),
      ['implementer'],
      '第 3 个字符是控制字符 U+0085，表上无法显示，多半是文件损坏或复制时带入的，请删除',
    ],
    [
      'a lone carriage return in a goal',
      (p) => (p.annualGoal = '第一句。\r第二句。'),
      ['annualGoal'],
      '第 5 个字符是 U+000D（单独的回车符），换行请用 \\n 或 \\r\\n',
    ],
    [
      'a right-to-left override in an indicator name',
      (p) => (p.indicators[0]!.name = '\u202E社会治理培训完成次数'),
      ['indicators', 0, 'name'],
      '第 1 个字符是不可见字符 U+202E（从右到左强制），多半是从网页或 Word 复制来的，请删除',
    ],
  ];
  it.each(cases)('%s is an error naming the code point and position', (_, change, field, message) => {
    expect(ofFirstProject(withFirstProject(change))).toEqual([schemaError(['projects', 0, ...field], message)]);
  });

  it('accepts Windows line ends in a goal and keeps them as plain line breaks', () => {
    const packet = withFirstProject((p) => (p.annualGoal = '第一句。\r\n第二句。\r\n'));
    const result = validatePacket(packet);
    expect(ofFirstProject(packet)).toEqual([]);
    expect(result.packet!.projects[0]!.annualGoal).toBe('第一句。\n第二句。\n');
  });
});

describe('maximum text lengths', () => {
  it('are generous and documented', () => {
    expect([GOAL_MAX_LENGTH, NAME_MAX_LENGTH, INDICATOR_TEXT_MAX_LENGTH]).toEqual([200_000, 200, 500]);
  });

  it('accept a goal of exactly GOAL_MAX_LENGTH characters and refuse one more', () => {
    const long = '目'.repeat(GOAL_MAX_LENGTH);
    expect(ofFirstProject(withFirstProject((p) => (p.annualGoal = long)))).toEqual([]);
    expect(ofFirstProject(withFirstProject((p) => (p.overallGoal = `${long}标`)))).toEqual([
      schemaError(['projects', 0, 'overallGoal'], '太长：最多 200000 个字符，现有 200001 个'),
    ]);
  });

  it('refuse a long name and a long target, and do not scan a huge text further', () => {
    const packet = withFirstProject((p) => {
      p.name = '名'.repeat(731);
      p.indicators[4]!.target = `=100(%)${'备'.repeat(INDICATOR_TEXT_MAX_LENGTH)}`;
      p.annualGoal = '\u200B'.repeat(17_000_000); // would also be invisible: only the length is reported
    });
    expect(ofFirstProject(packet)).toEqual([
      schemaError(['projects', 0, 'name'], '太长：最多 200 个字符，现有 731 个'),
      schemaError(['projects', 0, 'annualGoal'], '太长：最多 200000 个字符，现有 17000000 个'),
      schemaError(['projects', 0, 'indicators', 4, 'target'], '太长：最多 500 个字符，现有 507 个'),
    ]);
  });
});

describe('dates and the packet year', () => {
  const warning = (field: string, message: string, hint: string): Diagnostic => ({
    severity: 'warning',
    path: ['projects', 0, field],
    message,
    hint,
    code: 'date-year',
  });
  const ordinaryHint = '经常性项目的计划日期通常在申报的年度之内；跨年度的项目请把项目性质写成 阶段性项目';
  const phasedHint = '阶段性项目可以跨年度，但申报的 2023 年度应在计划开始与完成日期之间';

  it('warns when an ordinary project starts or ends outside the year, and still builds it', () => {
    const packet = withFirstProject((p) => {
      p.startDate = '2022-12-01';
      p.endDate = '2024-01-31';
    });
    expect(ofFirstProject(packet)).toEqual([
      warning('startDate', '计划开始日期 2022-12-01 不在 2023 年度内', ordinaryHint),
      warning('endDate', '计划完成日期 2024-01-31 不在 2023 年度内', ordinaryHint),
    ]);
    expect(validatePacket(packet).packet).toBeDefined();
  });

  it('lets a 阶段性项目 span several years around the packet year', () => {
    const packet = withFirstProject((p) => {
      p.nature = '阶段性项目';
      p.startDate = '2021-03-01';
      p.endDate = '2025-06-30';
    });
    expect(ofFirstProject(packet)).toEqual([]);
  });

  it('warns when a 阶段性项目 does not include the packet year', () => {
    const later = withFirstProject((p) => {
      p.nature = '阶段性项目';
      p.startDate = '2024-02-01';
      p.endDate = '2025-06-30';
    });
    expect(ofFirstProject(later)).toEqual([warning('startDate', '计划开始日期 2024-02-01 晚于 2023 年度', phasedHint)]);
    const earlier = withFirstProject((p) => {
      p.nature = '阶段性项目';
      p.startDate = '2021-01-01';
      p.endDate = '2022-12-31';
    });
    expect(ofFirstProject(earlier)).toEqual([warning('endDate', '计划完成日期 2022-12-31 早于 2023 年度', phasedHint)]);
  });
});

describe('the year and the title', () => {
  it('is an error on year when it contradicts the title; the forms still build, the 汇总表 does not', () => {
    const packet = { ...loadSeed(), year: 2024 };
    expect(ofPacket(packet)).toEqual([
      {
        severity: 'error',
        path: ['year'],
        message: '年度 2024 与汇总表标题中的「2023年」不一致',
        hint: '标题是「上海市闵行区地区工作办公室2023年度项目绩效目标汇总表」；改正年度（year）或标题，使两者一致',
        code: 'year-title',
      },
    ]);
    const result = validatePacket(packet);
    expect(result.packet).toBeUndefined();
    expect(result.header?.year).toBe(2024);
    expect(result.accepted).toHaveLength(10);
    // The dates (all in 2023) are not measured against the doubtful year: one fault, one message.
    expect(result.diagnostics.filter((d) => d.code === 'date-year')).toEqual([]);
  });

  it('measures the dates against the year even when another packet-level field is broken', () => {
    const packet = { ...loadSeed(), unit: ' ' } as Raw;
    (packet.projects as RawProject[])[0]!.endDate = '2024-01-31';
    expect(validatePacket(packet).diagnostics.map((d) => [d.path.join('.'), d.message])).toEqual([
      ['unit', '不能为空'],
      ['projects.0.endDate', '计划完成日期 2024-01-31 不在 2023 年度内'],
      ['projects.2.indicators', '没有满意度指标'],
      ['projects.3.indicators.12.name', '三级指标「长效管理机制健全性」归在满意度指标下，但不是满意度指标'],
    ]);
  });

  it('reads full-width digits and accepts a title without a year', () => {
    const fullWidth = { ...loadSeed(), title: '闵行区２０２３年度项目绩效目标汇总表' };
    expect(ofPacket(fullWidth)).toEqual([]);
    expect(ofPacket({ ...fullWidth, year: 2022 })[0]?.message).toBe('年度 2022 与汇总表标题中的「2023年」不一致');
    expect(ofPacket({ ...loadSeed(), title: '项目绩效目标汇总表' })).toEqual([]);
  });
});

describe('the indicator framework', () => {
  const level1Error = (i: number, level1: string, hint: string | undefined): Diagnostic => ({
    severity: 'error',
    path: ['projects', 0, 'indicators', i, 'level1'],
    message: `「${level1}」不是一级指标：一级指标只有 产出指标、成本指标、效益指标、满意度指标`,
    hint,
    code: 'framework-level1',
  });

  it('refuses an unknown 一级指标, suggesting the nearest or where a 二级指标 belongs', () => {
    const packet = withFirstProject((p) => {
      p.indicators[0]!.level1 = '产出指数';
      p.indicators[1]!.level1 = '数量指标';
      p.indicators[2]!.level1 = '其他';
    });
    // Rows 0-2 now form three groups; the split of the remaining 产出指标/数量指标 is not reported:
    // rows 1 and 2 carry other 一级指标 now.
    expect(ofFirstProject(packet)).toEqual([
      level1Error(0, '产出指数', '是不是「产出指标」？'),
      level1Error(1, '数量指标', '「数量指标」是二级指标，属于一级指标「产出指标」'),
      level1Error(2, '其他', undefined),
    ]);
    expect(validatePacket(packet).accepted.map((a) => a.number)).not.toContain(1);
  });

  it('warns about a 二级指标 known only under another 一级指标', () => {
    const packet = withFirstProject((p) => {
      p.indicators[6]!.level2 = '质量指标';
      p.indicators[7]!.level2 = '质量指标';
      p.indicators[8]!.level2 = '质量指标';
    });
    expect(ofFirstProject(packet).map((d) => [d.severity, d.path, d.message, d.hint, d.code])).toEqual(
      [6, 7, 8].map((i) => [
        'warning',
        ['projects', 0, 'indicators', i, 'level2'],
        '二级指标「质量指标」不属于一级指标「效益指标」',
        '指标框架中「质量指标」属于「产出指标」；表上照原样打印',
        'framework-level2',
      ]),
    );
  });

  it('warns about a 二级指标 known nowhere, with the nearest as a hint', () => {
    const packet = withFirstProject((p) => {
      p.indicators[0]!.level2 = '数量指数';
      p.indicators[1]!.level2 = '数量指数';
      p.indicators[2]!.level2 = '数量指数';
    });
    expect(ofFirstProject(packet)).toEqual(
      [0, 1, 2].map((i) => ({
        severity: 'warning',
        path: ['projects', 0, 'indicators', i, 'level2'],
        message: '「数量指数」不是指标框架中的二级指标',
        hint: '是不是「数量指标」？',
        code: 'framework-level2-unknown',
      })),
    );
  });

  it('accepts a project without indicators, with one warning', () => {
    const packet = withFirstProject((p) => (p.indicators = []));
    expect(ofFirstProject(packet)).toEqual([
      {
        severity: 'warning',
        path: ['projects', 0, 'indicators'],
        message: '没有绩效指标',
        hint: '表上只印出指标的表头一行',
        code: 'no-indicators',
      },
    ]);
    expect((validatePacket(packet).packet as Packet).projects[0]!.indicators).toEqual([]);
  });
});

describe('targets (年度(/项目)指标值)', () => {
  const HINT = '数量型指标值写成 运算符 + 数值 + (单位)，如「≥4(次)」「=90(%)」；定性指标直接写文字，如「提升」';
  const malformed = (i: number, message: string): Diagnostic => ({
    severity: 'error',
    path: ['projects', 0, 'indicators', i, 'target'],
    message,
    hint: HINT,
    code: 'target-malformed',
  });

  it('refuses a target that starts with an operator but has no number, or unpaired brackets', () => {
    const packet = withFirstProject((p) => {
      p.indicators[0]!.target = '≥(次)';
      p.indicators[1]!.target = '=abc%';
      p.indicators[2]!.target = '≥4(次';
      p.indicators[3]!.target = '=300()';
    });
    expect(ofFirstProject(packet)).toEqual([
      malformed(0, '指标值「≥(次)」有误：「≥」后面缺少数值'),
      malformed(1, '指标值「=abc%」有误：「=」后面缺少数值'),
      malformed(2, '指标值「≥4(次」有误：单位的括号「(次」不成对'),
      malformed(3, '指标值「=300()」有误：括号里缺少单位'),
    ]);
  });

  it('warns about a percentage over 100, exactly (100.00 is not over)', () => {
    const packet = withFirstProject((p) => {
      p.indicators[4]!.target = '=100.00(%)';
      p.indicators[10]!.target = '≥100.01%';
    });
    expect(ofFirstProject(packet)).toEqual([
      {
        severity: 'warning',
        path: ['projects', 0, 'indicators', 10, 'target'],
        message: '指标值「≥100.01%」超过 100%',
        hint: '百分比通常不超过 100%；增长率等确可超过 100% 的指标可忽略此警告',
        code: 'target-percent',
      },
    ]);
  });

  it('accepts full-width forms and qualitative text', () => {
    const packet = withFirstProject((p) => {
      p.indicators[0]!.target = '≥4（次）';
      p.indicators[1]!.target = '＝３００（人）';
      p.indicators[2]!.target = '≧16课时';
      p.indicators[5]!.target = '2023年12月底前';
    });
    expect(ofFirstProject(packet)).toEqual([]);
  });
});

describe('amounts a form cannot hold', () => {
  it('refuses an amount of 12 digits before the point, and takes 11', () => {
    const big = withFirstProject((p) => {
      (p.funds as { annual: Raw }).annual = { total: '100000000000.00', fiscal: '100000000000.00', carryover: '0.00', other: '0.00' };
    });
    expect(ofFirstProject(big).map((d) => [d.path.join('.'), d.message])).toEqual([
      ['projects.0.funds.annual.total', '金额过大：最多 99999999999.99（千亿元以下），请检查是否多打了数字'],
      ['projects.0.funds.annual.fiscal', '金额过大：最多 99999999999.99（千亿元以下），请检查是否多打了数字'],
    ]);
    const largest = withFirstProject((p) => {
      (p.funds as { annual: Raw; project: Raw }).annual = { total: '99999999999.99', fiscal: '99999999999.99', carryover: '0.00', other: '0.00' };
    });
    expect(ofFirstProject(largest)).toEqual([]);
  });

  it('refuses parts of the project funds without their total', () => {
    const packet = withFirstProject((p) => {
      (p.funds as { project: Raw }).project = { fiscal: '300000.00' };
    });
    expect(ofFirstProject(packet)).toEqual([
      {
        severity: 'error',
        path: ['projects', 0, 'funds', 'project', 'total'],
        message: '填了项目资金的财政资金或其他资金，却没有填项目资金总额',
        hint: '项目资金总额 = 财政资金 + 其他资金；整个项目的资金不填时，这三项都留空',
        code: 'amount-project-total-missing',
      },
    ]);
  });
});

describe('slips a finance officer cannot see', () => {
  it('names a space around 项目性质 instead of only listing the natures', () => {
    const packet = withFirstProject((p) => (p.nature = '经常性项目 '));
    expect(ofFirstProject(packet)).toEqual([schemaError(['projects', 0, 'nature'], '「经常性项目 」前后有多余的空格，请删去')]);
  });

  it('warns about a negative quantity', () => {
    const packet = withFirstProject((p) => (p.indicators[0]!.target = '≥-5(次)'));
    expect(ofFirstProject(packet)).toEqual([
      {
        severity: 'warning',
        path: ['projects', 0, 'indicators', 0, 'target'],
        message: '指标值「≥-5(次)」是负数',
        hint: '次数、人数、比例等通常不为负；确是下降幅度等可忽略此警告',
        code: 'target-negative',
      },
    ]);
  });
});
