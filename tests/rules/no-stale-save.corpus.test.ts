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

import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { fixturesDir } from '../rule-tester.js';
import { corpusDir, corpusFiles, createCorpusESLint, expectReportsAtMarkers, lintOnce } from '../support/corpus.js';

const RULE_NAME = 'no-stale-save';
const dir = corpusDir(RULE_NAME);
const fixtureNames = corpusFiles(dir);

/** One ESLint per mode, created on first use: the project service is slow to start. */
const eslints = new Map<'lint' | 'fix', ESLint>();

function eslintFor(mode: 'lint' | 'fix'): ESLint {
  let eslint = eslints.get(mode);
  if (eslint == null) {
    eslint = createCorpusESLint(RULE_NAME, { fix: mode === 'fix' });
    eslints.set(mode, eslint);
  }
  return eslint;
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
    const filePath = path.join(dir, name);
    const source = fs.readFileSync(filePath, 'utf8');

    it('reports exactly the lines marked `// ❌ no-stale-save`', async () => {
      await expectReportsAtMarkers(eslintFor('lint'), RULE_NAME, source, filePath);
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
