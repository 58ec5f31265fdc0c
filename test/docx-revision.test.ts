// Revised Word drafts read back: extract(build(x)) is x, edits made as Word and LibreOffice make
// them come back as exactly the changed data, and diff names exactly those changes. Edits that
// cannot be read are refused with the place and what was expected.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Big from 'big.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates, type FormTemplates } from '../src/layout/templates.js';
import type { Packet } from '../src/model/packet.js';
import { extractDocx } from '../src/extract/docx.js';
import { UserError } from '../src/errors.js';
import { diffPackets, formatChange } from '../src/extract/diff.js';
import { extractFile } from '../src/output/revision.js';
import { validatePacket } from '../src/validate/validate.js';
import { buildDocx, cellsOf, cellWithText, children, descendants, editDocx, part, readBytes, rowsOf, run, setCellText, tables, W } from './support/docx.js';
import { shenbao, shenbaoHere, ROOT } from './support/cli.js';
import { DISTINCT_FILE, loadDistinct } from './support/golden.js';
import { loadSeed, SEED_FILE } from './support/seed.js';
import { lines } from './support/problems.js';

const seed = loadSeed();
const distinct = loadDistinct();
let templates: FormTemplates;
let seedDir: string;
let distinctDir: string;
beforeAll(async () => {
  templates = await loadTemplates();
  [seedDir, distinctDir] = await Promise.all([buildDocx(SEED_FILE), buildDocx(DISTINCT_FILE)]);
}, 60_000);

/**
 * The data file as the forms print it. An amount is printed with two decimals, so "95174" (as the
 * distinct fixture writes one on purpose) comes back as "95174.00": the same amount, which diff
 * also treats as equal. Nothing else is normalised.
 */
const rawJson = (file: string): Packet => {
  const packet = JSON.parse(readFileSync(file, 'utf8')) as Packet;
  for (const project of packet.projects) {
    for (const funds of [project.funds.project, project.funds.annual] as Array<Record<string, string | undefined>>) {
      for (const key of Object.keys(funds)) if (funds[key] !== undefined) funds[key] = new Big(funds[key]).toFixed(2);
    }
  }
  return packet;
};
const formName = (dir: string, i: number) =>
  (JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: Array<{ name: string }> }).files
    .map((f) => f.name)
    .find((f) => f.startsWith(`${String(i + 1).padStart(2, '0')}-`) && f.endsWith('.docx'))!;

/** extract, expecting no unreadable edit; the data as read. */
async function extract(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const read = await extractDocx(bytes, 'x.docx', templates);
  expect(read.problems).toEqual([]);
  return read.data!;
}

/** The form as a one-project packet: what extracting a form's .docx must give. */
const asForm = (packet: Packet, i: number): Packet => ({ ...packet, projects: [packet.projects[i]!] });

describe('extract(build(x)) is x', () => {
  it.each(seed.projects.map((p, i) => [i + 1, p.name, i] as const))('seed form %i %s', async (_, __, i) => {
    expect(await extract(readBytes(path.join(seedDir, formName(seedDir, i))))).toEqual(asForm(rawJson(SEED_FILE), i));
  });

  it('the seed 汇总表: the whole packet, in the data file\'s own key order', async () => {
    const data = await extract(readBytes(path.join(seedDir, '汇总表.docx')));
    expect(data).toEqual(rawJson(SEED_FILE));
    expect(JSON.stringify(validatePacket(data).packet, null, 2)).toBe(JSON.stringify(rawJson(SEED_FILE), null, 2));
  });

  it.each(distinct.projects.map((p, i) => [i + 1, p.name, i] as const))('distinct form %i %s', async (_, __, i) => {
    expect(await extract(readBytes(path.join(distinctDir, formName(distinctDir, i))))).toEqual(asForm(rawJson(DISTINCT_FILE), i));
  });

  it('the distinct 汇总表', async () => {
    expect(await extract(readBytes(path.join(distinctDir, '汇总表.docx')))).toEqual(rawJson(DISTINCT_FILE));
  });

  // Saved again by a real LibreOffice (test/fixtures/libreoffice/README.md): its tables rewritten.
  it.each([
    ['minhang-2023-汇总表.docx', SEED_FILE],
    ['distinct-汇总表.docx', DISTINCT_FILE],
  ])('test/fixtures/libreoffice/%s, as LibreOffice saved it', async (name, data) => {
    const bytes = readBytes(path.join(ROOT, 'test', 'fixtures', 'libreoffice', name));
    expect(part(bytes, 'word/document.xml')).toContain('<w:vMerge w:val="continue"/>');
    // Saved when the seed still carried `$schema` (data files no longer do): the .docx keeps it as a property.
    const saved = name.startsWith('minhang') ? { $schema: '../schema/packet.schema.json', ...rawJson(data) } : rawJson(data);
    expect(await extract(bytes)).toEqual(saved);
  });
});

describe('revisions made in Word or LibreOffice come back as exactly the changed data', () => {
  // Form 1 of the distinct packet: 社区睦邻学堂运营, 7 indicators in 4 groups, every value distinct.
  let original: Uint8Array;
  let before: Packet;
  beforeAll(() => {
    original = readBytes(path.join(distinctDir, formName(distinctDir, 0)));
    before = asForm(rawJson(DISTINCT_FILE), 0);
  });

  /** Edits the form, extracts it, and checks the data against `change(before)` and diff's list. */
  async function revise(edit: Parameters<typeof editDocx>[1], change: (p: Packet['projects'][number]) => void, changes: string[]): Promise<void> {
    const after = await extract(editDocx(original, edit)) as unknown as Packet;
    const expected = structuredClone(before);
    change(expected.projects[0]!);
    expect(after).toEqual(expected);
    const valid = validatePacket(after).packet!;
    expect(diffPackets(before, valid).map(formatChange)).toEqual(changes);
  }

  /** The row whose 三级指标 cell reads `name`. */
  const rowOf = (document: Parameters<Parameters<typeof editDocx>[1]>[0], name: string) => cellWithText(document, name).parentNode as unknown as Element;

  it('a target changed', async () => {
    await revise(
      (d) => setCellText(cellWithText(d, '≥120(场)'), '≥130(场)'),
      (p) => (p.indicators[0]!.target = '≥130(场)'),
      ['项目 1「社区睦邻学堂运营」：绩效指标第 1 条的年度(/项目)指标值：「≥120(场)」→「≥130(场)」'],
    );
  });

  it('an indicator row added inside the 数量指标 group (its 一级/二级 cells merged over it)', async () => {
    await revise(
      (d) => {
        const row = rowOf(d, '学堂学员注册人数');
        const copy = row.cloneNode(true) as Element;
        const cells = cellsOf(copy as never);
        setCellText(cells.at(-2)!, '志愿讲师人数');
        setCellText(cells.at(-1)!, '≥15(人)');
        row.parentNode!.insertBefore(copy, row.nextSibling);
      },
      (p) => p.indicators.splice(2, 0, { level1: '产出指标', level2: '数量指标', name: '志愿讲师人数', target: '≥15(人)' }),
      ['项目 1「社区睦邻学堂运营」：新增绩效指标第 3 条：产出指标 / 数量指标 / 志愿讲师人数：≥15(人)'],
    );
  });

  it('an indicator row deleted', async () => {
    await revise(
      (d) => {
        const row = rowOf(d, '居委干部满意度');
        row.parentNode!.removeChild(row);
      },
      (p) => p.indicators.splice(6, 1),
      ['项目 1「社区睦邻学堂运营」：删除绩效指标第 7 条：满意度指标 / 服务对象满意度指标 / 居委干部满意度：≥88(%)'],
    );
  });

  it('a run split in two (spell-checker, formatting) changes nothing', async () => {
    await revise(
      (d) => {
        const cell = cellWithText(d, '课程评估优良率');
        const p = children(cell as never, 'p')[0]!;
        for (const r of children(p, 'r')) p.removeChild(r);
        p.appendChild(run(d, '课程评估'));
        const proof = d.createElementNS(W, 'w:proofErr');
        proof.setAttributeNS(W, 'w:type', 'spellStart');
        p.appendChild(proof);
        p.appendChild(run(d, '优良率'));
      },
      () => undefined,
      [],
    );
  });

  it('a soft line break (Shift+Enter) in the annual goal', async () => {
    const goal = before.projects[0]!.annualGoal;
    const [first, second] = [goal.slice(0, 12), goal.slice(12)];
    await revise(
      (d) => {
        const p = children(cellWithText(d, goal) as never, 'p')[0]!;
        for (const r of children(p, 'r')) p.removeChild(r);
        const r = run(d, first);
        r.appendChild(d.createElementNS(W, 'w:br'));
        const t = d.createElementNS(W, 'w:t');
        t.appendChild(d.createTextNode(second));
        r.appendChild(t);
        p.appendChild(r);
      },
      (p) => (p.annualGoal = `${first}\n${second}`),
      [`项目 1「社区睦邻学堂运营」：年度总体目标：「${goal}」→「${first}⏎${second}」`],
    );
  });

  it('a tracked insertion and a tracked deletion, read as accepted', async () => {
    await revise(
      (d) => {
        const tracked = (kind: 'ins' | 'del', text: string) => {
          const change = d.createElementNS(W, `w:${kind}`);
          change.setAttributeNS(W, 'w:id', kind === 'ins' ? '1' : '2');
          change.setAttributeNS(W, 'w:author', '区财政局');
          change.setAttributeNS(W, 'w:date', '2023-03-01T00:00:00Z');
          const r = run(d, text);
          if (kind === 'del') {
            const t = descendants(r as never, 't')[0]!;
            const deleted = d.createElementNS(W, 'w:delText');
            deleted.appendChild(d.createTextNode(t.textContent ?? ''));
            r.replaceChild(deleted, t);
          }
          change.appendChild(r);
          return change;
        };
        children(cellWithText(d, '季度课表发布时限') as never, 'p')[0]!.appendChild(tracked('ins', '（含寒暑假）'));
        const target = children(cellWithText(d, '提高') as never, 'p')[0]!;
        target.appendChild(tracked('del', '明显'));
      },
      (p) => (p.indicators[3]!.name = '季度课表发布时限（含寒暑假）'),
      ['项目 1「社区睦邻学堂运营」：绩效指标第 4 条的三级指标：「季度课表发布时限」→「季度课表发布时限（含寒暑假）」'],
    );
  });

  it('hidden text and an empty line left after the annual goal are not part of the form', async () => {
    await revise(
      (d) => {
        const goal = cellWithText(d, before.projects[0]!.annualGoal);
        const p = children(goal as never, 'p')[0]!;
        const hidden = run(d, '（内部：待核）');
        const rPr = d.createElementNS(W, 'w:rPr');
        rPr.appendChild(d.createElementNS(W, 'w:vanish'));
        hidden.insertBefore(rPr, hidden.firstChild);
        p.appendChild(hidden);
        goal.appendChild(d.createElementNS(W, 'w:p'));
      },
      () => undefined,
      [],
    );
  });

  it('the empty line between the two tables deleted, which joins them in Word', async () => {
    await revise(
      (d) => {
        const [upper, lower] = tables(d);
        upper!.parentNode!.removeChild(upper!.nextSibling!);
        for (const row of rowsOf(lower!)) upper!.appendChild(row);
        lower!.parentNode!.removeChild(lower!);
      },
      () => undefined,
      [],
    );
  });

  it('amounts retyped without separators or decimals come back as the form prints them', async () => {
    await revise(
      (d) => {
        setCellText(cellWithText(d, '95,174.00'), ' 95174 ');
        setCellText(cellWithText(d, '48,251.36'), '48251.36');
      },
      () => undefined,
      [],
    );
    const read = await extract(editDocx(original, (d) => setCellText(cellWithText(d, '95,174.00'), '95174.5'))) as unknown as Packet;
    expect(read.projects[0]!.funds.project.other).toBe('95174.50');
  });

  it('a file re-saved by LibreOffice (vMerge written as continue) reads the same', async () => {
    await revise(
      (d) => {
        for (const merge of descendants(d, 'vMerge')) if (!merge.getAttributeNS(W, 'val')) merge.setAttributeNS(W, 'w:val', 'continue');
      },
      () => undefined,
      [],
    );
  });
});

describe('edits that cannot be read are refused, never guessed', () => {
  let original: Uint8Array;
  beforeAll(() => {
    original = readBytes(path.join(distinctDir, formName(distinctDir, 0)));
  });
  const problems = async (edit: Parameters<typeof editDocx>[1]) => lines((await extractDocx(editDocx(original, edit), 'x.docx', templates)).problems);

  it('a column deleted', async () => {
    expect(
      await problems((d) => {
        const table = tables(d)[1]!;
        const grid = children(table as never, 'tblGrid')[0]!;
        grid.removeChild(children(grid, 'gridCol').at(-1)!);
        for (const row of rowsOf(table as never)) row.removeChild(cellsOf(row).at(-1)!);
      }),
    ).toEqual(['x.docx：第 1 张申报表：第 2 个表格应有 7 列，现在是 6 列。列被删除或加入了，无法读取']);
  });

  it('a table pasted in', async () => {
    expect(
      await problems((d) => {
        const table = tables(d)[1]!;
        table.parentNode!.insertBefore(table.cloneNode(true), table.nextSibling);
      }),
    ).toEqual(['x.docx：第 1 张申报表：应有 2 个表格，现在有 3 个。表格被删除、拆开或粘贴进来了，无法读取']);
  });

  it('a label cell retyped', async () => {
    expect(await problems((d) => setCellText(cellWithText(d, '上年结转资金'), '结转资金'))).toEqual([
      'x.docx：第 1 张申报表第 1 个表格第 6 行第 4 列：这里是标签「上年结转资金」，现在是「结转资金」。标签不能改，请改回去',
    ]);
  });

  it('a row added to the upper table', async () => {
    expect(
      await problems((d) => {
        const row = rowsOf(tables(d)[0]!)[0]!;
        row.parentNode!.insertBefore(row.cloneNode(true), row);
      }),
    ).toEqual([
      // The copy of the first row stands where the 主管部门 row should: the first row that differs.
      'x.docx：第 1 张申报表第 1 个表格第 2 行第 4 列：这个表格应有 9 行，现在有 10 行，从这里起与原表不同（这里应是标签「实施单位」，跨 1 行 2 列）：单元格被拆成了几行，或加入、删去了行。只有绩效指标表可以增删行，请撤销这一处的修改',
    ]);
  });

  it('two cells merged that the form keeps apart', async () => {
    expect(
      await problems((d) => {
        // 项目性质's value merged with the 项目类别 label beside it.
        const row = rowsOf(tables(d)[0]!)[0]!;
        const cells = cellsOf(row);
        children(children(cells[3]!, 'tcPr')[0]!, 'gridSpan')[0]!.setAttributeNS(W, 'w:val', '2');
        row.removeChild(cells[4]!);
      }),
    ).toEqual([
      'x.docx：第 1 张申报表第 1 个表格第 1 行第 5 列（项目性质）：单元格的合并与原表不同（应不合并，现在跨 1 行 2 列），无法读取',
      'x.docx：第 1 张申报表第 1 个表格第 1 行第 6 列（标签「项目类别」）：单元格的合并与原表不同（应不合并，现在跨 1 行 2 列），无法读取',
    ]);
  });

  it('a Word file that is not a shenbao form (a usage error, not an edit)', async () => {
    const other = editDocx(original, (d) => {
      const body = d.getElementsByTagNameNS(W, 'body')[0]!;
      for (const p of children(body as never, 'p')) body.removeChild(p);
    });
    await expect(extractDocx(other, 'x.docx', templates)).rejects.toThrow(new UserError('x.docx：没有找到「财政项目支出绩效目标申报表」，不是 shenbao 生成的申报表或汇总表'));
  });

  it('text typed above the form (附件1)', async () => {
    expect(
      await problems((d) => {
        const body = d.getElementsByTagNameNS(W, 'body')[0]!;
        const p = d.createElementNS(W, 'w:p');
        p.appendChild(run(d, '附件1'));
        body.insertBefore(p, body.firstChild);
      }),
    ).toEqual(['x.docx：第 1 张申报表的标题前面多了文字 「附件1」，请删去']);
  });

  it('the year line deleted, or retyped out of shape', async () => {
    const yearLine = (d: Parameters<Parameters<typeof editDocx>[1]>[0]) =>
      descendants(d, 'p').find((p) => children(p as never, 'r').length > 0 && descendants(p, 't').map((t) => t.textContent).join('') === '(2024年度)')!;
    expect(await problems((d) => yearLine(d).parentNode!.removeChild(yearLine(d)))).toEqual([
      'x.docx：第 1 张申报表：表格上面应有标题 「财政项目支出绩效目标申报表」「(YYYY年度)」，现在只有 「财政项目支出绩效目标申报表」。请把删去的标题加回去',
    ]);
    expect(
      await problems((d) => {
        const p = yearLine(d);
        for (const r of children(p as never, 'r')) p.removeChild(r);
        p.appendChild(run(d, '(二〇二四年度)'));
      }),
    ).toEqual(['x.docx：第 1 张申报表：标题「(二〇二四年度)」应是「(YYYY年度)」这样（YYYY 是四位数的年份）']);
  });

  it('a text box or an equation in a cell, which Word shows but is not text', async () => {
    expect(
      await problems((d) => {
        const p = children(cellWithText(d, '≥120(场)') as never, 'p')[0]!;
        const r = d.createElementNS(W, 'w:r');
        r.appendChild(d.createElementNS(W, 'w:drawing'));
        p.appendChild(r);
      }),
    ).toEqual(['x.docx：第 1 张申报表第 2 个表格第 2 行第 7 列（绩效指标第 1 条的年度(/项目)指标值）：单元格里有文本框、图片或公式，无法读取。请改成文字']);
  });

  it('the 汇总表 and a form that disagree', async () => {
    const bytes = readBytes(path.join(distinctDir, '汇总表.docx'));
    const edited = editDocx(bytes, (d) => setCellText(descendants(d, 'tc').find((tc) => tc.textContent === '社区睦邻学堂运营')!, '社区学堂'));
    expect(lines((await extractDocx(edited, 'x.docx', templates)).problems)).toEqual([
      'x.docx：汇总表第 1 个表格第 2 行第 2 列：「社区学堂」与第 1 张申报表上的「社区睦邻学堂运营」不一致，请把两处改成一样（或只改申报表，汇总表会重新生成）',
    ]);
  });
});

describe('values the data cannot take are said with their place in Word', () => {
  it('an amount on two lines is never pieced together', async () => {
    const original = readBytes(path.join(distinctDir, formName(distinctDir, 0)));
    const edited = editDocx(original, (d) => {
      const cell = cellWithText(d, '2,488,903.76');
      setCellText(cell, '300000');
      const p = d.createElementNS(W, 'w:p');
      p.appendChild(run(d, '50000'));
      cell.appendChild(p);
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-amount-'));
    const file = path.join(dir, 'x.docx');
    writeFileSync(file, edited);
    const read = await extractFile(file, templates);
    // Refused with its place (more amount cases: test/docx-places.test.ts).
    expect(read.data).toBeUndefined();
    expect(lines(read.problems)).toEqual([
      `${file}：第 1 张申报表第 1 个表格第 4 行第 3 列（项目资金·项目资金总额）：「300000\n50000」不是金额。金额以元为单位，写成 200000、200000.00 或 200,000.00，一格只写一个金额，不带单位、文字或换行`,
    ]);
  });

  it('a 合计 or 序号 changed in the 汇总表 is refused: they are worked out', async () => {
    const bytes = readBytes(path.join(distinctDir, '汇总表.docx'));
    const total = distinct.projects.map((p) => new Big(p.funds.annual.total)).reduce((a, b) => a.plus(b));
    const printed = Number(total).toLocaleString('en-US', { minimumFractionDigits: 2 });
    const edited = editDocx(bytes, (d) => setCellText(cellWithText(d, printed), '1.00'));
    expect(lines((await extractDocx(edited, 'x.docx', templates)).problems)).toEqual([
      `x.docx：汇总表第 1 个表格第 5 行第 6 列：「1.00」是按各项目算出来的，不能改（按现在的数据应是「${printed}」）。请改各项目的数据，或把它改回去`,
    ]);
  });
});

describe('shenbao extract and diff', () => {
  it('extract writes the data as JSON (never over a file), diff lists the changes and exits 1', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-extract-'));
    const docx = path.join(dir, '01.docx');
    writeFileSync(docx, editDocx(readBytes(path.join(distinctDir, formName(distinctDir, 0))), (d) => setCellText(cellWithText(d, '≥120(场)'), '≥130(场)')));
    const out = path.join(dir, 'revised.json');

    const extracted = await shenbaoHere(['extract', docx, '-o', out], ROOT);
    expect(extracted.code, extracted.stderr).toBe(0);
    expect(extracted.stderr).toBe(`${docx}：读回申报表，1 个项目，写到 ${out}，0 个错误，0 条警告\n`);
    expect((JSON.parse(readFileSync(out, 'utf8')) as Packet).projects[0]!.indicators[0]!.target).toBe('≥130(场)');

    const again = await shenbaoHere(['extract', docx, '-o', out], ROOT);
    expect([again.code, again.stderr]).toEqual([2, `${out} 已存在：shenbao 不会覆盖它。请换一个文件名，或先把它移走\n`]);

    const single = path.join(dir, 'form1.json');
    writeFileSync(single, JSON.stringify(asForm(rawJson(DISTINCT_FILE), 0)));
    const diff = await shenbao(['diff', single, docx], ROOT);
    expect([diff.code, diff.stdout, diff.stderr]).toEqual([
      1,
      '项目 1「社区睦邻学堂运营」：绩效指标第 1 条的年度(/项目)指标值：「≥120(场)」→「≥130(场)」\n',
      '共 1 处不同\n',
    ]);
    const same = await shenbaoHere(['diff', single, out], ROOT);
    expect(same.code).toBe(1);
    const identical = await shenbaoHere(['diff', out, docx], ROOT);
    expect([identical.code, identical.stdout]).toEqual([0, '']);
  }, 30_000);
});
