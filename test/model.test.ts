// Money stays exact; the JSON Schema for editors is generated from the zod schema and committed.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { formatMoney, packetJsonSchema, sumMoney } from '../src/index.js';

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
    expect(project.required).toEqual(['name', 'nature', 'category', 'department', 'implementer', 'startDate', 'endDate', 'funds', 'indicators']);
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

  it('flags the same fields as shenbao validate does (arithmetic aside)', () => {
    expect(validate(read('test/fixtures/broken/broken-2023.json'))).toBe(false);
    const places = new Set(validate.errors!.map((e) => e.instancePath));
    expect([...places].sort()).toEqual(['/projects/1', '/projects/1/endDate', '/projects/1/funds/annual/other']);
  });
});
