// npm run bench: how fast shenbao is on this machine, and how much memory it takes, against the
// targets of issues 7 and 18. Prints figures; asserts nothing (tests assert behaviour, not timings).
// Each figure is a process of its own (bench/tasks.ts), so each peak RSS is its own.
//   npm run bench              every figure but the 10,000-project packet
//   npm run bench -- --full    that one too (a few minutes)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const full = process.argv.includes('--full');

interface Result {
  seconds: number;
  peakRssMb: number;
  [key: string]: unknown;
}

function task(name: string, n: number): Result {
  const output = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'tasks.ts'), name, String(n)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Result;
}

const s = (seconds: number) => (seconds < 10 ? `${seconds.toFixed(2)} s` : `${seconds.toFixed(0)} s`);
const line = (label: string, figure: string, target?: { ok: boolean; text: string }) =>
  console.log(`${label.padEnd(52)}${figure.padEnd(40)}${target ? `${target.ok ? '✓' : '✗'} target ${target.text}` : ''}`);

console.log(`shenbao bench — ${cpus()[0]?.model.trim() ?? 'cpu'}, ${availableParallelism()} cores, Node ${process.version}\n`);

// The seed packet as a user runs it: a new process, all 22 outputs.
{
  const times: number[] = [];
  const out = mkdtempSync(path.join(tmpdir(), 'shenbao-bench-seed-'));
  try {
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      execFileSync(process.execPath, ['dist/cli.js', 'build', 'data/minhang-2023.json', '-o', out, '--date', '2023-01-01'], { cwd: ROOT, stdio: 'ignore' });
      times.push((performance.now() - t) / 1000);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const median = times.sort((a, b) => a - b)[2]!;
  line('seed packet, 11 PDF + 11 .docx, new process', `${s(median)} (median of 5)`, { ok: median < 0.8, text: '< 0.8 s' });
}

const forms = task('pdf-forms', 1000);
line('1,000 forms as PDF, one thread', `${s(forms.seconds)}, ${(forms.formsPerSecond as number).toFixed(0)} forms/s, ${forms.peakRssMb} MB`, {
  ok: forms.seconds <= 5,
  text: '≤ 5 s (≥ 200 forms/s)',
});
const split = forms.msPerForm as Record<string, number>;
line('  per form: ' + Object.entries(split).map(([k, v]) => `${k} ${v} ms`).join(', '), '');
line('  a one-page form\'s PDF', `${(forms.averageKb as number).toFixed(1)} KB on average`, { ok: (forms.averageKb as number) <= 60, text: '≤ 60 KB' });
const docx = task('docx-forms', 1000);
line('1,000 forms as .docx, one thread', `${s(docx.seconds)}, ${(docx.formsPerSecond as number).toFixed(0)} forms/s, ${docx.peakRssMb} MB`, {
  ok: docx.seconds <= 4,
  text: '≤ 4 s',
});
const docxPacket = task('packet-docx', 1000);
const docxSeconds = docxPacket.formsSeconds as number;
line(`1,000 .docx in a packet build (--jobs ${String(docxPacket.jobs)})`, `${s(docxSeconds)}, ${(1000 / docxSeconds).toFixed(0)} forms/s (then its 汇总表.docx)`, {
  ok: docxSeconds <= 2,
  text: '≤ 2 s',
});

const packets: Array<[number, Result]> = [];
for (const n of full ? [100, 1000, 10_000] : [100, 1000]) {
  const packet = task('packet', n);
  packets.push([n, packet]);
  const target =
    n === 1000
      ? { ok: packet.seconds <= 30 && packet.peakRssMb <= 300, text: '≤ 30 s, ≤ 300 MB' }
      : n === 10_000
        ? { ok: packet.seconds <= 11 * packets.find(([k]) => k === 1000)![1].seconds && packet.peakRssMb <= 400, text: '≤ 11 × the 1,000 figure, ≤ 400 MB' }
        : undefined;
  line(`packet of ${n.toLocaleString('en-US')} projects (${n + 1} PDFs)`, `${s(packet.seconds)}, ${packet.peakRssMb} MB`, target);
  const formsSeconds = packet.formsSeconds as number;
  line(
    `  its ${n.toLocaleString('en-US')} forms (--jobs ${String(packet.jobs)}), before the 汇总表`,
    `${s(formsSeconds)}, ${(n / formsSeconds).toFixed(0)} forms/s`,
    n === 1000 ? { ok: formsSeconds <= 5, text: '1,000 PDFs ≤ 5 s on 2 cores' } : undefined,
  );
}
if (!full) line('packet of 10,000 projects', 'not run (npm run bench -- --full)');

const i100 = task('indicators', 100);
const i1000 = task('indicators', 1000);
line('one form, 100 indicators', `${s(i100.seconds)} (${i100.pages} pages)`);
line('one form, 1,000 indicators', `${s(i1000.seconds)} (${i1000.pages} pages)`, {
  ok: i1000.seconds <= 2 && i1000.seconds <= 12 * i100.seconds,
  text: '≤ 2 s and ≤ 12 × 100 indicators',
});
for (const n of [20_000, 200_000]) {
  const goal = task('goal', n);
  line(`a ${n.toLocaleString('en-US')}-character goal`, `${s(goal.seconds)} (${goal.pages} pages)`);
}
const front = task('front', 300);
line('汇总表 front table, 300 projects', `${s(front.seconds)} (${front.pages} pages)`);
