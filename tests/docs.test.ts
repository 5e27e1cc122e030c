/**
 * Every example in `docs/rules/<name>.md` is linted with only that rule enabled, typed against
 * `tests/fixtures` (examples may import fixture modules, e.g. `./shared/entities.js`).
 *
 * A ```ts block belongs to the nearest heading or marker line above it: one containing ❌ makes it an
 * incorrect example (the rule must report it at least once), one containing ✅ a correct example (the
 * rule must not report it). Other headings end the section. Rule options for a block go in its fence
 * info string as JSON, the way typescript-eslint writes them: ```ts option='{ "allowX": true }'
 *
 * The exact messages of every ❌ example (position, messageId, autofix or not, message, suggestion
 * descriptions) are kept in `tests/__snapshots__/docs/<name>.md.snap`, as typescript-eslint does for
 * its docs: a message that changes or degrades shows up in review. After an intended change, update
 * them with `npx vitest run tests/docs.test.ts -u` and read the diff.
 */
import fs from 'node:fs';
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
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

/** Each example is linted once; its test and the doc's snapshot share the result. */
const lintResults = new Map<Example, Promise<Linter.LintMessage[]>>();

function lintExample(name: string, example: Example): Promise<Linter.LintMessage[]> {
  let result = lintResults.get(example);
  if (result == null) {
    result = createLinter(name, example.options)
      .lintText(example.code, { filePath: path.join(fixturesDir, 'file.ts') })
      .then(([lintResult]) => lintResult?.messages ?? []);
    lintResults.set(example, result);
  }
  return result;
}

/**
 * One message as a reviewer reads it: position and messageId (and whether it has an autofix), the
 * reported source underlined, the message, and the description of each suggestion.
 */
function describeMessage(code: string, message: Linter.LintMessage): string {
  const end = message.endLine == null ? '' : `-${String(message.endLine)}:${String(message.endColumn ?? 0)}`;
  const fix = message.fix == null ? '' : ' (autofix)';
  const out = [`${String(message.line)}:${String(message.column)}${end} ${message.messageId ?? message.ruleId ?? '(no rule)'}${fix}`];
  const sourceLine = code.split('\n')[message.line - 1] ?? '';
  const underlineEnd = message.endLine === message.line && message.endColumn != null ? message.endColumn : sourceLine.length + 1;
  out.push(`    ${sourceLine}`, `    ${' '.repeat(message.column - 1)}${'~'.repeat(Math.max(1, underlineEnd - message.column))}`);
  out.push(...message.message.split('\n').map((line) => `  ${line}`));
  for (const suggestion of message.suggestions ?? []) {
    out.push(`  💡 ${suggestion.messageId ?? ''}: ${suggestion.desc}`);
  }
  return out.join('\n');
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

    for (const example of examples) {
      const { kind, line, code } = example;
      it(`${kind === 'incorrect' ? '❌' : '✅'} example at line ${String(line)}`, async () => {
        const messages = await lintExample(name, example);
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

    it(`❌ example messages match __snapshots__/docs/${name}.md.snap`, async () => {
      // One after the other: the examples share tests/fixtures/file.ts.
      const sections: string[] = [];
      for (const [index, example] of examples.filter((candidate) => candidate.kind === 'incorrect').entries()) {
        const messages = await lintExample(name, example);
        const options = example.options.length === 0 ? '' : ` with options ${JSON.stringify(example.options)}`;
        const body = messages.map((message) => describeMessage(example.code, message)).join('\n\n');
        sections.push(`## ❌ example ${String(index + 1)}${options}\n\n${body === '' ? '(no messages)' : body}\n`);
      }
      const header = `# Messages of the ❌ examples in docs/rules/${name}.md\n\nWritten by tests/docs.test.ts; update with \`npx vitest run tests/docs.test.ts -u\`.\n`;
      await expect([header, ...sections].join('\n')).toMatchFileSnapshot(`./__snapshots__/docs/${name}.md.snap`);
    });
  });
}
