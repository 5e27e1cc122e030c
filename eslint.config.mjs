// Self-lint: the plugin's sources and tests, type-checked. Fixtures, examples and build output are
// linted elsewhere (fixtures by the tests themselves, examples by `npm run demo`).
import eslint from '@eslint/js';
import eslintPlugin from 'eslint-plugin-eslint-plugin';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const eslintPluginSettings = {
  'eslint-plugin': {
    // Without this, the test-file rules do not recognise `createRuleTester().run(...)` and skip it.
    ruleTesterConstructors: ['RuleTester', 'createRuleTester'],
  },
};

export default defineConfig(
  globalIgnores(['dist/', 'build/', 'coverage/', 'examples/', 'tests/fixtures/'], 'race-guard/ignores'),
  {
    name: 'race-guard/javascript',
    files: ['**/*.{js,mjs,cjs}'],
    extends: [eslint.configs.recommended],
    // Config files and scripts run on Node.
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    name: 'race-guard/typescript',
    files: ['src/**/*.ts', 'tests/**/*.ts', 'scripts/**/*.ts', 'vitest.config.ts'],
    extends: [eslint.configs.recommended, tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    name: 'race-guard/rule-sources',
    files: ['src/**/*.ts'],
    extends: [eslintPlugin.configs['rules-recommended']],
    settings: eslintPluginSettings,
    rules: {
      'eslint-plugin/meta-property-ordering': 'error',
      'eslint-plugin/require-meta-docs-description': [
        'error',
        { pattern: '^(Enforce|Require|Disallow) .+[^. ]$' },
      ],
      // `RuleCreator` builds `meta.docs.url`; this rule cannot see that and misfires.
      'eslint-plugin/require-meta-docs-url': 'off',
    },
  },
  {
    name: 'race-guard/rule-tests',
    files: ['tests/**/*.ts'],
    extends: [eslintPlugin.configs['tests-recommended']],
    settings: eslintPluginSettings,
    rules: {
      'eslint-plugin/require-test-error-positions': 'error',
    },
  },
);
