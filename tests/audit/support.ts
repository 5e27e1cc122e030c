import fs from 'node:fs';
import path from 'node:path';

import { Ajv, type Options, type ValidateFunction } from 'ajv';
import ajvDraft04 from 'ajv-draft-04';

import { repoRoot } from '../support/paths.js';
import { run, type RunResult } from '../support/run.js';

export const cliPath = path.join(repoRoot, 'dist', 'cli', 'race-guard.js');
export const exampleDir = path.join(repoRoot, 'examples', 'chat-backend');

/** Runs the built CLI (`node dist/cli/race-guard.js …`) in `cwd`, outside CI so nothing differs by environment. */
export function runCli(args: readonly string[], cwd = repoRoot, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: '1767225600', ...extraEnv };
  delete env.CI;
  return run(process.execPath, [cliPath, ...args], { cwd, env });
}

/** The 1-based line of the first occurrence of `needle` in a file of the example backend. */
export function exampleLine(file: string, needle: string): number {
  const text = fs.readFileSync(path.join(exampleDir, file), 'utf8');
  const index = text.indexOf(needle);
  if (index === -1) throw new Error(`"${needle}" is not in ${file}`);
  return text.slice(0, index).split('\n').length;
}

const FORMATS: Options['formats'] = {
  'date-time': (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value)),
  uri: (value: string) => URL.canParse(value),
  'uri-reference': (value: string) => URL.canParse(value, 'file:///base/'),
};

/**
 * An ajv for the report's draft-07 schema, with real checks for the formats it uses (ajv-formats
 * is not a dependency).
 */
export function compileSchema(schemaPath: string): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true, formats: FORMATS });
  return ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as object);
}

/**
 * The SARIF 2.1.0 schema as Microsoft's SARIF SDK publishes it (`@microsoft/jest-sarif`, a
 * devDependency kept only for this file; draft-04, hence ajv-draft-04). It has a pattern that is
 * invalid as a Unicode regular expression, hence `unicodeRegExp: false`.
 */
export function compileSarifSchema(): ValidateFunction {
  const schemaPath = path.join(repoRoot, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
  // A CommonJS module whose `module.exports` is the class, with the class again as `default`.
  const ajv = new ajvDraft04.default({ strict: false, allErrors: true, unicodeRegExp: false, formats: FORMATS });
  return ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as object);
}

/** Every path under `dir` with its size and mtime, without following symlinks (a project's fingerprint). */
export function treeSnapshot(dir: string): string[] {
  const entries: string[] = [];
  const visit = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const stat = fs.lstatSync(full);
      entries.push(`${path.relative(dir, full)} ${String(stat.size)} ${String(stat.mtimeMs)}`);
      if (entry.isDirectory()) visit(full);
    }
  };
  visit(dir);
  return entries.sort();
}

export function describeRunShort(result: RunResult): string {
  return `exit ${String(result.code)}\nstderr: ${result.stderr}\nstdout (start): ${result.stdout.slice(0, 2000)}`;
}
