import { defineConfig } from 'vitest/config';
import { HANG_MS } from './test/time-limit.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Only a hang guard: tests assert work, not time (test/time-limit.ts).
    testTimeout: HANG_MS,
    hookTimeout: HANG_MS,
  },
});
