import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Rendering embeds a 15 MB font; a cold first PDF takes a few seconds on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
