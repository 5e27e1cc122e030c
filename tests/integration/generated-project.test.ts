import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { ESLint } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { measureDensity } from '../../scripts/bench/density.mjs';
import type { GeneratedProject } from '../../scripts/bench/generate.mjs';
import { getAwaitClassifier } from '../../src/utils/calls/await-classification.js';
import { generatedProject, removeProject } from '../support/generated-project.js';
import { repoRoot } from '../support/paths.js';
import { pluginForESLint } from '../support/plugin.js';

describe('the benchmark generator', () => {
  let project: GeneratedProject;
  beforeAll(() => {
    project = generatedProject(250);
  });
  afterAll(() => {
    removeProject(project);
  });

  it('is as TypeORM-dense as the densest real backend of the corpus, no denser (the corpus profile)', () => {
    // spacebar: 18.6 calls and 35.8 awaits per kLOC, calls in 27% of 742 files of 69 lines (docs/performance.md).
    const density = measureDensity([path.join(project.dir, 'src')]);
    expect(density.callsPerKloc).toBeGreaterThanOrEqual(15);
    expect(density.callsPerKloc).toBeLessThanOrEqual(19);
    expect(density.awaitsPerKloc).toBeGreaterThanOrEqual(28);
    expect(density.awaitsPerKloc).toBeLessThanOrEqual(40);
    expect(density.filesWithCalls).toBeGreaterThanOrEqual(0.18);
    expect(density.filesWithCalls).toBeLessThanOrEqual(0.3);
    expect(density.linesPerFile).toBeGreaterThanOrEqual(45);
    expect(density.linesPerFile).toBeLessThanOrEqual(85);
  });

  it('writes exactly N files that type-check against the real typeorm, axios, openai and Nest types', { timeout: 300_000 }, () => {
    expect(project.files).toHaveLength(250);
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    // Throws (with tsc's output) on any type error.
    execFileSync(process.execPath, [tsc, '-p', path.join(project.dir, 'tsconfig.json')], { encoding: 'utf8' });
  });

  it('is deterministic for a seed', () => {
    const again = generatedProject(250);
    const other = generatedProject(250, 2);
    try {
      const read = (from: GeneratedProject) => from.files.map((file) => fs.readFileSync(file, 'utf8')).join('\n');
      expect(read(again)).toBe(read(project));
      expect(again.planted).toEqual(project.planted);
      expect(read(other)).not.toBe(read(project));
    } finally {
      removeProject(again);
      removeProject(other);
    }
  });
});

/**
 * The await classifier summarises each function once per program: linting N files must not
 * summarise a callee again for every caller (which would make the cost per file grow with N).
 */
describe('function summaries over a generated project', () => {
  let project: GeneratedProject;
  beforeAll(() => {
    project = generatedProject(60, 6);
  });
  afterAll(() => {
    removeProject(project);
  });

  it('are computed at most once per function, and not again on a second pass', { timeout: 300_000 }, async () => {
    const programs = new Set<ts.Program>();
    const probe = {
      rules: {
        program: {
          meta: { type: 'problem' as const, schema: [] },
          create(context: { sourceCode: { parserServices?: { program?: ts.Program | null } } }) {
            const program = context.sourceCode.parserServices?.program;
            if (program != null) programs.add(program);
            return {};
          },
        },
      },
    };
    const tsconfig = path.join(project.dir, 'tsconfig.json');
    const eslint = new ESLint({
      cwd: project.dir,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ['**/*.ts'],
          // CI=true would otherwise switch typescript-eslint to its single-run mode, which builds
          // programs differently; the test is about one program, as in an editor or a local run.
          languageOptions: { parser: tsParser, parserOptions: { project: tsconfig, tsconfigRootDir: project.dir, disallowAutomaticSingleRunInference: true } },
          plugins: { 'race-guard': pluginForESLint, probe: probe as unknown as ESLint.Plugin },
          rules: {
            'probe/program': 'error',
            ...Object.fromEntries(Object.keys(pluginForESLint.rules ?? {}).map((name) => [`race-guard/${name}`, 'error'])),
          },
        },
      ],
    });

    const first = await eslint.lintFiles(project.files);
    expect(first.flatMap((result) => result.messages).filter((message) => message.ruleId?.startsWith('race-guard/') === true).length).toBeGreaterThan(0);
    expect(programs.size).toBe(1);
    const [program] = [...programs];
    if (program == null) throw new Error('no program');
    // The rules' default options, hence the classifier they share.
    const classifier = getAwaitClassifier(program, { networkModules: [], localModules: [] });
    const summaries = classifier.stats.functionSummaries;

    let functions = 0;
    const count = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body != null) functions++;
      ts.forEachChild(node, count);
    };
    for (const file of program.getSourceFiles()) {
      if (!file.isDeclarationFile && file.fileName.startsWith(project.dir)) count(file);
    }
    expect(summaries).toBeGreaterThan(0);
    expect(summaries).toBeLessThanOrEqual(functions);

    await eslint.lintFiles(project.files);
    // The same program (nothing changed), so every summary is reused.
    expect(programs.size).toBe(1);
    expect(classifier.stats.functionSummaries).toBe(summaries);
  });
});
