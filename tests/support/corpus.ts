/**
 * Fixture corpora: folders of real TypeScript (`tests/fixtures/<rule>/*.ts`) that type-check against
 * the fixture project. A line the rule should report carries the trailing comment `// ❌ <rule>`
 * (once per expected report) on the line where the report starts; every other line must stay silent.
 * `tests/corpus.test.ts` drives every rule's corpus from one table.
 */
import fs from 'node:fs';
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { expect } from 'vitest';

import { fixturesDir } from '../rule-tester.js';
import { pluginForESLint } from './plugin.js';

/** The corpus folder of a rule. */
export function corpusDir(ruleName: string): string {
  return path.join(fixturesDir, ruleName);
}

/**
 * The known gaps of a rule: `tests/fixtures/<rule>/known-gaps/*.ts`, marked like the corpus but
 * linted by a test that is expected to fail until the rule reports them.
 */
export function knownGapsDir(ruleName: string): string {
  return path.join(corpusDir(ruleName), 'known-gaps');
}

/**
 * The `.ts` files of a corpus folder, sorted (dot files are scratch copies). Only files directly in
 * the folder: `known-gaps/` below it holds the cases the rule misses (see `knownGapsDir`). A folder
 * that does not exist has none.
 */
export function corpusFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.ts') && !name.startsWith('.'))
    .sort();
}

/** An ESLint with only `race-guard/<ruleName>` on (every rule of the plugin for `all`), typed against `tests/fixtures`. */
export function createCorpusESLint(ruleName: string, options: { fix?: boolean } = {}): ESLint {
  const ruleIds = ruleName === 'all' ? Object.keys(pluginForESLint.rules ?? {}) : [ruleName];
  return new ESLint({
    cwd: fixturesDir,
    overrideConfigFile: true,
    overrideConfig: {
      files: ['**/*.ts'],
      languageOptions: {
        parser: tsParser,
        parserOptions: { projectService: true, tsconfigRootDir: fixturesDir },
      },
      plugins: { 'race-guard': pluginForESLint },
      rules: Object.fromEntries(ruleIds.map((id) => [`race-guard/${id}`, 'error'])),
    },
    fix: options.fix === true,
  });
}

/** The 1-based line of every expected report, repeated when a line expects several. */
export function markerLines(source: string, marker: string): number[] {
  return source.split('\n').flatMap((line, index) => {
    const count = line.split(marker).length - 1;
    return Array.from({ length: count }, () => index + 1);
  });
}

/** The elements of `from` not matched one-for-one in `remove` (multiset difference), sorted. */
export function difference(from: readonly number[], remove: readonly number[]): number[] {
  const left = [...remove];
  const result: number[] = [];
  for (const value of [...from].sort((a, b) => a - b)) {
    const index = left.indexOf(value);
    if (index === -1) result.push(value);
    else left.splice(index, 1);
  }
  return result;
}

export async function lintOnce(eslint: ESLint, text: string, filePath: string): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintText(text, { filePath });
  if (result == null) throw new Error(`ESLint returned no result for ${filePath}`);
  return result;
}

/** How one lint result compares with the `// ❌ <ruleName>` markers of its source. */
export interface MarkerComparison {
  /** Messages from anything but the rule (a parse error, another rule), as `line: message`. */
  foreign: string[];
  /** Marked lines the rule did not report, as `line: source text`. */
  missed: string[];
  /** Reported lines that carry no marker, as `line: source text`. */
  unexpected: string[];
  /** Every message, one per line, for assertion messages. */
  details: string;
}

export function compareWithMarkers(result: ESLint.LintResult, ruleName: string, source: string): MarkerComparison {
  const ruleId = `race-guard/${ruleName}`;
  const foreign = result.messages
    .filter((message) => message.ruleId !== ruleId)
    .map((message) => `${String(message.line)}: ${message.message}`);
  const reported = result.messages.filter((message) => message.ruleId === ruleId).map((message) => message.line);
  const expected = markerLines(source, `❌ ${ruleName}`);
  const lines = source.split('\n');
  const describeLine = (line: number): string => `${String(line)}: ${lines[line - 1]?.trim() ?? ''}`;
  return {
    foreign,
    missed: difference(expected, reported).map(describeLine),
    unexpected: difference(reported, expected).map(describeLine),
    details: result.messages.map((message) => `  ${String(message.line)}: ${message.message}`).join('\n'),
  };
}

/**
 * Expects the rule's reports exactly on the lines marked `// ❌ <ruleName>`, and no message from
 * anything else (a parse error, another rule).
 */
export function expectReportsAtMarkers(result: ESLint.LintResult, ruleName: string, source: string, filePath: string): void {
  const { foreign, missed, unexpected, details } = compareWithMarkers(result, ruleName, source);
  expect(foreign).toEqual([]);
  expect(
    { missed, unexpected },
    `${path.basename(filePath)}: report lines vs marker lines; reports were:\n${details}`,
  ).toEqual({ missed: [], unexpected: [] });
}

// ---- type-checking a rewritten fixture with the TypeScript API ---------------------------------

interface TypeCheckSetup {
  compilerOptions: ts.CompilerOptions;
  host: ts.CompilerHost;
}

let typeCheckSetup: TypeCheckSetup | undefined;

/** Read `tests/fixtures/tsconfig.json` on first use; declaration files and shared fixtures are parsed once. */
function getTypeCheckSetup(): TypeCheckSetup {
  if (typeCheckSetup != null) return typeCheckSetup;
  const parsedConfig = ts.getParsedCommandLineOfConfigFile(path.join(fixturesDir, 'tsconfig.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (parsedConfig == null) throw new Error('tests/fixtures/tsconfig.json could not be read');
  const compilerOptions = parsedConfig.options;

  const sourceFileCache = new Map<string, ts.SourceFile>();
  const baseHost = ts.createCompilerHost(compilerOptions);
  const host: ts.CompilerHost = {
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
  typeCheckSetup = { compilerOptions, host };
  return typeCheckSetup;
}

/**
 * Type errors in `text` when it is compiled as a sibling of `fixturePath` (so imports resolve alike),
 * written to a temporary dot file named `<tempPrefix><basename>` (dot files are not corpus files).
 */
export function typeErrorsOf(text: string, fixturePath: string, tempPrefix: string): string[] {
  const [errors] = typeErrorsOfEach([text], fixturePath, tempPrefix);
  return errors ?? [];
}

/**
 * `typeErrorsOf` for several versions of one fixture, compiled together in one program (each its
 * own module, `<tempPrefix><index>-<basename>`): one type check instead of one per version.
 */
export function typeErrorsOfEach(texts: readonly string[], fixturePath: string, tempPrefix: string): string[][] {
  const { compilerOptions, host } = getTypeCheckSetup();
  const tempPaths = texts.map((_, index) =>
    path.join(path.dirname(fixturePath), texts.length === 1 ? `${tempPrefix}${path.basename(fixturePath)}` : `${tempPrefix}${String(index)}-${path.basename(fixturePath)}`),
  );
  texts.forEach((text, index) => {
    fs.writeFileSync(tempPaths[index] ?? '', text);
  });
  try {
    const program = ts.createProgram({ rootNames: tempPaths, options: compilerOptions, host });
    return tempPaths.map((tempPath, index) => {
      const text = texts[index] ?? '';
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
    });
  } finally {
    for (const tempPath of tempPaths) fs.rmSync(tempPath, { force: true });
  }
}
