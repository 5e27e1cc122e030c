/**
 * Package-level checks, driven by the rules map: every rule has its files, metadata that tools rely on,
 * and a place in the presets derived independently here; the plugin works through the real `ESLint`
 * class, `defineConfig`, the CLI and `require()`.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import tsParser from '@typescript-eslint/parser';
import type { TSESLint } from '@typescript-eslint/utils';
import { ESLint, type Linter } from 'eslint';
import { defineConfig } from 'eslint/config';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import plugin from '../src/index.js';
import { rules } from '../src/rules/index.js';
import type { RaceGuardDocs } from '../src/utils/plugin/create-rule.js';
import { ORM_TYPES_UNRESOLVED } from '../src/utils/plugin/unresolved-orm-types.js';
import { fixturesDir } from './rule-tester.js';
import { distEntry, eslintBin, parserEntry, repoRoot } from './support/paths.js';
import { pluginForESLint } from './support/plugin.js';
import { describeRun, run } from './support/run.js';

type AnyRule = TSESLint.RuleModule<string, readonly unknown[], RaceGuardDocs>;

const ruleMap = rules as Record<string, AnyRule>;
const ruleNames = Object.keys(ruleMap);

const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  repository: { url: string };
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

/** File base names in `dir` ending with `suffix`, without the suffix, sorted; `[]` if `dir` is absent. */
function baseNames(dir: string, suffix: string, except: readonly string[] = []): string[] {
  const abs = path.join(repoRoot, dir);
  if (!fs.existsSync(abs)) {
    return [];
  }
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => entry.name.slice(0, -suffix.length))
    .filter((name) => !except.includes(name))
    .sort();
}

/** The docs URL for a rule, derived from package.json's repository (not from the rule creator). */
function expectedDocsUrl(ruleName: string): string {
  const repository = packageJson.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  return `${repository}/blob/main/docs/rules/${ruleName}.md`;
}

/** Problems with a JSON schema: open objects, properties without a description, `default`s. */
function schemaProblems(schema: unknown, at: string): string[] {
  if (Array.isArray(schema)) {
    return schema.flatMap((item, index) => schemaProblems(item, `${at}[${String(index)}]`));
  }
  if (typeof schema !== 'object' || schema === null) {
    return [];
  }
  const node = schema as Record<string, unknown>;
  const problems: string[] = [];
  if ('default' in node) {
    problems.push(`${at} has a \`default\`; put defaults in meta.defaultOptions`);
  }
  const properties = (node.properties ?? {}) as Record<string, unknown>;
  if (node.type === 'object' || 'properties' in node) {
    if (node.additionalProperties !== false) {
      problems.push(`${at} is an object schema without \`additionalProperties: false\``);
    }
    for (const [key, property] of Object.entries(properties)) {
      const description = (property as { description?: unknown } | null)?.description;
      if (typeof description !== 'string' || description.trim() === '') {
        problems.push(`${at}.properties.${key} has no description`);
      }
    }
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === 'properties') {
      for (const [name, property] of Object.entries(properties)) {
        problems.push(...schemaProblems(property, `${at}.properties.${name}`));
      }
    } else if (key !== 'enum' && key !== 'const' && key !== 'examples') {
      problems.push(...schemaProblems(child, `${at}.${key}`));
    }
  }
  return problems;
}

/** The rules a preset must enable, recomputed from each rule's `meta.docs.recommended`. */
function expectedPresetRules(preset: 'recommended' | 'strict' | 'all'): Record<string, 'error'> {
  const levels: Record<typeof preset, (string | undefined)[]> = {
    recommended: ['recommended'],
    strict: ['recommended', 'strict'],
    all: ['recommended', 'strict', undefined],
  };
  return Object.fromEntries(
    ruleNames
      .filter((name) => levels[preset].includes(ruleMap[name]?.meta.docs?.recommended))
      .map((name) => [`race-guard/${name}`, 'error' as const]),
  );
}

/** Code in the shape of the audit's stale save, so a rule has something to look at. */
const staleSaveSource = `
interface Conversation { id: number; lastMessageSnippet: string }
interface Repo { findOne(options: object): Promise<Conversation | null>; save(entity: Conversation): Promise<Conversation> }

export async function respond(repo: Repo, id: number): Promise<void> {
  const conversation = await repo.findOne({ where: { id } });
  if (!conversation) return;
  const response = await fetch('http://llm.internal/generate');
  conversation.lastMessageSnippet = await response.text();
  await repo.save(conversation);
}
`;

describe('rule files', () => {
  it('has rules map keys sorted', () => {
    expect(ruleNames).toEqual([...ruleNames].sort());
  });

  it('has a source file for every rule and a rule for every source file', () => {
    expect(baseNames('src/rules', '.ts', ['index'])).toEqual([...ruleNames].sort());
  });

  it('has a test file for every rule and a rule for every test file', () => {
    const testFiles = baseNames('tests/rules', '.test.ts');
    // `<rule>.test.ts` is required; `<rule>.<topic>.test.ts` may add more.
    expect(testFiles.filter((name) => !name.includes('.'))).toEqual([...ruleNames].sort());
    expect([...new Set(testFiles.map((name) => name.split('.')[0]))].sort()).toEqual([...ruleNames].sort());
  });

  it('has a doc for every rule and a rule for every doc', () => {
    expect(baseNames('docs/rules', '.md')).toEqual([...ruleNames].sort());
  });
});

describe.runIf(ruleNames.length > 0).each(ruleNames)('rule %s', (name) => {
  const rule = ruleMap[name] as AnyRule;

  it('links to its docs', () => {
    expect(rule.meta.docs?.url).toBe(expectedDocsUrl(name));
  });

  it('has a valid meta.type', () => {
    expect(['problem', 'suggestion', 'layout']).toContain(rule.meta.type);
  });

  it('declares that it requires type checking', () => {
    expect(rule.meta.docs?.requiresTypeChecking).toBe(true);
  });

  it('has a description in the house style', () => {
    expect(rule.meta.docs?.description).toMatch(/^(Enforce|Require|Disallow) .+[^. ]$/);
  });

  it('names a known preset level, if any', () => {
    expect([undefined, 'recommended', 'strict']).toContain(rule.meta.docs?.recommended);
  });

  it('has Related rules naming other race-guard rules, and Resources linking its source and its tests', () => {
    const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'rules', `${name}.md`), 'utf8');
    const section = (title: string): string => new RegExp(`^## ${title}\\n([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, 'm').exec(doc)?.[1] ?? '';
    const related = [...section('Related rules').matchAll(/\]\(([a-z-]+)\.md\)/g)].map((match) => match[1]);
    expect(related.length, 'a ## Related rules section linking other rule docs').toBeGreaterThan(0);
    for (const other of related) expect(ruleNames, `${name}.md links ${String(other)}.md`).toContain(other);
    expect(related).not.toContain(name);
    const links = [...section('Resources').matchAll(/\]\((\.\.\/\.\.\/[^)]+)\)/g)].map((match) => path.relative(repoRoot, path.resolve(repoRoot, 'docs', 'rules', match[1] ?? '')));
    expect(links).toEqual(expect.arrayContaining([path.join('src', 'rules', `${name}.ts`), path.join('tests', 'rules', `${name}.test.ts`)]));
    for (const link of links) expect(fs.existsSync(path.join(repoRoot, link)), link).toBe(true);
  });

  it('names each option in its docs table by where it is written (a field of an array entry as `option[].field`)', () => {
    expect(optionsTableNames(name).sort()).toEqual(optionPathsOf(rule.meta.schema).sort());
  });

  it('has a closed schema with described properties and no defaults', () => {
    expect(rule.meta.schema).toBeDefined();
    expect(schemaProblems(rule.meta.schema, 'meta.schema')).toEqual([]);
  });
});

/** Every option a schema accepts, by where a user writes it: `locks`, `locks[].acquire`, `options.name`. */
function optionPathsOf(schema: unknown, prefix = ''): string[] {
  if (Array.isArray(schema)) return schema.flatMap((item) => optionPathsOf(item, prefix));
  const properties = (schema as { properties?: Record<string, { type?: unknown; items?: unknown; properties?: unknown }> } | null)?.properties ?? {};
  return Object.entries(properties).flatMap(([name, property]) => [
    `${prefix}${name}`,
    ...(property.type === 'array' ? optionPathsOf(property.items, `${prefix}${name}[].`) : []),
    ...(property.properties != null ? optionPathsOf(property, `${prefix}${name}.`) : []),
  ]);
}

/** The option names in the generated options table of a rule doc. */
function optionsTableNames(ruleName: string): string[] {
  const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'rules', `${ruleName}.md`), 'utf8');
  const table = /<!-- begin auto-generated rule options list -->([\s\S]*?)<!-- end auto-generated rule options list -->/.exec(doc)?.[1] ?? '';
  return table
    .split('\n')
    .slice(3)
    .map((row) => /^\| `([^`]+)`/.exec(row)?.[1])
    .filter((name): name is string => name != null);
}

describe('plugin', () => {
  it('has meta matching package.json', () => {
    expect(plugin.meta).toEqual({
      name: packageJson.name,
      version: packageJson.version,
      namespace: 'race-guard',
    });
  });

  it('exposes the rules map', () => {
    expect(plugin.rules).toBe(rules);
  });

  it.each(['recommended', 'strict', 'all'] as const)('derives the %s config from rule metadata', (preset) => {
    const config = plugin.configs[preset];
    expect(config.name).toBe(`race-guard/${preset}`);
    expect(config).not.toHaveProperty('languageOptions');
    // TypeScript files only: spread as it is, a preset must not reach eslint.config.js.
    expect(config.files).toEqual(['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts']);
    expect(config.plugins?.['race-guard']).toBe(plugin);
    expect(config.rules).toEqual(expectedPresetRules(preset));
  });

  it('has exactly the recommended, strict and all configs', () => {
    expect(Object.keys(plugin.configs).sort()).toEqual(['all', 'recommended', 'strict']);
  });

  it('works through defineConfig extends with the ESLint class', async () => {
    const eslint = new ESLint({
      cwd: fixturesDir,
      overrideConfigFile: true,
      overrideConfig: defineConfig({
        files: ['**/*.ts'],
        extends: [plugin.configs.recommended as Linter.Config],
        languageOptions: {
          parser: tsParser,
          parserOptions: { projectService: true, tsconfigRootDir: fixturesDir },
        },
      }),
    });
    const filePath = path.join(fixturesDir, 'file.ts');

    const config = (await eslint.calculateConfigForFile(filePath)) as { rules?: Record<string, unknown> };
    const enabled = Object.keys(config.rules ?? {})
      .filter((id) => id.startsWith('race-guard/'))
      .sort();
    expect(enabled).toEqual(Object.keys(expectedPresetRules('recommended')).sort());

    const results = await eslint.lintText('export const answer: number = 42;\n', { filePath });
    expect(results.map((result) => result.messages)).toEqual([[]]);
  });
});

/** The audit's stale save against the fixtures' TypeORM entities: no-stale-save reports it. */
const typeormStaleSave = `import type { Repository } from 'typeorm';

import { Conversation } from './shared/entities.js';

export async function respond(repo: Repository<Conversation>, id: string): Promise<void> {
  const conversation = await repo.findOneOrFail({ where: { id } });
  const response = await fetch('http://llm.internal/generate');
  conversation.lastMessageSnippet = await response.text();
  await repo.save(conversation);
}
`;

describe('package.json and lockfile', () => {
  const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; engines?: unknown; dev?: boolean; optional?: boolean }>;
  };

  it('depends on runtime packages by range, as plugins do, and pins devDependencies exactly', () => {
    for (const [name, range] of Object.entries(packageJson.dependencies)) expect(range, name).toMatch(/^\^\d+\.\d+\.\d+$/);
    for (const [name, version] of Object.entries(packageJson.devDependencies)) expect(semver.valid(version), `${name}@${version}`).toBe(version);
  });

  it('keeps the @typescript-eslint packages in lockstep: one floor at runtime, one version in the lockfile', () => {
    const runtime = Object.entries(packageJson.dependencies).filter(([name]) => name.startsWith('@typescript-eslint/'));
    expect(runtime.length).toBeGreaterThan(0);
    expect(new Set(runtime.map(([, range]) => range)).size).toBe(1);
    const locked = Object.entries(lock.packages).filter(([key]) => /^node_modules\/(?:@typescript-eslint\/[^/]+|typescript-eslint)$/.test(key));
    expect(new Set(locked.map(([, entry]) => entry.version))).toEqual(new Set([packageJson.devDependencies['typescript-eslint']]));
    for (const [, range] of runtime) expect(semver.satisfies(packageJson.devDependencies['typescript-eslint'] ?? '', range)).toBe(true);
  });

  it('declares exactly the packages src/ imports: every runtime dependency is used, every import is a dependency or peer', () => {
    const imported = new Set<string>();
    for (const entry of fs.readdirSync(path.join(repoRoot, 'src'), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      // Without comments (a line comment's end may cut a URL in a string: no import is lost that way).
      const text = fs
        .readFileSync(path.join(entry.parentPath, entry.name), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      // Import and export statements, `import()` and `require()`; not the module names rules match in strings.
      for (const match of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^'.][^']*)'|\bimport\('([^'.][^']*)'\)|\brequire\('([^'.][^']*)'\)/gm)) {
        const specifier = match[1] ?? match[2] ?? match[3] ?? '';
        if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        const parts = specifier.split('/');
        imported.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier));
      }
    }
    const declared = new Set([...Object.keys(packageJson.dependencies), ...Object.keys(packageJson.peerDependencies)]);
    expect([...imported].filter((name) => !declared.has(name)).sort()).toEqual([]);
    expect(Object.keys(packageJson.dependencies).filter((name) => !imported.has(name)).sort()).toEqual([]);
  });

  it('keeps ts-morph (the audit\'s, with a TypeScript of its own) an optional peer, so lint-only installs go without it', () => {
    expect(packageJson.dependencies).not.toHaveProperty('ts-morph');
    expect(packageJson.peerDependencies['ts-morph']).toBeDefined();
    expect(packageJson.peerDependenciesMeta?.['ts-morph']?.optional).toBe(true);
  });

  it('installs without EBADENGINE: runtime packages on the oldest Node of every line in engines, the rest on Node 20 as documented', () => {
    const oldest = new semver.Range(packageJson.engines.node).set.map((comparators) => semver.minVersion(comparators.map((comparator) => comparator.value).join(' '))?.version ?? '');
    expect(oldest).toEqual(['20.19.0', '22.13.0', '24.0.0']);
    // Contributors: the oldest Node 20 the package supports and the one running this test.
    const development = ['20.19.0', process.versions.node];
    const refusing = Object.entries(lock.packages).flatMap(([key, entry]) => {
      const node = (entry.engines as { node?: unknown } | undefined)?.node;
      if (key === '' || typeof node !== 'string') return [];
      return (entry.dev === true ? development : oldest)
        .filter((version) => !semver.satisfies(version, node))
        .map((version) => `${key.replace(/^.*node_modules\//, '')}@${entry.version ?? '?'} needs node ${node}, not ${version}`);
    });
    expect(refusing).toEqual([]);
  });
});

describe('user docs', () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

  it("README's minimum versions are package.json's ranges", () => {
    const table = /^### Minimum versions\n([\s\S]*?)\n\n/m.exec(readme)?.[1] ?? '';
    const row = (name: string): string => table.split('\n').find((line) => line.startsWith(`| ${name} `))?.replaceAll('\\|', '|') ?? '';
    expect(row('Node.js')).toContain(`\`${packageJson.engines.node}\``);
    expect(row('ESLint (peer)')).toContain(`\`${packageJson.peerDependencies.eslint ?? ''}\``);
    expect(row('TypeScript (peer)')).toContain(`\`${packageJson.peerDependencies.typescript ?? ''}\``);
    expect(row('`@typescript-eslint/parser`')).toContain(`\`${packageJson.dependencies['@typescript-eslint/parser'] ?? ''}\``);
    expect(row('ts-morph (optional peer)')).toContain(`\`${packageJson.peerDependencies['ts-morph'] ?? ''}\``);
  });

  it('README covers what a new user looks for', () => {
    for (const heading of ['### Minimum versions', '### With typescript-eslint\'s type-checked configs', '### What is analysed', '## Editor setup', '## Continuous integration', '## Versioning']) {
      expect(readme, heading).toContain(`\n${heading}\n`);
    }
    expect(readme).toContain('**The ORM\'s types must resolve.**');
    expect(readme).toContain('**JavaScript\nfiles are not analysed**');
  });

  it('has a CHANGELOG that is packed', () => {
    const changelog = fs.readFileSync(path.join(repoRoot, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(/^# Changelog\n/);
    expect(changelog).toContain('\n## [Unreleased]');
    expect((JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { files: string[] }).files).toContain('CHANGELOG.md');
  });
});

describe('presets as users write them', () => {
  const typed = {
    languageOptions: {
      parser: tsParser,
      parserOptions: { projectService: true, tsconfigRootDir: fixturesDir },
    },
  };

  it.each(['recommended', 'strict', 'all'] as const)(
    'spread in a plain array, %s lints TypeScript and leaves eslint.config.js (no type information) alone',
    async (preset) => {
      const eslint = new ESLint({
        cwd: fixturesDir,
        overrideConfigFile: true,
        overrideConfig: [plugin.configs[preset] as Linter.Config, { files: ['**/*.ts'], ...typed }],
      });
      const configFile = path.join(fixturesDir, 'eslint.config.js');
      const jsConfig = (await eslint.calculateConfigForFile(configFile)) as { rules?: Record<string, unknown> };
      expect(Object.keys(jsConfig.rules ?? {}).filter((id) => id.startsWith('race-guard/'))).toEqual([]);
      // Before the presets carried `files`, this threw the missing-type-information error.
      const [jsResult] = await eslint.lintText('export default [];\n', { filePath: configFile });
      expect(jsResult?.messages).toEqual([]);

      const [tsResult] = await eslint.lintText(typeormStaleSave, { filePath: path.join(fixturesDir, 'file.ts') });
      expect(tsResult?.messages.map((message) => message.ruleId)).toEqual(['race-guard/no-stale-save']);
    },
  );

  it("combines with typescript-eslint's recommendedTypeChecked: README's config, as written there", async () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const block = /^```js\n(\/\/ eslint\.config\.js\n[^`]*?tseslint\.configs\.recommendedTypeChecked[\s\S]*?)^```$/m.exec(readme)?.[1];
    expect(block, "README's recommendedTypeChecked config").toBeDefined();
    // In the fixtures folder, so `import.meta.dirname` is their tsconfig's folder; the plugin resolves
    // by its package name to the build, as in a user's project.
    const configFile = path.join(fixturesDir, `eslint.readme-${String(process.pid)}.config.mjs`);
    fs.writeFileSync(configFile, block ?? '');
    try {
      const eslint = new ESLint({ cwd: fixturesDir, overrideConfigFile: configFile });
      const filePath = path.join(fixturesDir, 'file.ts');
      const config = (await eslint.calculateConfigForFile(filePath)) as { rules?: Record<string, unknown> };
      const enabled = Object.keys(config.rules ?? {});
      expect(enabled.filter((id) => id.startsWith('race-guard/')).sort()).toEqual(Object.keys(expectedPresetRules('recommended')).sort());
      expect(enabled).toContain('@typescript-eslint/no-floating-promises');
      const [result] = await eslint.lintText(`${typeormStaleSave}\nexport function fire(repo: Repository<Conversation>): void {\n  respond(repo, 'x');\n}\n`, { filePath });
      expect(result?.messages.map((message) => message.ruleId)).toEqual(['race-guard/no-stale-save', '@typescript-eslint/no-floating-promises']);
    } finally {
      fs.rmSync(configFile, { force: true });
    }
  });
});

describe.runIf(ruleNames.length > 0)('an ORM whose types do not resolve', () => {
  let workDir = '';

  const write = (file: string, content: string): void => {
    fs.mkdirSync(path.dirname(path.join(workDir, file)), { recursive: true });
    fs.writeFileSync(path.join(workDir, file), content);
  };

  beforeAll(() => {
    // Outside the repository, with no node_modules of its own: as a project before `npm ci`.
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-blind-'));
    write(
      'tsconfig.json',
      `${JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: [], experimentalDecorators: true }, include: ['src'] })}\n`,
    );
    write(
      'src/responder.ts',
      `import { Entity, Column, PrimaryGeneratedColumn } from 'typeorm';
import type { Repository } from 'typeorm';

@Entity()
export class Conversation {
  @PrimaryGeneratedColumn() id!: number;
  @Column() lastMessageSnippet!: string;
}

export async function respond(repo: Repository<Conversation>, id: number): Promise<void> {
  const conversation = await repo.findOneOrFail({ where: { id } });
  const response = await fetch('http://llm.internal/generate');
  conversation.lastMessageSnippet = await response.text();
  await repo.save(conversation);
}
`,
    );
    write('src/plain.ts', 'export const answer = 42;\n');
    write('src/drizzle.ts', "export { eq } from 'drizzle-orm';\n");
    // Installed, but never generated: the package resolves, the client it re-exports does not.
    write('node_modules/@prisma/client/package.json', `${JSON.stringify({ name: '@prisma/client', version: '6.0.0', types: 'index.d.ts' })}\n`);
    write('node_modules/@prisma/client/index.d.ts', "export * from '.prisma/client/default';\n");
    write('src/prisma.ts', "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n");
    // A resolving ORM import: nothing to say.
    write(
      'node_modules/drizzle-orm/package.json',
      `${JSON.stringify({ name: 'drizzle-orm', version: '0.40.0', types: 'index.d.ts', exports: { '.': { types: './index.d.ts' } } })}\n`,
    );
    write('node_modules/drizzle-orm/index.d.ts', 'export declare function eq(left: unknown, right: unknown): unknown;\n');
    // A deep import the package's `exports` map hides, while its entry resolves: not blind.
    write('node_modules/drizzle-orm/internal/hidden.d.ts', 'export declare const hidden: number;\n');
    write('src/drizzle-internals.ts', "export type { hidden } from 'drizzle-orm/internal/hidden';\n");
    // A deep import of a package that is not installed at all: blind.
    write('src/typeorm-internals.ts', "export { PlatformTools } from 'typeorm/platform/PlatformTools';\n");
  });

  afterAll(() => {
    if (workDir !== '') fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('says so once per file, on the first such import, however many rules are on', async () => {
    const eslint = new ESLint({
      cwd: workDir,
      overrideConfigFile: true,
      overrideConfig: [
        plugin.configs.all as Linter.Config,
        { files: ['**/*.ts'], languageOptions: { parser: tsParser, parserOptions: { projectService: true, tsconfigRootDir: workDir } } },
      ],
    });
    const results = await eslint.lintFiles(['src']);
    const byFile = Object.fromEntries(
      results.map((result) => [
        path.relative(workDir, result.filePath),
        result.messages.map(({ ruleId, messageId, line, column, endLine, endColumn, message }) => ({ ruleId, messageId, line, column, endLine, endColumn, message })),
      ]),
    );
    const install = "Install the project's dependencies (`npm ci`, `pnpm install` or `yarn install`)";
    const notice = (module: string, line: number, column: number, fix: string): object => ({
      // The first rule ESLint starts on the file says it; which one depends on the config's order.
      ruleId: expect.stringMatching(/^race-guard\//) as unknown,
      messageId: ORM_TYPES_UNRESOLVED,
      line,
      column,
      endLine: line,
      endColumn: column + module.length + 2,
      message: `\`${module}\` is imported here, but its types do not resolve: race-guard cannot tell what its calls do, so its findings in this file are incomplete. ${fix}`,
    });
    expect(byFile).toEqual({
      [path.join('src', 'drizzle.ts')]: [],
      [path.join('src', 'drizzle-internals.ts')]: [],
      [path.join('src', 'typeorm-internals.ts')]: [notice('typeorm/platform/PlatformTools', 1, 31, `${install} and lint again.`)],
      [path.join('src', 'plain.ts')]: [],
      [path.join('src', 'prisma.ts')]: [notice('@prisma/client', 1, 30, `${install}, run \`prisma generate\`, and lint again.`)],
      [path.join('src', 'responder.ts')]: [notice('typeorm', 1, 56, `${install} and lint again.`)],
    });
  });

  it('says nothing when the types resolve (the fixtures import typeorm)', async () => {
    const eslint = new ESLint({
      cwd: fixturesDir,
      overrideConfigFile: true,
      overrideConfig: [
        plugin.configs.all as Linter.Config,
        { files: ['**/*.ts'], languageOptions: { parser: tsParser, parserOptions: { projectService: true, tsconfigRootDir: fixturesDir } } },
      ],
    });
    const [result] = await eslint.lintText(typeormStaleSave, { filePath: path.join(fixturesDir, 'file.ts') });
    expect(result?.messages.map((message) => message.messageId)).toEqual(['staleSave']);
  });
});

describe('built package', () => {
  /** A JSON-able summary of the plugin object, computed the same way in every module system. */
  const shapeSource = `
    const shape = (p) => ({
      keys: Object.keys(p).sort(),
      meta: p.meta,
      rules: Object.fromEntries(Object.entries(p.rules).map(([n, r]) => [n, { type: r.meta.type, create: typeof r.create }])),
      configs: Object.fromEntries(Object.entries(p.configs).map(([n, c]) => [n, { name: c.name, rules: c.rules, self: c.plugins['race-guard'] === p }])),
    });`;

  it('returns the same plugin from require() and import', async () => {
    const required = await run(
      process.execPath,
      ['-e', `${shapeSource}\nconsole.log(JSON.stringify(shape(require(process.argv[1]))));`, distEntry],
      { cwd: repoRoot },
    );
    expect(required.code, describeRun(required)).toBe(0);

    const imported = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `${shapeSource}\nconst { default: p } = await import(process.argv[1]);\nconsole.log(JSON.stringify(shape(p)));`,
        pathToFileURL(distEntry).href,
      ],
      { cwd: repoRoot },
    );
    expect(imported.code, describeRun(imported)).toBe(0);

    const fromRequire: unknown = JSON.parse(required.stdout);
    expect(fromRequire).toEqual(JSON.parse(imported.stdout));
    // And the build is the current source.
    expect(fromRequire).toEqual({
      keys: ['configs', 'meta', 'rules'],
      meta: plugin.meta,
      rules: Object.fromEntries(ruleNames.map((name) => [name, { type: ruleMap[name]?.meta.type, create: 'function' }])),
      configs: Object.fromEntries(
        Object.entries(plugin.configs).map(([preset, config]) => [preset, { name: config.name, rules: config.rules, self: true }]),
      ),
    });
  });
});

describe('the lint path', () => {
  it('never loads the audit, ts-morph or the audit-only packages while linting the example backend', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-lint-path-'));
    try {
      // ESM imports go through the resolve hook; CommonJS packages (ts-morph is one) land in require.cache.
      fs.writeFileSync(
        path.join(dir, 'hooks.mjs'),
        `export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/[\\\\/]dist[\\\\/](?:audit|cli)[\\\\/]|[\\\\/]node_modules[\\\\/](?:ts-morph|@ts-morph|cli-progress|@microsoft[\\\\/]eslint-formatter-sarif)[\\\\/]/.test(result.url)) {
    throw new Error('the lint path loaded ' + result.url);
  }
  return result;
}
`,
      );
      fs.writeFileSync(
        path.join(dir, 'lint.mjs'),
        `import { register, createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
register(pathToFileURL(${JSON.stringify(path.join(dir, 'hooks.mjs'))}));
const require = createRequire(${JSON.stringify(path.join(repoRoot, 'package.json'))});
const { ESLint } = await import(pathToFileURL(require.resolve('eslint')).href);
const eslint = new ESLint({ cwd: ${JSON.stringify(path.join(repoRoot, 'examples', 'chat-backend'))} });
const results = await eslint.lintFiles(['src']);
const loaded = Object.keys(require.cache).filter((file) => /[\\\\/]node_modules[\\\\/](?:ts-morph|@ts-morph|cli-progress|@microsoft[\\\\/]eslint-formatter-sarif)[\\\\/]/.test(file));
console.log(JSON.stringify({ findings: results.reduce((sum, result) => sum + result.messages.length, 0), fatal: results.flatMap((result) => result.messages.filter((message) => message.fatal)), loaded }));
`,
      );
      const result = await run(process.execPath, [path.join(dir, 'lint.mjs')], { cwd: repoRoot });
      expect(result.code, describeRun(result)).toBe(0);
      const outcome = JSON.parse(result.stdout) as { findings: number; fatal: unknown[]; loaded: string[] };
      expect(outcome.fatal).toEqual([]);
      // The walk did lint: the example's findings are there.
      expect(outcome.findings).toBeGreaterThan(0);
      expect(outcome.loaded).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.runIf(ruleNames.length > 0)('misconfiguration', () => {
  const ruleName = ruleNames[0] ?? '';
  const ruleId = `race-guard/${ruleName}`;
  let workDir = '';

  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-untyped-'));
    fs.writeFileSync(path.join(workDir, 'file.ts'), staleSaveSource);
    fs.writeFileSync(
      path.join(workDir, 'eslint.config.mjs'),
      [
        `import parser from ${JSON.stringify(pathToFileURL(parserEntry).href)};`,
        `import plugin from ${JSON.stringify(pathToFileURL(distEntry).href)};`,
        'export default [{',
        "  files: ['**/*.ts'],",
        '  languageOptions: { parser },',
        "  plugins: { 'race-guard': plugin },",
        `  rules: { ${JSON.stringify(ruleId)}: 'error' },`,
        '}];',
        '',
      ].join('\n'),
    );
  });

  afterAll(() => {
    if (workDir !== '') {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });

  it('explains missing type information through the CLI, without a stack trace', async () => {
    const result = await run(process.execPath, [eslintBin, 'file.ts'], { cwd: workDir });
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toContain(`${ruleId} needs type information`);
    expect(result.stderr).toContain('projectService');
    expect(result.stderr).not.toMatch(/^ {4}at /m);
  });

  it('rejects an unknown option with ESLint’s schema message', async () => {
    const eslint = new ESLint({
      cwd: fixturesDir,
      overrideConfigFile: true,
      overrideConfig: {
        files: ['**/*.ts'],
        languageOptions: {
          parser: tsParser,
          parserOptions: { projectService: true, tsconfigRootDir: fixturesDir },
        },
        plugins: { 'race-guard': pluginForESLint },
        rules: { [ruleId]: ['error', { notARealOption: true }] },
      },
    });
    await expect(
      eslint.lintText('export {};\n', { filePath: path.join(fixturesDir, 'file.ts') }),
    ).rejects.toThrow(
      new RegExp(
        `Key "rules": Key "${ruleId}":[\\s\\S]*should NOT have (additional properties|more than 0 items)`,
      ),
    );
  });
});
