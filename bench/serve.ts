// npm run bench (after bench/workbook.ts): `shenbao serve`'s page in headless Chromium (Debian's,
// as the tests drive it), against the targets:
//   - the preview of a one-page form drawn ≤ 300 ms after the last keystroke (a 三级指标 of the
//     seed's first project; from the key's input to pdf.js having drawn the new PDF);
//   - typing in a project of 200 indicators < 50 ms per key (from the key pressed to the next
//     frame after the page took it).
// The page keeps both timings (window.shenbaoTimings, src/serve/web/main.ts). Prints figures;
// asserts nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Packet } from '../src/model/packet.js';
import type * as ServerModule from '../src/serve/server.js';
import { launchChromium } from '../test/support/browser.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { startServer } = (await import(pathToFileURL(path.join(ROOT, 'dist/serve/server.js')).href)) as typeof ServerModule;
const seed = (await import(pathToFileURL(path.join(ROOT, 'data/minhang-2023.json')).href, { with: { type: 'json' } })).default as Packet;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

// The seed, and a packet whose one project has 200 indicators, each its own.
const folder = mkdtempSync(path.join(tmpdir(), 'shenbao-bench-serve-'));
writeFileSync(path.join(folder, 'seed.json'), JSON.stringify(seed, null, 2));
const big = structuredClone(seed);
const groups = [
  ['产出指标', '数量指标'],
  ['产出指标', '质量指标'],
  ['产出指标', '时效指标'],
  ['效益指标', '社会效益指标'],
  ['满意度指标', '服务对象满意度指标'],
] as const;
big.projects = [{ ...seed.projects[0]!, indicators: Array.from({ length: 200 }, (_, i) => ({ level1: groups[Math.floor(i / 40)]![0], level2: groups[Math.floor(i / 40)]![1], name: `第${i + 1}条三级指标`, target: `≥${i + 1}(次)` })) }];
writeFileSync(path.join(folder, 'big.json'), JSON.stringify(big, null, 2));

const server = await startServer({ folder });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  // Leaving the seed unsaved for the big packet: yes.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(server.url);
  const drawn = async () => Number(await page.getAttribute('#pages', 'data-drawn'));
  const timings = () => page.evaluate(() => (window as unknown as { shenbaoTimings: { keys: number[]; previews: number[] } }).shenbaoTimings);

  // The preview: one key at a time into a target of the one-page form, each drawn before the next.
  await page.locator('#files button').filter({ hasText: 'seed.json' }).click();
  await page.waitForSelector('#pages[data-drawn] canvas');
  const name = page.locator('[data-path="projects[0].indicators[0].name"]');
  await name.click();
  await name.press('End');
  for (let round = 0; round < 15; round++) {
    const before = await drawn();
    await page.keyboard.press(round % 2 === 0 ? 'X' : 'Backspace');
    await page.waitForFunction((n) => Number(document.getElementById('pages')!.dataset.drawn) > n, before);
  }
  const previews = (await timings()).previews.slice(1);
  console.log(`serve 预览（一页的申报表，最后一个键到画好）: 中位数 ${ms(median(previews))}，最慢 ${ms(Math.max(...previews))}（${previews.length} 次；目标 ≤ 300 ms）`);

  // Typing: 60 keys into a 三级指标 of the 200-indicator project, fast (60 ms apart: the check
  // and the preview wait for a pause) and at an officer's pace (250 ms apart: they run between keys).
  await page.locator('#files button').filter({ hasText: 'big.json' }).click();
  await page.waitForSelector('[data-path="projects[0].indicators[199].target"]');
  for (const delay of [60, 250]) {
    await page.locator(`[data-path="projects[0].indicators[${delay === 60 ? 150 : 151}].name"]`).click();
    await page.waitForTimeout(1_000);
    await page.evaluate(() => (window as unknown as { shenbaoTimings: { keys: number[] } }).shenbaoTimings.keys.splice(0));
    // Letters a keyboard sends as keys (Chinese would come through an input method, as one insertion).
    await page.keyboard.type('abcdefghij0123456789'.repeat(3), { delay });
    await page.waitForTimeout(500);
    const keys = (await timings()).keys;
    console.log(`serve 打字（200 条指标的项目，键间隔 ${delay} ms，每个键到下一帧）: 中位数 ${ms(median(keys))}，95% ${ms(quantile(keys, 0.95))}，最慢 ${ms(Math.max(...keys))}（${keys.length} 个键；目标 < 50 ms）`);
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(folder, { recursive: true, force: true });
}
