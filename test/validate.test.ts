// Validation: every problem at once, in Chinese, naming file, project and field; broken projects
// are set aside while the others go on.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/validate/format.js';
import { loadPacketFile, validatePacket } from '../src/validate/validate.js';
import type { Packet } from '../src/model/packet.js';
import { loadSeed } from './support/seed.js';

const FILE = 'data/x.json';
const messages = (raw: unknown) => {
  const result = validatePacket(raw);
  return result.diagnostics.map((d) => formatDiagnostic(d, FILE, result.projectNames));
};

function withFirstProject(change: (p: Record<string, unknown>) => void): Packet {
  const packet = loadSeed();
  change(packet.projects[0] as unknown as Record<string, unknown>);
  return packet;
}

describe('validatePacket', () => {
  it('accepts the seed with its two real anomalies as warnings', () => {
    const result = validatePacket(loadSeed());
    expect(result.packet?.projects).toHaveLength(10);
    expect(result.accepted).toHaveLength(10);
    expect(messages(loadSeed())).toEqual([
      'data/x.json：项目 3「残疾人就业保障金」：绩效指标（projects[2].indicators）：警告：没有满意度指标',
      'data/x.json：项目 4「居村自治共治建设」：绩效指标第 13 条的三级指标（projects[3].indicators[12].name）：警告：三级指标「长效管理机制健全性」归在满意度指标下，但不是满意度指标\n    提示：可能归错了类别；表上照原样打印',
    ]);
  });

  it('checks amount arithmetic exactly (no floating point)', () => {
    const packet = withFirstProject((p) => {
      (p.funds as Packet['projects'][0]['funds']).annual = { total: '0.30', fiscal: '0.10', carryover: '0.20', other: '0' };
    });
    expect(validatePacket(packet).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);

    const wrong = withFirstProject((p) => {
      (p.funds as Packet['projects'][0]['funds']).annual.fiscal = '190000.00';
    });
    expect(messages(wrong)[0]).toBe(
      'data/x.json：项目 1「培训费」：年度资金·年度资金申请总额（projects[0].funds.annual.total）：错误：年度资金申请总额 200,000.00 不等于 当年财政拨款 + 上年结转资金 + 其他资金 = 190,000.00',
    );
  });

  it('checks the whole-project amounts when they are given', () => {
    const packet = withFirstProject((p) => {
      (p.funds as Packet['projects'][0]['funds']).project = { total: '150000.00', fiscal: '100000.00', other: '50000.00' };
    });
    expect(messages(packet)[0]).toBe(
      'data/x.json：项目 1「培训费」：项目资金·项目资金总额（projects[0].funds.project.total）：错误：项目资金总额 150,000.00 小于年度资金申请总额 200,000.00\n    提示：项目资金总额是整个项目（可跨年度）的资金，不应少于本年度申请的资金',
    );
  });

  it('reports every problem of every project at once, and keeps the good projects', () => {
    const packet = loadSeed() as unknown as { projects: Array<Record<string, unknown>> };
    delete packet.projects[1]!.implementer;
    packet.projects[1]!.endDate = '2023/12/31';
    (packet.projects[1]!.funds as { annual: { other: string } }).annual.other = '1,000';
    packet.projects[1]!.remark = '备注';
    packet.projects[4]!.startDate = '2024-01-01';
    const result = validatePacket(packet);
    expect(result.packet).toBeUndefined();
    expect(result.header?.title).toBe('上海市闵行区地区工作办公室2023年度项目绩效目标汇总表');
    expect(result.accepted.map((a) => a.number)).toEqual([1, 3, 4, 6, 7, 8, 9, 10]);
    expect(messages(packet).filter((m) => m.includes('错误'))).toEqual([
      'data/x.json：项目 2「闵行区居村民服务自治平台（2023运维）」：实施单位（projects[1].implementer）：错误：缺少必填项',
      'data/x.json：项目 2「闵行区居村民服务自治平台（2023运维）」：计划完成日期（projects[1].endDate）：错误：日期应写成 ISO 格式 YYYY-MM-DD，如 "2023-01-01"',
      'data/x.json：项目 2「闵行区居村民服务自治平台（2023运维）」：年度资金·其他资金（projects[1].funds.annual.other）：错误：金额应写成不带千位分隔符、最多两位小数的数字字符串，如 "200000.00"',
      'data/x.json：项目 2「闵行区居村民服务自治平台（2023运维）」：错误：有不认识的字段：remark\n    提示：检查字段名的拼写，或对照 schema/packet.schema.json',
      'data/x.json：项目 5「委办局党建经费」：计划完成日期（projects[4].endDate）：错误：计划完成日期 2023-12-31 早于计划开始日期 2024-01-01',
    ]);
  });

  it('takes keys named like Object.prototype members for unknown fields, not for the schema’s', () => {
    const packet = withFirstProject((p) => {
      Object.assign(p, { constructor: 1 });
      Object.assign(p.funds as object, { toString: '1' });
    });
    Object.assign(packet, { hasOwnProperty: true });
    expect(messages(packet).filter((m) => m.includes('错误'))).toEqual([
      'data/x.json：错误：有不认识的字段：hasOwnProperty\n    提示：检查字段名的拼写，或对照 schema/packet.schema.json',
      'data/x.json：项目 1「培训费」：项目资金（元）（projects[0].funds.toString）：错误：有不认识的字段：toString\n    提示：检查字段名的拼写，或对照 schema/packet.schema.json',
      'data/x.json：项目 1「培训费」：错误：有不认识的字段：constructor\n    提示：检查字段名的拼写，或对照 schema/packet.schema.json',
    ]);
  });

  it('names blank and mistyped fields plainly', () => {
    const packet = withFirstProject((p) => {
      p.name = '  ';
      p.nature = '长期项目';
      (p.indicators as Array<Record<string, unknown>>)[2]!.target = 16;
    });
    expect(messages(packet).slice(0, 3)).toEqual([
      'data/x.json：项目 1：项目名称（projects[0].name）：错误：不能为空',
      'data/x.json：项目 1：项目性质（projects[0].nature）：错误：应为以下之一：经常性项目、阶段性项目、一次性项目',
      'data/x.json：项目 1：绩效指标第 3 条的年度(/项目)指标值（projects[0].indicators[2].target）：错误：应为文本',
    ]);
  });

  it('warns where the indicator framework is not followed, without refusing the form', () => {
    const packet = withFirstProject((p) => {
      const indicators = p.indicators as Array<Record<string, unknown>>;
      indicators[3]!.level2 = '社会效益指标';
    });
    const result = validatePacket(packet);
    expect(result.packet).toBeDefined();
    expect(messages(packet).slice(0, 1)).toEqual([
      'data/x.json：项目 1「培训费」：绩效指标第 4 条的二级指标（projects[0].indicators[3].level2）：警告：二级指标「社会效益指标」不属于一级指标「产出指标」\n    提示：指标框架中「社会效益指标」属于「效益指标」；表上照原样打印',
    ]);
  });

  it('refuses a 一级指标 outside the framework, suggesting the nearest, and keeps the other projects', () => {
    const packet = withFirstProject((p) => {
      (p.indicators as Array<Record<string, unknown>>)[0]!.level1 = '产出';
    });
    const result = validatePacket(packet);
    expect(result.packet).toBeUndefined();
    expect(result.accepted.map((a) => a.number)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(messages(packet)[0]).toBe(
      'data/x.json：项目 1「培训费」：绩效指标第 1 条的一级指标（projects[0].indicators[0].level1）：错误：「产出」不是一级指标：一级指标只有 产出指标、成本指标、效益指标、满意度指标\n    提示：是不是「产出指标」？',
    );
  });
});

describe('loadPacketFile', () => {
  it('reports unreadable files and JSON syntax errors with line and column', async () => {
    // A missing file is worded as for any file a command is given (errors.ts), as a problem of that file.
    expect((await loadPacketFile('no/such.json')).diagnostics).toEqual([
      { severity: 'error', code: 'read', path: [], message: '找不到 no/such.json：没有这个文件或文件夹，请检查路径是否写对' },
    ]);

    const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/shenbao-json-`);
    try {
      await writeFile(`${dir}/bad.json`, '{\n  "title": "x",\n  "year": 2023,,\n}');
      const bad = await loadPacketFile(`${dir}/bad.json`);
      expect(bad.diagnostics[0]!.message).toMatch(/^不是有效的 JSON：第 3 行第 16 列附近有语法错误/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('text that goes only into a Word file’s properties', () => {
  // Found by a hostile test: `$schema` was the one text field without the character check, and a
  // lone surrogate passed every field; both went into every .docx's docProps/custom.xml, which then
  // was not XML (U+FFFE) or read back as U+FFFD (the surrogate), with exit 0.
  it('$schema is text like the rest: a noncharacter is refused, naming the field', () => {
    const packet = { ...loadSeed(), $schema: 'schema\uFFFE.json' };
    expect(messages(packet)).toContain('data/x.json：数据格式的地址（$schema）：错误：第 7 个字符是 U+FFFE（非字符），不是文字，多半是文件损坏或转换编码时带入的，请删除');
  });

  it('a lone surrogate (JSON "\\ud800") in the unit is refused as half a character', () => {
    const packet = { ...loadSeed(), unit: '上海市\uD800闵行区' };
    expect(messages(packet)).toContain('data/x.json：单位（unit）：错误：第 4 个字符是单独的代理码元 U+D800（半个字符），多半是文件损坏或截断时带入的，请改回原来的字');
  });

  it('a paired surrogate (an Extension B character) is not refused by the character check', () => {
    const packet = { ...loadSeed(), unit: '上海市𠀀闵行区' };
    expect(messages(packet).filter((m) => m.includes('代理码元'))).toEqual([]);
  });
});
