// The example lints itself exactly as a user's project would: the plugin by package name, a flat
// config, typed linting through the project service.
import tsParser from '@typescript-eslint/parser';
import raceGuard from 'eslint-plugin-race-guard';
import { defineConfig } from 'eslint/config';

export default defineConfig({
  files: ['**/*.ts'],
  extends: [raceGuard.configs.recommended],
  languageOptions: {
    parser: tsParser,
    parserOptions: {
      projectService: true,
      tsconfigRootDir: import.meta.dirname,
    },
  },
});
