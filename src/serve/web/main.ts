// The page of `shenbao serve`: a packet of the folder opened as a form — its own fields, its
// projects, each project's fields and grouped indicators — checked as validate checks it while it
// is typed (each problem at its field), the current project's form previewed beside it as build
// makes it, saved without overwriting another's edit, and built into the folder.
import type { BuildLine, OpenedFile, PageModel, ProblemView } from '../contract.js';
import * as api from './api.js';
import { pathText, projectList, projectsOf, unshowable, type PacketData, type Path, type ProjectData } from './data.js';
import { button, byId, h } from './dom.js';
import { fieldInput } from './fields.js';
import { indicatorGrid } from './indicators.js';
import { markFields, problemList, projectOf, shownAt, summary } from './problems.js';
import { Preview } from './preview.js';

const model = JSON.parse(byId('page-model').textContent ?? '{}') as PageModel;

/**
 * After the last keystroke, the check and the preview wait this long for the next one: typing goes
 * on undisturbed, and a one-page form is drawn again within 300 ms of the last key (bench/serve.ts).
 * A form of several pages waits longer: drawing it takes the browser longer than a key's time.
 */
const QUIET_MS = { check: 250, preview: 110, longPreview: 400 } as const;

interface Opened {
  /** The file it was opened from (null: a new packet). */
  file: string | null;
  /** Where saves go (X.json for a workbook X.xlsx); null until a new packet is named. */
  saveAs: string | null;
  /** The version of `saveAs` on disk that this edit started from (null: not on disk yet). */
  version: string | null;
  data: PacketData;
  project: number;
  /** Edits since it was opened or saved; `edits` counts every one, so a save knows what it took. */
  dirty: boolean;
  edits: number;
  problems: ProblemView[];
}

let opened: Opened | undefined;
/** Each shown data path → its input (a merged indicator cell shows several paths). */
const inputs = new Map<string, HTMLElement>();

/** Timings the bench reads (bench/serve.ts): per key, and from the last key to the preview drawn. */
const timings = { keys: [] as number[], previews: [] as number[] };
Object.assign(window, { shenbaoTimings: timings });

const status = (text: string, kind: 'info' | 'error' = 'info') => {
  const line = byId('status');
  line.textContent = text;
  line.className = kind;
};

// ——— files ———

async function listFiles(): Promise<void> {
  const { status: code, body } = await api.files();
  if (code !== 200) return status(body.error ?? '读不到文件列表', 'error');
  byId('files').replaceChildren(
    ...body.files.map((f) =>
      h('li', {}, button(f.name, () => void openFile(f.name), { class: `file ${f.kind ?? 'json'}`, title: f.kind === 'workbook' ? 'Excel 工作簿：保存时存为同名的 .json' : '打开' })),
    ),
  );
}

async function openFile(name: string): Promise<void> {
  if (!leaveOpened()) return;
  const { status: code, body } = await api.openFile(name);
  if (code !== 200) return status(body.error ?? `打不开 ${name}`, 'error');
  start(name, body);
}

async function newPacket(): Promise<void> {
  if (!leaveOpened()) return;
  const typed = (byId<HTMLInputElement>('new-name').value || '').trim();
  const name = typed === '' ? '' : typed.endsWith('.json') ? typed : `${typed}.json`;
  if (name === '' || /[\\/]/.test(name)) return status('请先写新文件的名字（不带路径），如 申报2027', 'error');
  const listed = await api.files();
  if (listed.status === 200 && listed.body.files.some((f) => f.name === name)) return status(`文件夹里已有 ${name}：请换一个名字，或从左边打开它`, 'error');
  const year = Number(byId<HTMLInputElement>('new-year').value) || new Date().getFullYear();
  const { status: code, body } = await api.newPacket(year);
  if (code !== 200) return status(body.error ?? '不能新建', 'error');
  start(null, { ...body, saveAs: name, version: null });
  touched();
  status(`新的数据文件 ${name}：还没有保存`);
}

function start(file: string | null, answer: OpenedFile): void {
  let data: unknown;
  try {
    // A byte-order mark (Windows Notepad's) is no part of the JSON, as validate reads it.
    data = JSON.parse(answer.text.replace(/^\uFEFF/, ''));
  } catch {
    data = undefined;
  }
  previewing?.abort();
  preview.clear();
  const why =
    typeof data !== 'object' || data === null || Array.isArray(data) ? '不是有效的 JSON 对象' : unshowable(data as PacketData);
  if (why !== undefined) {
    // Nothing is shown that a save could write back changed: the file is left to a text editor.
    opened = undefined;
    byId('opened').textContent = `${file ?? ''}（不能在表单里编辑）`;
    byId('editor').replaceChildren(h('p', { class: 'error', textContent: `${file ?? ''}：${why}，不能在表单里编辑：请用文本编辑器改好，或用 shenbao validate 看出错的位置` }));
    showProblems(answer.problems ?? []);
    return;
  }
  opened = { file, saveAs: answer.saveAs, version: answer.version, data: data as PacketData, project: 0, dirty: false, edits: 0, problems: [] };
  byId('opened').textContent = file === answer.saveAs || file === null ? (answer.saveAs ?? '') : `${file}（保存为 ${answer.saveAs}）`;
  byId('conflict').hidden = true;
  render();
  showProblems(answer.problems ?? []);
  schedulePreview();
  status(file && file !== answer.saveAs ? `已从 ${file} 读入；保存时存为 ${answer.saveAs}，不改动工作簿` : `已打开 ${file ?? answer.saveAs ?? ''}`);
}

/** Whether unsaved edits may be left (the user is asked). */
function leaveOpened(): boolean {
  return !opened?.dirty || window.confirm('当前的修改还没有保存，确定放弃吗？');
}

// ——— the form ———

function render(): void {
  if (!opened) return;
  const { data } = opened;
  const projects = projectsOf(data);
  opened.project = Math.min(opened.project, Math.max(0, projects.length - 1));
  inputs.clear();
  const fields = (style: boolean) => model.unitFields.filter((f) => (f.path[0] === 'display') === style).map((f) => fieldInput(f, f.path, data, changed));
  const editor = byId('editor');
  editor.replaceChildren(
    h('section', { class: 'packet', dataset: { path: '' } }, h('h2', { textContent: '汇总表' }), h('div', { class: 'fields' }, ...fields(false))),
    h('details', { class: 'display', dataset: { path: 'display' }, open: data.display !== undefined }, h('summary', { textContent: '印制样式（可不填）' }), h('div', { class: 'fields' }, ...fields(true))),
    projectBar(projects),
    projects.length === 0 ? h('p', { class: 'empty', textContent: '还没有项目：点“添加项目”。' }) : projectForm(projects[opened.project]!, opened.project),
  );
  markFields(opened.problems, opened.project, inputs);
}

function projectBar(projects: ProjectData[]): HTMLElement {
  const current = opened!.project;
  const choose = h('select', { id: 'project', title: '选一个项目' }, ...projects.map((p, i) => h('option', { value: String(i), textContent: projectLabel(p, i) })));
  choose.value = String(current);
  choose.addEventListener('change', () => switchProject(Number(choose.value)));
  const restructure = (change: () => number) => () => {
    opened!.project = change();
    touched();
    render();
    scheduleCheck();
    schedulePreview();
  };
  return h(
    'section',
    { class: 'project-bar', dataset: { path: 'projects' } },
    h('h2', { textContent: '项目' }),
    choose,
    button('添加项目', restructure(() => projectList(opened!.data).push(newProject(projects[current])) - 1), { dataset: { action: 'add-project' } }),
    button('复制', () => projects.length > 0 && restructure(() => (projects.splice(current + 1, 0, copyOf(projects[current]!)), current + 1))(), { dataset: { action: 'copy-project' } }),
    button('删除', () => projects.length > 0 && window.confirm(`删除项目「${projects[current]?.name ?? ''}」？`) && restructure(() => (projects.splice(current, 1), Math.max(0, current - 1)))(), { dataset: { action: 'delete-project' } }),
    button('上移', restructure(() => (current > 0 ? (projects.splice(current - 1, 2, projects[current]!, projects[current - 1]!), current - 1) : current)), { dataset: { action: 'project-up' } }),
    button('下移', restructure(() => (current < projects.length - 1 ? (projects.splice(current, 2, projects[current + 1]!, projects[current]!), current + 1) : current)), { dataset: { action: 'project-down' } }),
  );
}

const projectLabel = (project: ProjectData, index: number) => `${index + 1}. ${typeof project.name === 'string' && project.name !== '' ? project.name : '（未命名）'}`;

/** A new project: its unit's departments as the one beside it has them, the packet's year for dates. */
function newProject(beside: ProjectData | undefined): ProjectData {
  const year = typeof opened!.data.year === 'number' ? opened!.data.year : new Date().getFullYear();
  return {
    name: '',
    nature: '',
    category: '',
    department: typeof beside?.department === 'string' ? beside.department : '',
    implementer: typeof beside?.implementer === 'string' ? beside.implementer : '',
    startDate: `${year}-01-01`,
    endDate: `${year}-12-31`,
    funds: { project: {}, annual: { total: '0.00', fiscal: '0.00', carryover: '0.00', other: '0.00' } },
    annualGoal: '',
    indicators: [],
  };
}

function copyOf(project: ProjectData): ProjectData {
  const copy = structuredClone(project);
  copy.name = `${typeof project.name === 'string' ? project.name : ''}（副本）`;
  return copy;
}

function projectForm(project: ProjectData, index: number): HTMLElement {
  const fields = model.projectFields.map((f) => fieldInput(f, ['projects', index, ...f.path], opened!.data, changed));
  const grid = indicatorGrid({
    project,
    projectIndex: index,
    level2ByLevel1: model.level2ByLevel1,
    changed,
    inputs,
    restructured: () => {
      touched();
      const scroll = window.scrollY;
      render();
      window.scrollTo(0, scroll);
      scheduleCheck();
      schedulePreview();
    },
  });
  return h(
    'section',
    { class: 'project', dataset: { path: pathText(['projects', index]) } },
    h('div', { class: 'fields' }, ...fields),
    h('h3', { textContent: '绩效指标' }),
    grid,
  );
}

function switchProject(index: number): void {
  if (!opened) return;
  opened.project = index;
  // The other project's pages go at once: never shown under this one's name.
  previewing?.abort();
  preview.clear();
  render();
  schedulePreview();
}

/** The data was changed by the user (typed, or rows and projects added, moved, deleted). */
function touched(): void {
  opened!.dirty = true;
  opened!.edits++;
}

/** A value was typed: the data holds it already. */
function changed(path: Path): void {
  if (!opened) return;
  touched();
  lastInputAt = performance.now();
  if (path[0] === 'projects' && path[2] === 'name' && path.length === 3) {
    const option = byId<HTMLSelectElement>('project').options[Number(path[1])];
    if (option) option.textContent = projectLabel(projectsOf(opened.data)[Number(path[1])]!, Number(path[1]));
  }
  scheduleCheck();
  schedulePreview();
}

/** Goes to a field shown anywhere in the packet (a problem's, or a cell clicked in the preview). */
function select(path: string): void {
  if (!opened) return;
  const project = /^projects\[(\d+)\]/.exec(path);
  if (project && Number(project[1]) !== opened.project && Number(project[1]) < projectsOf(opened.data).length) switchProject(Number(project[1]));
  const element = shownAt(path, inputs);
  if (!element) return;
  element.scrollIntoView({ block: 'center' });
  (element.matches('input, select, textarea') ? element : element.querySelector<HTMLElement>('input, select, textarea'))?.focus({ preventScroll: true });
  element.classList.add('selected');
  setTimeout(() => element.classList.remove('selected'), 1_500);
}

// ——— checking and previewing ———

let checkTimer: ReturnType<typeof setTimeout> | undefined;
let checking: AbortController | undefined;

function scheduleCheck(): void {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => void runCheck(), QUIET_MS.check);
}

async function runCheck(): Promise<void> {
  if (!opened) return;
  checking?.abort();
  const mine = (checking = new AbortController());
  try {
    const { status: code, body } = await api.check(opened.data, opened.saveAs ?? opened.file ?? '新数据', mine.signal);
    if (mine.signal.aborted) return;
    if (code === 200) showProblems(body.problems);
    else status(body.error ?? '检查失败', 'error');
  } catch (error) {
    if (!mine.signal.aborted) status(`检查失败：${String(error)}`, 'error');
  }
}

function showProblems(problems: ProblemView[]): void {
  if (opened) {
    opened.problems = problems;
    markFields(problems, opened.project, inputs);
  }
  byId('summary').textContent = summary(problems);
  byId('problems').replaceChildren(
    ...problemList(problems, (problem) => {
      if (problem.path) select(problem.path);
      else if (projectOf(problem) !== undefined) switchProject(projectOf(problem)!);
    }),
  );
}

let previewTimer: ReturnType<typeof setTimeout> | undefined;
let previewing: AbortController | undefined;
let lastInputAt = 0;
const preview = new Preview(byId('pages'), select);

function schedulePreview(): void {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => void runPreview(), preview.pageCount > 1 ? QUIET_MS.longPreview : QUIET_MS.preview);
}

async function runPreview(): Promise<void> {
  if (!opened || projectsOf(opened.data).length === 0) return;
  previewing?.abort();
  const mine = (previewing = new AbortController());
  const since = lastInputAt;
  const { project } = opened;
  const note = byId('preview-note');
  try {
    const { status: code, body } = await api.preview(opened.data, project, mine.signal);
    if (mine.signal.aborted) return;
    if (code !== 200) {
      note.textContent = `${body.error ?? '不能预览'}：预览停在上一次的样子`;
      note.className = 'error';
      return;
    }
    // Drawing stops when a key is typed meanwhile (a newer preview is on its way).
    if (!(await preview.show(body, () => !mine.signal.aborted && since === lastInputAt && opened?.project === project))) return;
    note.textContent = `第 ${project + 1} 个项目的申报表，和生成的 PDF 一样；点表上的一格，选中它的栏目`;
    note.className = '';
    if (since !== 0 && since === lastInputAt) timings.previews.push(performance.now() - since);
  } catch (error) {
    if (!mine.signal.aborted) {
      note.textContent = `预览失败：${String(error)}`;
      note.className = 'error';
    }
  }
}

// ——— saving ———

let saving: Promise<boolean> | undefined;

/** Saves the data shown; a save asked for while one is on its way waits for it (one version, one save). */
function saveOpened(overVersion?: string | null): Promise<boolean> {
  const next = (saving ?? Promise.resolve(true)).then(() => saveNow(overVersion));
  saving = next.finally(() => {
    if (saving === next) saving = undefined;
  });
  return next;
}

async function saveNow(overVersion?: string | null): Promise<boolean> {
  if (!opened || !opened.saveAs) return false;
  const shown = opened;
  const name = shown.saveAs!;
  // What is typed while the save is on its way is not in it: still to be saved.
  const taken = shown.edits;
  const { status: code, body } = await api.save(name, shown.data, overVersion === undefined ? shown.version : overVersion);
  if (opened !== shown) return false;
  if (code === 200) {
    opened.version = body.version;
    opened.file = name;
    opened.dirty = opened.edits !== taken;
    byId('opened').textContent = name;
    byId('conflict').hidden = true;
    status(`已保存 ${name}`);
    void listFiles();
    return true;
  }
  if (code === 409 && body.disk) {
    showConflict(name, body.disk);
    status(body.error ?? `${name} 在打开以后被别人改过了`, 'error');
    return false;
  }
  status(body.error ?? `保存失败（${code}）`, 'error');
  return false;
}

/** The file changed on disk since it was opened: both versions side by side, the user chooses; nothing is overwritten until then. */
function showConflict(name: string, disk: { text: string; version: string }): void {
  const panel = byId('conflict');
  panel.hidden = false;
  // One choice: a second click (or the other button) while the first is on its way is not taken.
  const once = (action: () => unknown) => () => {
    const buttons = [...panel.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    // Given back when the choice did not end the dialog (a save refused for another reason).
    void Promise.resolve(action()).finally(() => buttons.forEach((b) => (b.disabled = false)));
  };
  panel.replaceChildren(
    h('h2', { textContent: `${name} 在打开以后被别人改过了，没有覆盖它` }),
    h(
      'div',
      { class: 'versions' },
      h('figure', {}, h('figcaption', { textContent: '磁盘上的版本（别人改的）' }), h('pre', { class: 'disk', textContent: disk.text })),
      h('figure', {}, h('figcaption', { textContent: '这里的版本（你改的）' }), h('pre', { class: 'mine', textContent: JSON.stringify(opened?.data, null, 2) })),
    ),
    button('用磁盘上的版本（放弃这里的修改）', once(() => start(name, { text: disk.text, version: disk.version, saveAs: name })), { dataset: { action: 'take-disk' } }),
    button('用这里的版本覆盖磁盘上的', once(() => saveOpened(disk.version)), { dataset: { action: 'keep-mine' } }),
    button('先不决定', () => (panel.hidden = true)),
  );
}

// ——— downloads and the build ———

async function downloadFile(kind: api.DownloadKind): Promise<void> {
  if (!opened) return status('请先打开一个数据文件', 'error');
  status('正在准备下载……');
  const got = await api.download(kind, opened.data, opened.saveAs ?? opened.file ?? '新数据.json', opened.project);
  if ('error' in got) {
    if (got.problems) showProblems(got.problems);
    return status(got.error, 'error');
  }
  const link = h('a', { href: URL.createObjectURL(got.blob), download: got.name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  status(`已下载 ${got.name}`);
}

async function buildAll(): Promise<void> {
  if (!opened?.saveAs) return status('请先打开一个数据文件', 'error');
  if ((opened.dirty || opened.file !== opened.saveAs) && !(await saveOpened())) return;
  if (opened.version === null) return;
  const panel = byId('build');
  const bar = h('progress', { max: 1, value: 0 });
  const line = h('p', { textContent: '正在生成……' });
  const result = h('div');
  panel.hidden = false;
  panel.replaceChildren(h('h2', { textContent: `生成全部：${opened.saveAs}` }), bar, line, result);
  const name = opened.saveAs;
  const answer = await api.build(name, opened.version, (event: BuildLine) => {
    if (event.type === 'progress') {
      bar.max = Math.max(1, event.total);
      bar.value = event.done;
      line.textContent = event.message;
    } else if (event.type === 'done') {
      bar.value = bar.max;
      // Keys typed while it was saved and built are not in it.
      line.textContent = `已生成到 ${event.outDir}（${event.files.length} 个文件）${opened?.dirty ? '；生成的是保存时的内容，之后的修改还没有保存' : ''}`;
      result.replaceChildren(h('ul', {}, ...event.files.map((f) => h('li', { textContent: f }))));
      status(`已生成到 ${event.outDir}`);
    } else {
      line.textContent = event.error;
      line.className = 'error';
      if (event.problems) showProblems(event.problems);
      status(event.error, 'error');
    }
  });
  if (answer.disk) showConflict(name, answer.disk);
  if (answer.error) {
    line.textContent = answer.error;
    line.className = 'error';
    status(answer.error, 'error');
  }
}

// ——— the page ———

byId('new').addEventListener('click', () => void newPacket());
byId('save').addEventListener('click', () => void saveOpened());
byId('build-all').addEventListener('click', () => void buildAll());
for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-download]')) b.addEventListener('click', () => void downloadFile(b.dataset.download as api.DownloadKind));
document.addEventListener('keydown', (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === 's') {
    event.preventDefault();
    // The field being typed in is left first, as a click on 保存 leaves it: what leaving it asks
    // (a merged cell made equal to its neighbour group) is asked before the save.
    (document.activeElement as HTMLElement | null)?.blur();
    void saveOpened();
  }
});
// Per key: from the key pressed to the next frame after the page has taken what it typed.
document.addEventListener(
  'keydown',
  (event) => {
    const began = event.timeStamp;
    requestAnimationFrame(() => setTimeout(() => timings.keys.push(performance.now() - began), 0));
  },
  true,
);
window.addEventListener('beforeunload', (event) => {
  if (opened?.dirty) event.preventDefault();
});
void listFiles();
