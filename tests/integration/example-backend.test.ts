import fs from 'node:fs';
import path from 'node:path';

import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { repoRoot } from '../support/paths.js';

/**
 * The example backend is linted through its own `eslint.config.js`, which takes the plugin by
 * package name (the built `dist/`), exactly as a user's project does.
 */
const exampleDir = path.join(repoRoot, 'examples', 'chat-backend');
const responderPath = path.join(exampleDir, 'src', 'ai-responder', 'ai-responder.service.ts');

function findings(results: ESLint.LintResult[]): string[] {
  return results.flatMap((result) =>
    result.messages.map(
      (message) => `${path.relative(exampleDir, result.filePath)}:${String(message.line)} ${message.ruleId ?? 'fatal'}`,
    ),
  );
}

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index === -1) throw new Error(`"${needle}" is not in the example`);
  return text.slice(0, index).split('\n').length;
}

/** Type errors of `text` compiled in place of the responder, with the example's own tsconfig. */
function typeErrorsAsResponder(text: string): string[] {
  const configPath = path.join(exampleDir, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (parsed == null) throw new Error('cannot read the example tsconfig');
  const host = ts.createCompilerHost(parsed.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => (path.resolve(fileName) === responderPath ? text : readFile(fileName));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    path.resolve(fileName) === responderPath
      ? ts.createSourceFile(fileName, text, languageVersion, true)
      : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('examples/chat-backend', () => {
  const responder = fs.readFileSync(responderPath, 'utf8');

  it('is flagged where the audit says it is unsafe, and only there', async () => {
    const eslint = new ESLint({ cwd: exampleDir });
    const results = await eslint.lintFiles(['.']);
    const source = (...segments: string[]): string => fs.readFileSync(path.join(exampleDir, 'src', ...segments), 'utf8');
    const assignment = source('assignment', 'assignment.service.ts');
    // The three files below hold the vulnerable code `npm run race` runs (scenarios 2, 3 and 4).
    const handoff = source('handoff', 'handoff.worker.ts');
    const greeting = source('greeting', 'greeting.service.ts');
    const summary = source('inbox-summary', 'inbox-summary.service.ts');
    // Scenarios 5–7: a derived counter, a spread save and a stale state transition.
    const escalation = source('escalation', 'escalation.service.ts');
    const translator = source('translation', 'snippet-translator.service.ts');
    const autoResolve = source('auto-resolve', 'auto-resolve.service.ts');
    // Scenario 8: a many-to-many relation saved as loaded.
    const tagging = source('tagging', 'tagging.service.ts');
    expect(findings(results).sort()).toEqual([
      `src/ai-responder/ai-responder.service.ts:${String(lineOf(responder, 'await this.conversationRepository.save(conversation)'))} race-guard/no-stale-save`,
      `src/assignment/assignment.service.ts:${String(lineOf(assignment, 'status: ConversationStatus.RESOLVED'))} race-guard/require-state-guard`,
      `src/auto-resolve/auto-resolve.service.ts:${String(lineOf(autoResolve, 'await this.conversationRepository.save(conversation)'))} race-guard/no-stale-save`,
      `src/escalation/escalation.service.ts:${String(lineOf(escalation, 'await this.conversationRepository.save(conversation)'))} race-guard/no-stale-save`,
      `src/greeting/greeting.service.ts:${String(lineOf(greeting, 'await this.visitorLockService.acquireLock(visitorUid)'))} race-guard/require-lock-release-in-finally`,
      `src/handoff/handoff.worker.ts:${String(lineOf(handoff, 'await this.conversationRepository.update('))} race-guard/require-state-guard`,
      // The first of the two LLM calls: the one under the row lock, not the ✅ summarize() after it.
      `src/inbox-summary/inbox-summary.service.ts:${String(lineOf(summary, 'await this.llm.complete(summaryPrompt(history))'))} race-guard/no-network-await-in-transaction`,
      `src/tagging/tagging.service.ts:${String(lineOf(tagging, 'await this.conversationRepository.save(conversation)'))} race-guard/no-stale-save`,
      `src/translation/snippet-translator.service.ts:${String(lineOf(translator, 'await this.conversationRepository.save({ ...conversation'))} race-guard/no-stale-save`,
    ]);
  });

  it('autofixes the stale save to an update() that type-checks, and a second pass changes nothing', async () => {
    const eslint = new ESLint({ cwd: exampleDir, fix: true });
    const [first] = await eslint.lintText(responder, { filePath: responderPath });
    const fixed = first?.output;
    expect(fixed).toBeDefined();
    expect(fixed).toContain(
      'await this.conversationRepository.update({ id: conversation.id }, { lastMessageId: conversation.lastMessageId, lastMessageSnippet: conversation.lastMessageSnippet });',
    );
    // Only the save call changed: comments and assignments stay.
    expect(fixed?.replace(/this\.conversationRepository\.update\(.*\);/, 'this.conversationRepository.save(conversation);')).toBe(responder);
    expect(typeErrorsAsResponder(fixed ?? '')).toEqual([]);
    const [second] = await eslint.lintText(fixed ?? '', { filePath: responderPath });
    expect(second?.output).toBeUndefined();
    expect(second?.messages).toEqual([]);
  });
});
