import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { repoRoot } from '../support/paths.js';
import { run } from '../support/run.js';
import { describeRunShort, exampleDir } from './support.js';

const distDir = path.join(repoRoot, 'dist');

/** Every module `dist/index.js` loads, following relative imports; bare specifiers are collected. */
function importGraph(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.includes(file)) return;
    files.push(file);
    // Comment lines are not imports: tsc keeps comments, and one may quote `import('./x.js')`.
    const text = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(?:\/\/|\/\*|\*)/.test(line))
      .join('\n');
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\('([^']+)'\)/g)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('packaging of the audit', () => {
  it('keeps the plugin entry free of the CLI, the audit and their dependencies', () => {
    const { files, packages } = importGraph(path.join(distDir, 'index.js'));
    expect(files.map((file) => path.relative(distDir, file)).filter((file) => /^(?:audit|cli)[/\\]/.test(file))).toEqual([]);
    for (const heavy of ['ts-morph', 'cli-progress', '@microsoft/eslint-formatter-sarif', 'eslint']) expect(packages).not.toContain(heavy);
    // The walk does see imports: the rules need TypeScript.
    expect(packages).toContain('typescript');
  });

  it('says in one line which peer dependency is missing (exit 2)', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-no-peers-'));
    try {
      fs.cpSync(distDir, path.join(copy, 'dist'), { recursive: true });
      fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(copy, 'package.json'));
      const result = await run(process.execPath, [path.join(copy, 'dist', 'cli', 'race-guard.js'), 'audit', exampleDir], { cwd: copy });
      expect(result.code, describeRunShort(result)).toBe(2);
      expect(result.stderr).toBe('race-guard: typescript is not installed; install it next to eslint-plugin-race-guard (npm i -D typescript)\n');
      const version = await run(process.execPath, [path.join(copy, 'dist', 'cli', 'race-guard.js'), '--version'], { cwd: copy });
      expect(version.stdout.trim()).toBe((JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
