import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/fixtures/**', '**/node_modules/**'],
    globalSetup: ['tests/global-setup.ts'],
    setupFiles: ['tests/setup.ts'],
    // Type-aware tests build a TypeScript program per file; the first one in a worker is slow.
    testTimeout: 60_000,
    // The packed-install integration test installs a tarball in `beforeAll`.
    hookTimeout: 300_000,
  },
});
