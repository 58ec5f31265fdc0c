// 年度(/项目)指标值: the form prints the text as written; this reads what it says. Quantitative
// targets are an optional operator, a number and an optional unit: `≥4(次)`, `=90 (%)`, `≤5%`,
// `90(%)`, `≥6000(人次)`. Everything else is qualitative text: words (`提升`, `健全`) and time
// phrases (`4季度前`, `每月`, `2023年12月底前`, `24小时`, `3季度`).
//
// The line between the two is drawn so that no real target is misread:
// - With an operator, the text promises a quantity: it must go on with a number, else it is
//   malformed (`≥(次)`, `=abc%`). The unit may be in brackets or bare (`≥4次`, `≤5%`).
// - Without an operator, only a number alone, `number%` or `number(unit)` is a quantity; a number
//   followed by more text (`24小时`, `100%全覆盖`, `14个街镇、莘庄工业区`) is qualitative text.
// Full-width forms (`≥4（次）`, `＝９０（％）`, `＞`, `＜`) and `≧`/`≦`/`⩾`/`⩽`/`>=`/`<=` are read as
// their usual forms; Chinese input methods produce them.

export type TargetOperator = '=' | '≥' | '≤' | '>' | '<';

export type ParsedTarget =
  | {
      kind: 'quantity';
      operator: TargetOperator | undefined;
      /** The number as written, in ASCII digits without thousands separators or `+`: never a float. */
      value: string;
      /** Without brackets: `次`, `人次`, `%`; undefined for a bare number. */
      unit: string | undefined;
      /** The unit is a percentage (`%`). */
      percent: boolean;
    }
  | { kind: 'text' }
  | { kind: 'malformed'; reason: string };

const OPERATORS: Record<string, TargetOperator> = {
  '=': '=', '≥': '≥', '≤': '≤', '>': '>', '<': '<', '≧': '≥', '≦': '≤', '⩾': '≥', '⩽': '≤', '>=': '≥', '<=': '≤',
};

/** Full-width ASCII (Ｕ+FF01–FF5E) and the ideographic space to their ASCII forms. */
function halfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

const NUMBER = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?/;

export function parseTarget(target: string): ParsedTarget {
  const text = halfWidth(target).trim();
  const op = /^(?:>=|<=|[=≥≤><≧≦⩾⩽])/.exec(text);
  const operator = op ? OPERATORS[op[0]] : undefined;
  const rest = op ? text.slice(op[0].length).trimStart() : text;

  const number = NUMBER.exec(rest);
  if (!number) return operator ? { kind: 'malformed', reason: `「${operator}」后面缺少数值` } : { kind: 'text' };
  const value = number[0].replace(/^\+|,/g, '');
  const after = rest.slice(number[0].length).trim();

  let unit: string | undefined;
  if (after === '') unit = undefined;
  else if (after === '%') unit = '%';
  else if (after.startsWith('(')) {
    const bracketed = /^\(([^()]*)\)$/.exec(after);
    if (!bracketed) {
      if (!operator) return { kind: 'text' };
      // `≥4(次)😀`: the brackets pair, but something follows them.
      const trailing = /^\([^()]*\)(.+)$/.exec(after);
      return { kind: 'malformed', reason: trailing ? `单位「${after.slice(0, after.length - trailing[1]!.length)}」后面多了「${trailing[1]}」` : `单位的括号「${after}」不成对` };
    }
    unit = bracketed[1]!.trim();
    if (unit === '') return operator ? { kind: 'malformed', reason: '括号里缺少单位' } : { kind: 'text' };
  } else if (operator) {
    // `≥4次`, `≤24小时`: a bare unit after an operator. Brackets in it must still pair up.
    if (!bracketsPair(after)) return { kind: 'malformed', reason: `单位「${after}」的括号不成对` };
    unit = after;
  } else return { kind: 'text' }; // `24小时`, `3季度`, `100%全覆盖`
  return { kind: 'quantity', operator, value, unit, percent: unit?.startsWith('%') ?? false };
}

function bracketsPair(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth += 1;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
