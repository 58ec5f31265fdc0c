// JSON text as the 汇总表 PDF carries it (`JSON.stringify(value, null, 2)`), or as the manifest
// hashes it (`JSON.stringify(value)`), made a piece at a time: at 10,000 projects the whole is a
// string of 17–21 million characters (34–42 MB, two bytes each once one is Chinese), and every
// copy of it counted in the build's peak. A piece is one project.
// For data as JSON.parse gives it and validation keeps it (a packet). Two things only JavaScript
// values have are not followed (a hostile test, 2026-12-07): a boxed String or Number in an opened
// container is written as an object, and a toJSON whose result has a toJSON of its own is called
// twice at the depth where members become pieces.

/**
 * `JSON.stringify(value, null, 2)` in pieces, in order: the containers of the first `depth` levels
 * opened, each member below them one piece. `compact`: `JSON.stringify(value)` in the same pieces.
 */
export function* jsonPieces(value: unknown, depth = 2, compact = false): Generator<string> {
  yield* pieces(resolved(value, ''), depth, compact ? undefined : '');
}

/** `value` (its toJSON already called) at `indent`; no indent at all when compact (undefined). */
function* pieces(value: unknown, depth: number, indent: string | undefined): Generator<string> {
  if (depth <= 0 || typeof value !== 'object' || value === null) {
    const text = JSON.stringify(value, null, indent === undefined ? undefined : 2);
    // Newlines in JSON.stringify's output are its own (a string's are escaped): indenting after each indents the whole.
    yield indent ? text.replaceAll('\n', `\n${indent}`) : text;
    return;
  }
  const inner = indent === undefined ? undefined : `${indent}  `;
  // Before a member, and before the closing bracket: a line break and the indent, or nothing.
  const before = inner === undefined ? '' : `\n${inner}`;
  const close = indent === undefined ? '' : `\n${indent}`;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? '[' : ','}${before}`;
      // What JSON.stringify writes for an element it cannot represent.
      const element = resolved(value[i], String(i));
      yield* pieces(unrepresentable(element) ? null : element, depth - 1, inner);
    }
    yield `${close}]`;
    return;
  }
  let members = 0;
  for (const [key, value_] of Object.entries(value)) {
    const member = resolved(value_, key);
    if (unrepresentable(member)) continue; // JSON.stringify leaves the member out
    yield `${members++ === 0 ? '{' : ','}${before}${JSON.stringify(key)}:${inner === undefined ? '' : ' '}`;
    yield* pieces(member, depth - 1, inner);
  }
  yield members === 0 ? '{}' : `${close}}`;
}

/** What JSON.stringify writes for `value` under `key`: its toJSON(key), if it has one. */
function resolved(value: unknown, key: string): unknown {
  const toJSON = typeof value === 'object' && value !== null ? (value as { toJSON?: unknown }).toJSON : undefined;
  return typeof toJSON === 'function' ? (toJSON as (key: string) => unknown).call(value, key) : value;
}

const unrepresentable = (value: unknown) => value === undefined || typeof value === 'function' || typeof value === 'symbol';
