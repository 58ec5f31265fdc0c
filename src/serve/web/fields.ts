// The packet's and a project's fields as inputs, each bound to its data path: what is typed goes
// into the data at once (amounts regrouped only on screen, see money.ts). Every input carries its
// path as validate writes it (data-path), so a problem is shown at the field it names.
import type { FieldSpec } from '../contract.js';
import { setAt, valueAt, pathText, type JsonObject, type Path } from './data.js';
import { h } from './dom.js';
import { amountOf, groupedAmount } from './money.js';

export type Changed = (path: Path) => void;

/** An input, a select or a text area that edits one value of the data. */
export type FieldElement = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The labelled input of field `spec` at `path` in `data`. */
export function fieldInput(spec: FieldSpec, path: Path, data: JsonObject, changed: Changed): HTMLElement {
  const value = valueAt(data, path);
  const shown = value === undefined || value === null ? '' : String(value);
  const input = inputFor(spec, shown, value);
  input.dataset.path = pathText(path);
  input.addEventListener('input', () => {
    setAt(data, path, dataValue(spec, input.value, value));
    changed(path);
  });
  if (spec.kind === 'money') {
    // Separators while reading, the plain amount while typing.
    // The whole amount selected, as a field is when tabbed into: what is typed replaces it.
    input.addEventListener('focus', () => {
      input.value = (valueAt(data, path) as string | undefined) ?? '';
      if (input instanceof HTMLInputElement) input.select();
    });
    input.addEventListener('blur', () => (input.value = groupedAmount((valueAt(data, path) as string | undefined) ?? '')));
  }
  return h('label', { class: `field ${spec.kind}` }, h('span', { class: 'label' }, spec.header, spec.required ? h('b', { class: 'required', title: '必填', textContent: '*' }) : null), input, h('small', { class: 'problem' }));
}

function inputFor(spec: FieldSpec, shown: string, value: unknown): FieldElement {
  if (spec.kind === 'goal') return h('textarea', { value: shown, rows: 4, spellcheck: false });
  if (spec.choices) {
    // Options by their index: '' is a choice's value (零金额 留空), not "none chosen".
    const chosen = spec.choices.findIndex(([, v]) => v === value);
    const options = [h('option', { value: '', textContent: '（默认）' }), ...spec.choices.map(([words], i) => h('option', { value: String(i), textContent: words }))];
    if (value !== undefined && chosen === -1) options.push(h('option', { value: 'other', textContent: String(value) }));
    const select = h('select', {}, ...options);
    select.value = value === undefined ? '' : chosen === -1 ? 'other' : String(chosen);
    return select;
  }
  if (spec.list?.strict) {
    const values = spec.list.values.includes(shown) || shown === '' ? spec.list.values : [...spec.list.values, shown];
    const select = h('select', {}, h('option', { value: '', textContent: '（请选择）' }), ...values.map((v) => h('option', { value: v, textContent: v })));
    select.value = shown;
    return select;
  }
  if (spec.kind === 'money') return h('input', { type: 'text', inputMode: 'decimal', value: groupedAmount(shown), placeholder: '0.00', autocomplete: 'off' });
  // A date the picker cannot show (2023/1/1, a day that does not exist) stays visible as text, for its problem to name.
  if (spec.kind === 'date') return h('input', { type: ISO_DATE.test(shown) || shown === '' ? 'date' : 'text', value: shown });
  // A line break in a one-line field (validate takes it, a workbook's Alt+Enter makes it) stays visible and kept.
  if (/[\r\n]/.test(shown)) return h('textarea', { value: shown, rows: 2, spellcheck: false });
  const input = h('input', { type: 'text', value: shown, autocomplete: 'off', spellcheck: false });
  if (spec.list) input.setAttribute('list', datalist(`list-${spec.path.join('-')}`, spec.list.values).id);
  return input;
}

/** The value the data gets for what is typed: optional fields left empty are left out. */
function dataValue(spec: FieldSpec, typed: string, before: unknown): unknown {
  if (spec.choices) return typed === '' ? undefined : typed === 'other' ? before : spec.choices[Number(typed)]![1];
  switch (spec.kind) {
    case 'money':
      return amountOf(typed);
    case 'year':
      // A whole number is the year; anything else is kept as typed, for validate to name.
      return /^\s*\d+\s*$/.test(typed) ? Number(typed) : typed === '' ? undefined : typed;
    case 'date':
      return typed === '' ? undefined : typed;
    default:
      return typed === '' && !spec.required ? undefined : typed;
  }
}

/** A datalist with these choices (made once per id, in the page's shared lists). */
export function datalist(id: string, values: readonly string[]): HTMLDataListElement {
  const lists = document.getElementById('datalists')!;
  let list = document.getElementById(id) as HTMLDataListElement | null;
  if (!list) {
    list = h('datalist', { id });
    lists.append(list);
  }
  // Filled again only when its choices change: a table of 5,000 rows asks for the same list thousands of times.
  const key = values.join('\u0000');
  if (list.dataset.values !== key) {
    list.replaceChildren(...values.map((v) => h('option', { value: v })));
    list.dataset.values = key;
  }
  return list;
}
