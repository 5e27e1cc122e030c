import type { AuditReport, ConcurrentWriters, Excerpt, Finding, Risk, SafePattern, WriterRef } from './report.js';
import { counted, inlineCode, listText, plural } from './text.js';

/** How many writers of a column a finding names; the rest are counted. */
const MAX_LISTED_WRITERS = 3;
const RESOURCES: Readonly<Record<Extract<SafePattern, { kind: 'lock-released-in-finally' }>['resource'], { title: string; taken: string; freed: string }>> = {
  lock: { title: 'Lock', taken: 'The lock taken', freed: 'it is freed' },
  'advisory-lock': { title: 'Advisory lock', taken: 'The advisory lock taken', freed: 'it is freed' },
  'query-runner': { title: 'Query runner', taken: 'The query runner created', freed: 'its connection goes back to the pool' },
};

/** The report in the shape of a hand-written reliability audit (safe, unsafe, error handling, recommendations). */
export function renderMarkdown(report: AuditReport): string {
  const out: string[] = [];
  const { scope, summary } = report;
  out.push('# Reliability Audit: Race Conditions & State Integrity', '');
  out.push(`**Date:** ${report.generatedAt.slice(0, 10)}  `);
  const entities = scope.entities.length === 0 ? 'no TypeORM entities found' : `${String(scope.entities.length)} ${plural(scope.entities.length, 'entity', 'entities')} (${scope.entities.map((entity) => inlineCode(entity.name)).join(', ')})`;
  out.push(`**Scope:** ${inlineCode(scope.path)} — ${plural(scope.projects.length, 'project', 'projects')} ${scope.projects.map((project) => inlineCode(project)).join(', ')}; ${String(scope.files)} ${plural(scope.files, 'file', 'files')}; ${entities}  `);
  out.push(`**Tool:** ${report.tool.name} ${report.tool.version}, \`recommended\` rules`, '');
  const risks = (['high', 'medium', 'low'] as const).filter((risk) => summary.risk[risk] > 0).map((risk) => `${String(summary.risk[risk])} ${risk}`);
  out.push(
    // The risk counts cover both kinds of finding, so they follow the two counts rather than one.
    `**Summary:** ${String(summary.unsafe)} unsafe ${plural(summary.unsafe, 'pattern', 'patterns')}, ` +
      `${String(summary.errorHandling)} error-handling ${plural(summary.errorHandling, 'finding', 'findings')}` +
      `${risks.length > 0 ? ` (risk of all findings: ${risks.join(', ')})` : ''}, ` +
      `${String(summary.safePatterns)} safe ${plural(summary.safePatterns, 'pattern', 'patterns')}` +
      (summary.notAnalysed > 0 ? `; ${String(summary.notAnalysed)} ${plural(summary.notAnalysed, 'file', 'files')} could not be analysed (see the end)` : '') +
      '.',
    '',
  );

  out.push('## 1. Safe patterns found', '');
  if (report.safePatterns.length === 0) out.push('No guarded update or lock released in `finally` was found.', '');
  for (const pattern of report.safePatterns) out.push(...safePattern(pattern));

  // A column's writers are listed once, in the first finding that names it; later ones point there.
  const listedColumns = new Map<string, string>();
  const unsafe = report.findings.filter((finding) => finding.section === 'unsafe');
  out.push('## 2. Unsafe patterns', '');
  if (unsafe.length === 0) out.push('None found.', '');
  for (const finding of unsafe) out.push(...findingSection(finding, listedColumns));

  const errorHandling = report.findings.filter((finding) => finding.section === 'error-handling');
  const locksInFinally = report.safePatterns.filter((pattern) => pattern.kind === 'lock-released-in-finally');
  out.push('## 3. Error handling', '');
  if (errorHandling.length === 0) {
    out.push(
      locksInFinally.length > 0
        ? `**Status:** Satisfactory. Every lock acquisition found is released in a \`finally\` (${locksInFinally.map((pattern) => pattern.id).join(', ')}), so a crash in between cannot leave it held.`
        : '**Status:** No lock acquisitions were found.',
      '',
    );
  } else {
    out.push(`**Status:** Needs attention — ${String(errorHandling.length)} lock ${plural(errorHandling.length, 'finding', 'findings')}.`, '');
    for (const finding of errorHandling) out.push(...findingSection(finding, listedColumns));
  }

  out.push('## 4. Recommendations', '');
  if (report.findings.length === 0) out.push('Nothing to change.', '');
  report.findings.forEach((finding, position) => {
    const { recommendation } = finding;
    const how = recommendation.kind === 'fix' ? 'Autofix' : recommendation.kind === 'suggestion' ? 'Suggestion' : 'Advice';
    out.push(`${String(position + 1)}. **${finding.id}** ${inlineCode(`${finding.location.file}:${String(finding.location.line)}`)} — ${how}: ${recommendation.description}`);
    if (recommendation.diff != null && recommendation.diff !== '') out.push('', indent(fence(recommendation.diff, 'diff'), '   '));
    out.push('');
  });

  if (report.notAnalysed.length > 0) {
    out.push('## Files not analysed', '');
    for (const entry of report.notAnalysed) out.push(`- ${inlineCode(`${entry.file}${entry.line > 0 ? `:${String(entry.line)}` : ''}`)} — ${entry.message}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function safePattern(pattern: SafePattern): string[] {
  const where = inlineCode(`${pattern.location.file}:${String(pattern.location.line)}`);
  if (pattern.kind === 'guarded-update') {
    const guards = listText(pattern.guards.map((guard) => `${inlineCode(guard.column)} (${guard.role})`));
    const one = pattern.guards.length === 1;
    return [
      `### ${pattern.id}. Guarded update in ${inlineCode(pattern.function)}`,
      `**File:** ${where}`,
      '',
      `Writes ${listText(pattern.columns.map((column) => inlineCode(column)))} of ${inlineCode(pattern.entity)} only while ${guards} still ${one ? 'holds the value' : 'hold the values'} it expects, and checks \`affected\`: a concurrent change makes it a no-op instead of a clobber.`,
      '',
      fence(excerptText(pattern.excerpt), 'ts'),
      '',
    ];
  }
  const resource = RESOURCES[pattern.resource];
  return [
    `### ${pattern.id}. ${resource.title} released in \`finally\` in ${inlineCode(pattern.function)}`,
    `**File:** ${where}`,
    '',
    `${resource.taken} at line ${String(pattern.acquire.line)} is released in a \`finally\` (line ${String(pattern.release.line)}), so ${resource.freed} even when the work in between throws.`,
    '',
    fence(excerptText(pattern.excerpt), 'ts'),
    '',
  ];
}

function findingSection(finding: Finding, listedColumns: Map<string, string>): string[] {
  const rule = finding.helpUri == null ? inlineCode(finding.ruleId) : `[${inlineCode(finding.ruleId)}](${finding.helpUri})`;
  const out = [
    `### ${finding.id}. ${finding.title} — risk: **${riskLabel(finding.risk)}**`,
    `**File:** ${inlineCode(`${finding.location.file}:${String(finding.location.line)}`)} · rule ${rule}`,
    '',
    `> ${finding.message}`,
    '',
    fence(excerptText(finding.excerpt), 'ts'),
    '',
  ];
  if (finding.diagram != null) out.push('**Race window**', '', fence(finding.diagram, 'mermaid'), '');
  if (finding.columnsAtRisk != null) {
    out.push(
      finding.columnsAtRisk.length === 0
        ? '**Columns at risk:** none besides the fields written (a lost update of those only).'
        : `**Columns at risk:** ${finding.columnsAtRisk.map((column) => `${inlineCode(column.property)}${column.column === column.property ? '' : ` (${inlineCode(column.column)})`}`).join(', ')}`,
      '',
    );
  } else if (finding.load != null) {
    // A loaded entity whose class is unknown: every column it loaded goes back.
    out.push('**Columns at risk:** every loaded column (the entity class could not be resolved).', '');
  }
  if (finding.concurrentWriters != null) {
    out.push('**Concurrent writers**', '');
    if (finding.concurrentWriters.length === 0) out.push('- No other function in the project writes these columns; callers of this function running twice still race.');
    for (const entry of finding.concurrentWriters.filter((candidate) => candidate.via === 'explicit')) {
      out.push(`- ${writersLine(finding, entry, listedColumns)}`);
    }
    // Version and update-date columns: one line, since every write bumps all of them.
    const bumped = finding.concurrentWriters.filter((candidate) => candidate.via === 'version-bump');
    const bumpers = new Set(bumped.flatMap((entry) => entry.writers).map((writer) => `${writer.file}\0${writer.function}`)).size;
    if (bumped.length > 0) {
      out.push(
        `- ${listText(bumped.map((entry) => inlineCode(entry.property)))} ${bumped.length === 1 ? 'moves' : 'move'} backwards: ${counted(bumpers, 'other function writes', 'other functions write')} ${finding.entity == null ? 'the entity' : inlineCode(finding.entity.name)} and ${plural(bumpers, 'bumps', 'bump')} ${bumped.length === 1 ? 'it' : 'them'}, which the stale save undoes`,
      );
    }
    out.push('');
  }
  out.push(`**Risk:** ${riskLabel(finding.risk)} — ${finding.riskReason}.`, '');
  return out;
}

/**
 * The writers of one column: the first few (the list is ordered by relevance) and how many more,
 * the first time a finding names the column; afterwards a pointer to that finding.
 */
function writersLine(finding: Finding, entry: ConcurrentWriters, listedColumns: Map<string, string>): string {
  const key = `${finding.entity?.name ?? ''}\0${entry.column}`;
  const listedIn = listedColumns.get(key);
  if (listedIn != null && listedIn !== finding.id) {
    return `${inlineCode(entry.property)} is also written by ${counted(entry.writers.length, 'other function', 'other functions')} (listed under ${listedIn})`;
  }
  listedColumns.set(key, finding.id);
  const shown = entry.writers.slice(0, MAX_LISTED_WRITERS).map(writerText);
  const more = entry.writers.length - shown.length;
  return `${inlineCode(entry.property)} is also written by ${listText(more > 0 ? [...shown, counted(more, 'more function', 'more functions')] : shown)}`;
}

function writerText(writer: WriterRef): string {
  return `${inlineCode(writer.function)} (${inlineCode(`${writer.file}:${String(writer.line)}`)}, ${writer.operation})`;
}

function excerptText(excerpt: Excerpt): string {
  const parts: string[] = [];
  let previousEnd: number | undefined;
  for (const segment of excerpt.segments) {
    if (previousEnd != null && segment.startLine > previousEnd + 1) parts.push('// …');
    parts.push(...segment.lines);
    previousEnd = segment.startLine + segment.lines.length - 1;
  }
  return parts.join('\n');
}

/** A fenced block whose fence is longer than any backtick run inside it. */
function fence(content: string, language: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((match) => match[0].length));
  const marker = '`'.repeat(longest + 1);
  return `${marker}${language}\n${content}\n${marker}`;
}

function indent(text: string, prefix: string): string {
  return text.split('\n').map((line) => (line === '' ? line : `${prefix}${line}`)).join('\n');
}

function riskLabel(risk: Risk): string {
  return risk.charAt(0).toUpperCase() + risk.slice(1);
}
