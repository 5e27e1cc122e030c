import fs from 'node:fs';
import path from 'node:path';

import type { ESLint, Linter } from 'eslint';

import type { AwaitKind } from '../utils/calls/await-classification.js';
import { kindText } from '../utils/calls/call-labels.js';
import type { ObservedReport, StaleSaveDetails } from '../utils/plugin/report-details.js';
import { applyEdit, unifiedDiff } from './diff.js';
import type { AuditScope } from './discover.js';
import { staleSaveDiagram, transactionDiagram, transitionDiagram, type DiagramWriter } from './mermaid.js';
import type { ColumnWriter, EntityInfo, ProjectIndex } from './project-index.js';

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
  excerpt: Excerpt;
  entity?: { name: string; file: string; line: number };
  load?: { label: string; line: number };
  window?: { kind: AwaitKind; call: string; line: number; chain: string[] };
  writtenFields?: { property: string; column?: string }[];
  /** Undefined when the entity is unknown: then every loaded column is at risk. */
  columnsAtRisk?: { property: string; column: string; kind: string; stateLike: boolean }[];
  concurrentWriters?: ConcurrentWriters[];
  diagram?: string;
  recommendation: Recommendation;
  /** The message's placeholders as the rule filled them. */
  data: Record<string, string>;
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
      guards: { property: string; column: string; role: 'state' | 'version' | 'guard' }[];
    }
  | {
      id: string;
      kind: 'lock-released-in-finally';
      function: string;
      location: Location;
      excerpt: Excerpt;
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
  index: ProjectIndex;
  tool: { name: string; version: string };
  now: Date;
}

const MAX_DIAGRAM_WRITERS = 3;
const MAX_EXCERPT_LINES = 12;
const LOCK_RULE = 'race-guard/require-lock-release-in-finally';

export function buildReport(input: ReportInput): AuditReport {
  const { scope, index } = input;
  const sources = new SourceCache();
  const relative = (file: string): string => path.relative(scope.root, file).split(path.sep).join('/') || path.basename(file);
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
      if (!message.ruleId.startsWith('race-guard/')) continue;
      const key = observedKey(result.filePath, message.ruleId, message.line, message.column, message.messageId ?? '');
      const report = observed.get(key)?.shift();
      findings.push(buildFinding({ result, message, report, index, sources, relative, id: '' }));
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

  const reportedLocks = new Set(findings.filter((finding) => finding.ruleId === LOCK_RULE).map((finding) => `${finding.location.file}:${String(finding.location.line)}`));
  const guardFindings = findings.filter((finding) => finding.ruleId === 'race-guard/require-state-guard');
  const safePatterns: SafePattern[] = [];
  for (const update of index.guardedUpdates) {
    const file = relative(update.file);
    // A guard the rule found broken (a `.where()` that replaces it) is no safe pattern.
    if (guardFindings.some((finding) => finding.location.file === file && finding.location.line >= update.line && finding.location.line <= update.endLine)) continue;
    safePatterns.push({
      id: '',
      kind: 'guarded-update',
      function: update.functionName,
      location: { file, line: update.line, column: update.column, endLine: update.endLine },
      excerpt: sources.excerpt(update.file, [[update.line, update.endLine]]),
      entity: update.entity.name,
      columns: update.properties,
      guards: update.guards,
    });
  }
  for (const lock of index.locksInFinally) {
    const file = relative(lock.file);
    if (reportedLocks.has(`${file}:${String(lock.acquire.line)}`)) continue;
    const finallyLine = sources.lastLineMatching(lock.file, /\bfinally\b/, lock.tryLine, lock.release.line) ?? lock.release.line;
    safePatterns.push({
      id: '',
      kind: 'lock-released-in-finally',
      function: lock.functionName,
      location: { file, line: lock.acquire.line, column: 1 },
      excerpt: sources.excerpt(lock.file, [[lock.acquire.line, lock.acquire.line], [lock.tryLine, lock.tryLine], [finallyLine, lock.release.line]]),
      acquire: lock.acquire,
      release: lock.release,
    });
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

interface FindingInput {
  result: ESLint.LintResult;
  message: Linter.LintMessage;
  report: ObservedReport | undefined;
  index: ProjectIndex;
  sources: SourceCache;
  relative: (file: string) => string;
  id: string;
}

function buildFinding(input: FindingInput): Finding {
  const { result, message, report, index, sources, relative } = input;
  const ruleId = message.ruleId ?? '';
  const messageId = message.messageId ?? '';
  const data = { ...(report?.data ?? {}) };
  const functionName = index.functionAt(result.filePath, message.line, message.column);
  const location: Location = {
    file: relative(result.filePath),
    line: message.line,
    column: message.column,
    ...(message.endLine == null ? {} : { endLine: message.endLine }),
    ...(message.endColumn == null ? {} : { endColumn: message.endColumn }),
  };
  const base = {
    id: input.id,
    section: ruleId === LOCK_RULE ? ('error-handling' as const) : ('unsafe' as const),
    ruleId,
    messageId,
    severity: message.severity === 2 ? ('error' as const) : ('warn' as const),
    message: message.message,
    location,
    ...(functionName == null ? {} : { function: functionName }),
    recommendation: recommendationOf(message, data, sources, result.filePath, location.file),
    data,
  };
  const where = functionName == null ? location.file : `\`${functionName}\``;
  const details = report?.details;
  if (details?.rule === 'no-stale-save') return staleSaveFinding(base, details, where, input);

  const excerptEnd = Math.min(message.endLine ?? message.line, message.line + MAX_EXCERPT_LINES - 1);
  const ranges: [number, number][] = [[message.line, excerptEnd]];
  const releaseLine = Number(data.releaseLine);
  if (ruleId === LOCK_RULE && Number.isInteger(releaseLine) && releaseLine > 0) ranges.push([releaseLine, releaseLine]);
  const excerpt = sources.excerpt(result.filePath, ranges);

  if (ruleId === 'race-guard/require-state-guard') {
    const column = data.column ?? 'the state column';
    const writer = index.writers.find((candidate) => candidate.file === path.resolve(result.filePath) && candidate.line <= message.line && message.line <= candidate.endLine);
    const others = writer == null ? [] : writersOf(index, writer.entity, [writer.entity.columns.find((entry) => entry.property === data.column)?.column ?? column], functionName);
    const writerRefs = others.map((other) => writerRef(other, relative));
    const concurrent: ConcurrentWriters[] = writer == null || data.column == null ? [] : [{ property: data.column, column: writer.entity.columns.find((entry) => entry.property === data.column)?.column ?? data.column, via: 'explicit', writers: writerRefs }];
    const risky = messageId !== 'uncheckedOutcome' && messageId !== 'presenceCheckOnly';
    const risk: Risk = !risky ? 'low' : writerRefs.length > 0 ? 'high' : 'medium';
    return {
      ...base,
      risk,
      riskReason: !risky
        ? 'the guard holds, but a lost race goes unnoticed'
        : writerRefs.length > 0
          ? `${String(writerRefs.length)} other function(s) write \`${column}\`, and this write does not check it`
          : `no other writer of \`${column}\` was found, but the write does not check the state it moves from`,
      title: `${stateGuardTitle(messageId)} of \`${column}\` in ${where}`,
      excerpt,
      ...(writer == null ? {} : { entity: { name: writer.entity.name, file: relative(writer.entity.file), line: writer.entity.line } }),
      ...(concurrent.length === 0 ? {} : { concurrentWriters: concurrent }),
      ...(risky && writer != null
        ? {
            diagram: transitionDiagram({
              functionName: functionName ?? location.file,
              entity: writer.entity.name,
              column,
              write: `UPDATE ${column} = ${stripTicks(data.value ?? 'a new value')} without checking the current ${column}`,
              writers: others.slice(0, MAX_DIAGRAM_WRITERS).map((other) => diagramWriter(other, relative)),
            }),
          }
        : {}),
    };
  }

  if (ruleId === 'race-guard/no-network-await-in-transaction') {
    const underLock = messageId === 'networkUnderRowLock';
    const holder = underLock ? `row lock by ${stripTicks(data.lock ?? '')} (line ${data.lockLine ?? '?'})` : `BEGIN: ${stripTicks(data.start ?? 'transaction')} (line ${data.startLine ?? '?'})`;
    return {
      ...base,
      risk: underLock ? 'high' : 'medium',
      riskReason: underLock
        ? 'other writers of the locked row wait for the whole network call'
        : 'the transaction holds a pooled connection, and any rows it wrote, for the whole network call',
      title: `${underLock ? 'Network call under a row lock' : 'Network call inside a transaction'} in ${where}`,
      excerpt,
      diagram: transactionDiagram({
        functionName: functionName ?? location.file,
        holder,
        call: `await ${data.chain?.split(' → ')[0] ?? 'the call'} (line ${String(message.line)})`,
        chain: data.chain?.split(' → ').slice(1) ?? [],
        kindText: data.kind ?? 'a network call',
      }),
    };
  }

  if (ruleId === LOCK_RULE) {
    const leak = messageId !== 'releaseWithoutCheck';
    return {
      ...base,
      risk: leak ? 'high' : 'medium',
      riskReason: leak ? 'a path that leaves the lock held blocks every later holder until it expires, if ever' : "a failed acquisition still releases, which can free another holder's lock",
      title: `${lockTitle(messageId)} in ${where}`,
      excerpt,
    };
  }

  return { ...base, risk: 'medium', riskReason: 'reported by a race-guard rule', title: `${ruleId} in ${where}`, excerpt };
}

type FindingBase = Omit<Finding, 'risk' | 'riskReason' | 'title' | 'excerpt'>;

function staleSaveFinding(base: FindingBase, details: StaleSaveDetails, where: string, input: FindingInput): Finding {
  const { index, sources, relative, result, message } = input;
  const entity = details.entity == null ? undefined : index.entities.find((candidate) => candidate.name === details.entity?.name && candidate.file === path.resolve(details.entity.file));
  const atRisk = details.columnsAtRisk;
  const concurrent: ConcurrentWriters[] = [];
  if (entity != null && atRisk != null) {
    for (const column of atRisk) {
      if (column.kind === 'version' || column.kind === 'update-date') {
        const bumpers = writersOf(index, entity, undefined, base.function).filter((writer) => writer.operation !== 'insert');
        if (bumpers.length > 0) concurrent.push({ property: column.property, column: column.column, via: 'version-bump', writers: bumpers.map((writer) => writerRef(writer, relative)) });
        continue;
      }
      const writers = writersOf(index, entity, [column.column], base.function);
      if (writers.length > 0) concurrent.push({ property: column.property, column: column.column, via: 'explicit', writers: writers.map((writer) => writerRef(writer, relative)) });
    }
  }
  const explicit = concurrent.filter((entry) => entry.via === 'explicit');
  const stateAtRisk = atRisk?.filter((column) => column.stateLike) ?? [];
  const isRemove = base.messageId === 'staleRemove';
  let risk: Risk;
  let riskReason: string;
  if (isRemove) {
    risk = 'low';
    riskReason = 'a stale remove acts on an old decision but reverts no column';
  } else if (atRisk?.length === 0) {
    risk = 'low';
    riskReason = 'no column besides the written ones is loaded: only a lost update of those';
  } else if (details.window.kind === 'network' && (explicit.length > 0 || stateAtRisk.length > 0)) {
    risk = 'high';
    riskReason = `a network call holds the window open, and ${explicit.length > 0 ? `${String(explicit.length)} column(s) at risk have concurrent writers` : `the state column ${stateAtRisk.map((column) => `\`${column.property}\``).join(', ')} is at risk`}`;
  } else {
    risk = 'medium';
    riskReason = `${kindText(details.window.kind)} holds the window open; ${explicit.length > 0 ? `${String(explicit.length)} column(s) at risk have concurrent writers` : 'no concurrent writer of the columns at risk was found in the project'}`;
  }

  const fields = details.writtenFields.map((field) => field.property);
  const assignment = fields.length === 0 ? undefined : new RegExp(`\\b${escapeRegExp(details.variable)}\\.(?:${fields.map(escapeRegExp).join('|')})\\s*[-+*/]?=`);
  const assignmentLines = assignment == null ? [] : sources.linesMatching(result.filePath, assignment, details.window.line, message.line);
  const excerpt = sources.excerpt(result.filePath, [
    [details.load.line, details.load.line],
    [details.window.line, details.window.line],
    ...assignmentLines.map((line): [number, number] => [line, line]),
    [message.line, message.line],
  ]);

  // Round-robin over the columns, so the diagram shows a writer of each column before a second one of any.
  const diagramWriters: { writer: WriterRef; property: string }[] = [];
  for (let rank = 0; explicit.some((entry) => entry.writers.length > rank); rank++) {
    for (const entry of explicit) {
      const writer = entry.writers[rank];
      if (writer != null) diagramWriters.push({ writer, property: entry.property });
    }
  }
  const byFunction = new Map<string, DiagramWriter>();
  for (const { writer, property } of diagramWriters) {
    const known = byFunction.get(writer.function);
    if (known == null) byFunction.set(writer.function, { functionName: writer.function, where: `${path.posix.basename(writer.file)}:${String(writer.line)}`, what: `${writer.operation} sets ${property}` });
    else known.what = `${known.what}, ${property}`;
  }
  const windowParticipant = details.window.kind === 'network' ? 'Network (HTTP/LLM)' : details.window.kind === 'timer' ? 'Timer' : 'Unclassified call';
  return {
    ...base,
    risk,
    riskReason,
    title: `${isRemove ? 'Stale remove' : 'Stale save'} of \`${details.entity?.name ?? details.variable}\` in ${where}`,
    excerpt,
    ...(details.entity == null ? {} : { entity: { name: details.entity.name, file: relative(details.entity.file), line: details.entity.line } }),
    load: details.load,
    window: { kind: details.window.kind, call: details.window.label, line: details.window.line, chain: details.window.chain },
    writtenFields: details.writtenFields,
    ...(atRisk == null ? {} : { columnsAtRisk: atRisk.map((column) => ({ property: column.property, column: column.column, kind: column.kind, stateLike: column.stateLike })) }),
    concurrentWriters: concurrent,
    diagram: staleSaveDiagram({
      functionName: base.function ?? base.location.file,
      entity: details.entity?.name ?? details.variable,
      load: `${details.load.label} loads ${details.variable} (line ${String(details.load.line)})`,
      window: {
        participant: windowParticipant,
        call: `await ${details.window.label} (line ${String(details.window.line)})`,
        chain: details.window.chain,
        kindText: kindText(details.window.kind),
      },
      save: `${details.write.method} (line ${String(details.write.line)}) writes back every loaded column`,
      writers: [...byFunction.values()].slice(0, MAX_DIAGRAM_WRITERS),
      reverted: explicit.map((entry) => entry.property),
    }),
  };
}

/** Writers of an entity's columns (by SQL name; every column when `columns` is undefined), other functions first. */
function writersOf(index: ProjectIndex, entity: EntityInfo, columns: readonly string[] | undefined, exceptFunction: string | undefined): ColumnWriter[] {
  return index.writers
    .filter((writer) => writer.entity === entity && writer.functionName !== exceptFunction)
    .filter((writer) => columns == null || writer.properties.some((property) => columns.includes(entity.columns.find((column) => column.property === property)?.column ?? property)))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

function writerRef(writer: ColumnWriter, relative: (file: string) => string): WriterRef {
  return { function: writer.functionName, file: relative(writer.file), line: writer.line, operation: writer.operation };
}

function diagramWriter(writer: ColumnWriter, relative: (file: string) => string): DiagramWriter {
  return { functionName: writer.functionName, where: `${path.posix.basename(relative(writer.file))}:${String(writer.line)}`, what: `${writer.operation} sets ${writer.properties.join(', ')}` };
}

function recommendationOf(message: Linter.LintMessage, data: Record<string, string>, sources: SourceCache, filePath: string, shownFile: string): Recommendation {
  const suggestion = message.suggestions?.[0];
  const edit = message.fix ?? suggestion?.fix;
  const source = sources.text(filePath);
  const diff = edit == null || source == null ? undefined : unifiedDiff(shownFile, source, applyEdit(source, edit));
  if (message.fix != null) {
    return { kind: 'fix', description: `${data.advice ?? 'Apply the rule\'s fix.'} \`eslint --fix\` applies this change.`, ...(diff == null ? {} : { diff }) };
  }
  if (suggestion != null) {
    return { kind: 'suggestion', description: `${suggestion.desc} (an editor suggestion: review it before applying)`, ...(diff == null ? {} : { diff }) };
  }
  // The rule's advice is the last sentence of its message, after the diagnosis.
  return { kind: 'advice', description: data.advice ?? message.message.split(/(?<=[.!?])\s+(?=[A-Z`])/).at(-1) ?? message.message };
}

function stateGuardTitle(messageId: string): string {
  switch (messageId) {
    case 'checkThenAct':
      return 'Check-then-act';
    case 'whereOverrides':
      return 'Dropped guard';
    case 'uncheckedOutcome':
      return 'Unchecked compare-and-set';
    case 'presenceCheckOnly':
      return 'Compare-and-set count tested only for presence';
    default:
      return 'Unguarded transition';
  }
}

function lockTitle(messageId: string): string {
  switch (messageId) {
    case 'neverReleased':
      return 'Lock never released';
    case 'releaseOnlyInTry':
      return 'Lock released only in `try`';
    case 'releaseOnlyInCatch':
      return 'Lock released only in `catch`';
    case 'throwBeforeTry':
      return 'Throw before the releasing `try`';
    case 'releaseWithoutCheck':
      return 'Release without checking the acquisition';
    default:
      return 'Lock not released on every path';
  }
}

function stripTicks(text: string): string {
  return text.replaceAll('`', '');
}

function escapeRegExp(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** File texts, read once; excerpts and diffs come from the same text ESLint linted. */
class SourceCache {
  private readonly texts = new Map<string, string | undefined>();

  text(file: string): string | undefined {
    if (!this.texts.has(file)) {
      let text: string | undefined;
      try {
        text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      } catch {
        text = undefined;
      }
      this.texts.set(file, text);
    }
    return this.texts.get(file);
  }

  lines(file: string): string[] {
    return this.text(file)?.split(/\r?\n/) ?? [];
  }

  linesMatching(file: string, pattern: RegExp, from: number, to: number): number[] {
    const lines = this.lines(file);
    const found: number[] = [];
    for (let line = from; line <= to && line <= lines.length; line++) if (pattern.test(lines[line - 1] ?? '')) found.push(line);
    return found;
  }

  lastLineMatching(file: string, pattern: RegExp, from: number, to: number): number | undefined {
    return this.linesMatching(file, pattern, from, to).at(-1);
  }

  /** Merged, sorted line ranges, without their common indentation. */
  excerpt(file: string, ranges: readonly [number, number][]): Excerpt {
    const lines = this.lines(file);
    const sorted = ranges
      .map(([start, end]): [number, number] => [Math.max(1, start), Math.min(lines.length, Math.max(start, end))])
      .filter(([start, end]) => start <= end)
      .sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const range of sorted) {
      const last = merged.at(-1);
      if (last != null && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
      else merged.push([...range]);
    }
    const segments = merged.map(([start, end]) => ({ startLine: start, lines: lines.slice(start - 1, end) }));
    const indents = segments.flatMap((segment) => segment.lines.filter((line) => line.trim() !== '').map((line) => /^\s*/.exec(line)?.[0].length ?? 0));
    const indent = indents.length === 0 ? 0 : Math.min(...indents);
    return { segments: segments.map((segment) => ({ startLine: segment.startLine, lines: segment.lines.map((line) => line.slice(indent)) })) };
  }
}
