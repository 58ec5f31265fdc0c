// How a build shows its progress. On a terminal: one progress bar per data file (files written of
// total, files per second, time left), drawn by cli-progress. Anywhere else (CI, a log file):
// one plain line per file written, which a log keeps. With --quiet: nothing; problems are printed
// by the caller either way.
import cliProgress from 'cli-progress';
import type { BuildProgress } from './output/build.js';

export interface ProgressDisplay {
  /** A build event; 'report' is the caller's (it prints problems), so the bar makes way for it. */
  show(event: BuildProgress): void;
  /** Take the bar off the screen before the caller prints. */
  pause(): void;
}

export function progressDisplay(mode: 'bar' | 'lines' | 'quiet', write: (text: string) => void, stream?: NodeJS.WriteStream): ProgressDisplay {
  if (mode === 'quiet') return { show: () => undefined, pause: () => undefined };
  if (mode === 'lines' || !stream) return { show: (event) => showLine(event, write), pause: () => undefined };
  return barDisplay(stream);
}

function showLine(event: BuildProgress, write: (text: string) => void): void {
  if (event.kind === 'start') write(event.total > 0 ? `生成 ${event.file}（共 ${event.total} 个文件）\n` : `${event.file}：没有可以生成的文件\n`);
  else if (event.kind === 'summary') write(`  汇总表：排版 ${event.forms} 张申报表…\n`);
  else if (event.kind === 'written') write(`  [${event.done}/${event.total}] ${event.output}\n`);
}

function barDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    show(event) {
      if (event.kind === 'start') {
        stop();
        if (event.total === 0) return;
        // The file's name on a line of its own: the bar line fits an 80-column terminal.
        stream.write(`生成 ${event.file}\n`);
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: '{bar} {value}/{total} 个文件 · {rate} 个/秒 · 还需 {eta_formatted} {step}',
            barsize: Math.max(10, Math.min(40, (stream.columns ?? 80) - 62)),
            barCompleteChar: '█',
            barIncompleteChar: '░',
            hideCursor: true,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        started = Date.now();
        bar.start(event.total, 0, { rate: '0', step: '' });
      } else if (event.kind === 'summary') bar?.update({ step: '汇总表排版中' });
      else if (event.kind === 'written') {
        const seconds = Math.max((Date.now() - started) / 1000, 0.001);
        bar?.update(event.done, { rate: (event.done / seconds).toFixed(1), step: '' });
      }
    },
    pause: stop,
  };
}
