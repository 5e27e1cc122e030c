import { ESLintUtils } from '@typescript-eslint/utils';

import { toleratingCheckerFailures } from './checker-failures.js';
import { observedRule } from './report-details.js';
import { noticingUnresolvedOrmTypes } from './unresolved-orm-types.js';

/** Which preset first turns a rule on; `strict` and `all` include every earlier level. */
export type PresetLevel = 'recommended' | 'strict';

export interface RaceGuardDocs {
  /** The lowest preset that enables the rule; absent means only `all`. */
  recommended?: PresetLevel;
  /** Every race-guard rule reads the TypeScript program. */
  requiresTypeChecking: true;
}

export const REPOSITORY_URL = 'https://github.com/race-guard/eslint-plugin-race-guard';

export function ruleDocsUrl(ruleName: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/rules/${ruleName}.md`;
}

const createPlainRule = ESLintUtils.RuleCreator<RaceGuardDocs>(ruleDocsUrl);

/**
 * `RuleCreator`, plus an observer hook that does nothing unless a tool installs one (see
 * report-details), a guard that turns a failure inside TypeScript's checker into a skipped file
 * (see checker-failures), and a notice, once per file across all rules, when an imported ORM's types
 * do not resolve (see unresolved-orm-types).
 */
export const createRule: typeof createPlainRule = (rule) =>
  observedRule(toleratingCheckerFailures(noticingUnresolvedOrmTypes(createPlainRule(rule))));
