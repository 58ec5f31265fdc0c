import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Rendering embeds a 15 MB font; a cold first PDF takes a few seconds on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // On CI, also keep the counts as JSON so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'out/test-results.json' },
  },
});
