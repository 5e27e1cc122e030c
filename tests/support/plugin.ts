import type { ESLint } from 'eslint';

import plugin from '../../src/index.js';

/**
 * The plugin, typed for the `eslint` package's own API. typescript-eslint's rule types and ESLint's
 * describe the same runtime objects but are not assignable to each other.
 */
export const pluginForESLint = plugin as unknown as ESLint.Plugin;
