/** Usage and setup errors: exit code 2, one line on stderr, nothing on stdout, never a stack trace. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { cliPath, describeRunShort, exampleDir, runCli } from './support.js';

let workDir = '';

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-cli-errors-'));
  fs.mkdirSync(path.join(workDir, 'no-tsconfig', 'src'), { recursive: true });
  fs.writeFileSync(path.join(workDir, 'no-tsconfig', 'src', 'index.ts'), 'export const answer = 42;\n');
  fs.mkdirSync(path.join(workDir, 'broken-tsconfig'));
  fs.writeFileSync(path.join(workDir, 'broken-tsconfig', 'tsconfig.json'), '{ "compilerOptions": { not json\n');
  // Unterminated, yet TypeScript still finds its sources: only a stricter reader rejects it.
  fs.mkdirSync(path.join(workDir, 'truncated-tsconfig', 'src'), { recursive: true });
  fs.writeFileSync(path.join(workDir, 'truncated-tsconfig', 'tsconfig.json'), '{ "include": ["src"],');
  fs.writeFileSync(path.join(workDir, 'truncated-tsconfig', 'src', 'index.ts'), 'export const answer = 42;\n');
  // TypeORM entities, but no node_modules: nothing the rules could recognise.
  fs.mkdirSync(path.join(workDir, 'uninstalled', 'src'), { recursive: true });
  fs.writeFileSync(path.join(workDir, 'uninstalled', 'tsconfig.json'), '{ "compilerOptions": { "strict": true, "types": [], "experimentalDecorators": true }, "include": ["src"] }\n');
  fs.writeFileSync(path.join(workDir, 'uninstalled', 'src', 'entity.ts'), "import { Entity, PrimaryColumn } from 'typeorm';\n\n@Entity()\nexport class Ticket {\n  @PrimaryColumn() id!: string;\n}\n");
  fs.mkdirSync(path.join(workDir, 'empty-project'));
  fs.writeFileSync(path.join(workDir, 'empty-project', 'tsconfig.json'), '{ "include": ["src"] }\n');
  fs.mkdirSync(path.join(workDir, 'small', 'src'), { recursive: true });
  fs.writeFileSync(path.join(workDir, 'small', 'tsconfig.json'), '{ "compilerOptions": { "strict": true, "types": [] }, "include": ["src"] }\n');
  fs.writeFileSync(path.join(workDir, 'small', 'src', 'index.ts'), 'export const answer = 42;\n');
});

afterAll(() => {
  if (workDir !== '') fs.rmSync(workDir, { recursive: true, force: true });
});

const cases: [string, () => string[], RegExp][] = [
  ['a path that does not exist', () => ['audit', path.join(workDir, 'missing')], /^race-guard: path not found: .*missing$/],
  ['a directory without a tsconfig', () => ['audit', path.join(workDir, 'no-tsconfig')], /^race-guard: no tsconfig\.json in .*no-tsconfig or its subfolders; pass --project <tsconfig\.json>$/],
  ['a tsconfig that is not JSON', () => ['audit', path.join(workDir, 'broken-tsconfig')], /^race-guard: cannot read .*tsconfig\.json: /],
  ['a truncated tsconfig that still lists its sources', () => ['audit', path.join(workDir, 'truncated-tsconfig')], /^race-guard: cannot read tsconfig\.json: '\}' expected\.$/],
  ['a project whose typeorm is not installed', () => ['audit', path.join(workDir, 'uninstalled')], /^race-guard: src\/entity\.ts imports typeorm, which cannot be resolved: install the project's dependencies first/],
  ['a tsconfig without sources', () => ['audit', path.join(workDir, 'empty-project')], /^race-guard: .*empty-project\/tsconfig\.json includes no TypeScript source files$/],
  ['a file that is not a tsconfig', () => ['audit', path.join(workDir, 'small', 'src', 'index.ts')], /^race-guard: .*index\.ts is a file; pass a project directory or its tsconfig\.json$/],
  ['a --project that does not exist', () => ['audit', path.join(workDir, 'small'), '--project', path.join(workDir, 'nowhere.json')], /^race-guard: path not found: .*nowhere\.json$/],
  ['an unwritable --out', () => ['audit', path.join(workDir, 'small'), '--out', path.join(workDir, 'no-such-dir', 'report.md')], /^race-guard: cannot write .*report\.md \(ENOENT\)$/],
  ['no command', () => [], /^race-guard: missing command: race-guard audit \[path\]/],
  ['an unknown command', () => ['lint', '.'], /^race-guard: unknown command "lint"; the only command is audit/],
  ['an unknown option', () => ['audit', '--bogus'], /^race-guard: Unknown option '--bogus'.*\(see race-guard --help\)$/],
  ['a bad --format', () => ['audit', '--format', 'xml'], /^race-guard: --format must be one of md, json, sarif, not "xml"$/],
  ['a bad --fail-on', () => ['audit', '--fail-on', 'never'], /^race-guard: --fail-on must be one of error, warn, off, not "never"$/],
  ['two paths', () => ['audit', 'a', 'b'], /^race-guard: unexpected argument "b"/],
];

describe('race-guard audit usage and setup errors', () => {
  it.each(cases)('%s: exit 2 with one line', async (_name, args, expected) => {
    const result = await runCli(args(), workDir);
    expect(result.code, describeRunShort(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.endsWith('\n')).toBe(true);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it.each(['99999999999999999', 'yesterday', '-5'])('a malformed SOURCE_DATE_EPOCH (%s): exit 2 with one line, before any work', async (value) => {
    const result = await runCli(['audit', path.join(workDir, 'small')], workDir, { SOURCE_DATE_EPOCH: value });
    expect(result.code, describeRunShort(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`race-guard: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 (got '${value}')\n`);
  });

  it('prints its usage for --help and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: race-guard audit \[path\]/);
    expect(result.stdout).toContain('Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or setup error.');
  });

  it('exits 0 on a project without findings, even with the strictest --fail-on', async () => {
    const result = await runCli(['audit', path.join(workDir, 'small'), '--fail-on', 'warn', '--format', 'json']);
    expect(result.code, describeRunShort(result)).toBe(0);
    expect(JSON.parse(result.stdout) as unknown).toMatchObject({ findings: [], notAnalysed: [], scope: { files: 1 } });
  }, 120_000);

  it('stops quietly with the audit\'s exit code when its reader closes the pipe early (`| head`)', async () => {
    const child = spawn(process.execPath, [cliPath, 'audit', exampleDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    // The example has findings: 1, not a crash's 1 with a stack (stderr is empty).
    expect(code).toBe(1);
  }, 120_000);
});
