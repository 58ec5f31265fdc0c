// How a build shows its progress. On a terminal: a progress bar per data file, drawn by
// cli-progress, in two phases: the forms (files written of total), then the 汇总表 (forms drawn
// into it of all). Each phase has its own rate and time left, shown only once there is a rate to
// show, over a window of recent progress. Anywhere else (CI, a log file), or where the user asked
// for no escapes (NO_COLOR, TERM=dumb): one plain line per file written, which a log keeps. With
// --quiet: nothing; problems are printed by the caller either way.
import cliProgress from 'cli-progress';
import type { BuildProgress } from './output/build.js';

export interface ProgressDisplay {
  /** A build event; 'report' is the caller's (it prints problems), so the bar makes way for it. */
  show(event: BuildProgress): void;
  /** Take the bar off the screen before the caller prints. */
  pause(): void;
}

export type ProgressMode = 'bar' | 'lines' | 'quiet';

/**
 * A bar only on a terminal that takes escapes: NO_COLOR (no-color.org, any value but empty) and
 * TERM=dumb ask for plain text, and a bar is drawn with escapes (the cursor hidden, the line redrawn).
 */
export function progressMode(quiet: boolean, terminal: NodeJS.WriteStream | undefined, env: NodeJS.ProcessEnv = process.env): ProgressMode {
  if (quiet) return 'quiet';
  const plain = (env.NO_COLOR ?? '') !== '' || env.TERM === 'dumb';
  return terminal?.isTTY && !plain ? 'bar' : 'lines';
}

/** Milliseconds now, from any fixed start: the display's clock (tests give their own). */
export type Clock = () => number;

export function progressDisplay(mode: ProgressMode, write: (text: string) => void, stream?: NodeJS.WriteStream, clock: Clock = () => performance.now()): ProgressDisplay {
  if (mode === 'quiet') return { show: () => undefined, pause: () => undefined };
  if (mode === 'lines' || !stream) return linesDisplay(write);
  return barDisplay(stream, clock);
}

function linesDisplay(write: (text: string) => void): ProgressDisplay {
  // The 汇总表's first event of a file says it began; its others (each form drawn) are for the bar.
  let summaryOf: string | undefined;
  return {
    show(event) {
      if (event.kind === 'start') write(event.total > 0 ? `生成 ${event.file}（共 ${event.total} 个文件）\n` : `${event.file}：没有可以生成的文件\n`);
      else if (event.kind === 'summary' && summaryOf !== event.file) {
        summaryOf = event.file;
        write(`  汇总表：排版 ${event.forms} 张申报表…\n`);
      } else if (event.kind === 'written') write(`  [${event.done}/${event.total}] ${event.output}\n`);
    },
    pause: () => undefined,
  };
}

/** How far back the rate looks: long enough to even out forms of different lengths, short enough to follow a change of pace. */
export const RATE_WINDOW_MS = 10_000;
/** Less than this between the first item done and the last, and there is no rate yet (two files written a millisecond apart are no rate). */
export const MIN_RATE_SPAN_MS = 1_000;

export interface Estimate {
  /** `done` items of the phase's total are done at `now`. */
  add(done: number, now: number): void;
  /** 「 · 2.5 个/秒 · 还需 30 秒」 at `now`; empty until there is a rate, and once all is done. */
  text(now: number): string;
}

/**
 * Rate and time left for `total` items. The rate is measured from the first item done (the time
 * before it is start-up: threads, fonts), over the last RATE_WINDOW_MS; the time left counts down
 * between items from the last estimate, and is rounded more the further off it is.
 */
export function estimate(total: number, window = RATE_WINDOW_MS): Estimate {
  const samples: Array<{ done: number; at: number }> = [];
  return {
    add(done, now) {
      const last = samples.at(-1);
      // Nothing done yet is no sample: the rate is measured from the first item done.
      if (done <= 0 || (last && done <= last.done)) return;
      samples.push({ done, at: now });
      // The oldest kept is the newest that is at least a window old: the rate spans the window.
      while (samples.length > 2 && samples[1]!.at <= now - window) samples.shift();
    },
    text(now) {
      const first = samples[0];
      const last = samples.at(-1);
      if (!first || !last || last === first || last.done >= total) return '';
      const span = last.at - first.at;
      if (span < MIN_RATE_SPAN_MS) return '';
      const rate = ((last.done - first.done) / span) * 1000;
      const left = Math.max(0, ((total - last.done) / rate) * 1000 - (now - last.at));
      return ` · ${rateText(rate)} · 还需 ${timeLeftText(left)}`;
    },
  };
}

/** 2.5 个/秒; 每个 4 秒 when slower than one a second. */
export function rateText(perSecond: number): string {
  if (perSecond >= 1) return `${perSecond.toFixed(1)} 个/秒`;
  return `每个 ${Math.round(1 / perSecond)} 秒`;
}

/** Time left: whole seconds under a minute, then to 10 seconds, then to the minute; under a second, 不到 1 秒. */
export function timeLeftText(milliseconds: number): string {
  const seconds = Math.ceil(milliseconds / 1000);
  if (seconds < 1) return '不到 1 秒';
  if (seconds < 60) return `${seconds} 秒`;
  if (seconds < 600) {
    const tens = Math.round(seconds / 10) * 10;
    return tens % 60 === 0 ? `${tens / 60} 分` : `${Math.floor(tens / 60)} 分 ${tens % 60} 秒`;
  }
  return durationText(Math.round(seconds / 60) * 60_000);
}

/** 0.8 秒, 12.3 秒, 4 分 5 秒, 1 小时 2 分: how long something took. */
export function durationText(milliseconds: number): string {
  const tenths = Math.round(milliseconds / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} 秒`;
  const seconds = Math.round(milliseconds / 1000);
  if (seconds < 3600) return seconds % 60 === 0 ? `${seconds / 60} 分` : `${Math.floor(seconds / 60)} 分 ${seconds % 60} 秒`;
  const minutes = Math.round(seconds / 60);
  return minutes % 60 === 0 ? `${minutes / 60} 小时` : `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分`;
}

/** What the bar shows now: the forms, the 汇总表 PDF (forms drawn into it), or the 汇总表 Word file (one step). */
type Phase =
  | { kind: 'files'; done: number; total: number; estimate: Estimate }
  | { kind: 'summary-pdf'; placed: number; forms: number; estimate: Estimate }
  | { kind: 'summary-docx' };

/** The bar's line after the bar itself, for `phase` at `now`. */
export function phaseText(phase: Phase, now: number): string {
  if (phase.kind === 'files') return `${phase.done}/${phase.total} 个文件${phase.estimate.text(now)}`;
  if (phase.kind === 'summary-pdf') return `汇总表：${phase.placed}/${phase.forms} 张申报表${phase.estimate.text(now)}`;
  return '汇总表 Word 文件排版中…';
}

function barDisplay(stream: NodeJS.WriteStream, clock: Clock): ProgressDisplay {
  let bar: cliProgress.SingleBar | undefined;
  let phase: Phase | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
    phase = undefined;
  };
  const set = (value: number, total: number) => {
    bar?.setTotal(total);
    bar?.update(value);
  };
  return {
    show(event) {
      if (event.kind === 'start') {
        stop();
        if (event.total === 0) return;
        // The file's name on a line of its own: the bar line fits an 80-column terminal.
        stream.write(`生成 ${event.file}\n`);
        phase = { kind: 'files', done: 0, total: event.total, estimate: estimate(event.total) };
        bar = new cliProgress.SingleBar({
          stream,
          // Drawn at each redraw, so the time left counts down between files.
          format: (options, params) => `${cliProgress.Format.BarFormat(params.progress, options)} ${phase ? phaseText(phase, clock()) : ''}`,
          barsize: Math.max(10, Math.min(40, (stream.columns ?? 80) - 50)),
          barCompleteChar: '█',
          barIncompleteChar: '░',
          hideCursor: true,
        });
        bar.start(event.total, 0);
      } else if (event.kind === 'written' && phase?.kind === 'files') {
        phase.done = event.done;
        phase.estimate.add(event.done, clock());
        set(event.done, event.total);
      } else if (event.kind === 'summary' && event.format === 'pdf') {
        if (phase?.kind !== 'summary-pdf') phase = { kind: 'summary-pdf', placed: 0, forms: event.forms, estimate: estimate(event.forms) };
        phase.placed = event.placed;
        phase.estimate.add(event.placed, clock());
        set(event.placed, event.forms);
      } else if (event.kind === 'summary') {
        phase = { kind: 'summary-docx' };
        set(0, 1);
      } else if (event.kind === 'written' && phase?.kind === 'summary-pdf') {
        phase.placed = phase.forms;
        set(phase.forms, phase.forms);
      }
    },
    pause: stop,
  };
}
