/**
 * The audit's setup, checked before it reports anything: a TypeScript outside the peer range (npm's
 * `latest` is 7.x, which has no compiler API) and a missing ts-morph (an optional peer) are one line
 * each with exit code 2; a file whose ORM types do not resolve is listed with the files that could
 * not be fully analysed instead of being reported as safe.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AuditReport } from '../../src/audit/report.js';
import { repoRoot } from '../support/paths.js';
import { run } from '../support/run.js';
import { describeRunShort, exampleDir, runCli } from './support.js';

const peerRange = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> })
  .peerDependencies;

let workDir = '';

function write(file: string, content: string): void {
  const full = path.join(workDir, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
}

/** A copy of the built CLI next to a `node_modules` of our choosing, as an install would lay it out. */
function installCopy(name: string, nodeModules: (dir: string) => void): string {
  const dir = path.join(workDir, name);
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.cpSync(path.join(repoRoot, 'dist'), path.join(dir, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
  nodeModules(path.join(dir, 'node_modules'));
  return path.join(dir, 'dist', 'cli', 'race-guard.js');
}

/** A `typescript` package of the given version; 7.x is shaped as published: its main entry exports only the version. */
function fakeTypeScript(nodeModules: string, version: string): void {
  const dir = path.join(nodeModules, 'typescript');
  fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
  const compilerApi = !version.startsWith('7.');
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'typescript', version, ...(compilerApi ? { main: './lib/typescript.js' } : { exports: { './package.json': './package.json', '.': './lib/version.cjs' } }) })}\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'lib', compilerApi ? 'typescript.js' : 'version.cjs'),
    compilerApi
      ? `exports.version = ${JSON.stringify(version)};\nexports.getParsedCommandLineOfConfigFile = () => { throw new Error('must not be called'); };\n`
      : `exports.version = ${JSON.stringify(version)};\nexports.versionMajorMinor = ${JSON.stringify(version.split('.').slice(0, 2).join('.'))};\n`,
  );
}

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-setup-checks-'));
  // Prisma's client imported, and no node_modules: its calls are `any`.
  write('prisma-uninstalled/tsconfig.json', '{ "compilerOptions": { "strict": true, "types": [], "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext" }, "include": ["src"] }\n');
  write(
    'prisma-uninstalled/src/tickets.ts',
    "import { PrismaClient } from '@prisma/client';\n\nconst prisma = new PrismaClient();\n\nexport async function close(id: string): Promise<void> {\n  await prisma.ticket.update({ where: { id }, data: { status: 'closed' } });\n}\n",
  );
  write('prisma-uninstalled/src/plain.ts', 'export const answer = 42;\n');
});

afterAll(() => {
  if (workDir !== '') fs.rmSync(workDir, { recursive: true, force: true });
});

describe('race-guard audit: setup checks', () => {
  it.each(['7.0.2', '5.8.3', '6.1.0-dev.20260101'])('refuses TypeScript %s in one line naming the supported range (exit 2)', async (version) => {
    const cli = installCopy(`typescript-${version}`, (nodeModules) => {
      fakeTypeScript(nodeModules, version);
    });
    const result = await run(process.execPath, [cli, 'audit', exampleDir], { cwd: workDir });
    expect(result.code, describeRunShort(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `race-guard: TypeScript ${version} is not supported: race-guard needs typescript ${peerRange.typescript ?? ''}; install one next to eslint-plugin-race-guard (npm i -D "typescript@${peerRange.typescript ?? ''}")\n`,
    );
  });

  it('says in one line that the audit needs ts-morph, an optional peer, when it is not installed (exit 2)', async () => {
    const cli = installCopy('no-ts-morph', (nodeModules) => {
      // Everything this repository installed except ts-morph.
      for (const entry of fs.readdirSync(path.join(repoRoot, 'node_modules'))) {
        if (entry === 'ts-morph' || entry === '.bin' || entry.startsWith('.')) continue;
        fs.symlinkSync(path.join(repoRoot, 'node_modules', entry), path.join(nodeModules, entry), 'dir');
      }
    });
    const result = await run(process.execPath, [cli, 'audit', exampleDir], { cwd: workDir });
    expect(result.code, describeRunShort(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `race-guard: the audit needs ts-morph, an optional peer dependency the lint rules do not use: install it next to eslint-plugin-race-guard (npm i -D "ts-morph@${peerRange['ts-morph'] ?? ''}")\n`,
    );
  });

  it('lists a file whose ORM types do not resolve as not fully analysed, once, and fails on it only with --fail-on warn', async () => {
    const result = await runCli(['audit', path.join(workDir, 'prisma-uninstalled'), '--format', 'json'], workDir);
    expect(result.code, describeRunShort(result)).toBe(0);
    const report = JSON.parse(result.stdout) as AuditReport;
    expect(report.findings).toEqual([]);
    expect(report.notAnalysed).toEqual([
      {
        file: 'src/tickets.ts',
        line: 1,
        column: 30,
        message:
          "race-guard could not fully analyse this file: `@prisma/client` is imported here, but its types do not resolve: race-guard cannot tell what its calls do, so its findings in this file are incomplete. Install the project's dependencies (`npm ci`, `pnpm install` or `yarn install`), run `prisma generate`, and lint again.",
      },
    ]);
    const strict = await runCli(['audit', path.join(workDir, 'prisma-uninstalled'), '--format', 'json', '--fail-on', 'warn'], workDir);
    expect(strict.code, describeRunShort(strict)).toBe(1);
  });
});
