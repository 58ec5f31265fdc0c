// A project's 绩效指标 as the form groups them: a 一级指标 cell spans the rows that follow with the
// same 一级, a 二级 cell the rows with the same 一级 and 二级. A row's 三级指标 and 指标值 are edited
// in place; a merged cell edits every row it spans. Rows are inserted inside their group, deleted
// and moved; a group is added from the framework's lists. Structure changes draw the table again;
// typing does not (a project of 200 indicators stays quick to type in).
import { indicatorList, indicatorsOf, pathText, type IndicatorData, type Path, type ProjectData } from './data.js';
import { button, h } from './dom.js';
import { datalist, type Changed } from './fields.js';

export interface IndicatorGridOptions {
  project: ProjectData;
  /** The project's index in the packet: the rows' paths start projects[i].indicators. */
  projectIndex: number;
  level2ByLevel1: Record<string, readonly string[]>;
  changed: Changed;
  /** Rows inserted, deleted, moved or regrouped: the table is drawn again. */
  restructured: () => void;
  /** Each path of a value shown in the table → the input that shows it (a merged cell shows several). */
  inputs: Map<string, HTMLElement>;
}

/** Runs of equal values: [start, length] for each. */
function runs(rows: readonly IndicatorData[], key: (row: IndicatorData) => string): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  rows.forEach((row, i) => {
    const last = found[found.length - 1];
    if (last && key(rows[last[0]]!) === key(row)) last[1]++;
    else found.push([i, 1]);
  });
  return found;
}

const allLevel2 = (framework: Record<string, readonly string[]>) => [...new Set(Object.values(framework).flat())];

export function indicatorGrid(options: IndicatorGridOptions): HTMLElement {
  const { project, projectIndex, level2ByLevel1, changed, restructured, inputs } = options;
  const rows = indicatorsOf(project);
  const at = (i: number, key?: keyof IndicatorData): Path => ['projects', projectIndex, 'indicators', i, ...(key ? [key] : [])];
  const level1List = datalist('list-level1', Object.keys(level2ByLevel1));
  const level2List = (level1: string) => datalist(`list-level2-${level1}`, level2ByLevel1[level1] ?? allLevel2(level2ByLevel1));

  const starts1 = new Map(runs(rows, (r) => String(r.level1)));
  const starts2 = new Map(runs(rows, (r) => `${String(r.level1)}\u0000${String(r.level2)}`));

  /** A merged cell: what is typed goes into every row it spans; the grouping is redone when it is left. */
  const mergedCell = (key: 'level1' | 'level2', start: number, span: number): HTMLTableCellElement => {
    const input = h('input', { type: 'text', value: String(rows[start]![key] ?? ''), autocomplete: 'off', spellcheck: false });
    input.setAttribute('list', key === 'level1' ? level1List.id : level2List(String(rows[start]!.level1)).id);
    input.dataset.path = pathText(at(start, key));
    for (let i = start; i < start + span; i++) inputs.set(pathText(at(i, key)), input);
    const original = String(rows[start]![key] ?? '');
    const setAll = (value: string) => {
      for (let i = start; i < start + span; i++) rows[i]![key] = value;
      changed(at(start, key));
    };
    input.addEventListener('input', () => setAll(input.value));
    // Made equal to the group above or below, the two groups become one cell (as the form prints
    // them), and a later edit of it changes both: asked first, so a slip is not merged unseen.
    input.addEventListener('change', () => {
      const sameGroup = (i: number) => rows[i] !== undefined && rows[i]![key] === input.value && (key === 'level1' || rows[i]!.level1 === rows[start]!.level1);
      if (input.value !== original && (sameGroup(start - 1) || sameGroup(start + span)) && !window.confirm(`改成「${input.value}」后，这一组将与相邻的「${input.value}」组合并为一格（表上也印成一格），以后改这一格会改动两组的每一行。合并吗？选“取消”则改回「${original}」。`)) setAll(original);
      restructured();
    });
    return h('td', { rowSpan: span, class: `merged ${key}` }, input, h('small', { class: 'problem' }));
  };

  const textCell = (i: number, key: 'name' | 'target'): HTMLTableCellElement => {
    const value = String(rows[i]![key] ?? '');
    // A line break (validate takes it) stays visible and kept.
    const input = /[\r\n]/.test(value) ? h('textarea', { value, rows: 2, spellcheck: false }) : h('input', { type: 'text', value, autocomplete: 'off', spellcheck: false });
    input.dataset.path = pathText(at(i, key));
    inputs.set(input.dataset.path, input);
    input.addEventListener('input', () => {
      rows[i]![key] = input.value;
      changed(at(i, key));
    });
    return h('td', { class: key }, input, h('small', { class: 'problem' }));
  };

  const edit = (change: () => void) => () => {
    change();
    restructured();
  };
  const blankRowLike = (row: IndicatorData): IndicatorData => ({ level1: row.level1, level2: row.level2, name: '', target: '' });

  const body = h('tbody');
  rows.forEach((row, i) => {
    const tr = h('tr', { dataset: { row: String(i) } });
    inputs.set(pathText(at(i)), tr);
    const span1 = starts1.get(i);
    if (span1 !== undefined) tr.append(mergedCell('level1', i, span1));
    const span2 = starts2.get(i);
    if (span2 !== undefined) tr.append(mergedCell('level2', i, span2));
    tr.append(
      textCell(i, 'name'),
      textCell(i, 'target'),
      h(
        'td',
        { class: 'actions' },
        button('↑', edit(() => i > 0 && rows.splice(i - 1, 2, rows[i]!, rows[i - 1]!)), { title: '上移一行', dataset: { action: 'up' } }),
        button('↓', edit(() => i < rows.length - 1 && rows.splice(i, 2, rows[i + 1]!, rows[i]!)), { title: '下移一行', dataset: { action: 'down' } }),
        button('＋', edit(() => rows.splice(i + 1, 0, blankRowLike(row))), { title: '在下面插入一行（同一组）', dataset: { action: 'insert' } }),
        button('✕', edit(() => rows.splice(i, 1)), { title: '删除这一行', dataset: { action: 'delete' } }),
      ),
    );
    body.append(tr);
  });

  const table = h(
    'table',
    { class: 'indicators', dataset: { path: pathText(['projects', projectIndex, 'indicators']) } },
    h('colgroup', {}, ...['level1', 'level2', 'name', 'target', 'actions'].map((c) => h('col', { class: c }))),
    h('thead', {}, h('tr', {}, ...['一级指标', '二级指标', '三级指标', '年度(/项目)指标值', ''].map((t) => h('th', { textContent: t })))),
    body,
  );
  inputs.set(pathText(['projects', projectIndex, 'indicators']), table);
  return h('div', { class: 'indicator-grid' }, rows.length === 0 ? h('p', { class: 'empty', textContent: '还没有绩效指标：在下面选一级、二级指标，添加一组。' }) : table, h('small', { class: 'problem' }), groupAdder(project, level2ByLevel1, restructured));
}

/** 添加一组: a first row of a group chosen from the framework, after the rows of its 一级指标 (or at the end). */
function groupAdder(project: ProjectData, level2ByLevel1: Record<string, readonly string[]>, restructured: () => void): HTMLElement {
  const level1 = h('select', { title: '一级指标' }, ...Object.keys(level2ByLevel1).map((v) => h('option', { value: v, textContent: v })));
  const level2 = h('select', { title: '二级指标' });
  const fill = () => level2.replaceChildren(...(level2ByLevel1[level1.value] ?? []).map((v) => h('option', { value: v, textContent: v })));
  level1.addEventListener('change', fill);
  fill();
  const add = button(
    '添加一组',
    () => {
      const rows = indicatorList(project);
      const last = rows.map((r) => r.level1).lastIndexOf(level1.value);
      rows.splice(last === -1 ? rows.length : last + 1, 0, { level1: level1.value, level2: level2.value, name: '', target: '' });
      restructured();
    },
    { dataset: { action: 'add-group' } },
  );
  return h('p', { class: 'group-adder' }, '新的一组：', level1, level2, add);
}
