/**
 * The contract between the rules and the audit (src/utils/plugin/report-details.ts): every report
 * every rule makes on its fixture corpora (tests/fixtures) and on the audit's fixture project
 * (tests/audit/fixtures/orders-backend) reaches the observer with typed details of its own rule and
 * message, whose advice is the sentence the message ends with; and the rules' observations name
 * what the audit lists as safe patterns.
 */
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { discoverScope } from '../../src/audit/discover.js';
import { lintScope, type LintOutcome } from '../../src/audit/lint.js';
import { rules } from '../../src/rules/index.js';
import type { ObservedReport } from '../../src/utils/plugin/report-details.js';
import { ORM_TYPES_UNRESOLVED } from '../../src/utils/plugin/unresolved-orm-types.js';
import { repoRoot } from '../support/paths.js';

/**
 * Messages that are no finding: suggestions, and the notice that an ORM's types do not resolve
 * (the audit lists that file as not analysed; its projects always resolve theirs).
 */
const SUGGESTIONS = new Set(['wrapInTryFinally', 'addGuard', 'useAndWhere', 'rewriteToUpdate', 'rewriteToAtomicUpdate', 'rewriteToCompareAndSet', 'rewriteToRelationAdd', 'rewriteToKeyedDelete', 'rewriteToSaverReload', 'rewriteToReloadInSaver', 'rewriteToReloadAfterWindow', 'rewriteToLoaderRecallAfterWindow', ORM_TYPES_UNRESOLVED, 'compareAndSet', 'useTransactionClient']);

let lint: Pick<LintOutcome, 'results' | 'observed' | 'observations' | 'ruleIds'>;

beforeAll(async () => {
  const corpora = await lintScope(discoverScope('tests/fixtures', [], repoRoot), () => undefined);
  const project = await lintScope(discoverScope('tests/audit/fixtures/orders-backend', [], repoRoot), () => undefined);
  lint = {
    results: [...corpora.results, ...project.results],
    observed: [...corpora.observed, ...project.observed],
    observations: [...corpora.observations, ...project.observations],
    ruleIds: corpora.ruleIds,
  };
}, 300_000);

function reports(): { file: string; ruleId: string; messageId: string; message: string; report: ObservedReport | undefined }[] {
  return lint.results.flatMap((result) =>
    result.messages
      .filter((message) => message.ruleId != null && lint.ruleIds.has(message.ruleId))
      .map((message) => ({
        file: `${path.relative(repoRoot, result.filePath)}:${String(message.line)}:${String(message.column)}`,
        ruleId: message.ruleId ?? '',
        messageId: message.messageId ?? '',
        message: message.message,
        report: lint.observed.find(
          (candidate) =>
            candidate.filename === result.filePath && candidate.line === message.line && candidate.column === message.column && candidate.messageId === message.messageId,
        ),
      })),
  );
}

describe('the typed details of every report', () => {
  it('come with every report of every rule, naming its rule and message', () => {
    const found = reports();
    // Every message every rule reports is exercised.
    const messages = Object.entries(rules).flatMap(([name, rule]) => Object.keys(rule.meta.messages).filter((id) => !SUGGESTIONS.has(id)).map((id) => `race-guard/${name}:${id}`));
    expect(new Set(found.map((entry) => `${entry.ruleId}:${entry.messageId}`))).toEqual(new Set(messages));
    const wrong = found
      .filter(({ ruleId, messageId, report }) => report?.details == null || `race-guard/${report.details.rule}` !== ruleId || report.details.messageId !== messageId)
      .map(({ file, ruleId, messageId, report }) => `${file} ${ruleId}:${messageId} → ${report?.details == null ? 'no details' : `${report.details.rule}:${report.details.messageId}`}`);
    expect(wrong).toEqual([]);
  });

  it('carry the advice the message ends with, so no one parses the message for it', () => {
    const wrong = reports()
      .filter(({ message, report }) => report?.details == null || report.details.advice === '' || !message.endsWith(` ${report.details.advice}`))
      .map(({ file, message, report }) => `${file}: "${report?.details?.advice ?? ''}" does not end "${message}"`);
    expect(wrong).toEqual([]);
  });

  it('give lines as numbers', () => {
    const lines: unknown[] = [];
    const visit = (value: unknown, key: string): void => {
      if (Array.isArray(value)) {
        for (const item of value) visit(item, key);
      } else if (value != null && typeof value === 'object') {
        for (const [name, inner] of Object.entries(value)) visit(inner, name);
      } else if (/^(?:line|\w+Line)$/.test(key)) {
        lines.push(value);
      }
    };
    for (const report of lint.observed) visit(report.details, '');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => !Number.isInteger(line))).toEqual([]);
  });
});

describe('the observations', () => {
  it('name the locks released in finally and the guarded updates whose outcome is read', () => {
    const kinds = new Set(lint.observations.map((fact) => `${fact.observation.rule}:${fact.observation.kind}`));
    expect(kinds).toEqual(new Set(['require-lock-release-in-finally:lock-released-in-finally', 'require-state-guard:guarded-update']));
    // A lock that is reported is never also observed as released in finally.
    const reportedLocks = new Set(lint.observed.filter((report) => report.details?.rule === 'require-lock-release-in-finally').map((report) => `${report.filename}:${String(report.line)}`));
    const observedLocks = lint.observations.flatMap((fact) => (fact.observation.kind === 'lock-released-in-finally' ? [`${fact.filename}:${String(fact.observation.lock.line)}`] : []));
    expect(observedLocks.filter((lock) => reportedLocks.has(lock))).toEqual([]);
  });
});
