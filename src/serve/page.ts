// The page of `shenbao serve`: the HTML shell the browser code (src/serve/web/, bundled into
// dist/serve/web/ by scripts/build-web.mjs) fills in, with the form's fields and the indicator
// framework embedded as JSON — the fill-in workbook's table (model/workbook.ts), so the page, the
// workbook and validate name every field alike.
import { LEVEL2_BY_LEVEL1 } from '../model/framework.js';
import { INDICATOR_FIELDS, PROJECT_FIELDS, UNIT_CHOICES, UNIT_FIELDS, type WorkbookField } from '../model/workbook.js';
import type { FieldSpec, PageModel } from './contract.js';

const spec = ({ header, path, kind, required, list }: WorkbookField): FieldSpec => {
  // The house style's choices are words in the workbook (留空, 全角) and values in the data ('', 'fullwidth').
  const choices = UNIT_CHOICES[path.join('.')];
  return { header, path, kind, required, ...(choices ? { choices } : list && { list }) };
};

export const PAGE_MODEL: PageModel = {
  unitFields: UNIT_FIELDS.map(spec),
  projectFields: PROJECT_FIELDS.map(spec),
  // The indicator's own fields (the workbook's first column names its project).
  indicatorFields: INDICATOR_FIELDS.filter((f) => f.path.length > 0).map(spec),
  level2ByLevel1: { ...LEVEL2_BY_LEVEL1 },
};

// JSON inside <script>: `<` escaped, so no text of the model can close the element.
const embedded = JSON.stringify(PAGE_MODEL).replace(/</g, '\\u003c');

const DOWNLOADS: ReadonlyArray<[kind: string, label: string]> = [
  ['form-pdf', '本项目 PDF'],
  ['form-docx', '本项目 Word'],
  ['summary-pdf', '汇总表 PDF'],
  ['workbook', 'Excel 工作簿'],
  ['data', '数据文件'],
];

export const PAGE_HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>shenbao 申报表</title><link rel="stylesheet" href="/assets/app.css"></head>
<body>
<header>
  <h1>shenbao 申报表</h1>
  <strong id="opened">（选一个数据文件）</strong>
  <button type="button" id="save" title="Ctrl+S">保存</button>
  <button type="button" id="build-all" title="把保存好的数据文件生成到文件夹的 out/ 里：每个项目的 PDF 和 Word、汇总表">生成全部</button>
  <span>下载：${DOWNLOADS.map(([kind, label]) => `<button type="button" data-download="${kind}">${label}</button>`).join(' ')}</span>
  <span id="status" role="status" aria-live="polite"></span>
</header>
<section id="conflict" hidden></section>
<section id="build" hidden></section>
<main>
  <aside>
    <h2>数据文件</h2>
    <ul id="files"></ul>
    <h3>新建</h3>
    <p><input id="new-name" placeholder="文件名，如 申报2027" size="12"> 年度 <input id="new-year" type="number" min="2000" max="2100" size="5" value="${new Date().getFullYear()}"></p>
    <p><button type="button" id="new">新建数据文件</button></p>
    <h2>检查 <span id="summary"></span></h2>
    <ol id="problems"></ol>
  </aside>
  <div id="editor"><p>从左边选一个数据文件打开，或新建一个。</p></div>
  <section id="preview"><h2>预览</h2><p id="preview-note"></p><div id="pages"></div></section>
</main>
<div id="datalists" hidden></div>
<script type="application/json" id="page-model">${embedded}</script>
<script type="module" src="/assets/app.js"></script>
</body></html>`;
