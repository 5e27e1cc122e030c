import type { DatabaseKind } from './database.js';
import type { ScenarioId, WaitSample } from './scenarios.js';
import type { PluginChange } from './variants.js';

export interface VariantResult {
  anomalies: number;
  /** Anomaly kinds and how often each occurred. */
  kinds: Record<string, number>;
  waits: WaitSample[];
  elapsedMs: number;
}

export interface ScenarioResult {
  id: ScenarioId;
  number: number;
  title: string;
  fix: string;
  anomaly: string;
  runs: number;
  before: VariantResult;
  after: VariantResult;
}

export interface DatabaseResult {
  kind: DatabaseKind;
  label: string;
  scenarios: ScenarioResult[];
}

export interface RaceReport {
  seed: number;
  runs: number;
  changes: PluginChange[];
  databases: DatabaseResult[];
}

export interface Verdict {
  scenarios: number;
  lostBefore: number;
  lostAfter: number;
  /** Why the run fails: scenarios that did not reproduce, or that still lose after the fix. */
  problems: string[];
}

/**
 * The harness proves two things per scenario: the vulnerable code loses (else it reproduced
 * nothing and proves nothing), and the plugin's fix does not.
 */
export function verdict(report: RaceReport): Verdict {
  const problems: string[] = [];
  let scenarios = 0;
  let lostBefore = 0;
  let lostAfter = 0;
  for (const database of report.databases) {
    for (const scenario of database.scenarios) {
      scenarios++;
      lostBefore += scenario.before.anomalies;
      lostAfter += scenario.after.anomalies;
      const name = `${database.kind} #${String(scenario.number)} ${scenario.title}`;
      if (scenario.before.anomalies === 0) problems.push(`${name}: no anomaly in ${String(scenario.runs)} runs of the vulnerable code (not reproduced)`);
      if (scenario.after.anomalies > 0) problems.push(`${name}: ${String(scenario.after.anomalies)} anomalies after the plugin's fix`);
    }
  }
  return { scenarios, lostBefore, lostAfter, problems };
}

/** The last line of every run, exactly this shape. */
export function summaryLine(result: Verdict): string {
  return `race: scenarios=${String(result.scenarios)} lost_before=${String(result.lostBefore)} lost_after=${String(result.lostAfter)}`;
}

export function formatReport(report: RaceReport): string {
  const lines: string[] = [];
  for (const database of report.databases) {
    lines.push('', `## ${database.label}`, '');
    lines.push(
      ...markdownTable(
        ['#', 'scenario', 'fixed by', 'runs', 'anomalies before', 'anomalies after', 'writer wait before', 'writer wait after', 'lost before'],
        database.scenarios.map((scenario) => [
          String(scenario.number),
          scenario.title,
          scenario.fix,
          String(scenario.runs),
          String(scenario.before.anomalies),
          String(scenario.after.anomalies),
          waitText(scenario.before.waits),
          waitText(scenario.after.waits),
          kindsText(scenario.before.kinds),
        ]),
      ),
    );
  }
  const seen = new Map<number, string>();
  for (const database of report.databases) {
    for (const scenario of database.scenarios) seen.set(scenario.number, `${scenario.title}: ${scenario.anomaly}`);
  }
  lines.push('', 'What counts as an anomaly:', ...[...seen].sort(([a], [b]) => a - b).map(([number, text]) => `  ${String(number)}. ${text}`));
  const waits = report.databases.flatMap((database) => database.scenarios.flatMap((scenario) => [...scenario.before.waits, ...scenario.after.waits]));
  if (waits.length > 0) {
    lines.push(
      `Writer wait: median / max over the runs, LLM delay ${ms(Math.min(...waits.map((wait) => wait.llmMs)))}–${ms(Math.max(...waits.map((wait) => wait.llmMs)))}; "held" = most pooled connections PostgreSQL saw idle in a transaction while the LLM request was in flight.`,
    );
  }
  return lines.join('\n');
}

function kindsText(kinds: Record<string, number>): string {
  return Object.entries(kinds)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind} ${String(count)}`)
    .join(', ');
}

function waitText(waits: readonly WaitSample[]): string {
  if (waits.length === 0) return '–';
  const sorted = waits.map((wait) => wait.writerMs).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const max = sorted.at(-1) ?? 0;
  const held = Math.max(...waits.map((wait) => wait.heldConnections));
  return `${ms(median)} / ${ms(max)}, ${String(held)} held`;
}

function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;
}

function markdownTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)];
}

export function formatChanges(changes: readonly PluginChange[], numberOf: (id: ScenarioId) => number): string {
  const lines = ['What the plugin changed in the copies of the examples (built plugin, ESLint Node API; paths in examples/chat-backend unless named):'];
  for (const change of changes) {
    lines.push(`  ${String(numberOf(change.scenario))}. ${change.ruleId} at ${change.file}:${String(change.line)} — ${change.how}`);
    const indent = Math.min(...[...change.removed, ...change.added].filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0));
    for (const removed of change.removed) lines.push(`     - ${removed.slice(indent)}`);
    for (const added of change.added) lines.push(`     + ${added.slice(indent)}`);
  }
  return lines.join('\n');
}
