// Preloaded into the command line by bench/tasks.ts (node --import): at exit, the process's peak
// RSS (all its threads: the build's, the form pool's) on stderr, for the bench to read.
import { writeSync } from 'node:fs';

process.on('exit', () => writeSync(2, `\nshenbao-bench ${JSON.stringify({ peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`));
