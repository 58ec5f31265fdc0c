// Glyph coverage: a character the font lacks is an error at the field that holds it, with its
// code point, before anything is rendered; characters the font has raise nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { declarationDocument, summaryDocument } from '../src/layout/forms.js';
import { glyphDiagnostics, missingGlyphs } from '../src/render/glyphs.js';
import { loadFonts, type LoadedFonts } from '../src/render/fonts.js';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import type { GridDocument } from '../src/layout/grid.js';
import { loadSeed } from './support/seed.js';
import { FORM_PAGE } from '../src/layout/page-style.js';
import { checkPrintable, GLYPH_CHECK } from '../src/output/printable.js';
import { validatePacket } from '../src/validate/validate.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_TEMPLATE_DIR } from '../src/layout/templates.js';

let fonts: LoadedFonts;
let templates: FormTemplates;
beforeAll(async () => {
  [fonts, templates] = await Promise.all([loadFonts(), loadTemplates()]);
});

describe('what Noto Serif SC has', () => {
  it('lacks CJK Extension B, emoji and private use; has Extension A and the rare characters of 通用规范汉字表', () => {
    const has = (char: string) => [fonts.faces.regular.hasGlyph(char.codePointAt(0)!), fonts.faces.bold.hasGlyph(char.codePointAt(0)!)];
    for (const char of ['𠀀', '😀', '\uE000', '\u200B']) expect(has(char), char).toEqual([false, false]);
    // 㐀 (U+3400, Ext A), 𬌗 (U+2C317, Ext E) and 𫖮 (U+2B5AE, Ext C) are in the 通用规范汉字表; 堃 喆 镕 are common in names.
    for (const char of ['㐀', '𬌗', '𫖮', '堃', '喆', '镕', '≥', '（', '·', '—', '“']) expect(has(char), char).toEqual([true, true]);
  });
});

describe('missingGlyphs', () => {
  it('names the field, the character and its code point, once per character per field', () => {
    const seed = loadSeed();
    const project = {
      ...seed.projects[2]!,
      annualGoal: '为王𠀀同志等发放补贴😀，王𠀀\n签收', // 𠀀 twice: one problem
      indicators: seed.projects[2]!.indicators.map((indicator, i) => (i === 1 ? { ...indicator, name: `㐀𬌗\uE000${indicator.name}` } : indicator)),
    };
    const problems = missingGlyphs(declarationDocument(templates, project, seed.year, 2), fonts);
    expect(problems).toEqual([
      { path: ['projects', 2, 'annualGoal'], char: '𠀀', codePoint: 'U+20000', font: 'NotoSerifSC-Regular' },
      { path: ['projects', 2, 'annualGoal'], char: '😀', codePoint: 'U+1F600', font: 'NotoSerifSC-Regular' },
      { path: ['projects', 2, 'indicators', 1, 'name'], char: '\uE000', codePoint: 'U+E000', font: 'NotoSerifSC-Regular' },
    ]);

    expect(glyphDiagnostics(problems)).toEqual([
      {
        severity: 'error',
        path: ['projects', 2, 'annualGoal'],
        message: '「𠀀」（U+20000）不在字体 NotoSerifSC-Regular 中，印出来会是空白方框',
        hint: '这是生僻字（CJK 扩展 B 区）：可用 --font、--font-bold 换用收有此字的中文字体，或按本单位惯例改写（如以同音字代替并加注）',
        code: 'glyph-missing',
      },
      {
        severity: 'error',
        path: ['projects', 2, 'annualGoal'],
        message: '「😀」（U+1F600）不在字体 NotoSerifSC-Regular 中，印出来会是空白方框',
        hint: '表格中不宜用表情符号，请删去或改用文字',
        code: 'glyph-missing',
      },
      {
        severity: 'error',
        path: ['projects', 2, 'indicators', 1, 'name'],
        message: '「\uE000」（U+E000）不在字体 NotoSerifSC-Regular 中，印出来会是空白方框',
        hint: '这是私用区字符（造字程序或输入法自造的字），换了电脑或字体就显示不出来；请改用标准汉字，或用文字说明它的写法',
        code: 'glyph-missing',
      },
    ]);
  });

  it('finds nothing in the seed packet, forms and 汇总表 alike', () => {
    expect(missingGlyphs(summaryDocument(templates, loadSeed()), fonts)).toEqual([]);
  });

  it('checks a title against the bold face that prints it, and every form in the 汇总表', () => {
    const seed = loadSeed();
    const packet = { ...seed, title: `${seed.title}𠀀`, projects: seed.projects.map((p, i) => (i === 4 ? { ...p, implementer: `${p.implementer}😀` } : p)) };
    const problems = missingGlyphs(summaryDocument(templates, packet), fonts);
    // The implementer shows in the front table and in the 5th form: one field, one problem.
    expect(problems.map((p) => [p.path, p.char, p.font])).toEqual([
      [['title'], '𠀀', 'NotoSerifSC-Bold'],
      [['projects', 4, 'implementer'], '😀', 'NotoSerifSC-Regular'],
    ]);
  });

  it('skips line breaks, spaces and variation selectors, which print no glyph', () => {
    const text = '财 政\n项目\uFE00\u{E0100}';
    expect(missingGlyphs(single(text), fonts)).toEqual([]);
  });

  it('reports a template’s own text (no path) with the text it is in', () => {
    const problems = missingGlyphs(single('𠀀字段', 'label'), fonts);
    expect(problems).toEqual([{ text: '𠀀字段', char: '𠀀', codePoint: 'U+20000', font: 'NotoSerifSC-Regular' }]);
    expect(glyphDiagnostics(problems)).toEqual([
      {
        severity: 'error',
        path: [],
        message: '模板文字「𠀀字段」中的「𠀀」（U+20000）不在字体 NotoSerifSC-Regular 中，印出来会是空白方框',
        hint: '请修改模板中的这段文字，或用 --font、--font-bold 换用含有这个字的字体',
        code: 'glyph-missing',
      },
    ]);
  });

});

describe('checkPrintable lays out only the forms that may lack a glyph', () => {
  const seed = loadSeed();
  const check = (packet: unknown, formTemplates = templates) => {
    const validation = validatePacket(packet);
    const before = GLYPH_CHECK.formsLaidOut;
    const result = checkPrintable({ ...validation, file: 'unit.json' }, { templates: formTemplates, fonts });
    return { ...result, laidOut: GLYPH_CHECK.formsLaidOut - before };
  };

  it('lays out no form when every value and the templates’ own text are in both faces', () => {
    const { diagnostics, laidOut } = check(seed);
    expect(diagnostics).toEqual([]);
    expect(laidOut).toBe(0);
  });

  it('lays out a form whose data has a character a face lacks, and finds it where it prints, once (the 汇总表 prints it too)', () => {
    const projects = seed.projects.map((p, i) => (i === 6 ? { ...p, implementer: '王𠀀所' } : p));
    const { diagnostics, unprintable, laidOut } = check({ ...seed, projects });
    expect(laidOut).toBe(1);
    expect([...unprintable]).toEqual([6]);
    expect(diagnostics.map((d) => [d.path, d.message])).toEqual([
      [['projects', 6, 'implementer'], '「𠀀」（U+20000）不在字体 NotoSerifSC-Regular 中，印出来会是空白方框'],
    ]);
  });

  it.each([
    ['a character reference', '&#x20000;'],
    ['a character reference split by a comment', '&{{!}}#x20000;'],
  ])('lays out every form of templates that write %s (it prints what the source does not show)', async (_, reference) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shenbao-templates-'));
    try {
      for (const name of ['declaration.hbs', 'summary.hbs']) {
        const source = await readFile(path.join(DEFAULT_TEMPLATE_DIR, name), 'utf8');
        await writeFile(path.join(dir, name), name === 'declaration.hbs' ? source.replace('>项目名称<', `>项目名称${reference}<`) : source);
      }
      const custom = await loadTemplates(dir);
      expect(custom.ownCharacters).toBeUndefined();
      const { diagnostics, laidOut } = check(seed, custom);
      expect(laidOut).toBe(seed.projects.length);
      // One problem, however many forms print the text.
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]!.message).toBe('模板文字「项目名称𠀀」中的「𠀀」（U+20000）不在字体 NotoSerifSC-Regular 中，印出来会是空白方框');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A one-cell document. */
function single(text: string, role: 'label' | 'value' = 'value'): GridDocument {
  const cell = { col: 0, rowSpan: 1, colSpan: 1, text, role, align: 'left', valign: 'middle' } as const;
  return { page: FORM_PAGE, sections: [{ blocks: [{ type: 'table', widths: [1], rows: [{ repeat: false, cells: [cell] }] }] }] };
}
