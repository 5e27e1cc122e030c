import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import ts from 'typescript';

import plugin from '../index.js';
import { setReportObserver, type ObservedFact, type ObservedReport } from '../utils/plugin/report-details.js';
import { ORM_TYPES_UNRESOLVED } from '../utils/plugin/unresolved-orm-types.js';
import type { AuditScope } from './discover.js';
import { AuditSetupError, firstLine } from './errors.js';

export interface LintOutcome {
  eslint: ESLint;
  results: ESLint.LintResult[];
  /** What the rules reported, with the details behind each message (see report-details). */
  observed: ObservedReport[];
  /** What the rules observed besides their reports: the safe patterns. */
  observations: ObservedFact[];
  /** The rules that ran. */
  ruleIds: ReadonlySet<string>;
  /** The programs the files were linted with, one per project of the scope. */
  programs: readonly ts.Program[];
}

const LINTED_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

/**
 * Lints the scope's files with the plugin's `recommended` rules through ESLint's Node API.
 *
 * Nothing of the audited project is loaded: `overrideConfigFile: true` keeps its ESLint config
 * (JavaScript that would run) unread, and the parser, TypeScript and the plugin are the ones this
 * package imports. Type information comes from programs built here with `ts.createProgram`, which
 * never loads the TypeScript server plugins a tsconfig may list (only tsserver does).
 */
export async function lintScope(scope: AuditScope, onFile: (file: string) => void): Promise<LintOutcome> {
  const programs = scope.projects.map((project) =>
    ts.createProgram({
      rootNames: project.parsed.fileNames,
      options: { ...project.parsed.options, noEmit: true },
      ...(project.parsed.projectReferences == null ? {} : { projectReferences: project.parsed.projectReferences }),
    }),
  );
  for (const program of programs) assertTypeormResolves(program, scope.root);
  const config: Linter.Config = {
    name: `${plugin.meta.namespace} audit`,
    files: LINTED_FILES,
    plugins: { 'race-guard': plugin as unknown as ESLint.Plugin },
    languageOptions: {
      parser: tsParser,
      parserOptions: { programs },
    },
    linterOptions: { reportUnusedDisableDirectives: 'off', reportUnusedInlineConfigs: 'off' },
    rules: plugin.configs.recommended.rules,
  };
  const eslint = new ESLint({
    cwd: scope.lintRoot,
    overrideConfigFile: true,
    overrideConfig: [config],
    // The observer lives in this process: worker threads would have their own.
    concurrency: 'off',
    cache: false,
    errorOnUnmatchedPattern: false,
  });

  const observed: ObservedReport[] = [];
  const observations: ObservedFact[] = [];
  const results: ESLint.LintResult[] = [];
  setReportObserver({ report: (report) => observed.push(report), observation: (fact) => observations.push(fact) });
  try {
    // One file at a time, so a file that breaks a rule or the parser costs only that file.
    for (const file of scope.files) {
      try {
        results.push(...(await eslint.lintFiles([file])).map(withSetupNotices));
      } catch (error) {
        results.push(unanalysedResult(file, `race-guard could not analyse this file: ${firstLine(error)}`));
      }
      onFile(file);
    }
  } finally {
    setReportObserver(undefined);
  }
  return { eslint, results, observed, observations, ruleIds: new Set(Object.keys(config.rules ?? {})), programs };
}

const TYPEORM_IMPORT = /\bfrom\s*['"]typeorm['"]|\brequire\(\s*['"]typeorm['"]\s*\)/;

/**
 * The rules recognise TypeORM by the declarations its calls resolve to. In a project whose
 * dependencies are not installed every such call is `any`, the rules see nothing, and the report
 * would call the project safe: that is a setup problem, said as one.
 */
function assertTypeormResolves(program: ts.Program, root: string): void {
  const importer = program
    .getSourceFiles()
    .find((file) => !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file) && TYPEORM_IMPORT.test(file.text));
  if (importer == null) return;
  const resolved = ts.resolveModuleName('typeorm', importer.fileName, program.getCompilerOptions(), ts.sys).resolvedModule;
  if (resolved != null) return;
  throw new AuditSetupError(
    `${path.relative(root, importer.fileName) || importer.fileName} imports typeorm, which cannot be resolved: install the project's dependencies first (the rules recognise TypeORM by its types)`,
  );
}

/**
 * The rules' notice that an imported ORM's types do not resolve is about the setup, not a finding:
 * the report lists it with the files that could not be fully analysed (a message without a rule).
 */
function withSetupNotices(result: ESLint.LintResult): ESLint.LintResult {
  if (!result.messages.some((message) => message.messageId === ORM_TYPES_UNRESOLVED)) return result;
  const messages = result.messages.map((message): Linter.LintMessage =>
    message.messageId === ORM_TYPES_UNRESOLVED
      ? { ruleId: null, severity: 1, message: `race-guard could not fully analyse this file: ${message.message}`, line: message.line, column: message.column }
      : message,
  );
  return {
    ...result,
    messages,
    errorCount: messages.filter((message) => message.severity === 2).length,
    warningCount: messages.filter((message) => message.severity === 1).length,
  };
}

function unanalysedResult(filePath: string, message: string): ESLint.LintResult {
  return {
    filePath,
    messages: [{ ruleId: null, fatal: true, severity: 2, message, line: 0, column: 0 }],
    suppressedMessages: [],
    errorCount: 1,
    fatalErrorCount: 1,
    warningCount: 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    usedDeprecatedRules: [],
  };
}
