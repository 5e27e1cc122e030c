import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { eq, sql } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import pg from 'pg';

import type { DatabaseKind, DatabaseTarget, OrmDatabase } from './database.js';
import type { JobRunnerLike, OrmModules, PaymentsLike, PrismaLike, SummarizerLike } from './orm-variants.js';
import type { Random } from './random.js';
import type { RunOutcome, ScenarioId } from './scenarios.js';
import { deferred, sleep } from './timing.js';
import type { VariantName } from './variants.js';

/**
 * The Prisma and Drizzle examples under concurrency: a value computed from a row read before a
 * slow call (the derived write loses a concurrent change; the plugin's autofix, the ORM's atomic
 * form, loses none), and N workers claiming one row at once (the claim that ignores its outcome,
 * or has no guard, lets all of them through; the guarded claim whose count or returned rows are
 * read lets exactly one).
 */

/** One variant of both examples, connected to one database. */
export interface OrmWorld {
  database: DatabaseKind;
  variant: VariantName;
  prisma: PrismaLike;
  modules: OrmModules;
  drizzle: { db: DrizzleDb; runner: (summarizer: SummarizerLike) => JobRunnerLike; tables: OrmModules['drizzle']['sqlite']['tables'] };
}

/** The calls the scenarios make on a drizzle database, whichever driver. */
interface DrizzleDb {
  insert(table: object): { values(values: object): Promise<unknown> };
  update(table: object): { set(values: object): { where(condition: unknown): Promise<unknown> } };
  select(): { from(table: object): { where(condition: unknown): Promise<Record<string, unknown>[]> } };
}

export interface OrmScenario {
  id: ScenarioId;
  number: number;
  title: string;
  fix: string;
  anomaly: string;
  run(world: OrmWorld, random: Random, index: number): Promise<RunOutcome>;
}

/** The provider round trip: long enough that the other writer, about a millisecond, lands inside it. */
function callDelay(random: Random): number {
  return random.between(3, 10);
}

/**
 * A slow call that says when it has started: the other writer goes in while it is in flight, as it
 * would while a real provider or LLM answered.
 */
function slowCall(random: Random): { started: Promise<void>; call: () => Promise<void> } {
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  return {
    started,
    call: async () => {
      markStarted();
      await sleep(callDelay(random));
    },
  };
}

let counter = 0;
const idFor = (world: OrmWorld, prefix: string, index: number): string => `${prefix}-${world.variant}-${String(index)}-${String(++counter)}`;

export const ORM_SCENARIOS: readonly OrmScenario[] = [
  {
    id: 'prisma-derived-write',
    number: 9,
    title: 'Prisma: balance derived from a stale read',
    fix: 'autofix of no-stale-derived-write ({ decrement })',
    anomaly: "a top-up made during the payment call is missing from the wallet's balance",
    async run(world, random, index) {
      const id = idFor(world, 'wallet', index);
      await world.prisma.wallet.create({ data: { id, ownerId: 'owner', balance: 1000 } });
      const payment = slowCall(random);
      const payments: PaymentsLike = { capture: payment.call, transfer: () => Promise.resolve() };
      const service = new world.modules.WalletService(world.prisma, payments);
      const charging = deferred(service.charge(id, 30));
      await payment.started;
      await service.topUp(id, 50);
      await charging;
      const { balance } = await world.prisma.wallet.findUniqueOrThrow({ where: { id } });
      return balance === 1020 ? { anomaly: false } : { anomaly: true, kinds: ['top-up lost'] };
    },
  },
  {
    id: 'drizzle-derived-write',
    number: 10,
    title: 'Drizzle: credits derived from a stale read',
    fix: 'autofix of no-stale-derived-write (sql`${col} - ${n}`)',
    anomaly: 'credits bought during the LLM call are missing from the account',
    async run(world, random, index) {
      const { db, tables } = world.drizzle;
      const accountId = idFor(world, 'account', index);
      const jobId = idFor(world, 'job', index);
      await db.insert(tables.accounts).values({ id: accountId, credits: 1000 });
      await db.insert(tables.jobs).values({ id: jobId, status: 'running' });
      const llm = slowCall(random);
      const runner = world.drizzle.runner({ summarize: async () => { await llm.call(); return 'summary'; } });
      const running = deferred(runner.run(jobId, accountId, 30));
      await llm.started;
      await db.update(tables.accounts).set({ credits: sql`${tables.accounts.credits} + ${50}` }).where(eq(tables.accounts.id as never, accountId));
      await running;
      const [account] = await db.select().from(tables.accounts).where(eq(tables.accounts.id as never, accountId));
      return account?.credits === 1020 ? { anomaly: false } : { anomaly: true, kinds: ['purchase lost'] };
    },
  },
  {
    id: 'prisma-unchecked-claim',
    number: 11,
    title: 'Prisma: N workers claim one payout',
    fix: "the example's processOnce() (count read; require-state-guard reports process())",
    anomaly: 'the payout is transferred more than once',
    async run(world, random, index) {
      const id = idFor(world, 'payout', index);
      await world.prisma.payout.create({ data: { id, walletId: 'wallet', amount: 25 } });
      let transfers = 0;
      const payments: PaymentsLike = {
        capture: () => Promise.resolve(),
        transfer: async () => {
          transfers++;
          await sleep(callDelay(random));
        },
      };
      const worker = new world.modules.PayoutWorker(world.prisma, payments);
      const workers = random.int(2, 4);
      // The losers of the vulnerable claim fail later, at the guarded final update (P2025): expected.
      await Promise.allSettled(Array.from({ length: workers }, (_, n) => (world.variant === 'fixed' ? worker.processOnce(id, `w${String(n)}`) : worker.process(id, `w${String(n)}`))));
      return transfers === 1 ? { anomaly: false } : { anomaly: true, kinds: [`paid ${String(transfers)} times`] };
    },
  },
  {
    id: 'drizzle-unguarded-claim',
    number: 12,
    title: 'Drizzle: N runners claim one job',
    fix: "the example's claim() (status in the condition, rows of .returning() read)",
    anomaly: 'more than one runner believes it owns the job',
    async run(world, random, index) {
      const { db, tables } = world.drizzle;
      const jobId = idFor(world, 'job', index);
      await db.insert(tables.jobs).values({ id: jobId, status: 'queued' });
      const runner = world.drizzle.runner({ summarize: () => Promise.resolve('') });
      const runners = random.int(2, 4);
      const owners = await Promise.all(
        Array.from({ length: runners }, async (_, n) => {
          if (world.variant === 'fixed') return runner.claim(jobId, `r${String(n)}`);
          return runner.start(jobId, `r${String(n)}`);
        }),
      );
      const believers = owners.filter(Boolean).length;
      return believers === 1 ? { anomaly: false } : { anomaly: true, kinds: [`${String(believers)} owners`] };
    },
  },
];

/** The SQL that creates both examples' tables (Prisma's by its model names, Drizzle's by its table names). */
function tablesSql(kind: DatabaseKind, qualify: (name: string) => string): string[] {
  const enumType = (name: string, values: readonly string[]): string[] =>
    kind === 'postgres' ? [`create type ${qualify(name)} as enum (${values.map((value) => `'${value}'`).join(', ')})`] : [];
  const enumColumn = (name: string): string => (kind === 'postgres' ? qualify(name) : 'text');
  return [
    ...enumType('PayoutStatus', ['requested', 'processing', 'paid', 'failed']),
    ...enumType('job_status', ['queued', 'running', 'done', 'failed']),
    `create table ${qualify('Wallet')} ("id" text primary key, "ownerId" text not null, "balance" integer not null default 0, "version" integer not null default 0)`,
    `create table ${qualify('Payout')} ("id" text primary key, "walletId" text not null, "amount" integer not null, "status" ${enumColumn('PayoutStatus')} not null default 'requested', "workerId" text)`,
    `create table ${qualify('jobs')} ("id" text primary key, "status" ${enumColumn('job_status')} not null default 'queued', "attempts" integer not null default 0, "worker_id" text, "result" text)`,
    `create table ${qualify('accounts')} ("id" text primary key, "credits" integer not null default 0)`,
  ];
}

/** Opens one variant of the examples on a database of its own; `close` releases its connections. */
export async function openOrmWorld(target: DatabaseTarget, modules: OrmModules, variant: VariantName): Promise<{ world: OrmWorld; close: () => Promise<void> }> {
  const database: OrmDatabase = await target.ormDatabase(`orm_${variant}`, tablesSql);
  if (database.kind === 'sqlite') {
    const prisma = new modules.PrismaClient.sqlite({ adapter: new PrismaBetterSqlite3({ url: `file:${database.file}` }) });
    const sqlite = drizzleSqlite(database.file);
    const { JobRunner, tables } = modules.drizzle.sqlite;
    const db = sqlite as unknown as DrizzleDb;
    return {
      world: { database: 'sqlite', variant, prisma, modules, drizzle: { db, tables, runner: (summarizer) => new JobRunner(db, summarizer) } },
      close: async () => {
        await prisma.$disconnect();
        // better-sqlite3 ships no types: drizzle's `$client` is its Database.
        (sqlite.$client as unknown as { close(): void }).close();
      },
    };
  }
  const prisma = new modules.PrismaClient.postgres({ adapter: new PrismaPg({ connectionString: database.url }, { schema: database.schema }) });
  const pool = new pg.Pool({ connectionString: database.url, options: `-c search_path=${database.schema}` });
  const { JobRunner, tables } = modules.drizzle.postgres;
  const db = drizzlePostgres(pool) as unknown as DrizzleDb;
  return {
    world: { database: 'postgres', variant, prisma, modules, drizzle: { db, tables, runner: (summarizer) => new JobRunner(db, summarizer) } },
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
