/**
 * `race-guard audit` run as users run it (the built bin, a child process) on the example backend.
 * Assertions name specific findings, never totals: the example grows as vulnerable services are added.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Log } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';

import type { AuditReport, Finding } from '../../src/audit/report.js';
import { repoRoot } from '../support/paths.js';
import type { RunResult } from '../support/run.js';
import { compileSarifSchema, compileSchema, describeRunShort, exampleDir, exampleLine, runCli } from './support.js';

const responder = 'src/ai-responder/ai-responder.service.ts';
const assignment = 'src/assignment/assignment.service.ts';
const workflow = 'src/workflow/workflow.consumer.ts';

let markdown: RunResult;
let json: RunResult;
let jsonText = '';
let sarif: RunResult;

beforeAll(async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-audit-'));
  const out = path.join(outDir, 'report.json');
  try {
    [markdown, json, sarif] = await Promise.all([
      runCli(['audit', 'examples/chat-backend']),
      runCli(['audit', 'examples/chat-backend', '--format', 'json', '--out', out]),
      runCli(['audit', 'examples/chat-backend', '--format', 'sarif']),
    ]);
    jsonText = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}, 240_000);

function staleSave(report: AuditReport): Finding {
  const saveLine = exampleLine(responder, 'await this.conversationRepository.save(conversation)');
  const finding = report.findings.find((candidate) => candidate.ruleId === 'race-guard/no-stale-save' && candidate.location.file === responder && candidate.location.line === saveLine);
  if (finding == null) throw new Error(`no stale save at ${responder}:${String(saveLine)}:\n${JSON.stringify(report.findings.map((f) => f.title), null, 2)}`);
  return finding;
}

describe('race-guard audit on examples/chat-backend', () => {
  it('exits 1 with a Markdown report naming the stale save, its columns at risk and AssignmentService as their writer', () => {
    expect(markdown.code, describeRunShort(markdown)).toBe(1);
    expect(markdown.stderr).toBe('');
    const report = markdown.stdout;
    const saveLine = exampleLine(responder, 'await this.conversationRepository.save(conversation)');
    const assignLine = exampleLine(assignment, 'const result = await this.conversationRepository.update(\n      { id: conversationId },');
    expect(report).toMatch(/^# Reliability Audit: Race Conditions & State Integrity\n\n\*\*Date:\*\* 2026-01-01/);
    expect(report).toContain('`Conversation`');

    const unsafe = section(report, '## 2. Unsafe patterns', '## 3. Error handling');
    const finding = subsection(unsafe, 'Stale save of `Conversation` in `AiResponderService.handleVisitorMessage`');
    expect(finding).toMatch(/— risk: \*\*High\*\*/);
    expect(finding).toContain(`**File:** \`${responder}:${String(saveLine)}\``);
    expect(finding).toMatch(/\*\*Columns at risk:\*\* [^\n]*`assigneeId` \(`assignee_id`\)/);
    expect(finding).toMatch(/\*\*Columns at risk:\*\* [^\n]*`status`/);
    expect(finding).toContain(`- \`assigneeId\` is also written by \`AssignmentService.assign\` (\`${assignment}:${String(assignLine)}\`, update)`);
    expect(finding).toMatch(/```mermaid\nsequenceDiagram\n[\s\S]*participant \w+ as AssignmentService\.assign[\s\S]*```/);
    // The finding's own function is no concurrent writer of itself.
    expect(finding).not.toMatch(/is also written by [^\n]*`AiResponderService\.handleVisitorMessage`/);

    const safe = section(report, '## 1. Safe patterns found', '## 2. Unsafe patterns');
    const guarded = subsection(safe, 'Guarded update in `WorkflowConsumer.handleInactivity`');
    expect(guarded).toContain(`**File:** \`${workflow}:${String(exampleLine(workflow, 'const result = await this.conversationRepository'))}\``);
    expect(guarded).toContain('`status` (state) and `last_message_id` (guard) still hold the values it expects');
    expect(guarded).toContain(".andWhere('last_message_id = :triggerId', { triggerId: triggerMessageId })");
    expect(subsection(safe, 'Lock released in `finally` in `AiResponderService.handleVisitorMessage`')).toContain('releaseLock(payload.visitorUid, lockId)');
    // The unsafe writers are not listed as safe.
    expect(safe).not.toContain('AssignmentService');

    const recommendations = section(report, '## 4. Recommendations', undefined);
    expect(recommendations).toContain(`\`${responder}:${String(saveLine)}\` — Autofix:`);
    expect(recommendations).toContain(`--- a/${responder}`);
    expect(recommendations).toContain('-      await this.conversationRepository.save(conversation);');
    expect(recommendations).toContain('+      await this.conversationRepository.update({ id: conversation.id }, { lastMessageId: conversation.lastMessageId, lastMessageSnippet: conversation.lastMessageSnippet });');
  });

  it('writes JSON to --out that validates against schemas/audit-report.schema.json and carries the same facts', () => {
    expect(json.code, describeRunShort(json)).toBe(1);
    expect(json.stdout).toBe('');
    const report = JSON.parse(jsonText) as AuditReport;
    const validate = compileSchema(path.join(repoRoot, 'schemas', 'audit-report.schema.json'));
    expect(validate(report), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(report.version).toBe(1);
    expect(report.generatedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(report.scope.entities.map((entity) => entity.name)).toContain('Conversation');

    const finding = staleSave(report);
    expect(finding.risk).toBe('high');
    expect(finding.function).toBe('AiResponderService.handleVisitorMessage');
    expect(finding.window).toMatchObject({ kind: 'network', line: exampleLine(responder, 'let aiResponseText = await this.llm.complete(prompt)') });
    expect(finding.window?.chain).toContain('LlmClient.complete');
    expect(finding.writtenFields?.map((field) => field.property)).toEqual(['lastMessageId', 'lastMessageSnippet']);
    expect(finding.columnsAtRisk?.map((column) => column.property)).toEqual(expect.arrayContaining(['status', 'assigneeId', 'priority']));
    const assigneeWriters = finding.concurrentWriters?.find((entry) => entry.property === 'assigneeId');
    expect(assigneeWriters?.writers).toContainEqual({
      function: 'AssignmentService.assign',
      file: assignment,
      line: exampleLine(assignment, 'const result = await this.conversationRepository.update(\n      { id: conversationId },'),
      operation: 'update',
    });
    expect(finding.recommendation.kind).toBe('fix');

    const guarded = report.safePatterns.find((pattern) => pattern.kind === 'guarded-update' && pattern.function === 'WorkflowConsumer.handleInactivity');
    expect(guarded).toMatchObject({
      location: { file: workflow },
      entity: 'Conversation',
      columns: ['status'],
      guards: [
        { property: 'status', column: 'status', role: 'state' },
        { property: 'lastMessageId', column: 'last_message_id', role: 'guard' },
      ],
    });

    // The schema is strict enough to reject a report that drifts from it.
    expect(validate({ ...report, version: 2 })).toBe(false);
    expect(validate({ ...report, findings: [{ ...finding, risk: 'severe' }] })).toBe(false);
  });

  it('writes SARIF 2.1.0 that validates against the official schema, with rule help URIs and URIs relative to the audited directory', () => {
    expect(sarif.code, describeRunShort(sarif)).toBe(1);
    const log = JSON.parse(sarif.stdout) as Log;
    const validate = compileSarifSchema();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.version).toBe('2.1.0');
    const [runEntry] = log.runs;
    expect(runEntry?.tool.driver).toMatchObject({ name: 'race-guard', version: expect.stringMatching(/^\d+\.\d+\.\d+/) as unknown });
    expect(runEntry?.originalUriBaseIds?.['%SRCROOT%']?.uri).toBe(`${new URL(`file://${exampleDir}`).href}/`);
    expect(runEntry?.tool.driver.rules).toContainEqual(
      expect.objectContaining({
        id: 'race-guard/no-stale-save',
        helpUri: 'https://github.com/race-guard/eslint-plugin-race-guard/blob/main/docs/rules/no-stale-save.md',
      }),
    );
    const result = runEntry?.results?.find((candidate) => candidate.ruleId === 'race-guard/no-stale-save');
    const location = result?.locations?.[0]?.physicalLocation;
    expect(location?.artifactLocation).toEqual({ uri: responder, uriBaseId: '%SRCROOT%', index: expect.any(Number) as unknown });
    expect(location?.region?.startLine).toBe(exampleLine(responder, 'await this.conversationRepository.save(conversation)'));

    // A log that breaks the schema is rejected: the validation can fail.
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
  });
});

/** The text between a heading and the next heading of the same level (or `end`). */
function section(text: string, heading: string, end: string | undefined): string {
  const start = text.indexOf(`${heading}\n`);
  expect(start, `"${heading}" is missing`).toBeGreaterThanOrEqual(0);
  const stop = end == null ? -1 : text.indexOf(`${end}\n`, start);
  return text.slice(start, stop === -1 ? undefined : stop);
}

/** One `### …` subsection whose heading contains `title`. */
function subsection(text: string, title: string): string {
  const parts = text.split(/\n(?=### )/);
  const found = parts.find((part) => part.startsWith('### ') && (part.split('\n')[0] ?? '').includes(title));
  if (found == null) throw new Error(`no subsection "${title}" in:\n${text}`);
  return found;
}
