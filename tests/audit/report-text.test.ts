/**
 * The report's sentences on a project with several writers of the same columns
 * (tests/audit/fixtures/orders-backend): seven functions move an order's `status` from four
 * modules, three more insert orders, and four findings fall on `status` (`ShippingService.ship`
 * writes it blind: a writer, not a finding). Each item of issue 18's "Audit report text" has its
 * assertion here; the whole Markdown report is a file snapshot, so any
 * sentence that changes shows up in review.
 */
import path from 'node:path';

import type { Log } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';

import type { AuditReport, Finding } from '../../src/audit/report.js';
import { repoRoot } from '../support/paths.js';
import type { RunResult } from '../support/run.js';
import { compileSarifSchema, compileSchema, describeRunShort, runCli } from './support.js';

const project = 'tests/audit/fixtures/orders-backend';
const projectDir = path.join(repoRoot, project);

let markdown = '';
let report: AuditReport;
let sarif: Log;
let runs: RunResult[] = [];

beforeAll(async () => {
  runs = await Promise.all([runCli(['audit', project]), runCli(['audit', project, '--format', 'json']), runCli(['audit', project, '--format', 'sarif'])]);
  const [md, json, log] = runs;
  markdown = md?.stdout ?? '';
  report = JSON.parse(json?.stdout ?? '{}') as AuditReport;
  sarif = JSON.parse(log?.stdout ?? '{}') as Log;
}, 300_000);

function finding(title: string): Finding {
  const found = report.findings.find((candidate) => candidate.title.startsWith(title));
  if (found == null) throw new Error(`no finding "${title}" in:\n${report.findings.map((candidate) => candidate.title).join('\n')}`);
  return found;
}

/** The Markdown section of a finding or safe pattern, by its id (`F3`, `S1`). */
function section(id: string): string {
  const parts = markdown.split(/\n(?=### )/);
  const found = parts.find((part) => part.startsWith(`### ${id}. `));
  if (found == null) throw new Error(`no section ${id} in:\n${markdown}`);
  return found;
}

function writersOf(entry: Finding, property: string): string[] {
  return entry.concurrentWriters?.find((writers) => writers.property === property)?.writers.map((writer) => writer.function) ?? [];
}

describe('race-guard audit on a project with several writers of the same columns', () => {
  it('runs: exit 1 (findings), nothing on stderr, a JSON report that validates', () => {
    for (const run of runs) {
      expect(run.code, describeRunShort(run)).toBe(1);
      expect(run.stderr).toBe('');
    }
    const validate = compileSchema(path.join(repoRoot, 'schemas', 'audit-report.schema.json'));
    expect(validate(report), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('renders every sentence as the snapshot has it', async () => {
    await expect(markdown.replace(/^\*\*Tool:\*\* race-guard \S+/m, '**Tool:** race-guard <version>')).toMatchFileSnapshot('./__snapshots__/orders-backend.md');
  });

  it('leaks no placeholder: a dropped guard names the column it checked, a diagram the column written', () => {
    const dropped = finding('Dropped guard');
    expect(dropped.title).toBe('Dropped guard on `status` in `AdminService.forceCancel`');
    expect(dropped.replacedCondition).toEqual({ method: 'where', text: "'status = :status'", line: 13, columns: ['status'] });
    expect(markdown).not.toContain('the state column`');
    expect(markdown).not.toMatch(/the current the /);
    expect(finding('Unguarded transition of `status` in `AdminService.forceCancel`').diagram).toContain('UPDATE status = OrderStatus.CANCELLED without checking the current status');
  });

  it('counts the writers it lists: never "no other writer" of a column others write', () => {
    const forceCancel = finding('Unguarded transition of `status` in `AdminService.forceCancel`');
    expect(writersOf(forceCancel, 'status')).toHaveLength(6);
    expect(forceCancel.riskReason).toBe('6 other functions write `status`, and this write does not check it');
    expect(finding('Dropped guard').riskReason).toBe('6 other functions write `status`, and the condition of `.where()` at line 13 that checked it is dropped');
    for (const entry of report.findings) expect(entry.riskReason, entry.title).not.toMatch(/no other (?:writer|function)/);
  });

  it('gives the whole advice as the recommendation, not a cut sentence', () => {
    expect(finding('Unchecked compare-and-set').recommendation).toEqual({ kind: 'advice', description: 'Check `affected` (e.g. `if (!result.affected) return;`).' });
    expect(markdown).toContain('— Advice: Check `affected` (e.g. `if (!result.affected) return;`).\n');
    expect(markdown).toContain('— Advice: Test the count (e.g. `if (!result.affected) return;`).\n');
    expect(markdown).toContain('— Advice: Make the call first, outside the transaction, then write its result in a short transaction with a compare-and-set update (criteria that check the state you read; test `affected`).\n');
  });

  it('does not list a function that inserts a new row as a concurrent writer of an existing one', () => {
    const inserts = ['CheckoutService.place', 'CheckoutService.placeDraft', 'CheckoutService.placeNew'];
    const listed = report.findings.flatMap((entry) => (entry.concurrentWriters ?? []).flatMap((writers) => writers.writers.map((writer) => writer.function)));
    expect(listed.filter((writer) => inserts.includes(writer))).toEqual([]);
    // The payment writes the status of an existing order: it is a writer.
    expect(writersOf(finding('Unguarded transition of `status` in `AdminService.forceCancel`'), 'status')).toContain('CheckoutService.pay');
    // Version bumps: every update, no insert.
    expect(section(finding('Stale save').id)).toContain('- `version` moves backwards: 9 other functions write `Order` and bump it, which the stale save undoes');
  });

  it('writes plurals and agreement out: no "(s)", "holds" for one guard, "hold" for several', () => {
    expect(markdown).not.toContain('(s)');
    expect(markdown).toContain('only while `status` (state) still holds the value it expects');
    expect(markdown).toContain('only while `status` (state) and `version` (version) still hold the values it expects');
    expect(finding('Stale save').riskReason).toBe('a network call holds the window open, and 2 columns at risk have concurrent writers');
  });

  it('gives every line number in the JSON as an integer, with the fields that name each line', () => {
    const wrong: string[] = [];
    const visit = (value: unknown, where: string): void => {
      if (Array.isArray(value)) {
        value.forEach((item, position) => {
          visit(item, `${where}[${String(position)}]`);
        });
      } else if (value != null && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) if (key !== 'data') visit(inner, `${where}.${key}`);
      } else if (/\.(?:line|\w+Line)$/.test(where) && !Number.isInteger(value)) wrong.push(`${where}: ${JSON.stringify(value)}`);
    };
    visit(report, '$');
    expect(wrong).toEqual([]);
    expect(finding('Lock not released on every path')).toMatchObject({
      lock: { label: 'this.orderLock.acquireLock(…)', line: 24, resource: 'lock' },
      release: { label: 'this.orderLock.releaseLock(…)', line: 27 },
      leakPath: { kind: 'exception', label: 'await axios.post(…)', line: 26 },
    });
    expect(finding('Network call inside a transaction')).toMatchObject({
      holder: { kind: 'transaction', label: 'this.dataSource.transaction()', line: 30 },
      window: { kind: 'network', call: 'axios.post(…)', line: 31 },
    });
    expect(finding('Check-then-act')).toMatchObject({ check: { text: 'order.status !== OrderStatus.PAID', line: 10 }, transition: { property: 'status', expected: 'OrderStatus.PAID' } });
  });

  it('writes SARIF whose driver is race-guard, with URIs relative to the audited directory', () => {
    const validate = compileSarifSchema();
    expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const [run] = sarif.runs;
    expect(run?.tool.driver.name).toBe('race-guard');
    expect(run?.tool.driver.version).toBe(report.tool.version);
    expect(run?.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: `${new URL(`file://${projectDir}`).href}/`, description: { text: 'The audited directory.' } } });
    const locations = [
      ...(run?.artifacts ?? []).map((artifact) => artifact.location),
      ...(run?.results ?? []).flatMap((result) => (result.locations ?? []).map((location) => location.physicalLocation?.artifactLocation)),
    ];
    expect(locations.length).toBeGreaterThan(10);
    for (const location of locations) {
      expect(location?.uriBaseId).toBe('%SRCROOT%');
      expect(location?.uri).toMatch(/^src\/[\w-]+\/[\w.-]+\.ts$/);
    }
  });

  it('lists the writers that matter once per column: other modules first, private members last, the rest counted', () => {
    // The first finding on `status` names three writers and counts the rest…
    const first = report.findings.find((entry) => writersOf(entry, 'status').length > 0);
    expect(first?.id).toBe('F1');
    expect(section('F1')).toContain(
      '- `status` is also written by `CheckoutService.pay` (`src/checkout/checkout.service.ts:26`, update), `RefundsService.refund` (`src/refunds/refunds.service.ts:9`, update), `RefundsService.refundPaid` (`src/refunds/refunds.service.ts:14`, update) and 3 more functions',
    );
    // …and the others point to it.
    expect(markdown.match(/^- `status` is also written by `/gm)).toHaveLength(1);
    const others = report.findings.filter((entry) => entry.id !== 'F1' && writersOf(entry, 'status').length > 0);
    expect(others.map((entry) => entry.id)).toEqual(['F2', 'F3', 'F4']);
    for (const entry of others) expect(section(entry.id)).toMatch(/^- `status` is also written by \d+ other functions \(listed under F1\)$/m);
    // Relevance: in SupportService.cancel's list, the other modules come first and its own class's private method last.
    const cancel = writersOf(finding('Check-then-act of `status` in `SupportService.cancel`'), 'status');
    expect(cancel.at(-1)).toBe('SupportService.reopen');
    expect(cancel.slice(0, -1).every((writer) => !writer.startsWith('SupportService.'))).toBe(true);
    // One entry per function.
    expect(new Set(cancel).size).toBe(cancel.length);
  });

  it('names what a lock finding or a safe pattern is about: locks, query runners, catch-only releases', () => {
    expect(markdown).toContain('### S3. Query runner released in `finally` in `ReportsService.countOrders`');
    expect(markdown).toContain('The query runner created at line 13 is released in a `finally` (line 18), so its connection goes back to the pool even when the work in between throws.');
    expect(finding('Lock released only in `catch`').title).toBe('Lock released only in `catch` in `ReportsService.retryPublish`');
  });
});
