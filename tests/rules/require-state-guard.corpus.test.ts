/**
 * The require-state-guard fixture corpus (`tests/fixtures/require-state-guard/*.ts`): real TypeScript
 * that type-checks against the real typeorm types. A line that should be reported carries the
 * trailing comment `// ❌ require-state-guard` (once per expected report) on the line where the
 * reported node starts — for an overriding `.where()` that is the line of `.where(`, for a
 * QueryBuilder update the chain's first line; every other line must stay silent. A file may set rule
 * options with an inline `/* eslint race-guard/require-state-guard: [...] *\/` comment.
 *
 * For each file: lint it with the real `ESLint` class and compare report lines with marker lines.
 * The rule has no autofix; instead every suggestion is applied on its own, and the suggested text
 * must type-check and must no longer carry the report the suggestion was offered for.
 */
import fs from 'node:fs';
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { pluginForESLint } from '../support/plugin.js';
import { fixturesDir } from '../rule-tester.js';

const RULE_ID = 'race-guard/require-state-guard';
const MARKER = '❌ require-state-guard';
const corpusDir = path.join(fixturesDir, 'require-state-guard');

const fixtureNames = fs
  .readdirSync(corpusDir)
  .filter((name) => name.endsWith('.ts') && !name.startsWith('.'))
  .sort();

let eslintInstance: ESLint | undefined;

/** Created on first use: the project service is slow to start. */
function eslint(): ESLint {
  eslintInstance ??= new ESLint({
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
  });
  return eslintInstance;
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

async function lintOnce(text: string, filePath: string): Promise<ESLint.LintResult> {
  const [result] = await eslint().lintText(text, { filePath });
  if (result == null) throw new Error(`ESLint returned no result for ${filePath}`);
  return result;
}

function applySuggestion(source: string, suggestion: Linter.LintSuggestion): string {
  const [start, end] = suggestion.fix.range;
  return `${source.slice(0, start)}${suggestion.fix.text}${source.slice(end)}`;
}

// ---- type-checking a suggested file with the TypeScript API ----------------------------------

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
  const tempPath = path.join(path.dirname(fixturePath), `.suggested-${path.basename(fixturePath)}`);
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

describe('require-state-guard fixture corpus', () => {
  it('has fixture files', () => {
    expect(fixtureNames.length).toBeGreaterThan(0);
  });

  describe.each(fixtureNames)('%s', (name) => {
    const filePath = path.join(corpusDir, name);
    const source = fs.readFileSync(filePath, 'utf8');

    it('reports exactly the lines marked `// ❌ require-state-guard`', async () => {
      const result = await lintOnce(source, filePath);
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

    it('has no autofix, and every suggestion type-checks and removes its report', async () => {
      const result = await lintOnce(source, filePath);
      expect(result.output, `${name}: the rule must not autofix`).toBeUndefined();
      for (const message of result.messages) {
        expect(message.fix, `${name}:${String(message.line)}: the rule must not autofix`).toBeUndefined();
        for (const suggestion of message.suggestions ?? []) {
          const suggested = applySuggestion(source, suggestion);
          const where = `${name}:${String(message.line)} suggestion "${suggestion.desc}"`;
          expect(typeErrorsOf(suggested, filePath), `${where}: the suggested text does not type-check`).toEqual([]);
          // Suggestions insert or replace within lines, so the report would stay on its line.
          const again = await lintOnce(suggested, filePath);
          const remaining = again.messages.filter((other) => other.line === message.line && other.messageId === message.messageId);
          expect(remaining.map((other) => other.message), `${where}: the report is still there`).toEqual([]);
        }
      }
    });
  });
});
