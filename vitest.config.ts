import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Rendering embeds a 15 MB font; a cold first PDF takes a few seconds on a 2-core machine.
    testTimeout: 60_000,
    // Vitest runs one file at a time on a 2-core machine (cores − 1). Most files wait on child
    // processes (the CLI, workers), so two at once use the cores better: the whole suite took
    // 323 s with one and 247 s with two here (2026-12-06, 841 tests).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    hookTimeout: 120_000,
    // On CI, also keep the counts as JSON so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'out/test-results.json' },
  },
});
