import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import ts from 'typescript';

import { loadExampleModules, type ExampleModules } from './example-modules.js';
import type { ScenarioId } from './scenarios.js';

export type VariantName = 'vulnerable' | 'fixed';

/** A finding of the plugin in the example, and what the harness does with it. */
interface Target {
  scenario: ScenarioId;
  file: string;
  ruleId: string;
  /** `autofix`: the report's `fix`; a suggestion: the one with this messageId; `none`: keep as is. */
  apply: 'autofix' | { suggestion: string } | 'none';
}

const TARGETS: readonly Target[] = [
  { scenario: 'stale-save', file: 'src/ai-responder/ai-responder.service.ts', ruleId: 'race-guard/no-stale-save', apply: 'autofix' },
  {
    scenario: 'unguarded-transition',
    file: 'src/handoff/handoff.worker.ts',
    ruleId: 'race-guard/require-state-guard',
    apply: { suggestion: 'addGuard' },
  },
  {
    scenario: 'lock-leak',
    file: 'src/greeting/greeting.service.ts',
    ruleId: 'race-guard/require-lock-release-in-finally',
    apply: { suggestion: 'wrapInTryFinally' },
  },
  // The rule has no fix: its remedy is a restructure, written once in the example as `summarize()`.
  {
    scenario: 'network-in-transaction',
    file: 'src/inbox-summary/inbox-summary.service.ts',
    ruleId: 'race-guard/no-network-await-in-transaction',
    apply: 'none',
  },
  { scenario: 'derived-counter', file: 'src/escalation/escalation.service.ts', ruleId: 'race-guard/no-stale-save', apply: 'autofix' },
  { scenario: 'spread-save', file: 'src/translation/snippet-translator.service.ts', ruleId: 'race-guard/no-stale-save', apply: 'autofix' },
  {
    scenario: 'stale-transition',
    file: 'src/auto-resolve/auto-resolve.service.ts',
    ruleId: 'race-guard/no-stale-save',
    apply: { suggestion: 'rewriteToCompareAndSet' },
  },
  {
    scenario: 'many-to-many-add',
    file: 'src/tagging/tagging.service.ts',
    ruleId: 'race-guard/no-stale-save',
    apply: { suggestion: 'rewriteToRelationAdd' },
  },
];

/** What the plugin changed in the copy, for the report. */
export interface PluginChange {
  scenario: ScenarioId;
  ruleId: string;
  file: string;
  line: number;
  how: string;
  removed: string[];
  added: string[];
}

export interface Variant {
  name: VariantName;
  dir: string;
  modules: ExampleModules;
}

export interface Variants {
  vulnerable: Variant;
  fixed: Variant;
  changes: PluginChange[];
}

/**
 * Builds the two programs every scenario runs: a copy of examples/chat-backend as it is, and a copy
 * to which the built plugin's own autofix and suggestions were applied through ESLint's Node API.
 * Both are compiled the same way and imported from their build output. Any surprise — a rule that
 * does not fire, a fix that is missing, a fixed file that still reports or does not compile — stops
 * the harness: the point is to test the fixes the plugin ships, not fixes written by hand.
 */
export async function prepareVariants(repoRoot: string, workDir: string, progress: (line: string) => void): Promise<Variants> {
  const plugin = await loadBuiltPlugin(repoRoot);
  const vulnerableDir = copyExample(repoRoot, path.join(workDir, 'vulnerable'));
  const fixedDir = copyExample(repoRoot, path.join(workDir, 'fixed'));

  progress('linting the example copy with the built plugin');
  const findings = await lint(plugin, vulnerableDir);
  const changes: PluginChange[] = [];
  for (const target of TARGETS) {
    const message = singleFinding(findings, target, 'the example');
    if (target.apply === 'none') {
      changes.push({ scenario: target.scenario, ruleId: target.ruleId, file: target.file, line: message.line, how: 'reported; no fix', removed: [], added: [] });
      continue;
    }
    const { edit, how } = editOf(message, target);
    const file = path.join(fixedDir, target.file);
    const text = fs.readFileSync(file, 'utf8');
    const fixed = text.slice(0, edit.range[0]) + edit.text + text.slice(edit.range[1]);
    if (fixed === text) throw new Error(`${target.ruleId}: its ${how} does not change ${target.file}`);
    fs.writeFileSync(file, fixed);
    changes.push({ scenario: target.scenario, ruleId: target.ruleId, file: target.file, line: message.line, how, ...changedLines(text, fixed) });
  }

  progress('linting the fixed copy');
  const after = await lint(plugin, fixedDir);
  for (const target of TARGETS) {
    const remaining = after.get(target.file)?.filter((message) => message.ruleId === target.ruleId) ?? [];
    if (target.apply === 'none') {
      singleFinding(after, target, 'the fixed copy');
    } else if (remaining.length > 0) {
      throw new Error(`${target.ruleId} still reports ${target.file} after its fix was applied:\n${remaining.map((message) => `  ${String(message.line)}: ${message.message}`).join('\n')}`);
    }
  }

  progress('compiling both copies');
  const declarations = new Map<string, ts.SourceFile>();
  compile(vulnerableDir, declarations);
  compile(fixedDir, declarations);
  return {
    vulnerable: { name: 'vulnerable', dir: vulnerableDir, modules: await loadExampleModules(path.join(vulnerableDir, 'out')) },
    fixed: { name: 'fixed', dir: fixedDir, modules: await loadExampleModules(path.join(fixedDir, 'out')) },
    changes,
  };
}

export interface BuiltPlugin {
  configs: { recommended: Linter.Config };
}

export async function loadBuiltPlugin(repoRoot: string): Promise<BuiltPlugin> {
  const entry = path.join(repoRoot, 'dist', 'index.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const module = (await import(pathToFileURL(entry).href)) as { default: BuiltPlugin };
  return module.default;
}

/**
 * The example's sources and compiler options, in a directory of their own: an ESM package whose
 * `node_modules` is the repository's, so the copy resolves the same typeorm, Nest and openai.
 */
function copyExample(repoRoot: string, dir: string): string {
  const example = path.join(repoRoot, 'examples', 'chat-backend');
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(example, 'src'), path.join(dir, 'src'), { recursive: true });
  const config = JSON.parse(fs.readFileSync(path.join(example, 'tsconfig.json'), 'utf8')) as {
    extends?: string;
    compilerOptions?: Record<string, unknown>;
  };
  const tsconfig = {
    ...config,
    ...(config.extends == null ? {} : { extends: path.resolve(example, config.extends) }),
    compilerOptions: { ...config.compilerOptions, noEmit: false, rootDir: 'src', outDir: 'out' },
    include: ['src/**/*.ts'],
  };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`);
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * Findings per file (relative to `dir`), linted as the example's own eslint.config.js does;
 * `ignores` leaves out generated code (a Prisma client).
 */
export async function lint(plugin: BuiltPlugin, dir: string, ignores: readonly string[] = []): Promise<Map<string, Linter.LintMessage[]>> {
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      ...(ignores.length === 0 ? [] : [{ ignores: [...ignores] }]),
      plugin.configs.recommended,
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser, parserOptions: { projectService: true, tsconfigRootDir: dir } },
      },
    ],
  });
  const results = await eslint.lintFiles(['src']);
  const byFile = new Map<string, Linter.LintMessage[]>();
  for (const result of results) {
    const fatal = result.messages.filter((message) => message.fatal === true || message.ruleId == null);
    if (fatal.length > 0) throw new Error(`ESLint could not lint ${result.filePath}: ${fatal.map((message) => message.message).join('; ')}`);
    byFile.set(path.relative(dir, result.filePath).split(path.sep).join('/'), result.messages);
  }
  return byFile;
}

function singleFinding(findings: Map<string, Linter.LintMessage[]>, target: Target, where: string): Linter.LintMessage {
  const messages = findings.get(target.file)?.filter((message) => message.ruleId === target.ruleId) ?? [];
  const [message] = messages;
  if (message == null || messages.length !== 1) {
    throw new Error(`expected ${target.ruleId} to report ${target.file} once in ${where}, got ${String(messages.length)} reports`);
  }
  return message;
}

function editOf(message: Linter.LintMessage, target: Target): { edit: { range: [number, number]; text: string }; how: string } {
  if (target.apply === 'autofix') {
    if (message.fix == null) throw new Error(`${target.ruleId} reported ${target.file}:${String(message.line)} without an autofix`);
    return { edit: message.fix, how: 'autofix' };
  }
  if (target.apply === 'none') throw new Error('no edit for a target that is only reported');
  const { suggestion: messageId } = target.apply;
  const suggestion = message.suggestions?.find((candidate) => candidate.messageId === messageId);
  if (suggestion == null) {
    throw new Error(`${target.ruleId} reported ${target.file}:${String(message.line)} without its "${messageId}" suggestion`);
  }
  return { edit: suggestion.fix, how: `suggestion "${suggestion.desc}"` };
}

/** The lines that differ between two versions of a file, without the common head and tail. */
export function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { removed: a.slice(head, a.length - tail), added: b.slice(head, b.length - tail) };
}

/**
 * Type-checks and emits a copy to `out/`; any diagnostic is an error, in the fixed copy above all.
 * Both copies resolve their packages to the same real paths, so the parsed declaration files are
 * shared through `declarations`: parsing typeorm's and Nest's types is most of the work.
 */
export function compile(dir: string, declarations: Map<string, ts.SourceFile>): void {
  const configPath = path.join(dir, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (parsed == null) throw new Error(`cannot read ${configPath}`);
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (!fileName.endsWith('.d.ts')) return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    let sourceFile = declarations.get(fileName);
    if (sourceFile == null) {
      sourceFile = getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (sourceFile != null) declarations.set(fileName, sourceFile);
    }
    return sourceFile;
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length > 0 || emitted.emitSkipped) {
    const host: ts.FormatDiagnosticsHost = {
      getCanonicalFileName: (fileName) => fileName,
      getCurrentDirectory: () => dir,
      getNewLine: () => '\n',
    };
    throw new Error(`${path.basename(dir)} copy does not compile:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
}
