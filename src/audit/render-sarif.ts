import { createRequire } from 'node:module';

import { ESLint } from 'eslint';

type SarifFormatter = (results: ESLint.LintResult[], data: ESLint.LintResultData) => string;

const require = createRequire(import.meta.url);

/**
 * SARIF 2.1.0 from the ESLint results, by `@microsoft/eslint-formatter-sarif` (rule help URIs and
 * descriptions come from `meta.docs`). The formatter reads ESLint's version through
 * `require.main`, which an ESM entry point does not have: the version is filled in here instead.
 */
export function renderSarif(results: readonly ESLint.LintResult[], eslint: ESLint, cwd: string): string {
  const format = require('@microsoft/eslint-formatter-sarif') as SarifFormatter;
  const relevant = results
    .map((result) => ({ ...result, messages: result.messages.filter((message) => message.ruleId == null || message.ruleId.startsWith('race-guard/')) }))
    .filter((result) => result.messages.length > 0);
  const log = JSON.parse(format(relevant, { cwd, rulesMeta: eslint.getRulesMetaForResults(relevant) })) as {
    runs: { tool: { driver: { version?: string } } }[];
  };
  for (const run of log.runs) run.tool.driver.version ??= ESLint.version;
  return `${JSON.stringify(log, null, 2)}\n`;
}
