/**
 * The plugin as users get it: `npm pack` the build, install the tarball into a fresh project outside
 * the repository (from the local npm cache), and run the ESLint CLI and the `race-guard audit` bin over
 * the audit's stale save: with the config README shows and with a preset spread as it is, without
 * ts-morph (an optional peer only the audit needs), and at the floor of every range the package
 * declares (ESLint, TypeScript, @typescript-eslint). Then a Prisma project (its client generated
 * into the project, as the prisma-client generator does) and a Drizzle project, linted the same way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { repoRoot } from '../support/paths.js';
import { describeRun, run, type RunResult } from '../support/run.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** The exact versions this repository tests with, so the install is served from the npm cache. */
function installedVersion(name: string): string {
  const manifest = path.join(repoRoot, 'node_modules', name, 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The environment without the `npm run` variables of the outer package, which would leak into it. */
function cleanEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || keep.has(key.toLowerCase())),
  );
}

/**
 * The configs README.md shows, taken from it: the first with `defineConfig`, the second a preset
 * spread as it is in a plain array (the presets carry TypeScript globs, so the typed rules never
 * reach eslint.config.js, which `eslint .` lints too).
 */
const readmeConfigs = [...fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8').matchAll(/^```js\n(\/\/ eslint\.config\.js\n[\s\S]*?)^```$/gm)].map(
  (match) => match[1] ?? '',
);
const README_CONFIG = readmeConfigs.find((config) => config.includes('defineConfig({') && config.includes('tsParser')) ?? '';
const SPREAD_CONFIG = readmeConfigs.find((config) => config.includes('export default [\n  raceGuard.configs.recommended,')) ?? '';

/** The oldest versions the package declares it works with: its peer ranges and its @typescript-eslint range. */
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
function floorOf(range: string | undefined): string {
  const floor = /^(?:\^|>=)?(\d+\.\d+\.\d+)/.exec(range ?? '')?.[1];
  if (floor == null) throw new Error(`no floor in the range "${range ?? ''}"`);
  return floor;
}
/** Floors that were never published as a release, and the first release that was. */
const FIRST_RELEASE: Record<string, string> = { 'typescript@5.9.0': '5.9.2' };
const firstRelease = (name: string, floor: string): string => FIRST_RELEASE[`${name}@${floor}`] ?? floor;
const FLOOR = {
  eslint: firstRelease('eslint', floorOf(manifest.peerDependencies.eslint)),
  typescript: firstRelease('typescript', floorOf(manifest.peerDependencies.typescript)),
  typescriptEslint: firstRelease('@typescript-eslint/utils', floorOf(manifest.dependencies['@typescript-eslint/utils'])),
};

const files: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'race-guard-packed-smoke', private: true, type: 'module' }, null, 2)}\n`,
  'tsconfig.json': `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        strictPropertyInitialization: false,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        skipLibCheck: true,
        types: ['node'],
        noEmit: true,
      },
      include: ['src'],
    },
    null,
    2,
  )}\n`,
  'eslint.config.js': README_CONFIG,
  'src/conversation.entity.ts': `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class Conversation {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  status: string;

  @Column({ type: 'varchar', nullable: true })
  assignedAgentId: string | null;

  @Column({ type: 'varchar', nullable: true })
  lastMessageId: string | null;

  @Column({ default: '' })
  lastMessageSnippet: string;
}
`,
  // The audit's unsafe pattern: load, a long network call, mutate, save the stale object.
  'src/ai-responder.ts': `import type { Repository } from 'typeorm';

import { Conversation } from './conversation.entity.js';

export class AiResponderService {
  constructor(private readonly conversationRepository: Repository<Conversation>) {}

  async handleVisitorMessage(conversationId: number): Promise<void> {
    const conversation = await this.conversationRepository.findOne({ where: { id: conversationId } });
    if (!conversation) {
      return;
    }
    const response = await fetch('http://llm.internal/v1/generate', {
      method: 'POST',
      body: JSON.stringify({ conversationId }),
    });
    const aiResponseText = await response.text();
    conversation.lastMessageSnippet = aiResponseText;
    await this.conversationRepository.save(conversation);
  }
}
`,
  // The audit's safe pattern: one guarded UPDATE. Nothing may be reported here.
  'src/workflow.consumer.ts': `import type { Repository } from 'typeorm';

import { Conversation } from './conversation.entity.js';

export class WorkflowConsumer {
  constructor(private readonly conversationRepo: Repository<Conversation>) {}

  async markPending(conversationId: number, triggerMessageId: string): Promise<boolean> {
    const result = await this.conversationRepo
      .createQueryBuilder()
      .update(Conversation)
      .set({ status: 'pending' })
      .where('id = :id', { id: conversationId })
      .andWhere('status = :status', { status: 'open' })
      .andWhere('last_message_id = :triggerId', { triggerId: triggerMessageId })
      .execute();
    return result.affected === 1;
  }
}
`,
};

interface Finding {
  file: string;
  ruleId: string | null;
  line: number;
  column: number;
}

function findings(result: RunResult, projectDir: string): Finding[] {
  const report = JSON.parse(result.stdout) as {
    filePath: string;
    messages: { ruleId: string | null; line: number; column: number }[];
  }[];
  return report
    .flatMap(({ filePath, messages }) =>
      messages.map(({ ruleId, line, column }) => ({
        file: path.relative(projectDir, filePath),
        ruleId,
        line,
        column,
      })),
    )
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

function sortedRuleIds(list: readonly Finding[]): (string | null)[] {
  return list.map((finding) => finding.ruleId).sort();
}

let workDir = '';
let tarball = '';

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-guard-packed-'));
  // dist/ is fresh: `npm test` builds and vitest's global setup rebuilds when stale. Skip the
  // prepack build so other test files never read a half-written dist/.
  const pack = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', workDir], {
    cwd: repoRoot,
    env: cleanEnv(),
  });
  expect(pack.code, describeRun(pack)).toBe(0);
  const [packed] = JSON.parse(pack.stdout) as { filename: string }[];
  tarball = path.join(workDir, packed?.filename ?? '');
  expect(fs.existsSync(tarball), `npm pack wrote no ${tarball}`).toBe(true);
}, 600_000);

afterAll(() => {
  if (workDir !== '') {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
});

/** Writes a project's files into a directory of its own under the work directory. */
function writeProject(name: string, projectFiles: Readonly<Record<string, string>>): string {
  const dir = path.join(workDir, name);
  for (const [file, content] of Object.entries(projectFiles)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** `npm install` of the tarball and the given packages, at the versions this repository tests with, from the npm cache. */
async function installInto(dir: string, packages: readonly string[], extra: readonly string[] = []): Promise<void> {
  const install = await run(
    npm,
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-update-notifier', ...extra, '--save-dev', tarball, ...packages.map((name) => `${name}@${installedVersion(name)}`)],
    { cwd: dir, env: cleanEnv() },
  );
  expect(install.code, describeRun(install)).toBe(0);
}

/** `eslint .` in a project (its config file included); the findings, after checking ESLint ran and reported. */
async function lintIn(dir: string, extra: readonly string[] = []): Promise<Finding[]> {
  const result = await run(npx, ['--no', '--', 'eslint', '-f', 'json', ...extra, '.'], { cwd: dir, env: cleanEnv() });
  // Exit code 1: ESLint ran and reported errors (2 would be a crash, such as a typed rule on eslint.config.js).
  expect(result.code, describeRun(result)).toBe(1);
  return findings(result, dir);
}

describe('packed plugin in a fresh project', () => {
  let projectDir = '';

  beforeAll(async () => {
    projectDir = writeProject('project', files);
    const env = cleanEnv();

    const install = await run(
      npm,
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--no-update-notifier',
        '--save-dev',
        tarball,
        ...['eslint', '@typescript-eslint/parser', 'typeorm', 'typescript', '@types/node'].map(
          (name) => `${name}@${installedVersion(name)}`,
        ),
      ],
      { cwd: projectDir, env },
    );
    expect(install.code, describeRun(install)).toBe(0);
  }, 600_000);

  it("takes both of README's configs from README", () => {
    expect(README_CONFIG).toMatch(/^\/\/ eslint\.config\.js\nimport tsParser/);
    expect(SPREAD_CONFIG).toMatch(/^\/\/ eslint\.config\.js\nimport tsParser/);
  });

  it('is what require() returns in the project', async () => {
    const result = await run(
      process.execPath,
      ['-e', "console.log(require('eslint-plugin-race-guard').meta.namespace)"],
      { cwd: projectDir, env: cleanEnv() },
    );
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout.trim()).toBe('race-guard');
  });

  async function lintProject(extra: readonly string[] = []): Promise<Finding[]> {
    return lintIn(projectDir, extra);
  }

  function expectTheStaleSave(found: readonly Finding[]): void {
    expect(sortedRuleIds(found), JSON.stringify(found, null, 2)).toEqual(['race-guard/no-stale-save']);
    expect(found[0]?.file).toBe(path.join('src', 'ai-responder.ts'));
  }

  it('installs without ts-morph, the optional peer only the audit needs', () => {
    expect(fs.existsSync(path.join(projectDir, 'node_modules', 'ts-morph'))).toBe(false);
    expect(fs.existsSync(path.join(projectDir, 'node_modules', 'eslint-plugin-race-guard'))).toBe(true);
  });

  it("reports exactly the stale save through the ESLint CLI with README's config, with and without --concurrency", async () => {
    const single = await lintProject();
    expectTheStaleSave(single);
    expect(await lintProject(['--concurrency', '2'])).toEqual(single);
  });

  it('reports the same with a preset spread as it is in a plain array, and leaves eslint.config.js alone', async () => {
    fs.writeFileSync(path.join(projectDir, 'eslint.config.js'), SPREAD_CONFIG);
    try {
      expectTheStaleSave(await lintProject());
    } finally {
      fs.writeFileSync(path.join(projectDir, 'eslint.config.js'), README_CONFIG);
    }
  });

  it('runs `npx race-guard audit` from the installed bin: one line without ts-morph, then JSON and SARIF name the stale save and the guarded update', async () => {
    const env = cleanEnv();
    delete env.CI;
    const missing = await run(npx, ['--no', '--', 'race-guard', 'audit', '.'], { cwd: projectDir, env });
    expect(missing.code, describeRun(missing)).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^race-guard: the audit needs ts-morph, an optional peer dependency the lint rules do not use: install it next to eslint-plugin-race-guard \(npm i -D "ts-morph@[^"]+"\)\n$/);

    const install = await run(
      npm,
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-update-notifier', '--save-dev', `ts-morph@${installedVersion('ts-morph')}`],
      { cwd: projectDir, env },
    );
    expect(install.code, describeRun(install)).toBe(0);

    const [json, sarif] = await Promise.all([
      run(npx, ['--no', '--', 'race-guard', 'audit', '.', '--format', 'json'], { cwd: projectDir, env }),
      run(npx, ['--no', '--', 'race-guard', 'audit', '.', '--format', 'sarif'], { cwd: projectDir, env }),
    ]);
    expect(json.code, describeRun(json)).toBe(1);
    const report = JSON.parse(json.stdout) as {
      findings: { ruleId: string; location: { file: string }; function?: string }[];
      safePatterns: { kind: string; function: string }[];
    };
    expect(report.findings.map((finding) => [finding.ruleId, finding.location.file, finding.function])).toEqual([
      ['race-guard/no-stale-save', 'src/ai-responder.ts', 'AiResponderService.handleVisitorMessage'],
    ]);
    expect(report.safePatterns).toContainEqual(expect.objectContaining({ kind: 'guarded-update', function: 'WorkflowConsumer.markPending' }));
    expect(sarif.code, describeRun(sarif)).toBe(1);
    const log = JSON.parse(sarif.stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.results.map((result) => result.ruleId)).toEqual(['race-guard/no-stale-save']);
  }, 300_000);

  it(`works the same at the floor of every range: ESLint ${FLOOR.eslint}, TypeScript ${FLOOR.typescript}, @typescript-eslint ${FLOOR.typescriptEslint}`, async () => {
    const env = cleanEnv();
    // The plugin's own @typescript-eslint/utils is a dependency of the plugin: an override moves it to the floor.
    const projectManifest = path.join(projectDir, 'package.json');
    const current = JSON.parse(fs.readFileSync(projectManifest, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(projectManifest, `${JSON.stringify({ ...current, overrides: { '@typescript-eslint/utils': FLOOR.typescriptEslint } }, null, 2)}\n`);
    const install = await run(
      npm,
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--no-update-notifier',
        '--save-dev',
        `eslint@${FLOOR.eslint}`,
        `typescript@${FLOOR.typescript}`,
        `@typescript-eslint/parser@${FLOOR.typescriptEslint}`,
      ],
      { cwd: projectDir, env },
    );
    expect(install.code, describeRun(install)).toBe(0);
    const versions = await run(
      process.execPath,
      [
        '-e',
        `const { createRequire } = require('node:module');
const fromPlugin = createRequire(require.resolve('eslint-plugin-race-guard'));
console.log(JSON.stringify([
  require('eslint/package.json').version,
  require('typescript').version,
  require('@typescript-eslint/parser/package.json').version,
  fromPlugin('@typescript-eslint/utils/package.json').version,
]));`,
      ],
      { cwd: projectDir, env },
    );
    expect(versions.code, describeRun(versions)).toBe(0);
    expect(JSON.parse(versions.stdout)).toEqual([FLOOR.eslint, FLOOR.typescript, FLOOR.typescriptEslint, FLOOR.typescriptEslint]);

    // README's config: `defineConfig` from `eslint/config` exists from the ESLint floor on.
    expectTheStaleSave(await lintProject());
    fs.writeFileSync(path.join(projectDir, 'eslint.config.js'), SPREAD_CONFIG);
    try {
      expectTheStaleSave(await lintProject());
    } finally {
      fs.writeFileSync(path.join(projectDir, 'eslint.config.js'), README_CONFIG);
    }
  }, 300_000);
});

/** A tsconfig for the Prisma and Drizzle projects: no decorators, the project's own sources. */
const PLAIN_TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: ['node'], noEmit: true },
    include: ['src'],
  },
  null,
  2,
)}\n`;

const prismaFiles: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'race-guard-packed-prisma', private: true, type: 'module' }, null, 2)}\n`,
  'tsconfig.json': PLAIN_TSCONFIG,
  'eslint.config.js': README_CONFIG,
  'prisma/schema.prisma': `generator client {
  provider            = "prisma-client"
  output              = "../src/generated/prisma"
  moduleFormat        = "esm"
  importFileExtension = "js"
}

datasource db {
  provider = "postgresql"
}

enum JobStatus {
  queued
  running
  done
}

model Wallet {
  id      String @id
  balance Int    @default(0)
}

model Job {
  id     String    @id
  status JobStatus @default(queued)
}
`,
  'src/client.ts': `import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from './generated/prisma/client.js';

export const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL ?? '' }) });
`,
  // A balance computed from the row read before a payment call.
  'src/wallets.ts': `import { prisma } from './client.js';

export async function charge(walletId: string, amount: number): Promise<void> {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id: walletId } });
  await fetch('http://payments.internal/captures', { method: 'POST', body: JSON.stringify({ walletId, amount }) });
  await prisma.wallet.update({ where: { id: walletId }, data: { balance: wallet.balance - amount } });
}
`,
  // A guarded claim whose count is dropped, and one that reads it (nothing to report there).
  'src/jobs.ts': `import { prisma } from './client.js';

export async function claim(jobId: string): Promise<void> {
  await prisma.job.updateMany({ where: { id: jobId, status: 'queued' }, data: { status: 'running' } });
}

export async function claimOnce(jobId: string): Promise<boolean> {
  const { count } = await prisma.job.updateMany({ where: { id: jobId, status: 'queued' }, data: { status: 'running' } });
  return count === 1;
}
`,
};

const drizzleFiles: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'race-guard-packed-drizzle', private: true, type: 'module' }, null, 2)}\n`,
  'tsconfig.json': PLAIN_TSCONFIG,
  'eslint.config.js': README_CONFIG,
  'src/db.ts': `import { drizzle } from 'drizzle-orm/node-postgres';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { Pool } from 'pg';

export const accounts = pgTable('accounts', {
  id: text('id').primaryKey(),
  credits: integer('credits').notNull().default(0),
});

export const db = drizzle(new Pool({ connectionString: process.env.DATABASE_URL }));
`,
  // Credits computed from the row read before an LLM call; the outer database inside a transaction.
  'src/credits.ts': `import { eq, sql } from 'drizzle-orm';

import { accounts, db } from './db.js';

export async function spend(accountId: string, cost: number): Promise<void> {
  const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId));
  if (account == null) return;
  await fetch('http://llm.internal/v1/generate', { method: 'POST' });
  await db.update(accounts).set({ credits: account.credits - cost }).where(eq(accounts.id, accountId));
}

export async function move(from: string, to: string, amount: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(accounts).set({ credits: sql\`\${accounts.credits} - \${amount}\` }).where(eq(accounts.id, from));
    await db.update(accounts).set({ credits: sql\`\${accounts.credits} + \${amount}\` }).where(eq(accounts.id, to));
  });
}
`,
};

describe('packed plugin in a Prisma project and a Drizzle project', () => {
  let prismaDir = '';
  let drizzleDir = '';

  beforeAll(async () => {
    prismaDir = writeProject('prisma-project', prismaFiles);
    drizzleDir = writeProject('drizzle-project', drizzleFiles);
    const common = ['eslint', '@typescript-eslint/parser', 'typescript', '@types/node'];
    await installInto(prismaDir, [...common, '@prisma/client', '@prisma/adapter-pg']);
    await installInto(drizzleDir, [...common, 'drizzle-orm', 'pg', '@types/pg']);
    // The client is generated as users do, with the Prisma CLI (this repository's: installing it
    // would download engines); generation needs none of them, only the CLI's check satisfied.
    const generate = await run(process.execPath, [path.join(repoRoot, 'node_modules', 'prisma', 'build', 'index.js'), 'generate', '--schema', path.join(prismaDir, 'prisma', 'schema.prisma')], {
      cwd: prismaDir,
      env: { ...cleanEnv(), PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
    expect(generate.code, describeRun(generate)).toBe(0);
    expect(fs.existsSync(path.join(prismaDir, 'src', 'generated', 'prisma', 'client.ts'))).toBe(true);
  }, 600_000);

  it('recognises the generated Prisma client in the project: the derived write and the dropped count', async () => {
    const found = await lintIn(prismaDir, ['--ignore-pattern', 'src/generated/**']);
    expect(found.map((finding) => `${finding.file}:${String(finding.line)} ${String(finding.ruleId)}`)).toEqual([
      `${path.join('src', 'jobs.ts')}:4 race-guard/require-state-guard`,
      `${path.join('src', 'wallets.ts')}:6 race-guard/no-stale-derived-write`,
    ]);
  });

  it('recognises drizzle-orm by its declarations: the derived write and the outer database in a transaction', async () => {
    const found = await lintIn(drizzleDir);
    expect(found.map((finding) => `${finding.file}:${String(finding.line)} ${String(finding.ruleId)}`)).toEqual([
      `${path.join('src', 'credits.ts')}:9 race-guard/no-stale-derived-write`,
      `${path.join('src', 'credits.ts')}:15 race-guard/no-outer-client-in-transaction`,
    ]);
  });
});
