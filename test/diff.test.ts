// `shenbao diff a b`: the changes between two packets, field by field, named as on the form.
// Each test mutates a fresh copy of the distinct packet (every value differs from every other, so
// a change reported on the wrong row or field cannot pass) and asserts the whole change list.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffPackets, formatChange, type PacketChange } from '../src/extract/diff.js';
import { PacketSchema, type Indicator, type Packet } from '../src/model/packet.js';
import { loadDistinctRaw } from './support/golden.js';

const DISTINCT = PacketSchema.parse(loadDistinctRaw());
const MINHANG = PacketSchema.parse(JSON.parse(readFileSync(new URL('../data/minhang-2023.json', import.meta.url), 'utf8')));

/** A fresh copy to mutate. */
const distinct = (): Packet => structuredClone(DISTINCT);

const P1 = { number: 1, name: '社区睦邻学堂运营' };
const P2 = { number: 2, name: '智慧社区平台二期建设' };
const P3 = { number: 3, name: '老旧小区加装电梯补贴' };

const lines = (changes: PacketChange[]) => changes.map(formatChange);

describe('diffPackets', () => {
  it('finds nothing between identical packets', () => {
    expect(diffPackets(distinct(), distinct())).toEqual([]);
    expect(diffPackets(MINHANG, structuredClone(MINHANG))).toEqual([]);
  });

  it('reports a changed target on its row, named as on the form', () => {
    const after = distinct();
    after.projects[0]!.indicators[2]!.target = '≥90(%)';
    const changes = diffPackets(distinct(), after);
    expect(changes).toEqual([
      {
        kind: 'changed',
        path: ['projects', 0, 'indicators', 2, 'target'],
        project: P1,
        label: '绩效指标第 3 条的年度(/项目)指标值',
        before: '≥85(%)',
        after: '≥90(%)',
      },
    ]);
    expect(lines(changes)).toEqual(['项目 1「社区睦邻学堂运营」：绩效指标第 3 条的年度(/项目)指标值：「≥85(%)」→「≥90(%)」']);
  });

  it('reports an indicator inserted in the middle of a group as one added row, nothing else', () => {
    const after = distinct();
    const row: Indicator = { level1: '产出指标', level2: '数量指标', name: '志愿讲师人数', target: '≥3(个)' };
    after.projects[1]!.indicators.splice(1, 0, row); // between 接入居委会数量 and 单个居委接入成本
    const changes = diffPackets(distinct(), after);
    expect(changes).toEqual([
      {
        kind: 'added',
        path: ['projects', 1, 'indicators', 1],
        project: P2,
        label: '绩效指标',
        after: '产出指标 / 数量指标 / 志愿讲师人数：≥3(个)',
      },
    ]);
    expect(lines(changes)).toEqual(['项目 2「智慧社区平台二期建设」：新增绩效指标第 2 条：产出指标 / 数量指标 / 志愿讲师人数：≥3(个)']);
  });

  it('keeps an inserted row to one added where targets repeat (real data: 提升, =90 (%))', () => {
    const after = structuredClone(MINHANG);
    const row: Indicator = { level1: '效益指标', level2: '社会效益指标', name: '社区议事规则完善程度', target: '提升' };
    after.projects[0]!.indicators.splice(8, 0, row); // after 社会治理工作规范化、系统化程度：提升
    expect(diffPackets(MINHANG, after)).toEqual([
      {
        kind: 'added',
        path: ['projects', 0, 'indicators', 8],
        project: { number: 1, name: '培训费' },
        label: '绩效指标',
        after: '效益指标 / 社会效益指标 / 社区议事规则完善程度：提升',
      },
    ]);
  });

  it('reports a deleted indicator once, at its row in the old packet', () => {
    const after = distinct();
    after.projects[1]!.indicators.splice(2, 1);
    const changes = diffPackets(distinct(), after);
    expect(changes).toEqual([
      {
        kind: 'removed',
        path: ['projects', 1, 'indicators', 2],
        project: P2,
        label: '绩效指标',
        before: '成本指标 / 经济成本指标 / 平台运维年度成本：≤365000(元)',
      },
    ]);
    expect(lines(changes)).toEqual(['项目 2「智慧社区平台二期建设」：删除绩效指标第 3 条：成本指标 / 经济成本指标 / 平台运维年度成本：≤365000(元)']);
  });

  it('pairs rows in a gap by name, then by target, then by name and target; the rest are removed and added', () => {
    const after = distinct();
    const rows = after.projects[2]!.indicators;
    rows[0]!.name = '补贴加装电梯台数'; // same 一级/二级/target: the name changed
    rows[1]!.level2 = '质量指标'; // same name and target: the 二级指标 changed
    rows[3] = { level1: '效益指标', level2: '生态效益指标', name: '施工噪声投诉件数', target: '≤2(件)' }; // nothing kept: replaced
    const changes = diffPackets(distinct(), after);
    expect(changes).toEqual([
      {
        kind: 'changed',
        path: ['projects', 2, 'indicators', 0, 'name'],
        project: P3,
        label: '绩效指标第 1 条的三级指标',
        before: '补贴加装电梯台数（含<共有产权>楼栋）',
        after: '补贴加装电梯台数',
      },
      {
        kind: 'changed',
        path: ['projects', 2, 'indicators', 1, 'level2'],
        project: P3,
        label: '绩效指标第 2 条的二级指标',
        before: '时效指标',
        after: '质量指标',
      },
      {
        kind: 'removed',
        path: ['projects', 2, 'indicators', 3],
        project: P3,
        label: '绩效指标',
        before: '效益指标 / 生态效益指标 / 施工扬尘投诉件数：≤3(件)',
      },
      {
        kind: 'added',
        path: ['projects', 2, 'indicators', 3],
        project: P3,
        label: '绩效指标',
        after: '效益指标 / 生态效益指标 / 施工噪声投诉件数：≤2(件)',
      },
    ]);
    expect(lines(changes)).toEqual([
      '项目 3「老旧小区加装电梯补贴」：绩效指标第 1 条的三级指标：「补贴加装电梯台数（含<共有产权>楼栋）」→「补贴加装电梯台数」',
      '项目 3「老旧小区加装电梯补贴」：绩效指标第 2 条的二级指标：「时效指标」→「质量指标」',
      '项目 3「老旧小区加装电梯补贴」：删除绩效指标第 4 条：效益指标 / 生态效益指标 / 施工扬尘投诉件数：≤3(件)',
      '项目 3「老旧小区加装电梯补贴」：新增绩效指标第 4 条：效益指标 / 生态效益指标 / 施工噪声投诉件数：≤2(件)',
    ]);
  });

  it('sees an added line break in a goal, and an optional goal added or dropped', () => {
    const after = distinct();
    after.projects[0]!.annualGoal = '全年开设睦邻学堂课程，覆盖辖区全部居民区，\n提升居民参与社区公共事务的积极性。';
    after.projects[0]!.overallGoal = '三年建成睦邻学堂体系。';
    delete after.projects[2]!.overallGoal;
    const changes = diffPackets(distinct(), after);
    expect(changes).toEqual([
      {
        kind: 'changed',
        path: ['projects', 0, 'overallGoal'],
        project: P1,
        label: '项目总目标',
        after: '三年建成睦邻学堂体系。',
      },
      {
        kind: 'changed',
        path: ['projects', 0, 'annualGoal'],
        project: P1,
        label: '年度总体目标',
        before: '全年开设睦邻学堂课程，覆盖辖区全部居民区，提升居民参与社区公共事务的积极性。',
        after: '全年开设睦邻学堂课程，覆盖辖区全部居民区，\n提升居民参与社区公共事务的积极性。',
      },
      {
        kind: 'changed',
        path: ['projects', 2, 'overallGoal'],
        project: P3,
        label: '项目总目标',
        before: '为符合条件的多层住宅加装电梯提供一次性补贴，方便老年住户出行。',
      },
    ]);
    expect(lines(changes)).toEqual([
      '项目 1「社区睦邻学堂运营」：项目总目标：（空）→「三年建成睦邻学堂体系。」',
      '项目 1「社区睦邻学堂运营」：年度总体目标：「全年开设睦邻学堂课程，覆盖辖区全部居民区，提升居民参与社区公共事务的积极性。」→「全年开设睦邻学堂课程，覆盖辖区全部居民区，⏎提升居民参与社区公共事务的积极性。」',
      '项目 3「老旧小区加装电梯补贴」：项目总目标：「为符合条件的多层住宅加装电梯提供一次性补贴，方便老年住户出行。」→（空）',
    ]);
  });

  it('compares amounts as numbers: the same amount written differently is no change', () => {
    const after = distinct();
    after.projects[0]!.funds.project.other = '95174.00'; // was "95174"
    after.projects[2]!.funds.annual.other = '815.50'; // was "815.5"
    expect(diffPackets(distinct(), after)).toEqual([]);

    after.projects[2]!.funds.annual.other = '815.51';
    delete after.projects[0]!.funds.project.other;
    const changes = diffPackets(distinct(), after);
    expect(lines(changes)).toEqual([
      '项目 1「社区睦邻学堂运营」：项目资金·其他资金：「95174」→（空）',
      '项目 3「老旧小区加装电梯补贴」：年度资金·其他资金：「815.5」→「815.51」',
    ]);
    expect(changes[1]).toEqual({
      kind: 'changed',
      path: ['projects', 2, 'funds', 'annual', 'other'],
      project: P3,
      label: '年度资金·其他资金',
      before: '815.5',
      after: '815.51',
    });
  });

  it('names every scalar field of a project by its label, in schema order', () => {
    const after = distinct();
    Object.assign(after.projects[1]!, {
      name: '智慧社区平台三期建设',
      nature: '经常性项目',
      category: '信息化运维类',
      department: '上海市虹口区民政局',
      implementer: '虹口区四川北路街道城市运行管理中心',
      startDate: '2024-01-01',
      endDate: '2024-12-31',
      funds: {
        project: { total: '1.00', fiscal: '2.00', other: '3.00' },
        annual: { total: '4.00', fiscal: '5.00', carryover: '6.00', other: '7.00' },
      },
      overallGoal: '三期目标。',
      annualGoal: '年度目标。',
    });
    const changes = diffPackets(distinct(), after);
    expect(changes.map((c) => [c.label, c.path.slice(2).join('.')])).toEqual([
      ['项目名称', 'name'],
      ['项目性质', 'nature'],
      ['项目类别', 'category'],
      ['主管部门', 'department'],
      ['实施单位', 'implementer'],
      ['计划开始日期', 'startDate'],
      ['计划完成日期', 'endDate'],
      ['项目资金·项目资金总额', 'funds.project.total'],
      ['项目资金·其中：财政资金', 'funds.project.fiscal'],
      ['项目资金·其他资金', 'funds.project.other'],
      ['年度资金·年度资金申请总额', 'funds.annual.total'],
      ['年度资金·其中：当年财政拨款', 'funds.annual.fiscal'],
      ['年度资金·上年结转资金', 'funds.annual.carryover'],
      ['年度资金·其他资金', 'funds.annual.other'],
      ['项目总目标', 'overallGoal'],
      ['年度总体目标', 'annualGoal'],
    ]);
    // Renamed at the same place: one project, named by its new name.
    expect(changes.every((c) => c.kind === 'changed' && c.project?.number === 2 && c.project.name === '智慧社区平台三期建设')).toBe(true);
  });

  it('reports a renamed project as a change of its name (same count, same place)', () => {
    const after = distinct();
    after.projects[1]!.name = '智慧社区平台升级';
    after.projects[1]!.indicators[0]!.target = '=150(个)';
    const changes = diffPackets(distinct(), after);
    const renamed = { number: 2, name: '智慧社区平台升级' };
    expect(changes).toEqual([
      { kind: 'changed', path: ['projects', 1, 'name'], project: renamed, label: '项目名称', before: '智慧社区平台二期建设', after: '智慧社区平台升级' },
      {
        kind: 'changed',
        path: ['projects', 1, 'indicators', 0, 'target'],
        project: renamed,
        label: '绩效指标第 1 条的年度(/项目)指标值',
        before: '=147(个)',
        after: '=150(个)',
      },
    ]);
    expect(lines(changes)).toEqual([
      '项目 2「智慧社区平台升级」：项目名称：「智慧社区平台二期建设」→「智慧社区平台升级」',
      '项目 2「智慧社区平台升级」：绩效指标第 1 条的年度(/项目)指标值：「=147(个)」→「=150(个)」',
    ]);
  });

  it('reports a removed project once, where it stood, and matches the others by name', () => {
    const after = distinct();
    after.projects.splice(1, 1);
    after.projects[1]!.indicators[4]!.target = '≥96(%)'; // 老旧小区加装电梯补贴, now project 2
    const changes = diffPackets(distinct(), after);
    expect(changes).toEqual([
      { kind: 'removed', path: ['projects', 1], project: P2, label: '项目', before: '智慧社区平台二期建设' },
      {
        kind: 'changed',
        path: ['projects', 1, 'indicators', 4, 'target'],
        project: { number: 2, name: '老旧小区加装电梯补贴' },
        label: '绩效指标第 5 条的年度(/项目)指标值',
        before: '≥95(%)',
        after: '≥96(%)',
      },
    ]);
    expect(lines(changes)).toEqual([
      '删除项目 2「智慧社区平台二期建设」',
      '项目 2「老旧小区加装电梯补贴」：绩效指标第 5 条的年度(/项目)指标值：「≥95(%)」→「≥96(%)」',
    ]);
  });

  it('reports an added project once, in new-packet order', () => {
    const after = distinct();
    after.projects.splice(1, 0, { ...structuredClone(DISTINCT.projects[2]!), name: '社区微更新' });
    const changes = diffPackets(distinct(), after);
    expect(changes).toEqual([{ kind: 'added', path: ['projects', 1], project: { number: 2, name: '社区微更新' }, label: '项目', after: '社区微更新' }]);
    expect(lines(changes)).toEqual(['新增项目 2「社区微更新」']);
  });

  it('does not pair by place a project whose place is taken by a name match', () => {
    // Same count, but the old project 2's place holds the old project 3: removed and added, not renamed.
    const after = distinct();
    after.projects.splice(1, 1);
    after.projects.push({ ...structuredClone(DISTINCT.projects[1]!), name: '社区微更新' });
    expect(lines(diffPackets(distinct(), after))).toEqual(['删除项目 2「智慧社区平台二期建设」', '新增项目 3「社区微更新」']);
  });

  it('reports a reordering of projects once, as the new order (the forms are renumbered)', () => {
    const after = distinct();
    after.projects.reverse();
    const changes = diffPackets(distinct(), after);
    expect(lines(changes)).toEqual([
      '项目顺序：「社区睦邻学堂运营、智慧社区平台二期建设、老旧小区加装电梯补贴」→「老旧小区加装电梯补贴、智慧社区平台二期建设、社区睦邻学堂运营」',
    ]);
    expect(changes[0]!.path).toEqual(['projects']);
  });

  it('reports packet-level fields first, without a project; $schema is not compared', () => {
    const after = distinct();
    after.year = 2025;
    after.unit = '上海市虹口区社区发展中心';
    after.$schema = 'elsewhere.json';
    after.projects[2]!.category = '专项补贴类';
    const changes = diffPackets(distinct(), after);
    expect(changes).toEqual([
      { kind: 'changed', path: ['unit'], label: '单位', before: '上海市虹口区社区发展办公室', after: '上海市虹口区社区发展中心' },
      { kind: 'changed', path: ['year'], label: '年度', before: '2024', after: '2025' },
      { kind: 'changed', path: ['projects', 2, 'category'], project: P3, label: '项目类别', before: '专项补助类', after: '专项补贴类' },
    ]);
    expect(lines(changes)).toEqual([
      '单位：「上海市虹口区社区发展办公室」→「上海市虹口区社区发展中心」',
      '年度：「2024」→「2025」',
      '项目 3「老旧小区加装电梯补贴」：项目类别：「专项补助类」→「专项补贴类」',
    ]);
  });

  it('aligns long indicator lists (a few thousand rows) quickly and exactly', () => {
    const row = (k: number): Indicator => ({ level1: '产出指标', level2: '数量指标', name: `指标${k}`, target: `≥${k}(个)` });
    const before = distinct();
    before.projects[0]!.indicators = Array.from({ length: 3000 }, (_, k) => row(k));
    const after = structuredClone(before);
    const rows = after.projects[0]!.indicators;
    rows.splice(2500, 0, row(-1)); // inserted: new row 2501
    rows[1500]!.target = '≥1(个)'; // changed
    rows.splice(500, 1); // deleted: old row 501
    const started = performance.now();
    expect(lines(diffPackets(before, after))).toEqual([
      '项目 1「社区睦邻学堂运营」：删除绩效指标第 501 条：产出指标 / 数量指标 / 指标500：≥500(个)',
      '项目 1「社区睦邻学堂运营」：绩效指标第 1500 条的年度(/项目)指标值：「≥1500(个)」→「≥1(个)」',
      '项目 1「社区睦邻学堂运营」：新增绩效指标第 2500 条：产出指标 / 数量指标 / 指标-1：≥-1(个)',
    ]);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
