/**
 * The no-stale-save fixture corpus (`tests/fixtures/no-stale-save/*.ts`): real TypeScript that
 * type-checks against the real typeorm/axios/openai types. A line that should be reported carries
 * the trailing comment `// ❌ no-stale-save` (once per expected report) on the line where the
 * reported call starts; every other line must stay silent.
 *
 * For each file: lint it with the real `ESLint` class and compare report lines with marker lines;
 * then apply the autofixes and check that they are idempotent and that the fixed file still
 * type-checks.
 */
import fs from 'node:fs';
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { pluginForESLint } from '../support/plugin.js';
import { fixturesDir } from '../rule-tester.js';

const RULE_ID = 'race-guard/no-stale-save';
const MARKER = '❌ no-stale-save';
const corpusDir = path.join(fixturesDir, 'no-stale-save');

const fixtureNames = fs
  .readdirSync(corpusDir)
  .filter((name) => name.endsWith('.ts') && !name.startsWith('.'))
  .sort();

/** One ESLint per mode, created on first use: the project service is slow to start. */
const eslints = new Map<'lint' | 'fix', ESLint>();

function eslintFor(mode: 'lint' | 'fix'): ESLint {
  let eslint = eslints.get(mode);
  if (eslint == null) {
    eslint = new ESLint({
      cwd: fixturesDir,
      overrideConfigFile: true,
      overrideConfig: {
        files: ['**/*.ts'],
        languageOptions: {
          parser: tsParser,
          parserOptions: { projectService: true, tsconfigRootDir: fixturesDir },
        },
        plugins: { 'race-guard': pluginForESLint },
        rules: { [RULE_ID]: 'error' },
      },
      fix: mode === 'fix',
    });
    eslints.set(mode, eslint);
  }
  return eslint;
}

/** The 1-based line of every expected report, repeated when a line expects several. */
function markerLines(source: string): number[] {
  return source.split('\n').flatMap((line, index) => {
    const count = line.split(MARKER).length - 1;
    return Array.from({ length: count }, () => index + 1);
  });
}

/** The elements of `from` not matched one-for-one in `remove` (multiset difference), sorted. */
function difference(from: readonly number[], remove: readonly number[]): number[] {
  const left = [...remove];
  const result: number[] = [];
  for (const value of [...from].sort((a, b) => a - b)) {
    const index = left.indexOf(value);
    if (index === -1) result.push(value);
    else left.splice(index, 1);
  }
  return result;
}

async function lintOnce(eslint: ESLint, text: string, filePath: string): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintText(text, { filePath });
  if (result == null) throw new Error(`ESLint returned no result for ${filePath}`);
  return result;
}

// ---- type-checking a fixed file with the TypeScript API --------------------------------------

const parsedConfig = ts.getParsedCommandLineOfConfigFile(path.join(fixturesDir, 'tsconfig.json'), undefined, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
    throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  },
});
if (parsedConfig == null) throw new Error('tests/fixtures/tsconfig.json could not be read');
const compilerOptions = parsedConfig.options;

/** Declaration files and the shared fixture modules do not change between programs: parse them once. */
const sourceFileCache = new Map<string, ts.SourceFile>();
const baseHost = ts.createCompilerHost(compilerOptions);
const cachingHost: ts.CompilerHost = {
  ...baseHost,
  getSourceFile(fileName, languageVersion, onError, shouldCreate) {
    const cacheable = fileName.endsWith('.d.ts') || fileName.endsWith('.d.mts') || fileName.endsWith('.d.cts') || fileName.includes('/fixtures/shared/');
    const cached = cacheable ? sourceFileCache.get(fileName) : undefined;
    if (cached != null) return cached;
    const sourceFile = baseHost.getSourceFile(fileName, languageVersion, onError, shouldCreate);
    if (cacheable && sourceFile != null) sourceFileCache.set(fileName, sourceFile);
    return sourceFile;
  },
};

/** Type errors in `text` when it is compiled as a sibling of `fixturePath` (so imports resolve alike). */
function typeErrorsOf(text: string, fixturePath: string): string[] {
  const tempPath = path.join(path.dirname(fixturePath), `.fixed-${path.basename(fixturePath)}`);
  fs.writeFileSync(tempPath, text);
  try {
    const program = ts.createProgram({ rootNames: [tempPath], options: compilerOptions, host: cachingHost });
    const sourceFile = program.getSourceFile(tempPath);
    if (sourceFile == null) return [`${tempPath} is not part of the program`];
    const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
    return diagnostics.map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (diagnostic.start == null) return message;
      const { line, character } = sourceFile.getLineAndCharacterOfPosition(diagnostic.start);
      const lineText = text.split('\n')[line]?.trim() ?? '';
      return `${String(line + 1)}:${String(character + 1)} ${message}\n    ${lineText}`;
    });
  } finally {
    fs.rmSync(tempPath, { force: true });
  }
}

// ---- the corpus -----------------------------------------------------------------------------------

describe('no-stale-save fixture corpus', () => {
  it('has fixture files', () => {
    expect(fixtureNames.length).toBeGreaterThan(0);
  });

  describe.each(fixtureNames)('%s', (name) => {
    const filePath = path.join(corpusDir, name);
    const source = fs.readFileSync(filePath, 'utf8');

    it('reports exactly the lines marked `// ❌ no-stale-save`', async () => {
      const result = await lintOnce(eslintFor('lint'), source, filePath);
      const foreign = result.messages.filter((message) => message.ruleId !== RULE_ID);
      expect(foreign.map((message) => `${String(message.line)}: ${message.message}`)).toEqual([]);

      const reported = result.messages.map((message) => message.line);
      const expected = markerLines(source);
      const lines = source.split('\n');
      const describeLine = (line: number): string => `${String(line)}: ${lines[line - 1]?.trim() ?? ''}`;
      const details = result.messages.map((message) => `  ${String(message.line)}: ${message.message}`).join('\n');
      expect(
        { missed: difference(expected, reported).map(describeLine), unexpected: difference(reported, expected).map(describeLine) },
        `${name}: report lines vs marker lines; reports were:\n${details}`,
      ).toEqual({ missed: [], unexpected: [] });
    });

    it('autofix output is idempotent and type-checks', async () => {
      const eslint = eslintFor('fix');
      const fixed = await lintOnce(eslint, source, filePath);
      const output = fixed.output;
      if (output == null || output === source) return;

      const again = await lintOnce(eslint, output, filePath);
      expect(again.output ?? output, `${name}: a second --fix pass changed the fixed text`).toBe(output);

      expect(typeErrorsOf(output, filePath), `${name}: the fixed text does not type-check`).toEqual([]);
    });
  });
});
