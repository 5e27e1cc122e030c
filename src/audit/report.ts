import path from 'node:path';

import type { ESLint, Linter } from 'eslint';

import type { AwaitKind } from '../utils/calls/await-classification.js';
import { ruleDocsUrl } from '../utils/plugin/create-rule.js';
import type { LockResource, ObservedFact, ObservedReport } from '../utils/plugin/report-details.js';
import { applyEdit, unifiedDiff } from './diff.js';
import type { AuditScope } from './discover.js';
import { presentFinding, presentSafePattern, sectionOf } from './presenters/index.js';
import type { FindingBase, PresenterContext } from './presenters/types.js';
import type { ProjectIndex } from './project-index.js';
import { SourceCache } from './sources.js';
import { inlineCode } from './text.js';

/** Bumped whenever a field changes meaning or is removed; adding fields keeps the version. */
export const REPORT_VERSION = 1;

export type Risk = 'high' | 'medium' | 'low';

export interface Location {
  /** Relative to the audited directory, with `/` separators. */
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** Source lines; segments that are not adjacent are shown with an elision between them. */
export interface Excerpt {
  segments: { startLine: number; lines: string[] }[];
}

export interface WriterRef {
  function: string;
  file: string;
  line: number;
  operation: string;
}

export interface ConcurrentWriters {
  property: string;
  column: string;
  /** `explicit`: the writer sets this column; `version-bump`: every write moves a version/update-date column. */
  via: 'explicit' | 'version-bump';
  writers: WriterRef[];
}

export interface Recommendation {
  kind: 'fix' | 'suggestion' | 'advice';
  description: string;
  /** The fix or first suggestion applied to the file, as a unified diff. */
  diff?: string;
}

export interface Finding {
  id: string;
  section: 'unsafe' | 'error-handling';
  ruleId: string;
  messageId: string;
  severity: 'error' | 'warn';
  risk: Risk;
  riskReason: string;
  title: string;
  message: string;
  location: Location;
  function?: string;
  /** The rule's documentation. */
  helpUri?: string;
  excerpt: Excerpt;
  entity?: { name: string; file: string; line: number };
  load?: { label: string; line: number };
  /** The awaited call: the one that opens a stale save's window, or that a transaction waits for. */
  window?: { kind: AwaitKind; call: string; line: number; chain: string[] };
  writtenFields?: { property: string; column?: string }[];
  /** Undefined when the entity is unknown: then every loaded column is at risk. */
  columnsAtRisk?: { property: string; column: string; kind: string; stateLike: boolean }[];
  /** Per column, the other functions that write it, the most relevant first. */
  concurrentWriters?: ConcurrentWriters[];
  /** The state column a transition writes, the value it writes and the value it should expect. */
  transition?: { property: string; column: string; value?: string; expected?: string };
  /** A test of the state before the write, or of the update's count only for presence. */
  check?: { text: string; line: number };
  /** The condition a `.where()` replaces, and the columns it checked. */
  replacedCondition?: { method: string; text: string; line: number; columns: string[] };
  /** The columns the condition of a compare-and-set update checks. */
  guards?: SafePatternGuard[];
  /** What a network call waits inside: a transaction, or a row lock. */
  holder?: { kind: 'transaction' | 'row-lock'; label: string; mode?: string; line: number };
  lock?: { label: string; line: number; resource: LockResource };
  release?: { label: string; line: number };
  /** The path that leaves the lock held. */
  leakPath?: { kind: 'return' | 'throw' | 'exception' | 'end'; line: number; label?: string };
  /** A statement between the acquisition and the releasing `try` that can throw. */
  throwing?: { label: string; line: number };
  diagram?: string;
  recommendation: Recommendation;
  /** The message's placeholders, as text, as the rule filled them in (lines are numbers in the fields above). */
  data: Record<string, string>;
}

export interface SafePatternGuard {
  property: string;
  column: string;
  role: 'state' | 'version' | 'guard';
}

export type SafePattern =
  | {
      id: string;
      kind: 'guarded-update';
      function: string;
      location: Location;
      excerpt: Excerpt;
      entity: string;
      columns: string[];
      guards: SafePatternGuard[];
    }
  | {
      id: string;
      kind: 'lock-released-in-finally';
      function: string;
      location: Location;
      excerpt: Excerpt;
      /** A lock, a PostgreSQL advisory lock, or a TypeORM query runner. */
      resource: LockResource;
      acquire: { text: string; line: number };
      release: { text: string; line: number };
    };

export interface AuditReport {
  version: typeof REPORT_VERSION;
  tool: { name: string; version: string };
  generatedAt: string;
  scope: {
    path: string;
    projects: string[];
    files: number;
    entities: { name: string; table: string; file: string; line: number }[];
  };
  summary: {
    unsafe: number;
    errorHandling: number;
    safePatterns: number;
    risk: Record<Risk, number>;
    notAnalysed: number;
  };
  safePatterns: SafePattern[];
  findings: Finding[];
  notAnalysed: { file: string; line: number; column: number; message: string }[];
}

export interface ReportInput {
  scope: AuditScope;
  /** How the user named the audited path, for the title. */
  shownPath: string;
  results: readonly ESLint.LintResult[];
  observed: readonly ObservedReport[];
  observations: readonly ObservedFact[];
  index: ProjectIndex;
  tool: { name: string; version: string };
  now: Date;
}

const MAX_EXCERPT_LINES = 12;

export function buildReport(input: ReportInput): AuditReport {
  const { scope, index } = input;
  const sources = new SourceCache();
  const relative = (file: string): string => path.relative(scope.root, file).split(path.sep).join('/') || path.basename(file);
  const context: PresenterContext = { index, sources, relative };
  const observed = new Map<string, ObservedReport[]>();
  for (const report of input.observed) {
    const key = observedKey(report.filename, report.ruleId, report.line, report.column, report.messageId);
    observed.set(key, [...(observed.get(key) ?? []), report]);
  }

  const findings: Finding[] = [];
  const notAnalysed: AuditReport['notAnalysed'] = [];
  const sortedResults = [...input.results].sort((a, b) => a.filePath.localeCompare(b.filePath));
  for (const result of sortedResults) {
    for (const message of result.messages) {
      if (message.ruleId == null || message.fatal === true) {
        notAnalysed.push({ file: relative(result.filePath), line: message.line, column: message.column, message: message.message });
        continue;
      }
      // Only the plugin's rules have an observer: any other message (an unknown rule in a directive) is not a finding.
      const report = observed.get(observedKey(result.filePath, message.ruleId, message.line, message.column, message.messageId ?? ''))?.shift();
      if (report == null) continue;
      findings.push(buildFinding(result.filePath, message, report, context));
    }
  }
  for (const problem of index.problems) notAnalysed.push({ file: relative(problem.file), line: 0, column: 0, message: problem.message });
  // Unsafe patterns before error handling, the highest risk first, then by place; ids follow that order.
  const riskRank: Record<Risk, number> = { high: 0, medium: 1, low: 2 };
  findings.sort((a, b) =>
    (a.section === b.section ? 0 : a.section === 'unsafe' ? -1 : 1) ||
    riskRank[a.risk] - riskRank[b.risk] ||
    a.location.file.localeCompare(b.location.file) ||
    a.location.line - b.location.line ||
    a.location.column - b.location.column,
  );
  findings.forEach((finding, position) => (finding.id = `F${String(position + 1)}`));

  const safePatterns: SafePattern[] = [];
  for (const fact of input.observations) {
    const pattern = presentSafePattern(fact.observation, path.resolve(fact.filename), context);
    if (pattern != null) safePatterns.push(pattern);
  }
  safePatterns.sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line);
  safePatterns.forEach((pattern, position) => (pattern.id = `S${String(position + 1)}`));

  const risk: Record<Risk, number> = { high: 0, medium: 0, low: 0 };
  for (const finding of findings) risk[finding.risk]++;
  return {
    version: REPORT_VERSION,
    tool: input.tool,
    generatedAt: input.now.toISOString(),
    scope: {
      path: input.shownPath,
      projects: scope.projects.map((project) => relative(project.configPath)),
      files: scope.files.length,
      entities: index.entities.map((entity) => ({ name: entity.name, table: entity.table, file: relative(entity.file), line: entity.line })),
    },
    summary: {
      unsafe: findings.filter((finding) => finding.section === 'unsafe').length,
      errorHandling: findings.filter((finding) => finding.section === 'error-handling').length,
      safePatterns: safePatterns.length,
      risk,
      notAnalysed: notAnalysed.length,
    },
    safePatterns,
    findings,
    notAnalysed,
  };
}

function observedKey(file: string, ruleId: string, line: number, column: number, messageId: string): string {
  return `${path.resolve(file)}\0${ruleId}\0${String(line)}:${String(column)}\0${messageId}`;
}

/** A report as a finding: the fields every finding has, then what its rule's presenter adds. */
function buildFinding(filePath: string, message: Linter.LintMessage, report: ObservedReport, context: PresenterContext): Finding {
  const file = path.resolve(filePath);
  const location: Location = {
    file: context.relative(file),
    line: message.line,
    column: message.column,
    ...(message.endLine == null ? {} : { endLine: message.endLine }),
    ...(message.endColumn == null ? {} : { endColumn: message.endColumn }),
  };
  const owner = context.index.functionAt(file, message.line, message.column);
  const base: FindingBase = {
    ruleId: report.ruleId,
    messageId: report.messageId,
    severity: message.severity === 2 ? 'error' : 'warn',
    message: message.message,
    location,
    ...(owner == null ? {} : { function: owner.functionName }),
    data: { ...report.data },
  };
  const { details } = report;
  if (details == null) {
    // Every report carries details (tests/audit/report-details.test.ts); without them, the message as it is.
    const end = Math.min(message.endLine ?? message.line, message.line + MAX_EXCERPT_LINES - 1);
    return {
      ...base,
      id: '',
      section: 'unsafe',
      risk: 'medium',
      riskReason: 'reported by a race-guard rule',
      title: `${report.ruleId} in ${inlineCode(base.function ?? location.file)}`,
      excerpt: context.sources.excerpt(file, [[message.line, end]]),
      recommendation: recommendationOf(message, message.message, context.sources, file, location.file),
    };
  }
  return {
    ...base,
    id: '',
    section: sectionOf(details),
    helpUri: ruleDocsUrl(details.rule),
    ...presentFinding(details, { message, file, place: { file, ...(owner == null ? {} : { function: owner }) }, base, context }),
    recommendation: recommendationOf(message, details.advice, context.sources, file, location.file),
  };
}

/** The fix or first suggestion applied to the file, as a diff; otherwise the rule's advice. */
function recommendationOf(message: Linter.LintMessage, advice: string, sources: SourceCache, filePath: string, shownFile: string): Recommendation {
  const suggestion = message.suggestions?.[0];
  const edit = message.fix ?? suggestion?.fix;
  const source = sources.text(filePath);
  const diff = edit == null || source == null ? undefined : unifiedDiff(shownFile, source, applyEdit(source, edit));
  if (message.fix != null) {
    return { kind: 'fix', description: `${advice} \`eslint --fix\` applies this change.`, ...(diff == null ? {} : { diff }) };
  }
  if (suggestion != null) {
    return { kind: 'suggestion', description: `${suggestion.desc} (an editor suggestion: review it before applying)`, ...(diff == null ? {} : { diff }) };
  }
  return { kind: 'advice', description: advice };
}
