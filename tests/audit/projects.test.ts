/** Projects the audit has never seen: monorepos, several --project, files that do not parse. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AuditReport } from '../../src/audit/report.js';
import { describeRunShort, runCli } from './support.js';

let workDir = '';

function write(file: string, content: string): void {
  const full = path.join(workDir, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
}

const TSCONFIG = `${JSON.stringify({ compilerOptions: { strict: true, types: [], target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext' }, include: ['src'] })}\n`;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-projects-'));
  // A monorepo: a root tsconfig with shared settings and an empty `files` list, one per package
  // (one of them named like build output).
  write('mono/package.json', '{ "private": true, "workspaces": ["packages/*"] }\n');
  write('mono/tsconfig.json', `${JSON.stringify({ compilerOptions: { strict: true }, files: [] })}\n`);
  write('mono/packages/lib/tsconfig.json', TSCONFIG);
  write('mono/packages/lib/src/index.ts', 'export const lib = 0;\n');
  write('mono/packages/api/tsconfig.json', TSCONFIG);
  write('mono/packages/api/src/index.ts', 'export const api = 1;\n');
  write('mono/packages/worker/tsconfig.json', TSCONFIG);
  write('mono/packages/worker/src/index.ts', 'export const worker = 2;\n');
  write('mono/node_modules/dep/tsconfig.json', TSCONFIG);
  write('mono/node_modules/dep/src/index.ts', 'export const dep = 3;\n');
  // A solution-style tsconfig: no files of its own, references to the packages.
  write('solution/tsconfig.json', `${JSON.stringify({ files: [], references: [{ path: './packages/a' }, { path: './packages/b' }] })}\n`);
  write('solution/packages/a/tsconfig.json', TSCONFIG.replace('"strict":true', '"strict":true,"composite":true'));
  write('solution/packages/a/src/a.ts', 'export const a = 1;\n');
  write('solution/packages/b/tsconfig.json', TSCONFIG.replace('"strict":true', '"strict":true,"composite":true'));
  write('solution/packages/b/src/b.ts', 'export const b = 2;\n');
  // One file that does not parse next to one that does.
  write('broken/tsconfig.json', TSCONFIG);
  write('broken/src/ok.ts', 'export const ok = true;\n');
  write('broken/src/broken.ts', 'export const broken = {\n  missing: 1,\n  ;\n');
});

afterAll(() => {
  if (workDir !== '') fs.rmSync(workDir, { recursive: true, force: true });
});

async function audit(args: string[]): Promise<{ code: number | null; report: AuditReport }> {
  const result = await runCli(['audit', ...args, '--format', 'json'], workDir);
  expect(result.stderr, describeRunShort(result)).toBe('');
  return { code: result.code, report: JSON.parse(result.stdout) as AuditReport };
}

describe('race-guard audit on unfamiliar projects', () => {
  it("finds a monorepo's package tsconfigs (not those under node_modules)", async () => {
    const { code, report } = await audit(['mono']);
    expect(code).toBe(0);
    expect(report.scope.projects).toEqual(['packages/api/tsconfig.json', 'packages/lib/tsconfig.json', 'packages/worker/tsconfig.json']);
    expect(report.scope.files).toBe(3);
  }, 60_000);

  it('follows the references of a solution-style tsconfig', async () => {
    const { report } = await audit(['solution']);
    expect(report.scope.projects).toEqual(['packages/a/tsconfig.json', 'packages/b/tsconfig.json']);
  }, 60_000);

  it('audits exactly the tsconfigs given with several --project', async () => {
    const { report } = await audit(['mono', '--project', 'mono/packages/worker', '--project', 'mono/packages/api/tsconfig.json']);
    expect(report.scope.projects).toEqual(['packages/worker/tsconfig.json', 'packages/api/tsconfig.json']);
  }, 60_000);

  it('reports a file that does not parse and carries on; it fails the run only with --fail-on warn', async () => {
    const { code, report } = await audit(['broken']);
    expect(code).toBe(0);
    expect(report.scope.files).toBe(2);
    expect(report.notAnalysed).toEqual([expect.objectContaining({ file: 'src/broken.ts', line: 3 })]);
    expect(report.notAnalysed[0]?.message).toMatch(/^Parsing error: /);

    const markdown = await runCli(['audit', 'broken', '--fail-on', 'warn'], workDir);
    expect(markdown.code, describeRunShort(markdown)).toBe(1);
    expect(markdown.stdout).toContain('## Files not analysed\n\n- `src/broken.ts:3` — Parsing error: ');
  }, 60_000);
});
