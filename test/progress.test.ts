// What a build shows while it runs: a progress bar on a terminal, plain lines elsewhere, nothing
// with --quiet (problems are printed either way).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BuildProgress } from '../src/output/build.js';
import { progressDisplay } from '../src/progress.js';

const events: BuildProgress[] = [
  { kind: 'start', file: 'data/unit.json', total: 3 },
  { kind: 'written', file: 'data/unit.json', output: 'out/unit/01-培训费.pdf', done: 1, total: 3 },
  { kind: 'written', file: 'data/unit.json', output: 'out/unit/02-调研经费.pdf', done: 2, total: 3 },
  { kind: 'summary', file: 'data/unit.json', forms: 2, format: 'pdf', placed: 0 },
  { kind: 'written', file: 'data/unit.json', output: 'out/unit/汇总表.pdf', done: 3, total: 3 },
];

describe('build progress', () => {
  it('is plain lines where stderr is not a terminal (CI, a log)', () => {
    let text = '';
    const display = progressDisplay('lines', (t) => (text += t));
    for (const event of events) display.show(event);
    expect(text).toBe(
      [
        '生成 data/unit.json（共 3 个文件）',
        '  [1/3] out/unit/01-培训费.pdf',
        '  [2/3] out/unit/02-调研经费.pdf',
        '  汇总表：排版 2 张申报表…',
        '  [3/3] out/unit/汇总表.pdf',
        '',
      ].join('\n'),
    );
  });

  it('is nothing with --quiet', () => {
    let text = '';
    const display = progressDisplay('quiet', (t) => (text += t));
    for (const event of events) display.show(event);
    expect(text).toBe('');
  });

  it('is a bar on a terminal: files done of total, then the 汇总表 (rate and time left: test/conventions.test.ts)', () => {
    let drawn = '';
    const terminal = Object.assign(
      new Writable({
        write(chunk, _encoding, done) {
          drawn += String(chunk);
          done();
        },
      }),
      { isTTY: true, columns: 160 },
    ) as unknown as NodeJS.WriteStream;
    const display = progressDisplay('bar', () => undefined, terminal);
    for (const event of events) display.show(event);
    display.pause();
    // eslint-disable-next-line no-control-regex
    const plain = drawn.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    expect(plain).toMatch(/^生成 data\/unit\.json\n/);
    expect(plain).toMatch(/░+ 0\/3 个文件/);
    expect(plain).toMatch(/█+ 汇总表：2\/2 张申报表/);
    expect(plain).not.toContain('[1/3]');
  });
});
