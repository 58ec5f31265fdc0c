// The schema as VS Code reads it: vscode-json-languageservice is VS Code's own JSON engine (the
// json-language-features server calls it), configured here as VS Code configures it from the
// folder's .vscode/settings.json that `shenbao init` writes.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, getLanguageService, type LanguageService } from 'vscode-json-languageservice';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describe, expect, it } from 'vitest';
import { LEVEL1_NAMES, LEVEL2_BY_LEVEL1 } from '../src/model/framework.js';
import { packetJsonSchema, SCHEMA_ID } from '../src/model/json-schema.js';
import { validatePacket } from '../src/validate/validate.js';
import { findDataFiles } from '../src/output/inputs.js';
import { editorSettings, initFolder, SCHEMA_FILE_MATCH, starterPacket } from '../src/output/init.js';
import { shenbaoHere } from './support/cli.js';

const SCHEMA_TEXT = packetJsonSchema();
const SCHEMA = JSON.parse(SCHEMA_TEXT);

/** A language service for one folder, set up as VS Code does from its .vscode/settings.json. */
function serviceFor(folder: string): { service: LanguageService; schemaUri: string } {
  const folderUri = `${pathToFileURL(folder).href}/`;
  const settings = JSON.parse(readFileSync(path.join(folder, '.vscode', 'settings.json'), 'utf8'))['json.schemas'] as Array<{ fileMatch: string[]; url: string }>;
  const service = getLanguageService({
    schemaRequestService: async (uri) => readFileSync(new URL(uri), 'utf8'),
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).href },
  });
  // VS Code resolves a url starting with "." against the folder, and scopes fileMatch to it.
  const schemas = settings.map(({ fileMatch, url }) => ({ uri: new URL(url, folderUri).href, fileMatch, folderUri }));
  service.configure({ validate: true, schemas });
  return { service, schemaUri: schemas[0]!.uri };
}

const fixture = mkdtempSync(path.join(os.tmpdir(), 'shenbao-editor-'));
const folder = path.join(fixture, '申报');
const written = await initFolder(folder, { year: 2027 });
const { service, schemaUri: schemaHref } = serviceFor(folder);
// As the service reports it (getLanguageStatus decodes the file URI).
const schemaUri = decodeURI(schemaHref);
const DATA_URI = pathToFileURL(path.join(folder, '申报数据.json')).href;

const document = (text: string, uri = DATA_URI) => TextDocument.create(uri, 'json', 1, text);

async function diagnostics(text: string, uri = DATA_URI) {
  const doc = document(text, uri);
  return service.doValidation(doc, service.parseJSONDocument(doc));
}

/** The labels offered at `|` in `text`. */
async function completions(text: string): Promise<string[]> {
  const offset = text.indexOf('|');
  const doc = document(text.slice(0, offset) + text.slice(offset + 1));
  const list = await service.doComplete(doc, doc.positionAt(offset), service.parseJSONDocument(doc));
  return (list?.items ?? []).map((item) => item.label);
}

const quoted = (names: readonly string[]) => names.map((name) => JSON.stringify(name));

/** The starter packet with one indicator's fields as given, as the editor sees it. */
function withIndicator(indicator: Record<string, string>, year = 2027): string {
  const packet = starterPacket(year) as unknown as { projects: Array<{ indicators: unknown[] }> };
  packet.projects[0]!.indicators = [indicator];
  return JSON.stringify(packet, null, 2);
}

/** withIndicator with the cursor (|) inside one field's empty string. */
function cursorIn(field: string, indicator: Record<string, string>): string {
  return withIndicator({ ...indicator, [field]: '\u0000' }).replace('"\\u0000"', '"|"');
}

describe('completion in VS Code’s JSON engine', () => {
  it('offers exactly the 一级指标 of the framework at a 一级指标', async () => {
    const labels = await completions(cursorIn('level1', { level1: '', level2: '数量指标', name: '培训场次', target: '≥4(场)' }));
    expect(labels).toEqual(quoted(LEVEL1_NAMES));
    expect(LEVEL1_NAMES).toEqual(['产出指标', '成本指标', '效益指标', '满意度指标']);
  });

  it('offers exactly the 二级指标 of the 一级指标 written beside it', async () => {
    for (const level1 of LEVEL1_NAMES) {
      const labels = await completions(cursorIn('level2', { level1, level2: '', name: '培训场次', target: '≥4(场)' }));
      expect(labels, level1).toEqual(quoted(LEVEL2_BY_LEVEL1[level1]!));
    }
    expect(await completions(cursorIn('level2', { level1: '产出指标', level2: '', name: '培训场次', target: '≥4(场)' }))).toEqual(
      quoted(['数量指标', '质量指标', '时效指标', '成本指标']),
    );
  });

  it('offers 项目性质 and 项目类别', async () => {
    const packet = JSON.stringify(starterPacket(2027), null, 2);
    expect(await completions(packet.replace('"nature": "阶段性项目"', '"nature": "|"'))).toEqual(quoted(['经常性项目', '阶段性项目', '一次性项目']));
    expect(await completions(packet.replace('"category": "特定目标类"', '"category": "|"'))).toEqual(quoted(['特定目标类', '其他运转类']));
  });

  it('offers a new project and a new indicator as snippets, each with every required field', async () => {
    const packet = JSON.stringify(starterPacket(2027), null, 2);
    const newProject = packet.replace(/\n  \]\n\}\n?$/, ',\n    |\n  ]\n}');
    expect(newProject).toContain('|');
    expect(await completions(newProject)).toContain('新项目');
    const newIndicator = packet.replace('"indicators": [', '"indicators": [\n        |');
    expect(await completions(newIndicator)).toEqual(expect.arrayContaining(LEVEL1_NAMES.map((name) => `新指标：${name}`)));

    const project = SCHEMA.properties.projects.items;
    expect(Object.keys(project.defaultSnippets[0].body)).toEqual(expect.arrayContaining(project.required));
    const indicator = project.properties.indicators.items;
    for (const snippet of indicator.defaultSnippets) expect(Object.keys(snippet.body)).toEqual(indicator.required);
    expect(indicator.defaultSnippets[0].body.level2).toBe('${1|数量指标,质量指标,时效指标,成本指标|}');
  });
});

describe('the editor’s messages', () => {
  it('a wrong 一级指标: one Chinese message that lists the four, no expression', async () => {
    const found = await diagnostics(withIndicator({ level1: '产出指数', level2: '数量指标', name: '培训场次', target: '≥4(场)' }));
    expect(found.map((d) => d.message)).toEqual(['一级指标只有 产出指标、成本指标、效益指标、满意度指标（照这样写，前后不加空格）']);
    // validate calls it an error too (and misses the 满意度指标 the editor cannot count).
    const checked = validatePacket(JSON.parse(withIndicator({ level1: '产出指数', level2: '数量指标', name: '培训场次', target: '≥4(场)' })));
    expect(checked.diagnostics.map((d) => [d.severity, d.path.join('.')])).toEqual([
      ['error', 'projects.0.indicators.0.level1'],
      ['warning', 'projects.0.indicators'],
    ]);
  });

  it('a 二级指标 under another 一级指标: the editor warns, as validate does, and says it only warns', async () => {
    const text = withIndicator({ level1: '产出指标', level2: '社会效益指标', name: '培训场次', target: '≥4(场)' });
    const found = await diagnostics(text);
    expect(found.map((d) => [d.severity, d.message])).toEqual([
      [DiagnosticSeverity.Warning, '「产出指标」下的二级指标是 数量指标、质量指标、时效指标、成本指标；写成别的，shenbao 只给警告，表上照原样打印'],
    ]);
    expect(validatePacket(JSON.parse(text)).diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'framework-level2'],
      ['warning', 'framework-no-satisfaction'],
    ]);
  });

  it('issue 19: a space around a name from a closed list (一级指标, 二级指标, 项目性质) is named by the editor and by validate alike, not trimmed away', async () => {
    const packet = JSON.parse(withIndicator({ level1: ' 产出指标', level2: '数量指标 ', name: '培训场次', target: '≥4(场)' }));
    packet.projects[0].nature = '阶段性项目 ';
    const text = JSON.stringify(packet, null, 2);
    const editor = await diagnostics(text);
    expect(editor.map((d) => [document(text).offsetAt(d.range.start), d.message]).sort((a, b) => Number(a[0]) - Number(b[0])).map(([, message]) => message)).toEqual([
      '项目性质只有 经常性项目、阶段性项目、一次性项目（照这样写，前后不加空格）',
      '一级指标只有 产出指标、成本指标、效益指标、满意度指标（照这样写，前后不加空格）',
    ]);
    // The 二级指标 is checked by the editor only once the 一级指标 is one of the four (if/then).
    const level2Only = withIndicator({ level1: '产出指标', level2: '数量指标 ', name: '培训场次', target: '≥4(场)' });
    expect((await diagnostics(level2Only)).map((d) => d.message)).toEqual(['「产出指标」下的二级指标是 数量指标、质量指标、时效指标、成本指标；写成别的，shenbao 只给警告，表上照原样打印']);
    // validate: the same fields, at the editor's severity (the 二级指标 only warns), in one wording.
    // (A project whose 项目性质 is refused by the schema is not checked further: its indicators apart.)
    const named = (p: unknown) => validatePacket(p).diagnostics.map((d) => [d.severity, d.path.join('.'), d.message]);
    expect(named(packet)).toEqual([['error', 'projects.0.nature', '「阶段性项目 」前后有多余的空格，请删去']]);
    packet.projects[0].nature = '阶段性项目';
    expect(named(packet)).toEqual([
      ['error', 'projects.0.indicators.0.level1', '「 产出指标」前后有多余的空格，请删去'],
      ['warning', 'projects.0.indicators.0.level2', '「数量指标 」前后有多余的空格，请删去'],
      ['warning', 'projects.0.indicators', '没有满意度指标'],
    ]);
  });

  it('fixed wordings are validate’s own: blank text, a money string, a money amount given as a number', async () => {
    const cases: Array<[string, (p: Record<string, any>) => void, string]> = [
      ['blank', (p) => (p.department = '  '), 'projects.0.department'],
      ['separators', (p) => (p.funds.annual.other = '20,000.00'), 'projects.0.funds.annual.other'],
      ['number', (p) => (p.funds.annual.other = 20000), 'projects.0.funds.annual.other'],
      ['too large', (p) => (p.funds.project.total = '123456789012.00'), 'projects.0.funds.project.total'],
    ];
    for (const [name, change, at] of cases) {
      const packet = starterPacket(2027) as unknown as { projects: Array<Record<string, any>> };
      change(packet.projects[0]!);
      const text = JSON.stringify(packet, null, 2);
      const validator = validatePacket(JSON.parse(text)).diagnostics.filter((d) => d.path.join('.') === at).map((d) => d.message);
      expect(validator, name).toHaveLength(1);
      expect((await diagnostics(text)).map((d) => d.message), name).toEqual(validator);
    }
  });

  it('no message shows a regular expression', async () => {
    const packet = starterPacket(2027) as unknown as { title: string; projects: Array<Record<string, any>> };
    packet.title = '示例\u200B单位2027年度';
    packet.projects[0]!.startDate = '2027/03/01';
    packet.projects[0]!.nature = '经常性';
    const found = (await diagnostics(JSON.stringify(packet, null, 2))).map((d) => d.message);
    expect(found).toEqual([
      '含有不可见字符（控制字符、Tab、零宽空格、方向控制符、单独的回车符等），多半是从网页或 Word 复制来的，请删除；shenbao validate 会指出是第几个字符',
      '项目性质只有 经常性项目、阶段性项目、一次性项目（照这样写，前后不加空格）',
      '日期应写成 ISO 格式 YYYY-MM-DD，如 "2023-01-01"',
    ]);
  });

  it('every pattern in the schema carries a Chinese message', () => {
    const patterns: Array<{ pattern: string; patternErrorMessage?: string }> = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        if (typeof (node as { pattern?: unknown }).pattern === 'string') patterns.push(node as { pattern: string });
        Object.values(node).forEach(walk);
      }
    };
    walk(SCHEMA);
    expect(patterns.length).toBeGreaterThan(40);
    expect(patterns.filter((p) => !/\p{Script=Han}/u.test(p.patternErrorMessage ?? ''))).toEqual([]);
  });
});

describe('shenbao init', () => {
  it('writes the data file, the schema beside it and the editor settings, nothing else', () => {
    expect(written).toEqual([path.join(folder, '申报数据.json'), path.join(folder, 'packet.schema.json'), path.join(folder, '.vscode', 'settings.json')]);
    expect(readdirSync(folder).sort()).toEqual(['.vscode', 'packet.schema.json', '申报数据.json']);
    expect(readFileSync(path.join(folder, 'packet.schema.json'), 'utf8')).toBe(SCHEMA_TEXT);
    expect(readFileSync(path.join(folder, '.vscode', 'settings.json'), 'utf8')).toBe(editorSettings());
    expect(JSON.parse(editorSettings())).toEqual({ 'json.schemas': [{ fileMatch: [...SCHEMA_FILE_MATCH], url: './packet.schema.json' }] });
  });

  it('the data file names no schema path, and the schema has a stable $id', () => {
    const data = JSON.parse(readFileSync(written[0]!, 'utf8'));
    expect(data.$schema).toBeUndefined();
    expect(data).toEqual(starterPacket(2027));
    expect(SCHEMA.$id).toBe(SCHEMA_ID);
    expect(SCHEMA_ID).toBe('https://shenbao.invalid/schema/packet.schema.json');
    // The seed names none either: the repository's .vscode/settings.json maps data/*.json.
    expect(JSON.parse(readFileSync(new URL('../data/minhang-2023.json', import.meta.url), 'utf8')).$schema).toBeUndefined();
  });

  it('VS Code gives the data file the schema, and not the schema or settings files', async () => {
    const status = (file: string) => {
      const doc = document(readFileSync(path.join(folder, file), 'utf8'), pathToFileURL(path.join(folder, file)).href);
      return service.getLanguageStatus(doc, service.parseJSONDocument(doc)).schemas;
    };
    expect(status('申报数据.json')).toEqual([schemaUri]);
    expect(status('packet.schema.json')).not.toContain(schemaUri);
    expect(status(path.join('.vscode', 'settings.json'))).toEqual([]);
    // A copy under another name, and a manifest a build writes under out/.
    writeFileSync(path.join(fixture, 'manifest.json'), '{}');
    const other = (uri: string) => service.getLanguageStatus(document('{}', uri), service.parseJSONDocument(document('{}', uri))).schemas;
    expect(other(pathToFileURL(path.join(folder, '副本.json')).href)).toEqual([schemaUri]);
    expect(other(pathToFileURL(path.join(folder, 'out', '申报数据', 'manifest.json')).href)).toEqual([]);
    expect(other(pathToFileURL(path.join(fixture, '别处.json')).href)).toEqual([]);
  });

  it('its data file has no problem in the editor, and passes shenbao validate --strict', async () => {
    expect(await diagnostics(readFileSync(written[0]!, 'utf8'))).toEqual([]);
    const run = await shenbaoHere(['validate', '--strict', written[0]!], fixture);
    expect(run).toEqual({ code: 0, stdout: '', stderr: `${written[0]}：通过，0 个错误，0 条警告\n` });
  });

  it('in this repository, .vscode/settings.json gives data/*.json the committed schema', () => {
    const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
    const repository = serviceFor(root);
    const seed = pathToFileURL(path.join(root, 'data', 'minhang-2023.json')).href;
    const doc = document(readFileSync(new URL(seed), 'utf8'), seed);
    expect(repository.service.getLanguageStatus(doc, repository.service.parseJSONDocument(doc)).schemas).toEqual([
      decodeURI(pathToFileURL(path.join(root, 'schema', 'packet.schema.json')).href),
    ]);
  });

  it('the seed has no problem in the editor either', async () => {
    expect(await diagnostics(readFileSync(new URL('../data/minhang-2023.json', import.meta.url), 'utf8'))).toEqual([]);
  });

  it('a folder build or validate skips packet.schema.json beside the data', async () => {
    expect(await findDataFiles(folder)).toEqual([path.join(folder, '申报数据.json')]);
    const run = await shenbaoHere(['validate', folder], fixture);
    expect(run).toEqual({ code: 0, stdout: '', stderr: `${path.join(folder, '申报数据.json')}：通过，0 个错误，0 条警告\n` });
    const out = path.join(fixture, 'out');
    const build = await shenbaoHere(['build', folder, '-o', out, '--date', '2027-01-01', '--quiet'], fixture);
    expect(build).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readdirSync(out)).toEqual(['申报数据']);
    expect(readdirSync(path.join(out, '申报数据')).sort()).toEqual(
      ['01-示例项目（请改成本单位的项目名称）.docx', '01-示例项目（请改成本单位的项目名称）.pdf', 'manifest.json', '汇总表.docx', '汇总表.pdf'].sort(),
    );
  });

  it('never overwrites: refuses naming every file in the way, and writes nothing', async () => {
    const again = await initFolder(folder, { year: 2027 }).catch((error: Error) => error.message);
    expect(again).toBe(
      `${written.join('、')} 已存在：shenbao init 不会覆盖已有的文件，这次什么也没有写。请换一个新的文件夹，或先把它们移走；` +
        `已有的 ${written[2]} 可以自己加上这一项：\n"json.schemas": [{"fileMatch":["*.json","!*.schema.json","!.vscode/*.json","!out/**"],"url":"./packet.schema.json"}]`,
    );
    const partly = path.join(fixture, '已有数据');
    await initFolder(partly, { year: 2026 });
    const mine = path.join(fixture, '只有数据');
    (await import('node:fs')).mkdirSync(mine);
    writeFileSync(path.join(mine, '申报数据.json'), '用户的文件');
    const run = await shenbaoHere(['init', mine], fixture);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `${path.join(mine, '申报数据.json')} 已存在：shenbao init 不会覆盖已有的文件，这次什么也没有写。请换一个新的文件夹，或先把它移走\n`,
    });
    expect(readdirSync(mine)).toEqual(['申报数据.json']);
    expect(readFileSync(path.join(mine, '申报数据.json'), 'utf8')).toBe('用户的文件');
  });

  it('the command says what it wrote and what to do next', async () => {
    const run = await shenbaoHere(['init', '新文件夹', '--year', '2031'], fixture);
    const made = path.join('新文件夹', '申报数据.json');
    expect(run).toEqual({
      code: 0,
      stdout: '',
      stderr:
        `${made}：示例数据（2031年度，一个示例项目），请改成自己的项目\n` +
        `${path.join('新文件夹', 'packet.schema.json')}：数据格式，编辑器用它补全和检查\n` +
        `${path.join('新文件夹', '.vscode', 'settings.json')}：让 VS Code 用这个数据格式检查文件夹里的 .json 文件\n` +
        `下一步：用 VS Code 打开文件夹 新文件夹，改写 申报数据.json；改好后运行 shenbao validate ${made}\n`,
    });
    expect(JSON.parse(readFileSync(path.join(fixture, made), 'utf8')).title).toBe('示例单位2031年度项目绩效目标汇总表');
    writeFileSync(path.join(fixture, '一个文件'), '');
    expect(await shenbaoHere(['init', '一个文件'], fixture)).toEqual({
      code: 2,
      stdout: '',
      stderr: '一个文件 不是文件夹：shenbao init 要在一个文件夹里写出示例数据，请换一个文件夹名\n',
    });
  });
});
