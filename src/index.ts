import { createRequire } from 'node:module';

import type { TSESLint } from '@typescript-eslint/utils';

import { createConfigs, type PresetName } from './configs.js';
import { rules } from './rules/index.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as {
  name: string;
  version: string;
};

export interface RaceGuardPlugin {
  meta: { name: string; version: string; namespace: 'race-guard' };
  rules: typeof rules;
  configs: Record<PresetName, TSESLint.FlatConfig.Config>;
}

const plugin: RaceGuardPlugin = {
  meta: { name, version, namespace: 'race-guard' },
  rules,
  configs: createConfigs(() => plugin, rules),
};

export default plugin;
// Lets `require('eslint-plugin-race-guard')` return the plugin itself rather than a namespace.
export { plugin as 'module.exports' };
