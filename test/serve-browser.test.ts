// `shenbao serve`'s page in a real browser (headless Chromium from Debian's packages, see
// support/browser.ts): the seed packet opened as a form, edited as an officer edits it, and what
// comes back checked where it lands — the served PDF's text, the fields' problems, the file on disk,
// the downloaded .docx read back, the folder after 生成全部.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extract, renderWorkbook } from '../src/library.js';
import type { Packet } from '../src/model/packet.js';
import type { PreviewAnswer } from '../src/serve/contract.js';
import { starterPacket } from '../src/output/init.js';
import { inSchemaOrder } from '../src/serve/packet-files.js';
import { PAGE_MODEL } from '../src/serve/page.js';
import { startServer, type RunningServer } from '../src/serve/server.js';
import { launchChromium } from './support/browser.js';
import { compact, readPdf } from './support/pdf.js';
import { loadSeed } from './support/seed.js';

const FILE = 'minhang.json';
const seedText = (packet: Packet) => `${JSON.stringify(inSchemaOrder(packet), null, 2)}\n`;

let browser: Browser;
let root: string;
beforeAll(async () => {
  browser = await launchChromium();
  root = await mkdtemp(path.join(tmpdir(), 'shenbao-browser-'));
});
afterAll(async () => {
  await browser?.close();
  await rm(root, { recursive: true, force: true });
});

interface Session {
  page: Page;
  folder: string;
  server: RunningServer;
  /** The previews the test waited for, newest last. */
  previews: PreviewAnswer[];
}

let sessions = 0;
/** A folder holding the seed as FILE (and `more` files), served, and a page that has opened FILE and drawn its first preview. */
async function opened(more: Record<string, string | Uint8Array> = {}, open = FILE): Promise<Session> {
  const folder = path.join(root, `folder-${++sessions}`);
  await mkdir(folder);
  await writeFile(path.join(folder, FILE), seedText(loadSeed()));
  for (const [name, content] of Object.entries(more)) await writeFile(path.join(folder, name), content);
  const server = await startServer({ folder });
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const previews: PreviewAnswer[] = [];
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('close', () => expect(errors, 'the page threw').toEqual([]));
  await page.goto(server.url);
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/preview') && r.status() === 200);
  answered.catch(() => undefined); // awaited below, unless the click fails first
  await page.locator('#files button').filter({ hasText: open }).click();
  previews.push((await (await answered).json()) as PreviewAnswer);
  await page.waitForSelector('#pages[data-drawn] canvas');
  return { page, folder, server, previews };
}

async function closed(session: Session): Promise<void> {
  await session.page.context().close();
  await session.server.close();
}

const field = (page: Page, dataPath: string) => page.locator(`[data-path="${dataPath}"]`);

/** The text of the newest preview's PDF, compacted. */
async function previewText(previews: PreviewAnswer[]): Promise<string> {
  const newest = previews[previews.length - 1]!;
  return compact((await readPdf(Buffer.from(newest.pdf, 'base64'))).pages.join(''));
}

describe('shenbao serve in a browser', () => {
  it('a changed target shows in the preview, read back from the served PDF; a click on the preview selects its field', async () => {
    const session = await opened();
    const { page, previews } = session;
    expect(await previewText(previews)).toContain('社会治理培训完成次数≥4(次)');
    const drawn = Number(await page.getAttribute('#pages', 'data-drawn'));
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/preview') && r.status() === 200 && (r.request().postData() ?? '').includes('≥7(次)'));
    await field(page, 'projects[0].indicators[0].target').fill('≥7(次)');
    previews.push((await (await answered).json()) as PreviewAnswer);
    await page.waitForFunction((before) => Number(document.getElementById('pages')!.dataset.drawn) > before, drawn);
    const text = await previewText(previews);
    expect(text).toContain('社会治理培训完成次数≥7(次)');
    expect(text).not.toContain('≥4(次)');

    // The 三级指标 of indicator 3, clicked where the preview printed it.
    const box = previews[previews.length - 1]!.pages[0]!.boxes.find((b) => b.path === 'projects[0].indicators[2].name')!;
    expect(box.width).toBeGreaterThan(0);
    const canvas = page.locator('#pages canvas').first();
    const scale = (await canvas.boundingBox())!.width / previews[previews.length - 1]!.pages[0]!.width;
    await canvas.click({ position: { x: (box.x + box.width / 2) * scale, y: (box.y + box.height / 2) * scale } });
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.path)).toBe('projects[0].indicators[2].name');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('培训讲课时长');
    await closed(session);
  });

  it('every field shows its own value (every value distinct), and a save with no edit writes the file back as it was', async () => {
    const sum = (...amounts: string[]) => {
      const cents = amounts.reduce((total, a) => total + Math.round(Number(a) * 100), 0);
      return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    };
    const distinct = (n: number): Packet['projects'][number] => ({
      name: `项目名称${n}`,
      nature: n === 1 ? '阶段性项目' : '一次性项目',
      category: `项目类别${n}`,
      department: `主管部门${n}`,
      implementer: `实施单位${n}`,
      startDate: `2024-0${n}-1${n}`,
      endDate: `2025-1${n}-2${n}`,
      // Totals that add up (validate checks them), every amount its own.
      funds: {
        project: { total: sum(`${n}922222.22`, `${n}333.33`), fiscal: `${n}922222.22`, other: `${n}333.33` },
        annual: { total: sum(`${n}555555.55`, `${n}666.66`, `${n}777.77`), fiscal: `${n}555555.55`, carryover: `${n}666.66`, other: `${n}777.77` },
      },
      overallGoalHeading: `总目标标题${n}`,
      overallGoal: `总目标${n}第一行\n总目标${n}第二行`,
      annualGoal: `年度目标${n}`,
      indicators: [
        { level1: '产出指标', level2: '数量指标', name: `三级${n}甲`, target: `≥${n}1(次)` },
        { level1: '产出指标', level2: '质量指标', name: `三级${n}乙`, target: `=${n}2(%)` },
        { level1: '效益指标', level2: '社会效益指标', name: `三级${n}丙`, target: `提升${n}` },
      ],
    });
    const packet: Packet = { title: '各不相同的汇总表标题', unit: '各不相同的单位', year: 2024, display: { dateFormat: 'yyyy年M月d日', zeroAmount: '0', yearBrackets: 'fullwidth' }, projects: [distinct(1), distinct(2)] };
    const session = await opened({ 'distinct.json': seedText(packet) }, 'distinct.json');
    const { page, folder } = session;
    const grouped = (amount: string) => amount.replace(/\B(?=(\d{3})+(?!\d))(?=\d*\.)/g, ',');
    for (const f of PAGE_MODEL.unitFields.filter((f) => f.path[0] !== 'display')) expect([f.header, await field(page, f.path.join('.')).inputValue()]).toEqual([f.header, String((packet as Record<string, unknown>)[f.path[0]!])]);
    for (const [i, project] of packet.projects.entries()) {
      if (i > 0) await page.selectOption('#project', String(i));
      for (const f of PAGE_MODEL.projectFields) {
        const value = f.path.reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], project) as string;
        const at = `projects[${i}].${f.path.join('.')}`;
        expect([at, await field(page, at).inputValue()]).toEqual([at, f.kind === 'money' ? grouped(value) : value]);
      }
      for (const [j, indicator] of project.indicators.entries())
        for (const key of ['level1', 'level2', 'name', 'target'] as const) {
          const at = `projects[${i}].indicators[${j}].${key}`;
          // A merged cell shows its first row's value; the three rows here are in three 二级 groups.
          if (key === 'level1' && j === 1) continue;
          expect([at, await field(page, at).inputValue()]).toEqual([at, indicator[key]]);
        }
    }
    expect(await page.locator('details.display select').evaluateAll((selects) => selects.map((s) => (s as HTMLSelectElement).selectedOptions[0]!.textContent))).toEqual(['0', '全角']);
    expect(await field(page, 'display.dateFormat').inputValue()).toBe('yyyy年M月d日');
    await page.click('#save');
    await expect.poll(() => page.textContent('#status')).toBe('已保存 distinct.json');
    expect(await readFile(path.join(folder, 'distinct.json'), 'utf8')).toBe(seedText(packet));
    await closed(session);
  });

  it('an unknown 一级指标 is an error at its cell while typed, and goes when fixed', async () => {
    const session = await opened();
    const { page } = session;
    const level1 = field(page, 'projects[0].indicators[0].level1');
    const note = page.locator('td.merged.level1 small.problem').first();
    await level1.fill('产出指数');
    await expect.poll(() => note.textContent()).toBe('「产出指数」不是一级指标：一级指标只有 产出指标、成本指标、效益指标、满意度指标');
    expect(await level1.getAttribute('class')).toContain('has-error');
    // The merged cell spans the group's 6 rows: each row's 一级 is an error, listed once per row.
    expect(await page.locator('#problems li.error').count()).toBe(6);
    expect(await page.textContent('#problems li.error')).toBe('错误：项目 1「培训费」·绩效指标第 1 条的一级指标：「产出指数」不是一级指标：一级指标只有 产出指标、成本指标、效益指标、满意度指标（是不是「产出指标」？）');

    await level1.fill('产出指标');
    await expect.poll(() => page.textContent('#summary')).toBe('2 条警告');
    expect(await note.textContent()).toBe('');
    expect(await page.locator('.has-error').count()).toBe(0);
    await closed(session);
  });

  it('a row inserted inside a group and amounts typed with separators are saved as the expected JSON', async () => {
    const session = await opened();
    const { page, folder } = session;
    await page.locator('tr[data-row="1"] button[data-action="insert"]').click();
    await field(page, 'projects[0].indicators[2].name').fill('新增的三级指标');
    await field(page, 'projects[0].indicators[2].target').fill('≥12(场)');
    const total = field(page, 'projects[0].funds.project.total');
    await total.fill('1,234,567.8');
    await total.blur();
    expect(await total.inputValue()).toBe('1,234,567.8');
    await field(page, 'projects[0].funds.annual.carryover').fill('35,000.25');
    await page.click('#save');
    await expect.poll(() => page.textContent('#status')).toBe(`已保存 ${FILE}`);

    const expected = loadSeed();
    const first = expected.projects[0]!;
    first.indicators.splice(2, 0, { level1: '产出指标', level2: '数量指标', name: '新增的三级指标', target: '≥12(场)' });
    first.funds.project.total = '1234567.8';
    first.funds.annual.carryover = '35000.25';
    expect(await readFile(path.join(folder, FILE), 'utf8')).toBe(seedText(expected));
    // The inserted row joined its group: the merged 二级 cell spans the group's 4 rows now.
    expect(await page.locator('td.merged.level2').first().getAttribute('rowspan')).toBe('4');
    await closed(session);
  });

  it('rows moved, deleted and a group added; projects copied, moved, deleted and added: saved as the same edits made to the data', async () => {
    const session = await opened();
    const { page, folder } = session;
    page.on('dialog', (dialog) => void dialog.accept());
    const row = (i: number, action: string) => page.locator(`tr[data-row="${i}"] button[data-action="${action}"]`).click();
    await row(0, 'down');
    await row(4, 'delete');
    await page.selectOption('.group-adder select[title="一级指标"]', '效益指标');
    await page.selectOption('.group-adder select[title="二级指标"]', '经济效益指标');
    await page.click('button[data-action="add-group"]');
    await field(page, 'projects[0].indicators[9].name').fill('带动就业人数');
    await field(page, 'projects[0].indicators[9].target').fill('≥20(人)');
    await page.click('button[data-action="copy-project"]');
    await page.click('button[data-action="project-down"]');
    await page.selectOption('#project', '4');
    await page.click('button[data-action="delete-project"]');
    await page.click('button[data-action="add-project"]');
    await field(page, 'projects[10].name').fill('新项目甲');
    await page.click('#save');
    await expect.poll(() => page.textContent('#status')).toBe(`已保存 ${FILE}`);

    const expected = loadSeed();
    const rows = expected.projects[0]!.indicators;
    rows.splice(0, 2, rows[1]!, rows[0]!);
    rows.splice(4, 1);
    rows.splice(9, 0, { level1: '效益指标', level2: '经济效益指标', name: '带动就业人数', target: '≥20(人)' });
    const projects = expected.projects;
    projects.splice(1, 0, { ...structuredClone(projects[0]!), name: `${projects[0]!.name}（副本）` });
    projects.splice(1, 2, projects[2]!, projects[1]!);
    projects.splice(4, 1);
    const beside = projects[3]!;
    projects.push({
      name: '新项目甲',
      nature: '' as Packet['projects'][number]['nature'],
      category: '',
      department: beside.department,
      implementer: beside.implementer,
      startDate: '2023-01-01',
      endDate: '2023-12-31',
      funds: { project: {}, annual: { total: '0.00', fiscal: '0.00', carryover: '0.00', other: '0.00' } },
      annualGoal: '',
      indicators: [],
    });
    expect(await readFile(path.join(folder, FILE), 'utf8')).toBe(seedText(expected));
    await closed(session);
  });

  it('a 二级 cell made equal to the next group asks before merging them (declined: put back); the house style is chosen in words', async () => {
    const session = await opened();
    const { page, folder } = session;
    const asked: string[] = [];
    page.once('dialog', (dialog) => void (asked.push(dialog.message()), dialog.dismiss()));
    const level2 = field(page, 'projects[0].indicators[0].level2');
    await level2.fill('质量指标');
    // Saved while still in the cell: asked first all the same, and what is saved is what was chosen.
    await page.keyboard.press('Control+s');
    await expect.poll(() => asked).toEqual(['改成「质量指标」后，这一组将与相邻的「质量指标」组合并为一格（表上也印成一格），以后改这一格会改动两组的每一行。合并吗？选“取消”则改回「数量指标」。']);
    await expect.poll(() => field(page, 'projects[0].indicators[0].level2').inputValue()).toBe('数量指标');
    expect(await page.locator('td.merged.level2').first().getAttribute('rowspan')).toBe('3');
    await expect.poll(() => page.textContent('#status')).toBe(`已保存 ${FILE}`);
    expect(await readFile(path.join(folder, FILE), 'utf8')).toBe(seedText(loadSeed()));

    await page.click('details.display summary');
    await page.selectOption('details.display label:has-text("零金额") select', { label: '留空' });
    await page.selectOption('details.display label:has-text("年度括号") select', { label: '全角' });
    await page.click('#save');
    // The status already says 已保存 (the save above): the file itself is waited for.
    await expect.poll(() => readFile(path.join(folder, FILE), 'utf8')).toBe(seedText({ ...loadSeed(), display: { zeroAmount: '', yearBrackets: 'fullwidth' } }));
    await closed(session);
  });

  it('a file changed on disk meanwhile is not overwritten: both versions are shown, and the user chooses', async () => {
    const session = await opened();
    const { page, folder } = session;
    const theirs = loadSeed();
    theirs.title = '别人改过的标题';
    await writeFile(path.join(folder, FILE), seedText(theirs));
    await field(page, 'unit').fill('我改的单位');
    await page.click('#save');
    await expect.poll(() => page.isVisible('#conflict')).toBe(true);
    expect(await page.textContent('#conflict h2')).toBe(`${FILE} 在打开以后被别人改过了，没有覆盖它`);
    expect(await page.textContent('#conflict pre.disk')).toBe(seedText(theirs));
    expect(JSON.parse((await page.textContent('#conflict pre.mine'))!).unit).toBe('我改的单位');
    expect(await readFile(path.join(folder, FILE), 'utf8')).toBe(seedText(theirs));

    await page.click('#conflict button[data-action="keep-mine"]');
    await expect.poll(() => page.textContent('#status')).toBe(`已保存 ${FILE}`);
    const mine = loadSeed();
    mine.unit = '我改的单位';
    expect(await readFile(path.join(folder, FILE), 'utf8')).toBe(seedText(mine));
    await closed(session);
  });

  it('the form’s .docx downloaded from the page is extracted back to the same project', async () => {
    const session = await opened();
    const { page, folder } = session;
    await page.selectOption('#project', '3');
    await page.waitForFunction(() => document.getElementById('pages')!.dataset.drawn === '2');
    const downloading = page.waitForEvent('download');
    await page.click('button[data-download="form-docx"]');
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/\.docx$/);
    const saved = path.join(folder, '..', `download-${sessions}.docx`);
    await download.saveAs(saved);
    const read = await extract(saved);
    expect(read.problems).toEqual([]);
    expect(read.packet?.projects).toEqual([loadSeed().projects[3]]);
    await closed(session);
  });

  it('生成全部 builds the saved packet into out/ with its progress, and a foreign file there survives', async () => {
    const session = await opened();
    const { page, folder } = session;
    await mkdir(path.join(folder, 'out'));
    await writeFile(path.join(folder, 'out', '办公室的备忘.txt'), '别动我');
    await page.click('#build-all');
    await expect.poll(() => page.textContent('#build p'), { timeout: 60_000 }).toMatch(/^已生成到 out\//);
    expect(await page.getAttribute('#build progress', 'value')).toBe(await page.getAttribute('#build progress', 'max'));
    expect(await readFile(path.join(folder, 'out', '办公室的备忘.txt'), 'utf8')).toBe('别动我');
    const built = (await readdir(path.join(folder, 'out'), { recursive: true })).map(String);
    expect(built.filter((f) => f.endsWith('.pdf'))).toHaveLength(11);
    // Each form as PDF and Word, and the 汇总表 as both, recorded in the packet folder's manifest.
    expect(built.filter((f) => f.endsWith('.docx'))).toHaveLength(11);
    const manifest = JSON.parse(await readFile(path.join(folder, 'out', 'minhang', 'manifest.json'), 'utf8')) as { files: Array<{ name: string }> };
    expect(manifest.files.map((f) => `minhang/${f.name}`).sort()).toEqual(built.filter((f) => /\.(pdf|docx)$/.test(f)).sort());
    await closed(session);
  }, 90_000);

  it('a new packet starts from the example of the year given, and is saved under the name typed', async () => {
    const session = await opened();
    const { page, folder } = session;
    await page.fill('#new-name', '申报2027');
    await page.fill('#new-year', '2027');
    await page.click('#new');
    await expect.poll(() => field(page, 'title').inputValue()).toBe('示例单位2027年度项目绩效目标汇总表');
    expect(await page.textContent('#status')).toBe('新的数据文件 申报2027.json：还没有保存');
    await field(page, 'unit').fill('闵行区某办公室');
    await page.click('#save');
    await expect.poll(() => page.textContent('#status')).toBe('已保存 申报2027.json');
    expect(await readFile(path.join(folder, '申报2027.json'), 'utf8')).toBe(seedText({ ...starterPacket(2027), unit: '闵行区某办公室' }));
    await expect.poll(() => page.locator('#files button').allTextContents()).toEqual([FILE, '申报2027.json']);
    await closed(session);
  });

  it('an Excel workbook opens as a form and saves as a .json beside it, the workbook untouched', async () => {
    const workbook = await renderWorkbook(loadSeed());
    const session = await opened({ '填报.xlsx': workbook }, '填报.xlsx');
    const { page, folder } = session;
    expect(await field(page, 'projects[0].name').inputValue()).toBe('培训费');
    expect(await field(page, 'projects[0].funds.annual.total').inputValue()).toBe('200,000.00');
    expect(await page.textContent('#opened')).toBe('填报.xlsx（保存为 填报.json）');
    await page.click('#save');
    await expect.poll(() => page.textContent('#status')).toBe('已保存 填报.json');
    expect(await readFile(path.join(folder, '填报.json'), 'utf8')).toBe(seedText(loadSeed()));
    expect(Buffer.compare(await readFile(path.join(folder, '填报.xlsx')), Buffer.from(workbook))).toBe(0);
    await closed(session);
  });

  describe('nothing lost, nothing built or saved that the page does not show (found by a hostile test)', () => {
    it('keys typed while a save is on its way are still unsaved after it: leaving asks, and 生成全部 saves them first', async () => {
      const session = await opened({ 'other.json': seedText(loadSeed()) });
      const { page, folder } = session;
      // A slow disk: the save's answer comes 600 ms late.
      await page.route('**/api/packet?file=*', async (route) => {
        if (route.request().method() === 'PUT') await new Promise((r) => setTimeout(r, 600));
        await route.continue();
      });
      const target = field(page, 'projects[0].indicators[0].target');
      await target.fill('≥5(次)');
      await page.keyboard.press('Control+s');
      await target.fill('≥6(次)');
      await expect.poll(() => page.textContent('#status')).toBe(`已保存 ${FILE}`);
      expect(JSON.parse(await readFile(path.join(folder, FILE), 'utf8')).projects[0].indicators[0].target).toBe('≥5(次)');
      const asked: string[] = [];
      page.once('dialog', (dialog) => void (asked.push(dialog.message()), dialog.dismiss()));
      await page.locator('#files button').filter({ hasText: 'other.json' }).click();
      await expect.poll(() => asked).toEqual(['当前的修改还没有保存，确定放弃吗？']);
      await page.click('#build-all');
      await expect.poll(() => page.textContent('#build p'), { timeout: 60_000 }).toMatch(/^已生成到 out\//);
      expect(JSON.parse(await readFile(path.join(folder, FILE), 'utf8')).projects[0].indicators[0].target).toBe('≥6(次)');
      await closed(session);
    }, 90_000);

    it('a file changed on disk since it was opened is not built: the conflict is shown, nothing written', async () => {
      const session = await opened();
      const { page, folder } = session;
      const theirs = loadSeed();
      theirs.projects[0]!.indicators[0]!.target = '≥999(次)';
      await writeFile(path.join(folder, FILE), seedText(theirs));
      await page.click('#build-all');
      await expect.poll(() => page.isVisible('#conflict')).toBe(true);
      expect(await page.textContent('#build p')).toBe(`${FILE} 在打开以后被别人改过了：没有生成，请比较两边再决定`);
      expect(await page.textContent('#conflict pre.disk')).toBe(seedText(theirs));
      await expect(readdir(path.join(folder, 'out'))).rejects.toThrow('ENOENT');
      await closed(session);
    });

    it('a workbook opened beside a .json of its name does not replace that .json: both are shown', async () => {
      const later = { ...loadSeed(), title: '后来在页面上改过的标题' };
      const session = await opened({ '填报.xlsx': await renderWorkbook(loadSeed()), '填报.json': seedText(later) }, '填报.xlsx');
      const { page, folder } = session;
      await page.click('#save');
      await expect.poll(() => page.isVisible('#conflict')).toBe(true);
      expect(await page.textContent('#conflict pre.disk')).toBe(seedText(later));
      expect(await readFile(path.join(folder, '填报.json'), 'utf8')).toBe(seedText(later));
      await closed(session);
    });

    it('a data file whose lists are no lists is not shown as a form (a save would have dropped them)', async () => {
      const odd = { ...loadSeed() } as Record<string, unknown> & Packet;
      const text = `${JSON.stringify({ ...odd, projects: [{ ...odd.projects[0], indicators: { level1: '产出指标' } }] }, null, 2)}\n`;
      const folder = path.join(root, `folder-${++sessions}`);
      await mkdir(folder);
      await writeFile(path.join(folder, 'odd.json'), text);
      const server = await startServer({ folder });
      const page = await browser.newPage();
      await page.goto(server.url);
      await page.locator('#files button').filter({ hasText: 'odd.json' }).click();
      await expect.poll(() => page.textContent('#editor')).toBe('odd.json：projects[0].indicators 不是列表，不能在表单里编辑：请用文本编辑器改好，或用 shenbao validate 看出错的位置');
      expect(await page.textContent('#opened')).toBe('odd.json（不能在表单里编辑）');
      expect(await page.locator('#editor input').count()).toBe(0);
      await page.keyboard.press('Control+s');
      await page.click('#save');
      expect(await readFile(path.join(folder, 'odd.json'), 'utf8')).toBe(text);
      // A house style that is no object: a choice made on it would be lost (an array) or replace it.
      await writeFile(path.join(folder, 'odd2.json'), `${JSON.stringify({ ...loadSeed(), display: [] }, null, 2)}\n`);
      await page.reload();
      await page.locator('#files button').filter({ hasText: 'odd2.json' }).click();
      await expect.poll(() => page.textContent('#editor')).toBe('odd2.json：display 不是对象，不能在表单里编辑：请用文本编辑器改好，或用 shenbao validate 看出错的位置');
      await page.close();
      await server.close();
    });

    it('an amount is only ungrouped when grouped by thousands: 1,23.4 is kept as typed, an error at its field', async () => {
      const session = await opened();
      const { page } = session;
      // Tabbed into, an amount is selected whole: what is typed replaces it.
      await field(page, 'projects[0].funds.annual.total').focus();
      await page.keyboard.press('Tab');
      await page.keyboard.type('150000');
      expect(await field(page, 'projects[0].funds.annual.fiscal').inputValue()).toBe('150000');
      const carryover = field(page, 'projects[0].funds.annual.carryover');
      await carryover.fill('1,23.4');
      await expect.poll(() => carryover.getAttribute('class')).toContain('has-error');
      expect(await page.locator('label.field', { has: carryover }).locator('small.problem').textContent()).toBe('金额应写成不带千位分隔符、最多两位小数的数字字符串，如 "200000.00"');
      await closed(session);
    });
  });
});
