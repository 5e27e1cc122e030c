import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { ESLint } from 'eslint';

import { REPOSITORY_URL } from '../utils/plugin/create-rule.js';

type SarifFormatter = (results: ESLint.LintResult[], data: ESLint.LintResultData) => string;

interface ArtifactLocation {
  uri?: string;
  uriBaseId?: string;
}

interface SarifLog {
  runs: {
    tool: { driver: { name: string; version?: string; informationUri?: string } };
    originalUriBaseIds?: Record<string, { uri: string; description?: { text: string } }>;
    artifacts?: { location?: ArtifactLocation }[];
    results?: { locations?: { physicalLocation?: { artifactLocation?: ArtifactLocation } }[] }[];
  }[];
}

const require = createRequire(import.meta.url);

/** The base the report's URIs are relative to: the audited directory. */
const SOURCE_ROOT = '%SRCROOT%';

/**
 * SARIF 2.1.0 from the ESLint results, by `@microsoft/eslint-formatter-sarif` (rule help URIs and
 * descriptions come from `meta.docs`), then made race-guard's own: the driver is race-guard at its
 * version (the formatter names ESLint), and file URIs are relative to the audited directory, given
 * as `%SRCROOT%` in `originalUriBaseIds`, so the log does not depend on where it was made.
 */
export function renderSarif(
  results: readonly ESLint.LintResult[],
  eslint: ESLint,
  ruleIds: ReadonlySet<string>,
  root: string,
  tool: { name: string; version: string },
): string {
  const format = require('@microsoft/eslint-formatter-sarif') as SarifFormatter;
  // The audit's rules, and files that could not be analysed (no rule id); not an unknown rule named in a directive.
  const relevant = results
    .map((result) => ({ ...result, messages: result.messages.filter((message) => message.ruleId == null || ruleIds.has(message.ruleId)) }))
    .filter((result) => result.messages.length > 0);
  const log = JSON.parse(format(relevant, { cwd: root, rulesMeta: eslint.getRulesMetaForResults(relevant) })) as SarifLog;
  const rootUri = pathToFileURL(`${path.resolve(root)}${path.sep}`).href;
  for (const run of log.runs) {
    run.tool.driver = { ...run.tool.driver, name: tool.name, version: tool.version, informationUri: REPOSITORY_URL };
    run.originalUriBaseIds = { [SOURCE_ROOT]: { uri: rootUri, description: { text: 'The audited directory.' } } };
    for (const artifact of run.artifacts ?? []) relativise(artifact.location, root);
    for (const result of run.results ?? []) for (const location of result.locations ?? []) relativise(location.physicalLocation?.artifactLocation, root);
  }
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** A `file:` URI as a path relative to the audited directory, with `/` separators (percent-encoded as a URI reference). */
function relativise(location: ArtifactLocation | undefined, root: string): void {
  if (location?.uri == null || !location.uri.startsWith('file:')) return;
  const relative = path.relative(root, fileURLToPath(location.uri)).split(path.sep).join('/');
  location.uri = relative.split('/').map(encodeURIComponent).join('/');
  location.uriBaseId = SOURCE_ROOT;
}
