/**
 * Every example in `docs/rules/<name>.md` is linted with only that rule enabled, typed against
 * `tests/fixtures` (examples may import fixture modules, e.g. `./shared/entities.js`).
 *
 * A ```ts block belongs to the nearest heading or marker line above it: one containing ❌ makes it an
 * incorrect example (the rule must report it at least once), one containing ✅ a correct example (the
 * rule must not report it). Other headings end the section. Rule options for a block go in its fence
 * info string as JSON, the way typescript-eslint writes them: ```ts option='{ "allowX": true }'
 */
import fs from 'node:fs';
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

import { rules } from '../src/rules/index.js';
import { fixturesDir } from './rule-tester.js';
import { repoRoot } from './support/paths.js';
import { pluginForESLint } from './support/plugin.js';

type Kind = 'incorrect' | 'correct';

interface Example {
  kind: Kind;
  /** 1-based line of the opening fence in the doc. */
  line: number;
  code: string;
  options: unknown[];
}

const docsDir = path.join(repoRoot, 'docs', 'rules');
const ruleNames = Object.keys(rules).sort();
const docNames = fs.existsSync(docsDir)
  ? fs
      .readdirSync(docsDir)
      .filter((file) => file.endsWith('.md'))
      .map((file) => file.slice(0, -'.md'.length))
      .sort()
  : [];

const HEADING = /^#{1,6}\s/;
const MARKER = /^\W*(❌|✅)\W*(?:in)?correct\b/i;
const FENCE_OPEN = /^(`{3,}|~{3,})\s*(ts|typescript)\b(.*)$/;
const OPTION = /\boption='([^']*)'/;

function kindOf(line: string): Kind | undefined {
  const incorrect = line.includes('❌');
  const correct = line.includes('✅');
  if (incorrect === correct) {
    return undefined;
  }
  return incorrect ? 'incorrect' : 'correct';
}

function extractExamples(markdown: string): Example[] {
  const lines = markdown.split(/\r?\n/);
  const examples: Example[] = [];
  let kind: Kind | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const fence = /^(`{3,}|~{3,})/.exec(line);
    if (fence) {
      const open = FENCE_OPEN.exec(line);
      const start = index;
      const body: string[] = [];
      index++;
      while (index < lines.length && !(lines[index] ?? '').startsWith(fence[1] ?? '```')) {
        body.push(lines[index] ?? '');
        index++;
      }
      if (open && kind) {
        const option = OPTION.exec(open[3] ?? '')?.[1];
        examples.push({
          kind,
          line: start + 1,
          code: `${body.join('\n')}\n`,
          options: option === undefined ? [] : [JSON.parse(option) as unknown],
        });
      }
      continue;
    }
    if (HEADING.test(line)) {
      kind = kindOf(line);
    } else if (MARKER.test(line)) {
      kind = kindOf(line);
    }
  }
  return examples;
}

function createLinter(ruleName: string, options: unknown[]): ESLint {
  return new ESLint({
    cwd: fixturesDir,
    overrideConfigFile: true,
    overrideConfig: {
      files: ['**/*.ts'],
      languageOptions: {
        parser: tsParser,
        parserOptions: { projectService: true, tsconfigRootDir: fixturesDir },
      },
      plugins: { 'race-guard': pluginForESLint },
      rules: { [`race-guard/${ruleName}`]: ['error', ...options] },
    },
  });
}

describe('rule docs', () => {
  it('exist for exactly the rules in the map', () => {
    expect(docNames).toEqual(ruleNames);
  });
});

const cases = docNames.map((name) => ({
  name,
  examples: extractExamples(fs.readFileSync(path.join(docsDir, `${name}.md`), 'utf8')),
}));

for (const { name, examples } of cases) {
  describe(`docs/rules/${name}.md`, () => {
    it('has at least one ❌ and one ✅ example', () => {
      expect(examples.map((example) => example.kind)).toEqual(expect.arrayContaining(['incorrect', 'correct']));
    });

    for (const { kind, line, code, options } of examples) {
      it(`${kind === 'incorrect' ? '❌' : '✅'} example at line ${String(line)}`, async () => {
        const [result] = await createLinter(name, options).lintText(code, {
          filePath: path.join(fixturesDir, 'file.ts'),
        });
        const messages = result?.messages ?? [];
        const details = JSON.stringify(messages, null, 2);
        expect(messages.filter((message) => message.fatal === true), details).toEqual([]);
        const reports = messages.filter((message) => message.ruleId === `race-guard/${name}`);
        if (kind === 'incorrect') {
          expect(reports.length, `expected a report of race-guard/${name}:\n${code}`).toBeGreaterThan(0);
        } else {
          expect(reports, `expected no report of race-guard/${name}:\n${code}`).toEqual([]);
        }
      });
    }
  });
}
