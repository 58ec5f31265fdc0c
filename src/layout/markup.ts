// Form markup -> grid. The markup is a tiny HTML-table subset that reads like the form itself:
//
//   <h1 field>title</h1> <h2 field>year line</h2>    headings
//   <table size="9"> <col width="12"> <tr class="repeat">  a table (size: its text in pt,
//                                                    optional); col widths are relative;
//     <td rowspan colspan align valign class field   tr.repeat = header row repeated on
//         nowrap>                                    continuation pages; td class label|value;
//   </table>                                         nowrap: one line, smaller if need be (amounts)
//   <br>  (inside td/h1/h2)   <page-break/>          line break; new page (new section)
//
// `field` names the data value a heading or cell shows, so it can be traced back to the data file
// (and a diagnostic can point at it): a dotted path relative to what the template draws — the
// project in declaration.hbs (`funds.annual.total`, `indicators.{{index}}.target`), the packet in
// summary.hbs (`projects.{{@index}}.name`) — or, with a leading `/`, from the data file's top
// level (`/year`, `/title`). Number segments are list positions (0-based). Label cells and
// computed values (序号, 合计) have no field.
//
// Anything else is rejected with the template's name and line. Templates are checked once as
// written (so the line is the template's own) and their output again when the grid is built.
// parseMarkup leaves each `path` as written (a leading '/' segment for a rooted field);
// anchorPaths makes them absolute once the caller knows which project the template drew.
import { DomHandler, Parser } from 'htmlparser2';
import { UserError } from '../errors.js';
import { isTag, type ChildNode, type Document, type Element } from 'domhandler';
import type { Align, CellRole, DataPath, GridBlock, GridCell, GridRow, GridSection, GridTable, VAlign } from './grid.js';

export class MarkupError extends UserError {
  constructor(
    readonly template: string,
    readonly line: number,
    readonly detail: string,
    where = '行',
  ) {
    super(`模板 ${template} 第 ${line} ${where}：${detail}`);
    this.name = 'MarkupError';
  }
}

const ATTRIBUTES: Record<string, readonly string[]> = {
  h1: ['field'],
  h2: ['field'],
  table: ['size'],
  col: ['width'],
  tr: ['class'],
  td: ['rowspan', 'colspan', 'align', 'valign', 'class', 'field', 'nowrap'],
  br: [],
  'page-break': [],
};
const ALIGNS: readonly Align[] = ['left', 'center', 'right'];
const VALIGNS: readonly VAlign[] = ['top', 'middle', 'bottom'];
const ROLES: readonly CellRole[] = ['label', 'value'];
const ROW_CLASSES = ['repeat'];

/** Check a template as written; mustaches are blanked out so tags keep their lines. */
export function checkTemplateSource(source: string, template: string): void {
  // Also with whitespace control ({{~{name}~}}, {{~& name}}), which Handlebars compiles the same.
  const unescaped = /\{\{~?\s*[{&]/.exec(source);
  if (unescaped) {
    throw new MarkupError(template, lineAt(source, unescaped.index), '不允许用 {{{…}}} 或 {{&…}} 输出不转义的内容');
  }
  const blanked = source.replace(/\{\{[\s\S]*?\}\}/g, (m) => m.replace(/[^\n]/g, ' '));
  new MarkupReader(blanked, template, false).read();
}

/**
 * Turn one template's output into sections (split at <page-break/>). Paths are as the template
 * wrote them, relative to what it draws ('/' first when rooted): pass them through anchorPaths.
 */
export function parseMarkup(markup: string, template: string): GridSection[] {
  return new MarkupReader(markup, template, true).read();
}

/**
 * Make every path absolute: a relative one is taken from `base` (['projects', 2] for the third
 * project's 申报表, [] for the 汇总表), a rooted one ('/' first) from the data file's top level.
 */
export function anchorPaths(sections: GridSection[], base: DataPath): GridSection[] {
  const anchor = (path: DataPath): DataPath => (path[0] === ROOT ? path.slice(1) : [...base, ...path]);
  const block = (b: GridBlock): GridBlock =>
    b.type === 'heading'
      ? b.path ? { ...b, path: anchor(b.path) } : b
      : {
          ...b,
          rows: b.rows.map((row) => ({
            ...row,
            cells: row.cells.map((cell) => (cell.path ? { ...cell, path: anchor(cell.path) } : cell)),
          })),
        };
  return sections.map((section) => ({ ...section, blocks: section.blocks.map(block) }));
}

/** The first segment of a path written from the data file's top level (`field="/year"`). */
const ROOT = '/';
const FIELD = /^\/?(?:[A-Za-z_$][\w$]*|\d+)(?:\.(?:[A-Za-z_$][\w$]*|\d+))*$/;

function lineAt(source: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Reads the markup's tree in document order as htmlparser2 builds it, every check in the same
 * order as over the whole tree, but a top-level table a row at a time: each row, once closed, is
 * read into the grid and its nodes let go. The 汇总表's front table of 10,000 projects is a tree of
 * some 64 MB, which was built whole before the first row was read.
 */
class MarkupReader {
  #sections: GridSection[] = [{ blocks: [] }];
  /** Top-level tables whose rows are being read as they close. */
  readonly #tables = new Map<Element, TableReading>();
  #root: Document | undefined;

  constructor(
    private readonly source: string,
    private readonly template: string,
    /** Output, not template source: values are real, so check them and say "输出第 N 行". */
    private readonly isOutput: boolean,
  ) {}

  read(): GridSection[] {
    const options = { withStartIndices: true, recognizeSelfClosing: true, lowerCaseTags: true };
    // parseDocument's own handler, told of each element as it closes.
    const handler = new DomHandler(undefined, options, (element) => this.closed(element));
    this.#root = handler.root;
    new Parser(handler, options).end(this.source);
    this.takeTopLevel(); // what follows the last element (text, comments)
    return this.#sections.filter((section) => section.blocks.length > 0);
  }

  /** An element closed: a top-level one is read with those before it, a row of a top-level table on its own. */
  private closed(element: Element): void {
    const parent = element.parent;
    if (parent === this.#root) this.takeTopLevel();
    else if (element.name === 'tr' && parent && isTag(parent) && parent.name === 'table' && parent.parent === this.#root) {
      // The nodes before the table come first, then the table itself, as when the tree is read whole.
      this.takeTopLevel(parent);
      this.takeTableChildren(parent, this.#tables.get(parent)!);
    }
  }

  /** Reads the top-level nodes so far, and lets them go; `open`, a table still being read, is begun and kept. */
  private takeTopLevel(open?: Element): void {
    const nodes = this.#root!.children;
    let taken = 0;
    for (const node of nodes) {
      if (node === open) {
        if (!this.#tables.has(open)) this.#tables.set(this.element(open, TOP_LEVEL), { widths: [], rows: [] });
        break;
      }
      this.topLevel(node);
      taken++;
    }
    nodes.splice(0, taken);
  }

  private topLevel(node: ChildNode): void {
    if (this.isBlank(node)) return;
    // A table whose rows were read as they closed was checked when it was begun.
    const reading = isTag(node) ? this.#tables.get(node) : undefined;
    const element = reading ? (node as Element) : this.element(node, TOP_LEVEL);
    const blocks = this.#sections[this.#sections.length - 1]!.blocks;
    if (element.name === 'page-break') this.#sections.push({ blocks: [] });
    else if (element.name === 'table') {
      this.#tables.delete(element);
      blocks.push(this.endTable(element, reading ?? { widths: [], rows: [] }));
    } else {
      const path = this.field(element);
      blocks.push({ type: 'heading', level: element.name === 'h1' ? 1 : 2, text: this.text(element), ...(path ? { path } : {}) });
    }
  }

  private fail(node: Located, detail: string): never {
    const line = lineAt(this.source, node.startIndex ?? 0);
    throw new MarkupError(this.template, line, detail, this.isOutput ? '行（模板输出）' : '行');
  }

  private isBlank(node: ChildNode): boolean {
    return node.type === 'comment' || (node.type === 'text' && node.data.trim() === '');
  }

  /** The node must be one of the allowed elements, with only its documented attributes. */
  private element(node: ChildNode, allowed: readonly string[]): Element {
    if (node.type !== 'tag') {
      const what = node.type === 'text' ? `文字「${node.data.trim().slice(0, 20)}」` : `<${node.type}>`;
      this.fail(node, `此处不能有${what}，只能是 ${allowed.map((a) => `<${a}>`).join(' ')}`);
    }
    if (!allowed.includes(node.name)) {
      const known = Object.hasOwn(ATTRIBUTES, node.name) ? '不能放在这里' : '不在支持的标记范围内';
      this.fail(node, `<${node.name}> ${known}；此处只能是 ${allowed.map((a) => `<${a}>`).join(' ')}`);
    }
    for (const attribute of Object.keys(node.attribs)) {
      if (!ATTRIBUTES[node.name]!.includes(attribute)) this.fail(node, `<${node.name}> 不支持属性 ${attribute}`);
    }
    return node;
  }

  /**
   * Text content; <br> is a line break; the template's own whitespace around it (ASCII spaces and
   * line ends, from indenting the markup) is dropped, but not a value's 全角空格 (U+3000), the
   * indent a Chinese paragraph begins with.
   */
  private text(element: Element): string {
    let text = '';
    for (const child of element.children) {
      if (child.type === 'text') text += child.data;
      else if (child.type !== 'comment') {
        this.element(child, ['br']);
        text += '\n';
      }
    }
    return text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  }

  /** The table's children so far, read into `reading` and let go. */
  private takeTableChildren(element: Element, reading: TableReading): void {
    const { widths, rows } = reading;
    for (const child of element.children) {
      if (this.isBlank(child)) continue;
      const node = this.element(child, rows.length === 0 ? ['col', 'tr'] : ['tr']);
      if (node.name === 'col') widths.push(this.number(node, 'width', 1, 0));
      else rows.push(this.row(node));
    }
    element.children.splice(0);
  }

  private endTable(element: Element, reading: TableReading): GridTable {
    this.takeTableChildren(element, reading);
    const { widths, rows } = reading;
    if (this.isOutput) this.placeCells(element, widths.length, rows);
    const size = element.attribs.size === undefined ? undefined : this.number(element, 'size', 0, 1);
    return { type: 'table', widths, rows: rows.map(({ row }) => row), ...(size ? { fontSize: size } : {}) };
  }

  private row(element: Element): ReadRow {
    const rowClass = element.attribs.class;
    if (this.isOutput && rowClass !== undefined && !ROW_CLASSES.includes(rowClass)) {
      this.fail(element, `<tr class="${rowClass}"> 不支持；只能是 class="repeat"`);
    }
    const cells: GridCell[] = [];
    const nodes: Located[] = [];
    for (const child of element.children) {
      if (this.isBlank(child)) continue;
      const td = this.element(child, ['td']);
      nodes.push({ startIndex: td.startIndex });
      const path = this.field(td);
      cells.push({
        col: -1, // placed by placeCells
        rowSpan: this.number(td, 'rowspan', 1, 1),
        colSpan: this.number(td, 'colspan', 1, 1),
        text: this.text(td),
        role: this.choice(td, 'class', ROLES, 'value'),
        align: this.choice(td, 'align', ALIGNS, 'left'),
        valign: this.choice(td, 'valign', VALIGNS, 'middle'),
        ...(path ? { path } : {}),
        ...('nowrap' in td.attribs ? { noWrap: true } : {}),
      });
    }
    return { row: { repeat: rowClass === 'repeat', cells }, node: { startIndex: element.startIndex }, cellNodes: nodes };
  }

  /** Resolve every cell's slots as HTML does, and insist the spans tile the table exactly. */
  private placeCells(table: Element, columns: number, rows: ReadRow[]): void {
    if (columns === 0) this.fail(table, '<table> 需要先用 <col width="…"> 给出各列宽度');
    const taken: boolean[][] = rows.map(() => new Array<boolean>(columns).fill(false));
    rows.forEach(({ row, node, cellNodes }, r) => {
      let col = 0;
      row.cells.forEach((cell, i) => {
        while (col < columns && taken[r]![col]) col++;
        const td = cellNodes[i]!;
        if (col + cell.colSpan > columns) this.fail(td, `这一行的单元格超出了 ${columns} 列`);
        if (r + cell.rowSpan > rows.length) this.fail(td, `rowspan="${cell.rowSpan}" 超出了表格的最后一行`);
        for (let dr = 0; dr < cell.rowSpan; dr++)
          for (let dc = 0; dc < cell.colSpan; dc++) {
            if (taken[r + dr]![col + dc]) this.fail(td, '单元格与上方跨行的单元格重叠');
            taken[r + dr]![col + dc] = true;
          }
        cell.col = col;
        col += cell.colSpan;
      });
      const free = taken[r]!.indexOf(false);
      if (free >= 0) this.fail(node, `这一行第 ${free + 1} 列空缺：每行的单元格（含上方跨行的）应正好铺满 ${columns} 列`);
    });
  }

  /** The `field` attribute as a path, as written: 'indicators.3.name' -> ['indicators', 3, 'name']. */
  private field(element: Element): DataPath | undefined {
    const value = element.attribs.field;
    if (value === undefined || !this.isOutput) return undefined;
    if (!FIELD.test(value)) {
      this.fail(element, `field="${value}" 应为用点分隔的字段路径，如 funds.annual.total，或以 / 开头的数据文件顶层字段，如 /year`);
    }
    const rooted = value.startsWith(ROOT);
    const segments = (rooted ? value.slice(1) : value).split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    return rooted ? [ROOT, ...segments] : segments;
  }

  private number(element: Element, attribute: string, fallback: number, min: number): number {
    const value = element.attribs[attribute];
    if (value === undefined || !this.isOutput) return fallback;
    const n = Number(value);
    const whole = attribute === 'rowspan' || attribute === 'colspan';
    if (!Number.isFinite(n) || n < min || (whole && !Number.isInteger(n)) || (!whole && n <= 0)) {
      this.fail(element, `${attribute}="${value}" 应为${whole ? `不小于 ${min} 的整数` : '正数'}`);
    }
    return n;
  }

  private choice<T extends string>(element: Element, attribute: string, options: readonly T[], fallback: T): T {
    const value = element.attribs[attribute];
    if (value === undefined || !this.isOutput) return fallback;
    if (!options.includes(value as T)) this.fail(element, `${attribute}="${value}" 应为 ${options.join(' / ')} 之一`);
    return value as T;
  }
}

/** Where a node began in the markup, for its line in a message. */
interface Located {
  startIndex: number | null;
}

/** A row as read, with where its markup nodes began, for error lines while placing the cells (the nodes themselves are let go). */
interface ReadRow {
  row: GridRow;
  node: Located;
  cellNodes: Located[];
}

/** A table's columns and rows read so far. */
interface TableReading {
  widths: number[];
  rows: ReadRow[];
}

const TOP_LEVEL = ['h1', 'h2', 'table', 'page-break'];
