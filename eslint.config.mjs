// Self-lint: the plugin's sources and tests, type-checked. Fixtures, examples and build output are
// linted elsewhere (fixtures by the tests themselves and the audit's, examples by `npm run demo`).
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

/**
 * The layers of the plugin, kept by the linter: shared AST helpers < the flow framework < the
 * analyses in src/utils < the rules < the plugin entry; the audit and the CLI sit beside the
 * rules and reach them only through the plugin object and the report contract
 * (src/utils/plugin/report-details.ts), never through a rule's module.
 */
const layer = (name, files, forbidden, ignores = []) => ({
  name: `race-guard/layers/${name}`,
  files,
  ignores,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map(([regex, message]) => ({ regex, message })) },
    ],
  },
});
const NOT_RULES = ['(^|/)rules/', 'Analyses and the audit reach rules only through the plugin object (src/index.ts).'];
const NOT_AUDIT = ['(^|/)(audit|cli)/', 'Only the CLI imports the audit; nothing below it does.'];
const NOT_ANALYSES = ['(^|/)utils/(?!ast/)', 'The flow framework knows code paths and AST shapes only, not what the rules analyse.'];
const NOT_OTHER_RULES = ['^\\./(?!index\\.js$)', 'A rule never imports another rule: share the analysis through src/utils.'];

export default defineConfig(
  globalIgnores(['dist/', 'build/', 'coverage/', 'examples/', 'tests/fixtures/', 'tests/audit/fixtures/'], 'race-guard/ignores'),
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
  layer('ast-helpers', ['src/utils/ast/**/*.ts'], [NOT_RULES, NOT_AUDIT, ['(^|/)(flow|calls|entity-flow|fixes|locks|orm|plugin|prisma|drizzle|transactions|typeorm)/', 'AST helpers stand alone.']]),
  layer('flow', ['src/flow/**/*.ts'], [NOT_RULES, NOT_AUDIT, NOT_ANALYSES]),
  layer('analyses', ['src/utils/**/*.ts'], [NOT_RULES, NOT_AUDIT], ['src/utils/ast/**']),
  layer('rules', ['src/rules/**/*.ts'], [NOT_AUDIT, NOT_OTHER_RULES], ['src/rules/index.ts']),
  layer('audit', ['src/audit/**/*.ts'], [NOT_RULES, ['(^|/)cli/', 'The CLI drives the audit, not the other way round.']]),
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
