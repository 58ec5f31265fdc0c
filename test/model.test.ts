// Money stays exact; the JSON Schema for editors is generated from the zod schema and committed.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { GOAL_MAX_LENGTH } from '../src/model/text.js';
import { formatMoney, sumMoney } from '../src/model/money.js';
import { packetJsonSchema } from '../src/model/json-schema.js';
import { parseTarget } from '../src/model/target.js';

describe('money', () => {
  it('prints #,##0.00 exactly, blanks as blank', () => {
    expect(formatMoney('200000.00')).toBe('200,000.00');
    expect(formatMoney('0')).toBe('0.00');
    expect(formatMoney('1234.5')).toBe('1,234.50');
    expect(formatMoney('90071992547409931.07')).toBe('90,071,992,547,409,931.07');
    expect(formatMoney(undefined)).toBe('');
  });

  it('adds without binary floating point', () => {
    expect(sumMoney(['0.10', '0.20'])).toBe('0.30');
    expect(sumMoney(['200000.00', '71200.00', '24820.00', '750000.00', '10000.00', '123475.00', '560000.00', '180000.00', '800000.00', '95000.00'])).toBe('2814495.00');
    expect(sumMoney([undefined, '1'])).toBe('1.00');
  });
});

describe('parseTarget', () => {
  const quantity = (operator: string | undefined, value: string, unit: string | undefined) => ({
    kind: 'quantity',
    operator,
    value,
    unit,
    percent: unit === '%',
  });

  it.each([
    ['≥4(次)', quantity('≥', '4', '次')],
    ['=90 (%)', quantity('=', '90', '%')],
    ['≤5%', quantity('≤', '5', '%')],
    ['90(%)', quantity(undefined, '90', '%')],
    ['≥6000(人次)', quantity('≥', '6000', '人次')],
    ['=100.00(%)', quantity('=', '100.00', '%')],
    ['=0.00(次)', quantity('=', '0.00', '次')],
    ['40(个)', quantity(undefined, '40', '个')],
    ['> 3 ( 个 )', quantity('>', '3', '个')],
    ['<24小时', quantity('<', '24', '小时')],
    ['>=1,000(人)', quantity('≥', '1000', '人')],
    ['+5%', quantity(undefined, '5', '%')],
    // full-width forms from Chinese input methods
    ['≥4（次）', quantity('≥', '4', '次')],
    ['＝９０（％）', quantity('=', '90', '%')],
    ['＞１２（次）', quantity('>', '12', '次')],
    ['＜5%', quantity('<', '5', '%')],
    ['≧85(%)', quantity('≥', '85', '%')],
    ['≦2(天)', quantity('≤', '2', '天')],
  ])('reads %s as a quantity', (target, expected) => {
    expect(parseTarget(target)).toEqual(expected);
  });

  it.each(['提升', '健全', '4季度前', '每月', '2023年12月底前', '24小时', '3季度', '1-12月', '100%全覆盖', '14个街镇、莘庄工业区', '90()'])(
    'reads %s as qualitative text',
    (target) => {
      expect(parseTarget(target)).toEqual({ kind: 'text' });
    },
  );

  it.each([
    ['≥(次)', '「≥」后面缺少数值'],
    ['=abc%', '「=」后面缺少数值'],
    ['≥', '「≥」后面缺少数值'],
    ['＜（次）', '「<」后面缺少数值'],
    ['≥4(次', '单位的括号「(次」不成对'],
    ['=4()', '括号里缺少单位'],
    ['≥4次)', '单位「次)」的括号不成对'],
  ])('finds %s malformed', (target, reason) => {
    expect(parseTarget(target)).toEqual({ kind: 'malformed', reason });
  });

  it('keeps the number as written: no binary floating point', () => {
    expect(parseTarget('=0.1000000000000000055511(%)')).toMatchObject({ value: '0.1000000000000000055511' });
    expect(parseTarget('≥90071992547409931(元)')).toMatchObject({ value: '90071992547409931' });
  });
});

describe('schema/packet.schema.json', () => {
  it('is current with the zod schema (run `npm run schema` after changing it)', () => {
    const committed = readFileSync(new URL('../schema/packet.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(packetJsonSchema());
  });

  it('gives editors the form labels as titles', () => {
    const schema = JSON.parse(packetJsonSchema());
    const project = schema.properties.projects.items;
    expect(project.properties.name.title).toBe('项目名称');
    expect(project.properties.funds.properties.annual.properties.carryover.title).toBe('上年结转资金');
    expect(project.required).toEqual(['name', 'nature', 'category', 'department', 'implementer', 'startDate', 'endDate', 'funds', 'annualGoal', 'indicators']);
  });
});

describe('the JSON Schema as an editor reads it (ajv, independent of zod)', () => {
  const read = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));
  const ajv = new Ajv2020.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(read('schema/packet.schema.json'));

  it('accepts the seed data file', () => {
    expect(validate(read('data/minhang-2023.json')), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses blank text, invisible characters and over-long text, as shenbao validate does', () => {
    const seedWith = (change: (project: Record<string, unknown>) => void) => {
      const packet = read('data/minhang-2023.json');
      change(packet.projects[0]);
      return packet;
    };
    const failures = (change: (project: Record<string, unknown>) => void) => {
      const valid = validate(seedWith(change));
      return valid ? [] : [...new Set(validate.errors!.map((e) => `${e.instancePath} ${e.keyword}`))];
    };
    expect(failures((p) => (p.name = ' \u3000 '))).toEqual(['/projects/0/name pattern']);
    expect(failures((p) => (p.annualGoal = ''))).toEqual(['/projects/0/annualGoal pattern']);
    expect(failures((p) => delete p.annualGoal)).toEqual(['/projects/0 required']);
    expect(failures((p) => (p.name = '培训\u200B费'))).toEqual(['/projects/0/name pattern']);
    expect(failures((p) => (p.name = '培训\u00AD费'))).toEqual(['/projects/0/name pattern']);
    expect(failures((p) => (p.category = '特定\t目标类'))).toEqual(['/projects/0/category pattern']);
    expect(failures((p) => (p.annualGoal = '第一句。\r第二句。'))).toEqual(['/projects/0/annualGoal pattern']);
    expect(failures((p) => (p.annualGoal = '第一句。\r\n第二句。\n'))).toEqual([]);
    expect(failures((p) => (p.annualGoal = '目'.repeat(GOAL_MAX_LENGTH)))).toEqual([]);
    expect(failures((p) => (p.annualGoal = '目'.repeat(GOAL_MAX_LENGTH + 1)))).toEqual(['/projects/0/annualGoal maxLength']);
    expect(failures((p) => (p.indicators = []))).toEqual([]);
  });

  it('flags the same fields as shenbao validate does (arithmetic aside)', () => {
    expect(validate(read('test/fixtures/broken/broken-2023.json'))).toBe(false);
    const places = new Set(validate.errors!.map((e) => e.instancePath));
    expect([...places].sort()).toEqual(['/projects/1', '/projects/1/endDate', '/projects/1/funds/annual/other']);
  });
});
