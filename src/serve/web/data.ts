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

export function projectsOf(packet: PacketData): ProjectData[] {
  if (!Array.isArray(packet.projects)) packet.projects = [];
  return packet.projects;
}

export function indicatorsOf(project: ProjectData): IndicatorData[] {
  if (!Array.isArray(project.indicators)) project.indicators = [];
  return project.indicators;
}
