// Types for the ESLint config, so tests/boundaries.test.ts can import its layer rules.
import type { Linter } from 'eslint';

declare const config: Linter.Config[];
export default config;
