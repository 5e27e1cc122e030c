import fs from 'node:fs';
import path from 'node:path';

import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { repoRoot } from '../support/paths.js';

/**
 * The Prisma and Drizzle examples, linted through their own `eslint.config.js` (the plugin by
 * package name, the built `dist/`), as `npm run demo` does: one finding of each rule, at the lines
 * their READMEs describe, and the derived write's autofix compiles.
 */

function exampleDir(name: string): string {
  return path.join(repoRoot, 'examples', name);
}

function findings(dir: string, results: ESLint.LintResult[]): string[] {
  return results
    .flatMap((result) => result.messages.map((message) => `${path.relative(dir, result.filePath)}:${String(message.line)} ${message.ruleId ?? 'fatal'}`))
    .sort();
}

function lineOf(file: string, needle: string): number {
  const text = fs.readFileSync(file, 'utf8');
  const index = text.indexOf(needle);
  if (index === -1) throw new Error(`"${needle}" is not in ${file}`);
  return text.slice(0, index).split('\n').length;
}

/** Type errors of the example with `text` in place of `file`. */
function typeErrorsWith(dir: string, file: string, text: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (parsed == null) throw new Error(`cannot read ${dir}/tsconfig.json`);
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    path.resolve(fileName) === file ? ts.createSourceFile(fileName, text, languageVersion, true) : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/** `eslint --fix` on one file: the fixed text, which compiles and lints clean of the rule the second time. */
async function expectFixCompiles(dir: string, file: string, ruleId: string, expected: string): Promise<void> {
  const eslint = new ESLint({ cwd: dir, fix: true });
  const source = fs.readFileSync(file, 'utf8');
  const [first] = await eslint.lintText(source, { filePath: file });
  const fixed = first?.output ?? '';
  expect(fixed).toContain(expected);
  expect(typeErrorsWith(dir, file, fixed)).toEqual([]);
  const [second] = await eslint.lintText(fixed, { filePath: file });
  expect(second?.output).toBeUndefined();
  expect(second?.messages.filter((message) => message.ruleId === ruleId)).toEqual([]);
}

describe('examples/prisma-wallets', () => {
  const dir = exampleDir('prisma-wallets');
  const wallets = path.join(dir, 'src', 'wallet.service.ts');
  const payouts = path.join(dir, 'src', 'payout.worker.ts');

  it('is flagged once per rule, where its README says', async () => {
    const results = await new ESLint({ cwd: dir }).lintFiles(['.']);
    expect(findings(dir, results)).toEqual([
      `src/payout.worker.ts:${String(lineOf(payouts, 'await this.payments.transfer(payout.id, payout.amount);\n      await tx.'))} race-guard/no-network-await-in-transaction`,
      `src/payout.worker.ts:${String(lineOf(payouts, 'await this.prisma.payout.updateMany({'))} race-guard/require-state-guard`,
      `src/wallet.service.ts:${String(lineOf(wallets, 'data: { balance: wallet.balance - amount }'))} race-guard/no-stale-derived-write`,
      `src/wallet.service.ts:${String(lineOf(wallets, 'await this.prisma.wallet.update({ where: { id: fromId }'))} race-guard/no-outer-client-in-transaction`,
    ].sort());
  });

  it('autofixes the derived balance to { decrement: amount }, which compiles', async () => {
    await expectFixCompiles(dir, wallets, 'race-guard/no-stale-derived-write', 'data: { balance: { decrement: amount } }');
  });
});

describe('examples/drizzle-jobs', () => {
  const dir = exampleDir('drizzle-jobs');
  const runner = path.join(dir, 'src', 'job.runner.ts');

  it('is flagged once per rule, where its README says', async () => {
    const results = await new ESLint({ cwd: dir }).lintFiles(['.']);
    expect(findings(dir, results)).toEqual([
      `src/job.runner.ts:${String(lineOf(runner, "await this.db.update(jobs).set({ status: 'running', workerId })"))} race-guard/require-state-guard`,
      `src/job.runner.ts:${String(lineOf(runner, 'credits: account.credits - cost'))} race-guard/no-stale-derived-write`,
      `src/job.runner.ts:${String(lineOf(runner, 'const result = await this.summarizer.summarize(job.id);'))} race-guard/no-network-await-in-transaction`,
      `src/job.runner.ts:${String(lineOf(runner, 'await this.db.update(jobs).set({ attempts: 0 })'))} race-guard/no-outer-client-in-transaction`,
    ].sort());
  });

  it('autofixes the derived credits to sql``, which compiles', async () => {
    await expectFixCompiles(dir, runner, 'race-guard/no-stale-derived-write', 'set({ credits: sql`${accounts.credits} - ${cost}` })');
  });
});
