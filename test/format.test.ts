// How a diagnostic reads: file:line:column (a link in VS Code's terminal), project, field, message;
// and the same as plain data for `validate --json`.
import { describe, expect, it } from 'vitest';
import { diagnosticJson, formatDiagnostic } from '../src/validate/format.js';
import type { Diagnostic } from '../src/model/diagnostic.js';

const NAMES = ['会议费', undefined, '印刷费'];

const amount: Diagnostic = {
  severity: 'error',
  path: ['projects', 2, 'funds', 'annual', 'total'],
  message: '年度资金申请总额 5,000.00 不等于 当年财政拨款 + 上年结转资金 + 其他资金 = 4,000.00',
  code: 'amount-sum',
  line: 37,
  column: 20,
};

const encoding: Diagnostic = {
  severity: 'warning',
  path: [],
  message: '文件不是 UTF-8 编码，已按 GB18030（GBK）读取；建议另存为 UTF-8',
  hint: '另存为 UTF-8',
  code: 'encoding',
};

describe('formatDiagnostic', () => {
  it('puts file:line:column first when the diagnostic has a place', () => {
    expect(formatDiagnostic(amount, 'data/x.json', NAMES)).toBe(
      'data/x.json:37:20：项目 3「印刷费」：年度资金·年度资金申请总额（projects[2].funds.annual.total）：错误：年度资金申请总额 5,000.00 不等于 当年财政拨款 + 上年结转资金 + 其他资金 = 4,000.00',
    );
  });

  it('keeps the file alone without a place, and the hint on its own line', () => {
    expect(formatDiagnostic(encoding, 'data/x.json', NAMES)).toBe(
      'data/x.json：警告：文件不是 UTF-8 编码，已按 GB18030（GBK）读取；建议另存为 UTF-8\n    提示：另存为 UTF-8',
    );
  });

  it('names an unnamed project by its number only, and a missing field at its object', () => {
    const missing: Diagnostic = { severity: 'error', path: ['projects', 1, 'implementer'], message: '缺少必填项', code: 'schema', line: 24, column: 5 };
    expect(formatDiagnostic(missing, 'd.json', NAMES)).toBe('d.json:24:5：项目 2：实施单位（projects[1].implementer）：错误：缺少必填项');
  });
});

describe('diagnosticJson', () => {
  it('gives every part of a project diagnostic as data', () => {
    expect(diagnosticJson({ ...amount, hint: '核对三项之和' }, 'data/x.json', NAMES)).toEqual({
      severity: 'error',
      code: 'amount-sum',
      message: '年度资金申请总额 5,000.00 不等于 当年财政拨款 + 上年结转资金 + 其他资金 = 4,000.00',
      hint: '核对三项之和',
      project: { number: 3, name: '印刷费' },
      path: 'projects[2].funds.annual.total',
      field: '年度资金·年度资金申请总额',
      place: { kind: 'file', file: 'data/x.json', line: 37, column: 20 },
    });
  });

  it('leaves out what a file-level diagnostic does not have, and survives JSON.stringify', () => {
    const data = diagnosticJson(encoding, 'data/x.json', NAMES);
    expect(data).toEqual({
      severity: 'warning',
      code: 'encoding',
      message: '文件不是 UTF-8 编码，已按 GB18030（GBK）读取；建议另存为 UTF-8',
      hint: '另存为 UTF-8',
      place: { kind: 'file', file: 'data/x.json' },
    });
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
    expect(diagnosticJson({ ...amount, path: ['projects', 1, 'name'] }, 'd.json', NAMES).project).toEqual({ number: 2 });
  });
});
