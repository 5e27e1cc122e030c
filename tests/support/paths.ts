import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The repository root. */
export const repoRoot = path.join(import.meta.dirname, '..', '..');

/** The built plugin entry point (`npm run build`; vitest's global setup builds it when stale). */
export const distEntry = path.join(repoRoot, 'dist', 'index.js');

/** The ESLint CLI of this repository's eslint. */
export const eslintBin = path.join(path.dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');

/** The entry point of `@typescript-eslint/parser`, for configs written outside the repository. */
export const parserEntry = require.resolve('@typescript-eslint/parser');
