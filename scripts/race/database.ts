import { createRequire } from 'node:module';
import path from 'node:path';

import pg from 'pg';
import type { DataSource } from 'typeorm';

import type { ExampleModules } from './example-modules.js';
import { describePostgresConnectFailure, HarnessSetupError } from './setup-errors.js';
import type { VariantName } from './variants.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface ServerActivity {
  /** Connections whose current statement waits for a lock another transaction holds. */
  blocked: number;
  /** Connections inside a transaction that is waiting for the application (state `idle in transaction`). */
  idleInTransaction: number;
}

export interface DatabaseTarget {
  kind: DatabaseKind;
  /** For the table heading, e.g. `SQLite 3.50.4 (better-sqlite3 12.6.2), file in /tmp/…`. */
  label: string;
  open(modules: ExampleModules, variant: VariantName): Promise<DataSource>;
  /** What the server sees of the open data source's connections right now (PostgreSQL only). */
  activity?: () => Promise<ServerActivity>;
  /**
   * An empty database of its own for the Prisma and Drizzle examples (`name` tells the runs
   * apart): a SQLite file, or a PostgreSQL schema created by `setUp` (SQL, as Prisma's migrations
   * need an engine this harness does not download).
   */
  ormDatabase(name: string, setUp: OrmSchemaSql): Promise<OrmDatabase>;
  /** Removes what `open` created that outlives the data source. */
  cleanUp(): Promise<void>;
}

/** The statements that create an example's tables, given how to qualify a name in the target. */
export type OrmSchemaSql = (kind: DatabaseKind, qualify: (name: string) => string) => string[];

export type OrmDatabase = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema: string };

/** A real database file per variant, in the harness's temporary directory. */
export function sqliteTarget(workDir: string): DatabaseTarget {
  const require = createRequire(import.meta.url);
  const driverVersion = (require('better-sqlite3/package.json') as { version: string }).version;
  const target: DatabaseTarget = {
    kind: 'sqlite',
    label: `SQLite (better-sqlite3 ${driverVersion})`,
    async open(modules, variant) {
      const dataSource = await modules
        .createDataSource({ type: 'better-sqlite3', database: path.join(workDir, `${variant}.sqlite`), synchronize: true })
        .initialize();
      const [row] = await dataSource.query<{ version: string }[]>('select sqlite_version() as version');
      target.label = `SQLite ${row?.version ?? '?'} (better-sqlite3 ${driverVersion}), database files in ${workDir}`;
      return dataSource;
    },
    ormDatabase(name, setUp) {
      const file = path.join(workDir, `${name}.sqlite`);
      const Database = require('better-sqlite3') as new (file: string) => { exec(sql: string): void; close(): void };
      const database = new Database(file);
      try {
        for (const statement of setUp('sqlite', (table) => `"${table}"`)) database.exec(statement);
      } finally {
        database.close();
      }
      return Promise.resolve({ kind: 'sqlite', file });
    },
    async cleanUp() {
      // The files go with the temporary directory.
    },
  };
  return target;
}

/**
 * PostgreSQL at `url`. Each variant gets its own schema, dropped before and after, so the harness
 * never touches tables it did not create, and its own application_name, so the probe can tell its
 * connections from anyone else's.
 */
export async function postgresTarget(url: string): Promise<DatabaseTarget> {
  const schemas = new Set<string>();
  const admin = new pg.Client({ connectionString: url });
  try {
    await admin.connect();
  } catch (error) {
    // A server that is not running, or a database that does not exist, is the user's to fix: one line.
    const line = describePostgresConnectFailure(error, url);
    if (line == null) throw error;
    throw new HarnessSetupError(line);
  }
  const version = (await admin.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?';
  const where = new URL(url);
  let applicationName = '';
  return {
    kind: 'postgres',
    label: `PostgreSQL ${version} at ${where.hostname}:${where.port || '5432'}${where.pathname}`,
    async open(modules, variant) {
      // The pid keeps two harnesses on one database (npm run race and its test) apart.
      const schema = `race_guard_${variant}_${String(process.pid)}`;
      schemas.add(schema);
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.query(`create schema ${schema}`);
      applicationName = `race-guard-${variant}-${String(process.pid)}`;
      const withName = new URL(url);
      withName.searchParams.set('application_name', applicationName);
      return modules.createDataSource({ type: 'postgres', url: withName.toString(), schema, synchronize: true }).initialize();
    },
    async ormDatabase(name, setUp) {
      const schema = `race_guard_${name.replaceAll('-', '_')}_${String(process.pid)}`;
      schemas.add(schema);
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.query(`create schema ${schema}`);
      for (const statement of setUp('postgres', (table) => `${schema}."${table}"`)) await admin.query(statement);
      return { kind: 'postgres', url, schema };
    },
    async activity() {
      const { rows } = await admin.query<{ blocked: string; idle_in_transaction: string }>(
        `select count(*) filter (where wait_event_type = 'Lock') as blocked,
                count(*) filter (where state = 'idle in transaction') as idle_in_transaction
           from pg_stat_activity
          where application_name = $1`,
        [applicationName],
      );
      const [row] = rows;
      return { blocked: Number(row?.blocked ?? 0), idleInTransaction: Number(row?.idle_in_transaction ?? 0) };
    },
    async cleanUp() {
      try {
        for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await admin.end();
      }
    },
  };
}
