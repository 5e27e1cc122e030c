import type { TSESLint } from '@typescript-eslint/utils';

import type { PresetLevel, RaceGuardDocs } from './utils/plugin/create-rule.js';

type RuleMap = Record<string, { meta: { docs?: object } }>;

export type PresetName = 'recommended' | 'strict' | 'all';

/**
 * The files every preset applies to. Each rule needs a TypeScript program, so a preset spread as it
 * is (`export default [raceGuard.configs.recommended, …]`) must not reach `eslint.config.js` or other
 * JavaScript, which is not analysed (see README, "What is analysed"). Inside `defineConfig`'s
 * `extends`, ESLint intersects these with the enclosing config's `files`.
 */
export const PRESET_FILES: readonly string[] = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

const PRESET_LEVELS: Record<PresetName, readonly (PresetLevel | undefined)[]> = {
  recommended: ['recommended'],
  strict: ['recommended', 'strict'],
  all: ['recommended', 'strict', undefined],
};

/**
 * Flat configs derived from each rule's `meta.docs.recommended`, so a preset can never drift
 * from the rules. The plugin is reached through a getter to break the plugin ↔ config cycle.
 * No parser settings: users enable `projectService` themselves. TypeScript files only.
 */
export function createConfigs(
  getPlugin: () => TSESLint.FlatConfig.Plugin,
  rules: RuleMap,
): Record<PresetName, TSESLint.FlatConfig.Config> {
  const build = (preset: PresetName): TSESLint.FlatConfig.Config => ({
    name: `race-guard/${preset}`,
    files: [...PRESET_FILES],
    plugins: {
      get 'race-guard'() {
        return getPlugin();
      },
    },
    rules: Object.fromEntries(
      Object.entries(rules)
        .filter(([, rule]) =>
          PRESET_LEVELS[preset].includes((rule.meta.docs as Partial<RaceGuardDocs> | undefined)?.recommended),
        )
        .map(([name]) => [`race-guard/${name}`, 'error' as const]),
    ),
  });
  return { recommended: build('recommended'), strict: build('strict'), all: build('all') };
}
