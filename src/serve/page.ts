// The first page of `shenbao serve`: the folder's data files; one opened as its text, checked as
// validate checks it (every problem listed), saved (refused when the file changed on disk), and
// each project's form previewed as build makes it. Plain DOM, no asset from elsewhere. The form
// editor of issue 21 (fields, the indicator grid, problems at their cells) replaces the text box.
import { randomBytes } from 'node:crypto';

const SCRIPT = `
const $ = (id) => document.getElementById(id);
let opened = null;
async function api(method, path, body) {
  const response = await fetch(path, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const type = response.headers.get('Content-Type') || '';
  return { status: response.status, body: type.startsWith('application/json') ? await response.json() : await response.blob() };
}
function show(problems) {
  const list = $('problems');
  list.replaceChildren(...problems.map((p) => { const li = document.createElement('li'); li.className = p.severity; li.textContent = p.text || p.message; return li; }));
  $('summary').textContent = problems.length === 0 ? '没有问题' : problems.filter((p) => p.severity === 'error').length + ' 个错误，' + problems.filter((p) => p.severity === 'warning').length + ' 条警告';
}
function data() {
  try { return JSON.parse($('text').value); } catch { $('summary').textContent = '不是有效的 JSON'; return undefined; }
}
function projects(value) {
  const names = Array.isArray(value && value.projects) ? value.projects.map((p, i) => (i + 1) + ' ' + ((p && p.name) || '')) : [];
  $('project').replaceChildren(...names.map((n, i) => { const o = document.createElement('option'); o.value = String(i); o.textContent = n; return o; }));
}
async function open(name) {
  const { status, body } = await api('GET', '/api/packet?file=' + encodeURIComponent(name));
  if (status !== 200) { $('summary').textContent = body.error; return; }
  opened = { name, version: body.version };
  $('name').textContent = name;
  $('text').value = body.text;
  show(body.problems);
  projects(data());
}
$('check').onclick = async () => { const value = data(); if (value === undefined) return; show((await api('POST', '/api/check', { data: value, file: opened ? opened.name : '' })).body.problems); projects(value); };
$('save').onclick = async () => {
  const value = data(); if (value === undefined || !opened) return;
  const { status, body } = await api('PUT', '/api/packet?file=' + encodeURIComponent(opened.name), { data: value, version: opened.version });
  if (status === 200) { opened.version = body.version; $('text').value = body.text; $('summary').textContent = '已保存'; }
  else if (status === 409) { $('summary').textContent = body.error; $('disk').textContent = body.disk.text; }
  else $('summary').textContent = body.error;
};
$('preview').onclick = async () => {
  const value = data(); if (value === undefined) return;
  const { status, body } = await api('POST', '/api/preview', { data: value, project: Number($('project').value || 0) });
  if (status === 200) $('pdf').src = URL.createObjectURL(body);
  else { $('summary').textContent = body.error; if (body.problems) show(body.problems); }
};
(async () => {
  const { body } = await api('GET', '/api/files');
  $('files').replaceChildren(...body.files.map((f) => { const li = document.createElement('li'); const b = document.createElement('button'); b.textContent = f.name; b.onclick = () => open(f.name); li.append(b); return li; }));
})();
`;

const STYLE = `
body { font-family: "Noto Serif SC", "SimSun", serif; margin: 1em; }
main { display: grid; grid-template-columns: 14em 1fr 1fr; gap: 1em; }
textarea { width: 100%; height: 60vh; font-family: monospace; }
iframe { width: 100%; height: 80vh; border: 1px solid #999; }
li.error { color: #b00; } li.warning { color: #a60; }
#disk { white-space: pre-wrap; background: #fee; }
`;

/** The page, with the nonce its one script and style carry (the Content-Security-Policy names it). */
export function page(): { html: string; nonce: string } {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>shenbao 申报</title><style nonce="${nonce}">${STYLE}</style></head>
<body>
<h1>shenbao 申报：检查和预览</h1>
<main>
  <section><h2>数据文件</h2><ul id="files"></ul></section>
  <section>
    <h2 id="name">（选一个数据文件）</h2>
    <textarea id="text" spellcheck="false"></textarea>
    <p><button id="check">检查</button> <button id="save">保存</button>
       项目 <select id="project"></select> <button id="preview">预览申报表</button></p>
    <p id="summary"></p>
    <ol id="problems"></ol>
    <pre id="disk"></pre>
  </section>
  <section><h2>预览</h2><iframe id="pdf" title="申报表预览"></iframe></section>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body></html>`;
  return { html, nonce };
}
