import 'reflect-metadata';

import { Logger, type LoggerService } from '@nestjs/common';

import { postgresTarget, sqliteTarget, type DatabaseTarget } from './database.js';
import { LlmStub } from './llm-stub.js';
import { ORM_SCENARIOS, openOrmWorld, type OrmScenario } from './orm-scenarios.js';
import { prepareOrmVariants, type OrmModules } from './orm-variants.js';
import { streamFor } from './random.js';
import type { DatabaseResult, RaceReport, ScenarioResult, VariantResult } from './report.js';
import { SCENARIOS, type Scenario, type World } from './scenarios.js';
import { loadBuiltPlugin, prepareVariants, type Variant, type VariantName } from './variants.js';

export interface RaceOptions {
  repoRoot: string;
  /** Scratch space: the two copies of the example and the SQLite files. */
  workDir: string;
  seed: number;
  runs: number;
  /** When set, every scenario also runs on this PostgreSQL database. */
  postgresUrl?: string;
  progress: (line: string) => void;
}

const AGENTS = ['Ada', 'Grace', 'Linus'];

export async function race(options: RaceOptions): Promise<RaceReport> {
  const targets: DatabaseTarget[] = [sqliteTarget(options.workDir)];
  let stub: LlmStub | undefined;
  try {
    // Connect first: an unreachable PostgreSQL should fail the run before minutes of SQLite.
    if (options.postgresUrl != null) targets.push(await postgresTarget(options.postgresUrl));
    const variants = await prepareVariants(options.repoRoot, options.workDir, options.progress);
    const ormVariants = await prepareOrmVariants(options.repoRoot, options.workDir, await loadBuiltPlugin(options.repoRoot), options.progress);
    const loggedErrors: string[] = [];
    Logger.overrideLogger(captureErrors(loggedErrors));
    stub = await LlmStub.start();
    const databases: DatabaseResult[] = [];
    for (const target of targets) {
      const scenarios = SCENARIOS.filter((scenario) => target.kind === 'postgres' || !scenario.postgresOnly);
      const before = [
        ...(await runVariant(target, variants.vulnerable, scenarios, stub, loggedErrors, options)),
        ...(await runOrmVariant(target, ormVariants.vulnerable, 'vulnerable', options)),
      ];
      const after = [
        ...(await runVariant(target, variants.fixed, scenarios, stub, loggedErrors, options)),
        ...(await runOrmVariant(target, ormVariants.fixed, 'fixed', options)),
      ];
      databases.push({
        kind: target.kind,
        label: target.label,
        scenarios: [...scenarios, ...ORM_SCENARIOS].map((scenario, index): ScenarioResult => ({
          id: scenario.id,
          number: scenario.number,
          title: scenario.title,
          fix: scenario.fix,
          anomaly: scenario.anomaly,
          runs: options.runs,
          before: resultAt(before, index),
          after: resultAt(after, index),
        })),
      });
    }
    if (stub.unexpected.length > 0) throw new Error(`the LLM stub got requests no run scripted:\n  ${stub.unexpected.join('\n  ')}`);
    return { seed: options.seed, runs: options.runs, changes: [...variants.changes, ...ormVariants.changes], databases };
  } finally {
    // Also on failure: an open server or PostgreSQL client would keep the process alive.
    await stub?.close();
    for (const target of targets) await target.cleanUp();
  }
}

function resultAt(results: VariantResult[], index: number): VariantResult {
  const result = results[index];
  if (result == null) throw new Error(`no result for scenario ${String(index)}`);
  return result;
}

async function runVariant(
  target: DatabaseTarget,
  variant: Variant,
  scenarios: readonly Scenario[],
  stub: LlmStub,
  loggedErrors: string[],
  options: RaceOptions,
): Promise<VariantResult[]> {
  const { modules } = variant;
  const dataSource = await target.open(modules, variant.name);
  try {
    const agents = dataSource.getRepository(modules.Agent);
    const agentIds: string[] = [];
    for (const name of AGENTS) agentIds.push(((await agents.save(agents.create({ name, online: true }))) as { id: string }).id);
    const world: World = {
      database: target.kind,
      variant: variant.name,
      modules,
      dataSource,
      stub,
      conversations: dataSource.getRepository(modules.Conversation),
      messages: dataSource.getRepository(modules.Message),
      tags: dataSource.getRepository(modules.Tag),
      locks: dataSource.getRepository(modules.VisitorLock),
      agentIds,
      activity: target.activity,
      loggedErrors,
    };
    const results: VariantResult[] = [];
    for (const scenario of scenarios) {
      // The same stream for both variants: the fixed code faces the interleavings that broke the other.
      const random = streamFor(options.seed, `${target.kind}/${scenario.id}`);
      const result: VariantResult = { anomalies: 0, kinds: {}, waits: [], elapsedMs: 0 };
      const started = performance.now();
      for (let index = 0; index < options.runs; index++) {
        loggedErrors.length = 0;
        const outcome = await scenario.run(world, random, index);
        if (loggedErrors.length > 0) {
          throw new Error(`${scenario.id} run ${String(index)} (${target.kind}, ${variant.name}): the example logged errors:\n  ${loggedErrors.join('\n  ')}`);
        }
        if (outcome.anomaly) result.anomalies++;
        for (const kind of outcome.kinds ?? []) result.kinds[kind] = (result.kinds[kind] ?? 0) + 1;
        if (outcome.wait != null) result.waits.push(outcome.wait);
      }
      result.elapsedMs = performance.now() - started;
      options.progress(
        `${target.kind} #${String(scenario.number)} ${scenario.title}, ${variant.name}: ${String(result.anomalies)}/${String(options.runs)} anomalies (${(result.elapsedMs / 1000).toFixed(1)} s)`,
      );
      results.push(result);
    }
    return results;
  } finally {
    await dataSource.destroy();
  }
}

/** The Prisma and Drizzle scenarios on one variant of their examples (see orm-scenarios.ts). */
async function runOrmVariant(target: DatabaseTarget, modules: OrmModules, variant: VariantName, options: RaceOptions): Promise<VariantResult[]> {
  const { world, close } = await openOrmWorld(target, modules, variant);
  try {
    const results: VariantResult[] = [];
    for (const scenario of ORM_SCENARIOS) results.push(await runOrmScenario(scenario, world, target, options));
    return results;
  } finally {
    await close();
  }
}

async function runOrmScenario(scenario: OrmScenario, world: Parameters<OrmScenario['run']>[0], target: DatabaseTarget, options: RaceOptions): Promise<VariantResult> {
  const random = streamFor(options.seed, `${target.kind}/${scenario.id}`);
  const result: VariantResult = { anomalies: 0, kinds: {}, waits: [], elapsedMs: 0 };
  const started = performance.now();
  for (let index = 0; index < options.runs; index++) {
    const outcome = await scenario.run(world, random, index);
    if (outcome.anomaly) result.anomalies++;
    for (const kind of outcome.kinds ?? []) result.kinds[kind] = (result.kinds[kind] ?? 0) + 1;
  }
  result.elapsedMs = performance.now() - started;
  options.progress(
    `${target.kind} #${String(scenario.number)} ${scenario.title}, ${world.variant}: ${String(result.anomalies)}/${String(options.runs)} anomalies (${(result.elapsedMs / 1000).toFixed(1)} s)`,
  );
  return result;
}

/**
 * The example logs through Nest's Logger. Its routine lines would drown the table; its errors mean
 * a run did not go as scripted, so they are kept and fail that run.
 */
function captureErrors(errors: string[]): LoggerService {
  const ignore = (): void => undefined;
  return {
    log: ignore,
    warn: ignore,
    debug: ignore,
    verbose: ignore,
    error: (message: unknown, ...rest: unknown[]) => errors.push([message, ...rest].map(describe).join(' ')),
    fatal: (message: unknown, ...rest: unknown[]) => errors.push([message, ...rest].map(describe).join(' ')),
  };
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
