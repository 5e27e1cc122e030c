import { ESLintUtils } from '@typescript-eslint/utils';

import { sharingSegmentTracking } from '../../flow/event-log.js';
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
 * (see checker-failures), a notice, once per file across all rules, when an imported ORM's types
 * do not resolve (see unresolved-orm-types), and the code path segments tracked once per file for
 * every rule's event log (see flow/event-log).
 */
export const createRule: typeof createPlainRule = <Options extends readonly unknown[], MessageIds extends string>(
  rule: Readonly<ESLintUtils.RuleWithMetaAndName<Options, MessageIds, RaceGuardDocs>>,
) => {
  const plain = createPlainRule(rule);
  // `RuleCreator` merges the defaults into the options for every file (a structured clone and a
  // deep merge per rule and file, measurable on a large program). The result depends only on the
  // configured options, so it is kept per configuration, by its JSON text.
  const defaults = (rule.meta.defaultOptions ?? []) as Options;
  const merged = new Map<string, Options>();
  const mergedOnce: typeof plain = {
    ...plain,
    create(context) {
      const key = JSON.stringify(context.options);
      let options = merged.get(key);
      if (options == null) {
        options = ESLintUtils.applyDefault<Options, Options>(defaults, context.options);
        merged.set(key, options);
      }
      return rule.create(context, options);
    },
  };
  return sharingSegmentTracking(observedRule(toleratingCheckerFailures(noticingUnresolvedOrmTypes(mergedOnce))));
};
