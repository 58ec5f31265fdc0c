// Where each value of a data file starts, kept small enough for a packet of 10,000 projects.
//
// Diagnostics name a line and column. A syntax tree (momoa's) gives them, but it is ten times the
// size of the data itself: a packet of 3,000 projects took over 100 MB, and the build's memory
// grew with every project. So for a text that is valid JSON the value comes from JSON.parse, and
// this file walks the text once with jsonc-parser's visitor (no tree) and keeps, for each value,
// only its offset: a number in a skeleton of the data's shape. Line and column are worked out
// from the offset when a diagnostic asks, counting line breaks as momoa does (\n, \r, \r\n), so
// places are the same as before. Repeated keys are found on the same walk.
import { visit } from 'jsonc-parser';
import { ProblemList, type Diagnostic } from '../model/diagnostic.js';
import { MAX_LISTED_PROBLEMS } from './limits.js';

export interface Place {
  line: number;
  column: number;
}

/** A value's offset, or a container's offset with its members' places. */
type Skeleton = number | { at: number; members: Record<string, Skeleton> | Skeleton[] };

export interface Places {
  /** Where the value at `path` starts; for a path that does not exist, its nearest existing container. */
  locate(path: ReadonlyArray<string | number>): Place;
  /** One error per repeated key, at the repeated key, in file order (past MAX_LISTED_PROBLEMS, one line for the rest). */
  duplicates: Diagnostic[];
  /** The projects (0-based) with a repeated key, listed or not; undefined for one outside the projects. */
  duplicatesIn: Set<number | undefined>;
}

/** The places of a text that JSON.parse accepts. */
export function placesOf(text: string): Places {
  const duplicates = new ProblemList(MAX_LISTED_PROBLEMS);
  const duplicatesIn = new Set<number | undefined>();
  const lineStarts = lineStartsOf(text);
  const place = (offset: number): Place => {
    // The last line start at or before the offset.
    let [low, high] = [0, lineStarts.length - 1];
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };

  // The containers being walked, each with the key its next value goes under.
  interface Open {
    node: { at: number; members: Record<string, Skeleton> | Skeleton[] };
    key?: string;
    /** Where each key of an object was first seen (for a repeated key's message). */
    keys?: Map<string, number>;
    path: Array<string | number>;
  }
  const stack: Open[] = [];
  let root: Skeleton | undefined;
  const add = (value: Skeleton) => {
    const open = stack[stack.length - 1];
    if (!open) root = value;
    else if (Array.isArray(open.node.members)) open.node.members.push(value);
    else (open.node.members as Record<string, Skeleton>)[open.key!] = value; // the last of repeated keys counts, as in JSON.parse
  };
  const pathOf = (open: Open | undefined): Array<string | number> => {
    if (!open) return [];
    return [...open.path, Array.isArray(open.node.members) ? open.node.members.length : open.key!];
  };
  const begin = (offset: number, members: Record<string, Skeleton> | Skeleton[]) => {
    const node = { at: offset, members };
    const path = pathOf(stack[stack.length - 1]);
    add(node);
    stack.push({ node, path, ...(Array.isArray(members) ? {} : { keys: new Map<string, number>() }) });
  };
  visit(
    text,
    {
      onObjectBegin: (offset) => begin(offset, Object.create(null) as Record<string, Skeleton>),
      onArrayBegin: (offset) => begin(offset, []),
      onObjectEnd: () => void stack.pop(),
      onArrayEnd: () => void stack.pop(),
      onLiteralValue: (_value, offset) => add(offset),
      onObjectProperty: (key, offset) => {
        const open = stack[stack.length - 1]!;
        const first = open.keys!.get(key);
        if (first === undefined) open.keys!.set(key, offset);
        else {
          duplicatesIn.add(open.path[0] === 'projects' && typeof open.path[1] === 'number' ? open.path[1] : undefined);
          const at = place(offset);
          duplicates.add([{
            severity: 'error',
            path: [...open.path, key],
            message: `字段「${key}」重复出现（第一次在第 ${place(first).line} 行）；JSON 里同名字段只有最后一个有效`,
            hint: '保留正确的一个，删除其余的',
            code: 'duplicate-key',
            line: at.line,
            column: at.column,
          }]);
        }
        open.key = key;
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );

  return {
    duplicates: duplicates.list(),
    duplicatesIn,
    locate(path) {
      let node = root ?? 0;
      for (const key of path) {
        if (typeof node === 'number') break;
        const next = Array.isArray(node.members)
          ? typeof key === 'number'
            ? node.members[key]
            : undefined
          : typeof key === 'string' && Object.hasOwn(node.members, key)
            ? node.members[key]
            : undefined;
        if (next === undefined) break;
        node = next;
      }
      return place(typeof node === 'number' ? node : node.at);
    },
  };
}

/** Offsets where lines start: after \n, after \r, after \r\n (as one break). */
function lineStartsOf(text: string): Uint32Array {
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (code === 10) starts.push(i + 1);
  }
  return Uint32Array.from(starts);
}
