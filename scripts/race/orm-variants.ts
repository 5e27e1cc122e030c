import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type ts from 'typescript';

import type { ScenarioId } from './scenarios.js';
import { changedLines, compile, lint, type BuiltPlugin, type PluginChange, type VariantName } from './variants.js';

/**
 * The Prisma and Drizzle examples as the ORM scenarios run them: a copy of each as it is, and a
 * copy to which the built plugin's autofix for `no-stale-derived-write` was applied, both compiled.
 * The Prisma copy also gets a client generated for SQLite beside the example's own (PostgreSQL),
 * and the Drizzle copy a second build whose schema module declares the same tables for SQLite: the
 * services run unchanged on either database.
 */

export interface PaymentsLike {
  capture(walletId: string, amount: number): Promise<void>;
  transfer(payoutId: string, amount: number): Promise<void>;
}

export interface SummarizerLike {
  summarize(input: string): Promise<string>;
}

/** What the scenarios use of a generated Prisma client, untyped: the same calls work on either. */
export interface PrismaLike {
  wallet: { create(args: object): Promise<unknown>; findUniqueOrThrow(args: object): Promise<{ balance: number }> };
  payout: { create(args: object): Promise<unknown>; findUniqueOrThrow(args: object): Promise<{ status: string }> };
  $disconnect(): Promise<void>;
}

export interface OrmModules {
  WalletService: new (client: PrismaLike, payments: PaymentsLike) => { charge(id: string, amount: number): Promise<void>; topUp(id: string, amount: number): Promise<void> };
  PayoutWorker: new (client: PrismaLike, payments: PaymentsLike) => { process(id: string, workerId: string): Promise<void>; processOnce(id: string, workerId: string): Promise<boolean> };
  /** The generated client of each database. */
  PrismaClient: Record<'sqlite' | 'postgres', new (options: { adapter: unknown }) => PrismaLike>;
  /** The job runner built against each database's table declarations, and those tables. */
  drizzle: Record<'sqlite' | 'postgres', { JobRunner: new (db: unknown, summarizer: SummarizerLike) => JobRunnerLike; tables: DrizzleTables }>;
}

export interface JobRunnerLike {
  start(jobId: string, workerId: string): Promise<boolean>;
  claim(jobId: string, workerId: string): Promise<boolean>;
  run(jobId: string, accountId: string, cost: number): Promise<void>;
}

export interface DrizzleTables {
  jobs: object;
  accounts: { credits: object; id: object };
}

export interface OrmVariants {
  vulnerable: OrmModules;
  fixed: OrmModules;
  changes: PluginChange[];
}

interface Example {
  name: 'prisma-wallets' | 'drizzle-jobs';
  /** The file the derived write is in, and the scenario it loses data in. */
  file: string;
  scenario: ScenarioId;
}

const EXAMPLES: readonly Example[] = [
  { name: 'prisma-wallets', file: 'src/wallet.service.ts', scenario: 'prisma-derived-write' },
  { name: 'drizzle-jobs', file: 'src/job.runner.ts', scenario: 'drizzle-derived-write' },
];

const RULE = 'race-guard/no-stale-derived-write';
const GENERATED = ['src/generated/**'];

export async function prepareOrmVariants(repoRoot: string, workDir: string, plugin: BuiltPlugin, progress: (line: string) => void): Promise<OrmVariants> {
  const dirs = (variant: VariantName, example: Example['name']): string => path.join(workDir, `orm-${variant}`, example);
  for (const variant of ['vulnerable', 'fixed'] as const) for (const example of EXAMPLES) copyExample(repoRoot, example.name, dirs(variant, example.name));

  progress('linting the copies of the Prisma and Drizzle examples');
  const changes: PluginChange[] = [];
  for (const example of EXAMPLES) {
    const findings = await lint(plugin, dirs('vulnerable', example.name), GENERATED);
    const messages = findings.get(example.file)?.filter((message) => message.ruleId === RULE) ?? [];
    const [message] = messages;
    if (message?.fix == null || messages.length !== 1) throw new Error(`expected one autofixable ${RULE} report in examples/${example.name}/${example.file}, got ${String(messages.length)}`);
    const file = path.join(dirs('fixed', example.name), example.file);
    const text = fs.readFileSync(file, 'utf8');
    const fixed = text.slice(0, message.fix.range[0]) + message.fix.text + text.slice(message.fix.range[1]);
    fs.writeFileSync(file, fixed);
    changes.push({ scenario: example.scenario, ruleId: RULE, file: `examples/${example.name}/${example.file}`, line: message.line, how: 'autofix', ...changedLines(text, fixed) });
    const after = (await lint(plugin, dirs('fixed', example.name), GENERATED)).get(example.file)?.filter((candidate) => candidate.ruleId === RULE) ?? [];
    if (after.length > 0) throw new Error(`${RULE} still reports examples/${example.name}/${example.file} after its fix`);
  }

  progress('generating a SQLite Prisma client and compiling the copies');
  const sqliteClient = generateSqliteClient(repoRoot, workDir);
  const declarations = new Map<string, ts.SourceFile>();
  for (const variant of ['vulnerable', 'fixed'] as const) {
    fs.cpSync(sqliteClient, path.join(dirs(variant, 'prisma-wallets'), 'src', 'generated', 'prisma-sqlite'), { recursive: true });
    for (const example of EXAMPLES) compile(dirs(variant, example.name), declarations);
    writeSqliteBuild(dirs(variant, 'drizzle-jobs'));
  }
  return {
    vulnerable: await loadModules((example) => dirs('vulnerable', example)),
    fixed: await loadModules((example) => dirs('fixed', example)),
    changes,
  };
}

/** An ESM package of its own whose `node_modules` is the repository's, with the example's sources. */
function copyExample(repoRoot: string, name: string, dir: string): void {
  const example = path.join(repoRoot, 'examples', name);
  if (name === 'prisma-wallets' && !fs.existsSync(path.join(example, 'src', 'generated', 'prisma', 'client.ts'))) {
    throw new Error('examples/prisma-wallets has no generated client: run `npm run generate` first');
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(example, 'src'), path.join(dir, 'src'), { recursive: true });
  const tsconfig = {
    extends: path.join(repoRoot, 'tsconfig.base.json'),
    compilerOptions: { rootDir: 'src', outDir: 'out', types: ['node'] },
    include: ['src/**/*.ts'],
  };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`);
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

/** The example's Prisma schema for SQLite, generated offline (see scripts/prisma-generate.mjs). */
function generateSqliteClient(repoRoot: string, workDir: string): string {
  const dir = path.join(workDir, 'prisma-sqlite');
  fs.mkdirSync(dir, { recursive: true });
  const schema = fs
    .readFileSync(path.join(repoRoot, 'examples', 'prisma-wallets', 'prisma', 'schema.prisma'), 'utf8')
    .replace(/provider = "postgresql"/, 'provider = "sqlite"')
    .replace(/output\s*=\s*"[^"]*"/, 'output = "./client"');
  fs.writeFileSync(path.join(dir, 'schema.prisma'), schema);
  const cli = path.join(repoRoot, 'node_modules', 'prisma', 'build', 'index.js');
  execFileSync(process.execPath, [cli, 'generate', '--schema', path.join(dir, 'schema.prisma')], {
    cwd: repoRoot,
    stdio: 'pipe',
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
  return path.join(dir, 'client');
}

/** The same tables as the example's schema.ts, declared for SQLite. */
const SQLITE_SCHEMA = `import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const jobs = sqliteTable('jobs', {
  id: text('id').primaryKey(),
  status: text('status', { enum: ['queued', 'running', 'done', 'failed'] }).notNull().default('queued'),
  attempts: integer('attempts').notNull().default(0),
  workerId: text('worker_id'),
  result: text('result'),
});

export const accounts = sqliteTable('accounts', {
  id: text('id').primaryKey(),
  credits: integer('credits').notNull().default(0),
});
`;

/** `out-sqlite/`: the compiled example with its schema module declaring the tables for SQLite. */
function writeSqliteBuild(dir: string): void {
  fs.cpSync(path.join(dir, 'out'), path.join(dir, 'out-sqlite'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'out-sqlite', 'schema.js'), SQLITE_SCHEMA);
}

async function loadModules(dirOf: (example: Example['name']) => string): Promise<OrmModules> {
  const load = async (file: string): Promise<Record<string, unknown>> => (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const prisma = (file: string) => load(path.join(dirOf('prisma-wallets'), 'out', file));
  const drizzle = async (build: 'out' | 'out-sqlite') => ({
    JobRunner: exported(await load(path.join(dirOf('drizzle-jobs'), build, 'job.runner.js')), 'JobRunner') as OrmModules['drizzle']['sqlite']['JobRunner'],
    tables: (await load(path.join(dirOf('drizzle-jobs'), build, 'schema.js'))) as unknown as DrizzleTables,
  });
  return {
    WalletService: exported(await prisma('wallet.service.js'), 'WalletService') as OrmModules['WalletService'],
    PayoutWorker: exported(await prisma('payout.worker.js'), 'PayoutWorker') as OrmModules['PayoutWorker'],
    PrismaClient: {
      postgres: exported(await prisma('generated/prisma/client.js'), 'PrismaClient') as OrmModules['PrismaClient']['postgres'],
      sqlite: exported(await prisma('generated/prisma-sqlite/client.js'), 'PrismaClient') as OrmModules['PrismaClient']['sqlite'],
    },
    drizzle: { postgres: await drizzle('out'), sqlite: await drizzle('out-sqlite') },
  };
}

function exported(module: Record<string, unknown>, name: string): unknown {
  const value = module[name];
  if (value == null) throw new Error(`the compiled example exports no ${name}`);
  return value;
}
