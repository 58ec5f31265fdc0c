// The packet being edited, as plain JSON: read and written at data paths. The page keeps what the
// user typed exactly (amounts stay strings, nothing is rounded); the server checks it as validate
// does and saves it in the schema's key order.

export type Key = string | number;
export type Path = readonly Key[];
export type JsonObject = { [key: string]: unknown };

export interface IndicatorData extends JsonObject {
  level1: string;
  level2: string;
  name: string;
  target: string;
}

export interface ProjectData extends JsonObject {
  name?: string;
  indicators?: IndicatorData[];
}

export interface PacketData extends JsonObject {
  projects?: ProjectData[];
}

/** validate's path text (validate/format.ts pathText): projects[2].funds.annual.total */
export function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The path of a path text; the inverse of pathText. */
export function parsePath(text: string): Key[] {
  const path: Key[] = [];
  for (const match of text.matchAll(/\[(\d+)\]|\.?([^.[\]]+)/g)) path.push(match[1] !== undefined ? Number(match[1]) : match[2]!);
  return path;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null;

export function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const key of path) {
    if (!isObject(value)) return undefined;
    value = (value as Record<Key, unknown>)[key];
  }
  return value;
}

/** Sets the value at `path`, making the objects on the way; `undefined` removes the key (an optional field left empty). */
export function setAt(root: JsonObject, path: Path, value: unknown): void {
  let node: Record<Key, unknown> = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isObject(next)) node[key] = {};
    node = node[key] as Record<Key, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** The packet's projects as the page shows them (none when there is no list: nothing is added while drawing). */
export function projectsOf(packet: PacketData): ProjectData[] {
  return Array.isArray(packet.projects) ? packet.projects : [];
}

/** The project's indicators as the page shows them (none when there is no list). */
export function indicatorsOf(project: ProjectData): IndicatorData[] {
  return Array.isArray(project.indicators) ? project.indicators : [];
}

/** The packet's list of projects, made when there is none yet (only when the user adds one). */
export function projectList(packet: PacketData): ProjectData[] {
  if (packet.projects === undefined) packet.projects = [];
  return packet.projects;
}

/** The project's list of indicators, made when there is none yet (only when the user adds one). */
export function indicatorList(project: ProjectData): IndicatorData[] {
  if (project.indicators === undefined) project.indicators = [];
  return project.indicators;
}

/**
 * Why the form cannot show this data without losing some of it, or undefined when it can: a list
 * that is no list, an item that is no object (a department's hand-edited file). Such data is
 * refused whole, not repaired: the page would save its repair.
 */
export function unshowable(packet: PacketData): string | undefined {
  const plain = (value: unknown) => isObject(value) && !Array.isArray(value);
  const where = (path: Path) => pathText(path);
  if (packet.projects !== undefined && !Array.isArray(packet.projects)) return `${where(['projects'])} 不是列表`;
  if (packet.display !== undefined && !plain(packet.display)) return `${where(['display'])} 不是对象`;
  for (const [i, project] of projectsOf(packet).entries()) {
    if (!plain(project)) return `${where(['projects', i])} 不是对象`;
    for (const key of ['funds', 'funds.project', 'funds.annual']) {
      const path = ['projects', i, ...key.split('.')];
      const value = valueAt(packet, path);
      if (value !== undefined && !plain(value)) return `${where(path)} 不是对象`;
    }
    if (project.indicators !== undefined && !Array.isArray(project.indicators)) return `${where(['projects', i, 'indicators'])} 不是列表`;
    for (const [j, indicator] of indicatorsOf(project).entries()) if (!plain(indicator)) return `${where(['projects', i, 'indicators', j])} 不是对象`;
  }
  return undefined;
}
