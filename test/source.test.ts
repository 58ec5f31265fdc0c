// Reading a data file as offices save it (UTF-8 with or without BOM, UTF-16 with BOM, GBK from
// Notepad's "ANSI"), and giving every diagnostic the line and column of its value.
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDataFile, MAX_DATA_FILE_BYTES, parseDataText } from '../src/validate/source.js';
import { formatDiagnostic } from '../src/validate/format.js';
import { loadPacketFile } from '../src/validate/validate.js';
import { SEED_FILE } from './support/seed.js';
import { gbk } from './support/encodings.js';
import { parse as momoa, type ValueNode } from '@humanwhocodes/momoa';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shenbao-source-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function load(name: string, content: string | Uint8Array) {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return loadPacketFile(file);
}


const utf16be = (text: string): Uint8Array => {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
};

const WARNING_GBK = '文件不是 UTF-8 编码，已按 GB18030（GBK）读取；建议另存为 UTF-8';

// A small packet; line numbers are the array index + 1. Project 2 has a bad amount and no 实施单位.
const SMALL = [
  /*  1 */ '{',
  /*  2 */ '  "title": "示例单位2024年度项目绩效目标汇总表",',
  /*  3 */ '  "unit": "示例单位",',
  /*  4 */ '  "year": 2024,',
  /*  5 */ '  "projects": [',
  /*  6 */ '    {',
  /*  7 */ '      "name": "会议费",',
  /*  8 */ '      "nature": "经常性项目",',
  /*  9 */ '      "category": "特定目标类",',
  /* 10 */ '      "department": "示例主管部门",',
  /* 11 */ '      "implementer": "示例单位",',
  /* 12 */ '      "startDate": "2024-01-01",',
  /* 13 */ '      "endDate": "2024-12-31",',
  /* 14 */ '      "funds": {',
  /* 15 */ '        "project": {},',
  /* 16 */ '        "annual": { "total": "3000.00", "fiscal": "3000.00", "carryover": "0.00", "other": "0.00" }',
  /* 17 */ '      },',
  /* 18 */ '      "annualGoal": "召开工作会议6次",',
  /* 19 */ '      "indicators": [',
  /* 20 */ '        { "level1": "产出指标", "level2": "数量指标", "name": "会议次数", "target": "≥6(次)" },',
  /* 21 */ '        { "level1": "满意度指标", "level2": "服务对象满意度指标", "name": "参会人员满意度", "target": "≥90(%)" }',
  /* 22 */ '      ]',
  /* 23 */ '    },',
  /* 24 */ '    {',
  /* 25 */ '      "name": "印刷费",',
  /* 26 */ '      "nature": "一次性项目",',
  /* 27 */ '      "category": "特定目标类",',
  /* 28 */ '      "department": "示例主管部门",',
  /* 29 */ '      "startDate": "2024-03-01",',
  /* 30 */ '      "endDate": "2024-06-30",',
  /* 31 */ '      "funds": {',
  /* 32 */ '        "project": {},',
  /* 33 */ '        "annual": {',
  /* 34 */ '          "total": "5000.00",',
  /* 35 */ '          "fiscal": "5000.00",',
  /* 36 */ '          "carryover": "0.00",',
  /* 37 */ '          "other": "5,000"',
  /* 38 */ '        }',
  /* 39 */ '      },',
  /* 40 */ '      "annualGoal": "印制宣传册2000份",',
  /* 41 */ '      "indicators": [',
  /* 42 */ '        { "level1": "产出指标", "level2": "数量指标", "name": "印制数量", "target": "≥2000(份)" },',
  /* 43 */ '        { "level1": "满意度指标", "level2": "服务对象满意度指标", "name": "读者满意度", "target": "≥85(%)" }',
  /* 44 */ '      ]',
  /* 45 */ '    }',
  /* 46 */ '  ]',
  /* 47 */ '}',
].join('\n');

describe('decodeDataFile', () => {
  it('reads GBK bytes (no BOM, not UTF-8) as GB18030', () => {
    const bytes = Uint8Array.from([0x22, 0xc5, 0xe0, 0xd1, 0xb5, 0xb7, 0xd1, 0x22]); // "培训费" in GBK
    expect(decodeDataFile(bytes)).toEqual({ text: '"培训费"', encoding: 'gb18030' });
    expect(gbk('"培训费"')).toEqual(bytes);
  });

  it('follows a BOM: UTF-8, UTF-16LE, UTF-16BE', () => {
    const text = '{"name": "印刷费"}';
    expect(decodeDataFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({ text, encoding: 'utf-8-bom' });
    expect(decodeDataFile(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toEqual({ text, encoding: 'utf-16le' });
    expect(decodeDataFile(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]))).toEqual({ text, encoding: 'utf-16be' });
    expect(decodeDataFile(Buffer.from(text))).toEqual({ text, encoding: 'utf-8' });
  });

  it('refuses UTF-16 without a BOM and binary files instead of decoding garbage', () => {
    expect(() => decodeDataFile(Buffer.from('{"name": "印刷费"}', 'utf16le'))).toThrow(
      '文件像是没有 BOM 的 UTF-16 编码，无法可靠读取；请另存为 UTF-8',
    );
    expect(() => decodeDataFile(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]))).toThrow(
      '文件含有 NUL 字节（第 6 个字节），不是文本文件；请确认选对了文件（不是 Excel、Word 或压缩文件）',
    );
    expect(() => decodeDataFile(Uint8Array.from([0xef, 0xbb, 0xbf, 0x22, 0xc5, 0xe0, 0x22]))).toThrow(
      '文件开头标明是 UTF-8 编码，但内容不是有效的 UTF-8；请用编辑器另存为 UTF-8',
    );
  });
});

describe('loadPacketFile: encodings', () => {
  it('validates a GBK copy of the seed exactly like the UTF-8 one, plus the encoding warning', async () => {
    const source = await readFile(SEED_FILE, 'utf8');
    const utf8 = await load('seed-utf8.json', source);
    const fromGbk = await load('seed-gbk.json', gbk(source));
    expect(utf8.encoding).toBe('utf-8');
    expect(fromGbk.encoding).toBe('gb18030');
    expect(fromGbk.diagnostics[0]).toEqual({
      severity: 'warning',
      path: [],
      message: WARNING_GBK,
      hint: '记事本：文件 → 另存为 → 编码选 UTF-8；VS Code：点右下角的编码 → 通过编码保存 → UTF-8',
      code: 'encoding',
    });
    expect(fromGbk.diagnostics.slice(1)).toEqual(utf8.diagnostics);
    expect(utf8.diagnostics.length).toBeGreaterThan(0);
    expect(fromGbk.packet).toEqual(utf8.packet);
    expect(fromGbk.packet?.projects[0]?.name).toBe('培训费');
    expect(fromGbk.accepted.map((a) => a.number)).toEqual(utf8.accepted.map((a) => a.number));
  });

  it('reads UTF-16 with a BOM, with a warning naming it; UTF-8 with a BOM without one', async () => {
    const le = await load('le.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SMALL, 'utf16le')]));
    const be = await load('be.json', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(SMALL)]));
    const bom = await load('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SMALL)]));
    const plain = await load('plain.json', SMALL);
    expect([le.encoding, be.encoding, bom.encoding, plain.encoding]).toEqual(['utf-16le', 'utf-16be', 'utf-8-bom', 'utf-8']);
    expect(le.diagnostics[0]!.message).toBe('文件不是 UTF-8 编码，已按 UTF-16LE 读取；建议另存为 UTF-8');
    expect(be.diagnostics[0]!.message).toBe('文件不是 UTF-8 编码，已按 UTF-16BE 读取；建议另存为 UTF-8');
    expect(le.diagnostics.slice(1)).toEqual(plain.diagnostics);
    expect(be.diagnostics.slice(1)).toEqual(plain.diagnostics);
    expect(bom.diagnostics).toEqual(plain.diagnostics);
    expect(plain.diagnostics.some((d) => d.code === 'encoding')).toBe(false);
  });

  it('says plainly when the file is empty, too large, a folder, or missing', async () => {
    const messages = async (file: string) => (await loadPacketFile(file)).diagnostics.map((d) => d.message);
    await writeFile(path.join(dir, 'empty.json'), ' \n');
    expect(await messages(path.join(dir, 'empty.json'))).toEqual(['文件是空的']);
    await writeFile(path.join(dir, 'huge.json'), '');
    await truncate(path.join(dir, 'huge.json'), MAX_DATA_FILE_BYTES + 1); // sparse: refused before reading
    expect(await messages(path.join(dir, 'huge.json'))).toEqual(['文件太大（256 MB），超过数据文件 256 MB 的上限；请确认选对了文件']);
    expect(await messages(dir)).toEqual(['无法读取文件：这是一个文件夹，不是数据文件']);
    // Missing: worded as for any file a command is given (errors.ts), a problem of this file only
    // (a folder's other data files are still built; a path named on the command line is checked first).
    expect(await messages(path.join(dir, 'nothing.json'))).toEqual([`找不到 ${path.join(dir, 'nothing.json')}：没有这个文件或文件夹，请检查路径是否写对`]);
    const utf16 = await load('utf16-nobom.json', Buffer.from(SMALL, 'utf16le'));
    expect(utf16.diagnostics).toEqual([
      { severity: 'error', path: [], message: '文件像是没有 BOM 的 UTF-16 编码，无法可靠读取；请另存为 UTF-8', code: 'encoding' },
    ]);
    expect(utf16.accepted).toEqual([]);
  });
});

describe('loadPacketFile: places', () => {
  it('gives each diagnostic the line and column of its value, or of the object missing a field', async () => {
    const loaded = await load('small.json', SMALL);
    const at = (p: string) => loaded.diagnostics.find((d) => d.path.join('.') === p);
    expect(at('projects.1.funds.annual.other')).toMatchObject({ line: 37, column: 20, severity: 'error' });
    expect(at('projects.1.implementer')).toMatchObject({ line: 24, column: 5, message: '缺少必填项' });
    expect(formatDiagnostic(at('projects.1.funds.annual.other')!, 'data/small.json', loaded.projectNames)).toBe(
      'data/small.json:37:20：项目 2「印刷费」：年度资金·其他资金（projects[1].funds.annual.other）：错误：金额应写成不带千位分隔符、最多两位小数的数字字符串，如 "200000.00"',
    );
    expect(loaded.accepted.map((a) => a.number)).toEqual([1]);
  });

  it('locates values in arrays and objects on one line, and the last of repeated keys', () => {
    const parsed = parseDataText(SMALL);
    expect(parsed.locate(['projects', 0, 'funds', 'annual', 'other'])).toEqual({ line: 16, column: 92 });
    expect(parsed.locate(['projects', 0, 'indicators', 1, 'target'])).toEqual({ line: 21, column: 82 });
    expect(parsed.locate(['projects', 0, 'indicators', 5, 'target'])).toEqual({ line: 19, column: 21 });
    expect(parsed.locate(['year'])).toEqual({ line: 4, column: 11 });
    expect(parsed.locate([])).toEqual({ line: 1, column: 1 });
    const repeated = parseDataText('{\n  "a": 1,\n  "a": 2\n}');
    expect(repeated.value).toEqual({ a: 2 });
    expect(repeated.locate(['a'])).toEqual({ line: 3, column: 8 });
  });

  it.each([
    ['\n', '\n'],
    ['\r\n', '\r\n'],
    ['\r', '\r'],
  ])('places every value of the seed where momoa’s syntax tree does, with %j line ends', async (_, end) => {
    const text = (await readFile(SEED_FILE, 'utf8')).replace(/\r?\n/g, end);
    const parsed = parseDataText(text);
    // Every path of the data, from momoa's tree (the places before places.ts), against places.ts.
    const expected: Array<[Array<string | number>, { line: number; column: number }]> = [];
    const walk = (node: ValueNode, at: Array<string | number>) => {
      expected.push([at, { line: node.loc.start.line, column: node.loc.start.column }]);
      if (node.type === 'Object') for (const m of node.members) walk(m.value, [...at, (m.name as { value: string }).value]);
      if (node.type === 'Array') node.elements.forEach((e, i) => walk(e.value, [...at, i]));
    };
    walk(momoa(text, { mode: 'json' }).body, []);
    expect(expected.length).toBeGreaterThan(500);
    expect(expected.map(([at]) => [at, parsed.locate(at)])).toEqual(expected);
  });

  it('says a valid JSON nested too deeply to place its values is nested too deeply, as before', () => {
    const depth = 20_000;
    const text = `{"title": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    expect(() => JSON.parse(text)).not.toThrow();
    expect(() => parseDataText(text)).toThrow('不是有效的 JSON：嵌套层数太多');
  });

  it('reports every repeated key at its line, and still validates the rest', async () => {
    const text = SMALL.replace('"unit": "示例单位",', '"unit": "示例单位", "unit": "另一单位", "unit": "第三单位",') // line 3
      .replace('"name": "印刷费",', '"name": "印刷费", "nature": "经常性项目",'); // line 25, before line 26's
    const loaded = await load('repeated.json', text);
    expect(loaded.diagnostics.filter((d) => d.code === 'duplicate-key')).toEqual([
      {
        severity: 'error',
        path: ['unit'],
        message: '字段「unit」重复出现（第一次在第 3 行）；JSON 里同名字段只有最后一个有效',
        hint: '保留正确的一个，删除其余的',
        code: 'duplicate-key',
        line: 3,
        column: 19,
      },
      {
        severity: 'error',
        path: ['unit'],
        message: '字段「unit」重复出现（第一次在第 3 行）；JSON 里同名字段只有最后一个有效',
        hint: '保留正确的一个，删除其余的',
        code: 'duplicate-key',
        line: 3,
        column: 35,
      },
      {
        severity: 'error',
        path: ['projects', 1, 'nature'],
        message: '字段「nature」重复出现（第一次在第 25 行）；JSON 里同名字段只有最后一个有效',
        hint: '保留正确的一个，删除其余的',
        code: 'duplicate-key',
        line: 26,
        column: 7,
      },
    ]);
    // The other problems are still reported; a repeated packet-level key stops the whole packet.
    expect(loaded.diagnostics.filter((d) => d.code !== 'duplicate-key' && d.severity === 'error').map((d) => [d.path.join('.'), d.line, d.column])).toEqual([
      ['projects.1.implementer', 24, 5],
      ['projects.1.funds.annual.other', 37, 20],
    ]);
    expect(loaded.packet).toBeUndefined();
    expect(loaded.header).toBeUndefined();
    expect(loaded.accepted).toEqual([]);
    // As JSON.parse: the last one counts.
    expect((parseDataText(text).value as { unit: string }).unit).toBe('第三单位');
  });

  it('a repeated key inside a project sets that project aside and keeps the others', async () => {
    const loaded = await load('repeated-project.json', SMALL.replaceAll('"category": "特定目标类",', '"category": "特定目标类", "category": "其他类",'));
    expect(loaded.diagnostics.filter((d) => d.code === 'duplicate-key').map((d) => [d.path.join('.'), d.line, d.column])).toEqual([
      ['projects.0.category', 9, 28],
      ['projects.1.category', 27, 28],
    ]);
    expect(loaded.accepted).toEqual([]);
    const once = await load('repeated-once.json', SMALL.replace('"name": "会议费",', '"name": "会议费", "name": "会务费",').replace('"other": "5,000"', '"other": "0.00"').replace('"department": "示例主管部门",\n      "startDate": "2024-03-01"', '"department": "示例主管部门",\n      "implementer": "示例单位",\n      "startDate": "2024-03-01"'));
    expect(once.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.path.join('.'), d.line, d.column])).toEqual([
      ['duplicate-key', 'projects.0.name', 7, 22],
    ]);
    expect(once.projectNames[0]).toBe('会务费');
    expect(once.accepted.map((a) => a.number)).toEqual([2]);
    expect(once.packet).toBeUndefined();
  });

  it('places a syntax error with a Chinese explanation', async () => {
    const missingComma = await load('comma.json', '{\n  "title": "示例"\n  "unit": "示例单位"\n}');
    expect(missingComma.diagnostics.map((d) => formatDiagnostic(d, 'data/comma.json'))).toEqual([
      'data/comma.json:3:3：错误：不是有效的 JSON：第 3 行第 3 列附近有语法错误（上一项后面缺少逗号）',
    ]);
    const cases: Array<[string, string]> = [
      ['{\n  "title": "x",\n  "year": 2023,,\n}', '第 3 行第 16 列附近有语法错误（多了一个逗号）'],
      ['{\n  "year": 2023,\n}', '第 3 行第 1 列附近有语法错误（最后一项后面不能有逗号）'],
      ['{\n  "title": "x"', '第 2 行第 15 列附近有语法错误（文件意外结束：可能缺少「}」「]」或引号）'],
      ["{\n  'title': 1\n}", '第 2 行第 3 列附近有语法错误（字符串要用英文双引号 "，不能用单引号）'],
      ['{\n  "title"：1\n}', '第 2 行第 10 列附近有语法错误（用了中文标点「：」，应为英文的「:」）'],
      ['{\n  “title”: 1\n}', '第 2 行第 3 列附近有语法错误（用了中文引号「“」，应为英文双引号 "）'],
      ['{\n  "year": 2023 // 年度\n}', '第 2 行第 16 列附近有语法错误（JSON 里不能写注释）'],
      ['{\n  "ok": tru\n}', '第 2 行第 9 列附近有语法错误（不认识的「tru」：文字要用英文双引号 " 括起来）'],
      ['{\n  "goal": "第一行\n第二行"\n}', '第 2 行第 15 列附近有语法错误（文字中间不能直接有换行（U+000A）；换行请写成 \\n，制表符写成 \\t）'],
    ];
    for (const [text, detail] of cases) {
      expect(parseSyntax(text)).toBe(`不是有效的 JSON：${detail}`);
    }
  });
});

function parseSyntax(text: string): string {
  try {
    parseDataText(text);
    return 'parsed';
  } catch (error) {
    return (error as Error).message;
  }
}
