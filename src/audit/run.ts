import fs from 'node:fs';
import path from 'node:path';

import type cliProgress from 'cli-progress';

import { discoverScope } from './discover.js';
import { AuditSetupError } from './errors.js';
import type { AuditReport } from './report.js';

export type AuditFormat = 'md' | 'json' | 'sarif';
export type FailOn = 'error' | 'warn' | 'off';

export interface AuditOptions {
  path: string;
  projects: readonly string[];
  format: AuditFormat;
  out?: string;
  failOn: FailOn;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

/** Below this many files the audit is over before a progress bar would be worth drawing. */
const PROGRESS_MIN_FILES = 25;

/** Runs the audit and writes the report; resolves to the exit code (0 clean, 1 findings). */
export async function runAudit(options: AuditOptions): Promise<number> {
  const scope = discoverScope(options.path, options.projects, options.cwd);
  const now = reportDate(options.env);
  // ESLint, the plugin and ts-morph (a second TypeScript) load only once the project is known to exist.
  const [{ lintScope }, { indexEntities }, { buildProjectIndex }, { buildReport }, { renderMarkdown }, { renderSarif }, { default: plugin }] = await Promise.all([
    import('./lint.js'),
    import('./entity-index.js'),
    import('./project-index.js'),
    import('./report.js'),
    import('./render-markdown.js'),
    import('./render-sarif.js'),
    import('../index.js'),
  ]);
  const progress = await createProgress(options, scope.files.length * 2);
  let report: AuditReport;
  let output: string;
  try {
    const lint = await lintScope(scope, () => progress?.increment(1, { phase: 'linting' }));
    const index = buildProjectIndex(scope, indexEntities(lint.programs), () => progress?.increment(1, { phase: 'indexing writers' }));
    report = buildReport({
      scope,
      shownPath: path.relative(options.cwd, scope.root).split(path.sep).join('/') || '.',
      results: lint.results,
      observed: lint.observed,
      observations: lint.observations,
      index,
      tool: { name: 'race-guard', version: plugin.meta.version },
      now,
    });
    output =
      options.format === 'md'
        ? renderMarkdown(report)
        : options.format === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : renderSarif(lint.results, lint.eslint, lint.ruleIds, scope.root, report.tool);
  } finally {
    progress?.stop();
  }

  if (options.out == null) {
    options.stdout.write(output);
  } else {
    try {
      fs.writeFileSync(path.resolve(options.cwd, options.out), output);
    } catch (error) {
      throw new AuditSetupError(`cannot write ${options.out} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
    }
  }
  return failingCount(report, options.failOn) > 0 ? 1 : 0;
}

/** Findings at or above `--fail-on`. Files that could not be analysed count as warnings. */
function failingCount(report: AuditReport, failOn: FailOn): number {
  if (failOn === 'off') return 0;
  const errors = report.findings.filter((finding) => finding.severity === 'error').length;
  if (failOn === 'error') return errors;
  return errors + report.findings.filter((finding) => finding.severity === 'warn').length + report.notAnalysed.length;
}

/** `SOURCE_DATE_EPOCH` (seconds) makes the report's date reproducible, as in reproducible builds. */
function reportDate(env: NodeJS.ProcessEnv): Date {
  const value = env.SOURCE_DATE_EPOCH;
  if (value == null || value === '') return new Date();
  const date = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : undefined;
  // The reproducible-builds convention: a malformed value is an error, not a silent fallback.
  if (date == null || Number.isNaN(date.getTime())) {
    throw new AuditSetupError(`SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 (got '${value}')`);
  }
  return date;
}

function isCI(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI?.toLowerCase();
  return value != null && value !== '' && value !== 'false' && value !== '0';
}

async function createProgress(options: AuditOptions, total: number): Promise<cliProgress.SingleBar | undefined> {
  if (!options.stderr.isTTY || isCI(options.env) || total < PROGRESS_MIN_FILES * 2) return undefined;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream: options.stderr, format: 'race-guard audit [{bar}] {percentage}% | {phase}', clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { phase: 'linting' });
  return bar;
}
