// Generates a synthetic NestJS + TypeORM backend of exactly N files for the benchmark: entities,
// repositories (stores), services that call an LLM and an HTTP API, helpers that call helpers of
// other modules several files deep, controllers, DTO mappers and Nest modules. Most service
// methods are the safe shapes of each rule; a few percent are the unsafe ones. The same seed
// and size always give the same files, so runs can be compared and findings re-counted.
//
// Two profiles. `dense` (the original generator, kept byte for byte so older figures can be
// reproduced) makes every service method TypeORM work in files of ~26 lines: 62 TypeORM-ish calls
// and 101 awaits per 1,000 non-blank lines. Real backends are mostly code that never touches the
// database, so `dense` overstates how much of a lint run our rules' work is, and how many calls
// and awaits they must classify per file. Measured with the same counter (calls per kLOC, share
// of files with a call, awaits per kLOC, lines per file) on open-source TypeORM backends:
// spacebar 18.6 / 27% / 35.8 / 69, zeppelin 11.3 / 14% / 36.5 / 45, standardnotes 10.9 / 12% /
// 31.0 / 36, hexabot 6.4 / 20% / 24.5 / 86, pinelab 8.7 / 15% / 24.2 / 84.
// `corpus` (the default) is calibrated to the densest of them, spacebar, so the benchmark still
// leans towards more work for the rules than typical code: the same TypeORM shapes with the same
// weights (so the planted counts mean the same), plus per module a policy, a presenter and a
// notifier file and database-free service methods, endpoints and DTO fields. That gives ~18
// calls and ~36 awaits per kLOC, calls in 20% of the files and ~65 lines per file (seed 1,
// 250 to 4,000 files).
import fs from 'node:fs';
import path from 'node:path';

/** Files every project has besides its feature modules. */
const SHARED_FILES = 5;
/**
 * Files per feature module. dense: entity, store, helpers, service, controller, dto, module.
 * corpus adds a policy (pure rules), a presenter (view classes) and a notifier (HTTP, no database).
 */
const FILES_PER_MODULE = { dense: 7, corpus: 10 };
/** Methods per service, besides `list()` which the controller calls. */
const METHODS_PER_SERVICE = 6;
/** How many modules a helper chain crosses before it reaches its base (an LLM call or local work). */
const CHAIN_LENGTH = 5;

const NOUNS = ['Order', 'Ticket', 'Invoice', 'Shipment', 'Booking', 'Subscription', 'Payment', 'Review', 'Task', 'Lead', 'Refund', 'Quote'];

/**
 * Method shapes and their weights. Unsafe shapes are about 2–3% of methods each, which is what
 * the development corpus suggests for real backends (a handful of findings per few hundred files).
 * `rule` says which rule a planted unsafe shape is for; `null` = safe for every race-guard rule.
 */
const SHAPES = [
  { name: 'networkThenSave', weight: 14, rule: null },
  { name: 'compareAndSet', weight: 12, rule: null },
  { name: 'listMapped', weight: 14, rule: null },
  { name: 'transactionNoNetwork', weight: 8, rule: null },
  { name: 'lockInFinally', weight: 7, rule: null },
  { name: 'handledFireAndForget', weight: 7, rule: null },
  { name: 'reloadAfterWindow', weight: 8, rule: null },
  { name: 'localWindow', weight: 10, rule: null },
  { name: 'guardedBuilder', weight: 8, rule: null },
  { name: 'staleSave', weight: 3, rule: 'no-stale-save' },
  { name: 'unguardedTransition', weight: 3, rule: 'require-state-guard' },
  { name: 'lockLeak', weight: 2, rule: 'require-lock-release-in-finally' },
  { name: 'networkInTransaction', weight: 2, rule: 'no-network-await-in-transaction' },
  { name: 'floatingPromise', weight: 2, rule: '@typescript-eslint/no-floating-promises' },
];
const TOTAL_WEIGHT = SHAPES.reduce((sum, shape) => sum + shape.weight, 0);

/** mulberry32: small, fast and good enough to pick shapes; the same seed gives the same project. */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickShape(random) {
  let roll = random() * TOTAL_WEIGHT;
  for (const shape of SHAPES) {
    roll -= shape.weight;
    if (roll < 0) return shape;
  }
  return SHAPES[0];
}

/**
 * Writes the project into `dir` (created; must not exist or be empty) and returns what was
 * planted: the file list and, per rule, how many unsafe shapes it contains.
 * @param {{ dir: string; files: number; seed: number; nodeModules: string; profile?: 'corpus' | 'dense' }} options
 */
export function generateProject({ dir, files, seed, nodeModules, profile = 'corpus' }) {
  const perModule = FILES_PER_MODULE[profile];
  if (perModule == null) throw new Error(`unknown profile ${String(profile)}: corpus or dense`);
  const corpus = profile === 'corpus';
  if (files < SHARED_FILES + perModule) throw new Error(`at least ${String(SHARED_FILES + perModule)} files`);
  const random = prng(seed);
  // The corpus profile's extra code varies from module to module with a stream of its own, so the
  // shapes picked for a module are the same in both profiles.
  const variety = prng(seed ^ 0x2545f491);
  const modules = Math.floor((files - SHARED_FILES) / perModule);
  const padding = files - SHARED_FILES - modules * perModule;
  /** @type {Map<string, string>} */
  const sources = new Map();
  /** @type {Record<string, number>} */
  const planted = {};
  /** @type {Record<string, number>} */
  const shapeCounts = {};

  sources.set('src/shared/llm.client.ts', LLM_CLIENT);
  sources.set('src/shared/http.client.ts', HTTP_CLIENT);
  sources.set('src/shared/lock.entity.ts', LOCK_ENTITY);
  sources.set('src/shared/lock.service.ts', LOCK_SERVICE);

  const names = [];
  for (let i = 0; i < modules; i++) {
    const noun = NOUNS[i % NOUNS.length];
    const entity = `${noun}${String(i)}`;
    const base = `${noun.toLowerCase()}-${String(i)}`;
    names.push({ i, entity, base, folder: `src/m${String(i)}` });
  }
  for (const module of names) {
    const { i, entity, base, folder } = module;
    // Chains run towards lower module numbers; module `i` is `i % CHAIN_LENGTH` hops from its base.
    const hops = i % CHAIN_LENGTH;
    const previous = hops > 0 ? names[i - 1] : undefined;
    const networkChain = Math.floor(i / CHAIN_LENGTH) % 2 === 0;
    sources.set(`${folder}/${base}.entity.ts`, entitySource(entity, corpus));
    sources.set(`${folder}/${base}.store.ts`, storeSource(entity, base));
    sources.set(`${folder}/${base}.helpers.ts`, helpersSource(module, previous, networkChain));
    const methods = [];
    for (let k = 0; k < METHODS_PER_SERVICE; k++) {
      const shape = pickShape(random);
      shapeCounts[shape.name] = (shapeCounts[shape.name] ?? 0) + 1;
      if (shape.rule != null) planted[shape.rule] = (planted[shape.rule] ?? 0) + 1;
      methods.push(METHOD_TEMPLATES[shape.name]({ entity, i, k, networkChain }));
    }
    const extras = corpus ? corpusExtras(module, variety) : undefined;
    sources.set(`${folder}/${base}.service.ts`, serviceSource(entity, base, methods, extras));
    sources.set(`${folder}/${base}.controller.ts`, controllerSource(entity, base, corpus));
    sources.set(`${folder}/${base}.dto.ts`, dtoSource(entity, base, corpus));
    sources.set(`${folder}/${base}.module.ts`, moduleSource(entity, base, corpus));
    if (extras != null) {
      sources.set(`${folder}/${base}.policy.ts`, extras.policy);
      sources.set(`${folder}/${base}.presenter.ts`, extras.presenter);
      sources.set(`${folder}/${base}.notifier.ts`, extras.notifier);
    }
  }
  for (let j = 0; j < padding; j++) {
    sources.set(`src/util/format-${String(j)}.ts`, formatUtilSource(j));
  }
  sources.set('src/app.module.ts', appModuleSource(names));
  if (sources.size !== files) throw new Error(`generated ${String(sources.size)} files, wanted ${String(files)}`);

  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'race-guard-bench-project', private: true, type: 'module' }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  // The project resolves typeorm, axios, openai and Nest from the plugin's own dev dependencies.
  fs.symlinkSync(nodeModules, path.join(dir, 'node_modules'), 'dir');
  for (const [file, text] of sources) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  return { dir, profile, files: [...sources.keys()].map((file) => path.join(dir, file)), modules, planted, shapeCounts };
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    strictPropertyInitialization: false,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  },
  include: ['src/**/*.ts'],
};

const LLM_CLIENT = `import { Injectable } from '@nestjs/common';
import OpenAI from 'openai';

@Injectable()
export class LlmClient {
  private readonly openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

  async complete(prompt: string): Promise<string> {
    const completion = await this.openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: prompt }],
    });
    return completion.choices[0]?.message.content ?? '';
  }
}
`;

const HTTP_CLIENT = `import { Injectable } from '@nestjs/common';
import axios, { type AxiosInstance } from 'axios';

@Injectable()
export class HttpClient {
  private readonly axios: AxiosInstance = axios.create({ baseURL: process.env.API_URL, timeout: 5_000 });

  async getJson<T>(url: string): Promise<T> {
    const response = await this.axios.get<T>(url);
    return response.data;
  }

  async post(url: string, body: unknown): Promise<void> {
    await this.axios.post(url, body);
  }
}
`;

const LOCK_ENTITY = `import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('resource_lock')
export class ResourceLock {
  @PrimaryColumn()
  key: string;

  @Column()
  holder: string;

  @CreateDateColumn()
  createdAt: Date;
}
`;

const LOCK_SERVICE = `import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { ResourceLock } from './lock.entity.js';

/** A row per held lock: the insert fails (and nothing is held) when somebody else has it. */
@Injectable()
export class LockService {
  constructor(@InjectRepository(ResourceLock) private readonly locks: Repository<ResourceLock>) {}

  async acquireLock(key: string): Promise<string | null> {
    const holder = randomUUID();
    const result = await this.locks.createQueryBuilder().insert().into(ResourceLock).values({ key, holder }).orIgnore().execute();
    return result.identifiers.length > 0 ? holder : null;
  }

  async releaseLock(key: string, holder: string): Promise<void> {
    await this.locks.delete({ key, holder });
  }
}
`;

function entitySource(entity, corpus) {
  return `import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export enum ${entity}Status {
  OPEN = 'open',
  PENDING = 'pending',
  CLOSED = 'closed',
}

@Entity('${entity.toLowerCase()}')
export class ${entity} {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', default: ${entity}Status.OPEN })
  status: ${entity}Status;

  @Column()
  title: string;

  @Column({ type: 'int', default: 0 })
  total: number;

  @Column({ type: 'text', nullable: true })
  summary: string | null;
${corpus ? CORPUS_ENTITY_COLUMNS : ''}
  @UpdateDateColumn()
  updatedAt: Date;
}
`;
}

function storeSource(entity, base) {
  return `import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { ${entity}, ${entity}Status } from './${base}.entity.js';

@Injectable()
export class ${entity}Store {
  constructor(@InjectRepository(${entity}) private readonly repository: Repository<${entity}>) {}

  async getOrThrow(id: string): Promise<${entity}> {
    return this.repository.findOneByOrFail({ id });
  }

  async findOpen(limit: number): Promise<${entity}[]> {
    return this.repository.find({ where: { status: ${entity}Status.OPEN }, order: { updatedAt: 'DESC' }, take: limit });
  }

  async persist(entity: ${entity}): Promise<${entity}> {
    return this.repository.save(entity);
  }

  async countOpen(): Promise<number> {
    return this.repository.countBy({ status: ${entity}Status.OPEN });
  }
}
`;
}

function helpersSource({ i, folder }, previous, networkChain) {
  const imports = [];
  let body;
  if (previous != null) {
    const relative = path.posix.relative(folder, previous.folder);
    imports.push(`import { describe${String(previous.i)} } from '${relative}/${previous.base}.helpers.js';`);
    body = `  const inner = await describe${String(previous.i)}(llm, normalize${String(i)}(text));
  return inner.length > 0 ? inner : normalize${String(i)}(text);`;
  } else if (networkChain) {
    body = `  return llm.complete(\`Describe briefly: \${normalize${String(i)}(text)}\`);`;
  } else {
    body = `  return Promise.resolve(normalize${String(i)}(text).toUpperCase());`;
  }
  return `${imports.length > 0 ? `${imports.join('\n')}\n` : ''}import type { LlmClient } from '../shared/llm.client.js';

export function normalize${String(i)}(text: string): string {
  return text.trim().replace(/\\s+/g, ' ').slice(0, 200);
}

/** ${previous != null ? `Calls describe${String(previous.i)}, one module down the chain.` : networkChain ? 'The base of a chain: an LLM call.' : 'The base of a chain: local work only.'} */
export async function describe${String(i)}(llm: LlmClient, text: string): Promise<string> {
${body}
}

export async function checksum${String(i)}(text: string): Promise<number> {
  let hash = 0;
  for (const char of text) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return Promise.resolve(hash);
}
`;
}

const METHOD_TEMPLATES = {
  networkThenSave: ({ entity, i, k }) => `  // The slow call first, then a short read-modify-write.
  async summarize${String(k)}(id: string, text: string): Promise<void> {
    const summary = await describe${String(i)}(this.llm, text);
    const entity = await this.store.getOrThrow(id);
    entity.summary = summary;
    await this.store.persist(entity);
    this.logger.log(\`${entity} \${entity.id} summarised\`);
  }`,
  compareAndSet: ({ entity, k }) => `  async close${String(k)}(id: string): Promise<boolean> {
    const entity = await this.repository.findOneByOrFail({ id });
    const verdict = await this.llm.complete(\`Can "\${entity.title}" be closed?\`);
    if (!verdict.toLowerCase().startsWith('yes')) return false;
    const result = await this.repository.update({ id, status: ${entity}Status.OPEN }, { status: ${entity}Status.CLOSED });
    return result.affected === 1;
  }`,
  listMapped: ({ k }) => `  async recent${String(k)}(limit: number): Promise<{ id: string; title: string }[]> {
    const rows = await this.store.findOpen(limit);
    return rows
      .filter((row) => row.title.length > 0)
      .map((row) => ({ id: row.id, title: row.title.toUpperCase() }))
      .sort((a, b) => a.title.localeCompare(b.title));
  }`,
  transactionNoNetwork: ({ entity, k }) => `  async addToTotal${String(k)}(id: string, amount: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const entity = await manager.findOneByOrFail(${entity}, { id });
      entity.total += amount;
      await manager.save(entity);
    });
  }`,
  lockInFinally: ({ entity, k }) => `  async refreshTotal${String(k)}(id: string): Promise<void> {
    const key = \`${entity.toLowerCase()}:\${id}\`;
    const lockId = await this.locks.acquireLock(key);
    if (!lockId) return;
    try {
      const rate = await this.http.getJson<{ value: number }>(\`/rates/\${id}\`);
      await this.repository.increment({ id }, 'total', rate.value);
    } finally {
      await this.locks.releaseLock(key, lockId);
    }
  }`,
  handledFireAndForget: ({ entity, k }) => `  notify${String(k)}(id: string): void {
    this.http.post('/audit', { entity: '${entity}', id }).catch((error: unknown) => {
      this.logger.warn(\`audit failed: \${String(error)}\`);
    });
  }`,
  reloadAfterWindow: ({ k }) => `  async retitle${String(k)}(id: string): Promise<void> {
    const first = await this.repository.findOneByOrFail({ id });
    const title = await this.llm.complete(\`Suggest a title for: \${first.title}\`);
    // Read again after the slow call: the save writes a fresh row.
    const fresh = await this.repository.findOneByOrFail({ id });
    fresh.title = title.slice(0, 80);
    await this.repository.save(fresh);
  }`,
  localWindow: ({ i, k }) => `  async stamp${String(k)}(id: string): Promise<void> {
    const entity = await this.repository.findOneByOrFail({ id });
    const hash = await checksum${String(i)}(entity.title);
    entity.total = Math.abs(hash % 1000);
    await this.repository.save(entity);
  }`,
  guardedBuilder: ({ entity, k }) => `  async markPending${String(k)}(id: string): Promise<boolean> {
    const result = await this.repository
      .createQueryBuilder()
      .update(${entity})
      .set({ status: ${entity}Status.PENDING })
      .where('id = :id', { id })
      .andWhere('status = :status', { status: ${entity}Status.OPEN })
      .execute();
    return result.affected === 1;
  }`,
  staleSave: ({ i, k, networkChain }) => `  async annotate${String(k)}(id: string, text: string): Promise<void> {
    const entity = await this.repository.findOneByOrFail({ id });
    const note = await ${networkChain ? `describe${String(i)}(this.llm, text)` : 'this.llm.complete(text)'};
    entity.summary = note;
    await this.repository.save(entity);
  }`,
  // Check-then-act: require-state-guard reports a transition whose code depends on the prior state.
  unguardedTransition: ({ entity, k }) => `  async hold${String(k)}(id: string): Promise<void> {
    const current = await this.repository.findOneByOrFail({ id });
    if (current.status !== ${entity}Status.OPEN) return;
    await this.repository.update(id, { status: ${entity}Status.PENDING });
  }`,
  lockLeak: ({ entity, k }) => `  async recount${String(k)}(id: string): Promise<void> {
    const key = \`${entity.toLowerCase()}:\${id}\`;
    const lockId = await this.locks.acquireLock(key);
    if (!lockId) return;
    const rate = await this.http.getJson<{ value: number }>(\`/rates/\${id}\`);
    await this.repository.increment({ id }, 'total', rate.value);
    await this.locks.releaseLock(key, lockId);
  }`,
  networkInTransaction: ({ entity, k }) => `  async summarizeInTransaction${String(k)}(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const entity = await manager.findOneByOrFail(${entity}, { id });
      const summary = await this.llm.complete(entity.title);
      await manager.update(${entity}, { id }, { summary });
    });
  }`,
  floatingPromise: ({ entity, k }) => `  touch${String(k)}(id: string): void {
    this.http.post('/touch', { entity: '${entity}', id });
  }`,
};

function serviceSource(entity, base, methods, extras) {
  const i = base.split('-').at(-1);
  return `import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';

import { HttpClient } from '../shared/http.client.js';
import { LlmClient } from '../shared/llm.client.js';
import { LockService } from '../shared/lock.service.js';
import { ${entity}, ${entity}Status } from './${base}.entity.js';
import { checksum${i}, describe${i} } from './${base}.helpers.js';
${extras?.serviceImports ?? ''}import { ${entity}Store } from './${base}.store.js';

${extras == null ? '' : `${extras.serviceConstants}\n`}@Injectable()
export class ${entity}Service {
  private readonly logger = new Logger(${entity}Service.name);
${extras?.serviceFields ?? ''}
  constructor(
    @InjectRepository(${entity}) private readonly repository: Repository<${entity}>,
    private readonly store: ${entity}Store,
    private readonly dataSource: DataSource,
    private readonly llm: LlmClient,
    private readonly http: HttpClient,
    private readonly locks: LockService,
${extras?.serviceParameters ?? ''}  ) {}

  async list(limit: number): Promise<${entity}[]> {
    return this.repository.find({ where: { status: ${entity}Status.OPEN }, take: limit });
  }

${methods.join('\n\n')}
${extras?.serviceMethods ?? ''}}
`;
}

function controllerSource(entity, base, corpus) {
  return `import { ${corpus ? 'BadRequestException, Body, Controller, Get, Header, HttpCode, Param, Post, Query' : 'Controller, Get, Param, Query'} } from '@nestjs/common';

import { ${corpus ? `Announce${entity}Request, Create${entity}Request, ` : ''}to${entity}Dto, type ${entity}Dto } from './${base}.dto.js';
import { ${entity}Service } from './${base}.service.js';
import { ${entity}Store } from './${base}.store.js';

@Controller('${base}')
export class ${entity}Controller {
  constructor(
    private readonly service: ${entity}Service,
    private readonly store: ${entity}Store,
  ) {}

  @Get()
  async list(@Query('limit') limit = '20'): Promise<${entity}Dto[]> {
    const rows = await this.service.list(Number(limit));
    return rows.map(to${entity}Dto);
  }

  @Get('count')
  async count(): Promise<{ open: number }> {
    return { open: await this.store.countOpen() };
  }

${corpus ? corpusControllerEndpoints(entity) : ''}  @Get(':id')
  async get(@Param('id') id: string): Promise<${entity}Dto> {
    return to${entity}Dto(await this.store.getOrThrow(id));
  }
}
`;
}

function dtoSource(entity, base, corpus) {
  const i = base.split('-').at(-1);
  return `import type { ${entity} } from './${base}.entity.js';
${corpus ? `import { parseTags${i}, priorityOf${i}, slugify${i} } from './${base}.policy.js';
` : ''}
export interface ${entity}Dto {
  id: string;
  status: string;
  title: string;
  total: number;
  summary?: string;
${corpus ? CORPUS_DTO_FIELDS : ''}}

export function to${entity}Dto(entity: ${entity}): ${entity}Dto {
  return {
    id: entity.id,
    status: entity.status,
    title: entity.title,
    total: entity.total,
    ...(entity.summary == null ? {} : { summary: entity.summary }),
${corpus ? corpusDtoMapping(i) : ''}  };
}

export function totals(rows: readonly ${entity}Dto[]): Map<string, number> {
  const byStatus = new Map<string, number>();
  for (const row of rows) byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + row.total);
  return byStatus;
}
${corpus ? corpusDtoRequests(entity, i) : ''}`;
}

function moduleSource(entity, base, corpus) {
  return `import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { HttpClient } from '../shared/http.client.js';
import { LlmClient } from '../shared/llm.client.js';
import { LockService } from '../shared/lock.service.js';
import { ${entity}Controller } from './${base}.controller.js';
import { ${entity} } from './${base}.entity.js';
${corpus ? `import { ${entity}Notifier } from './${base}.notifier.js';
` : ''}import { ${entity}Service } from './${base}.service.js';
import { ${entity}Store } from './${base}.store.js';

@Module({
  imports: [TypeOrmModule.forFeature([${entity}])],
  controllers: [${entity}Controller],
  providers: [${entity}Service, ${entity}Store, LlmClient, HttpClient, LockService${corpus ? `, ${entity}Notifier` : ''}],
})
export class ${entity}Module {}
`;
}

function formatUtilSource(j) {
  return `export function formatAmount${String(j)}(cents: number, currency = 'EUR'): string {
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(cents / 100);
}

export function chunk${String(j)}<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
`;
}

function appModuleSource(names) {
  const imports = names.map(({ entity, base, folder }) => `import { ${entity}Module } from './${folder.slice('src/'.length)}/${base}.module.js';`);
  return `import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ResourceLock } from './shared/lock.entity.js';
${imports.join('\n')}

@Module({
  imports: [
    TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL, autoLoadEntities: true }),
    TypeOrmModule.forFeature([ResourceLock]),
${names.map(({ entity }) => `    ${entity}Module,`).join('\n')}
  ],
})
export class AppModule {}
`;
}

// ---------------------------------------------------------------------------------------------
// The corpus profile's extra code. None of it touches the database, and every promise in it is
// awaited, returned or handled, so it must not change any rule's reports: it only gives the rules
// (and no-floating-promises) the ordinary code around the TypeORM work that real backends have.

const CORPUS_ENTITY_COLUMNS = `
  @Column({ type: 'timestamp', nullable: true })
  dueAt: Date | null;

  @Column('simple-array', { default: '' })
  tags: string[];
`;

const CORPUS_DTO_FIELDS = `  slug: string;
  priority: string;
  tags: string[];
  dueAt?: string;
  updatedAt: string;
`;

function corpusDtoMapping(i) {
  return `    slug: slugify${i}(entity.title),
    priority: priorityOf${i}(entity),
    tags: parseTags${i}(entity.tags.join(',')),
    ...(entity.dueAt == null ? {} : { dueAt: entity.dueAt.toISOString() }),
    updatedAt: entity.updatedAt.toISOString(),
`;
}

function corpusDtoRequests(entity, i) {
  return `
/** The body of a create request; the policy checks it before anything else happens. */
export class Create${entity}Request {
  title: string;
  total: number;
  dueAt?: string;
  tags?: string[];
  note?: string;
}

export class Update${entity}Request {
  title?: string;
  dueAt?: string | null;
  tags?: string[];
}

/** The fields an update changes; absent fields are left alone, \`dueAt: null\` clears the date. */
export function changesOf${i}(current: ${entity}, request: Update${entity}Request): Partial<Pick<${entity}, 'title' | 'dueAt' | 'tags'>> {
  const changes: Partial<Pick<${entity}, 'title' | 'dueAt' | 'tags'>> = {};
  const title = request.title?.trim();
  if (title != null && title !== '' && title !== current.title) changes.title = title;
  if (request.dueAt === null && current.dueAt != null) changes.dueAt = null;
  else if (request.dueAt != null) changes.dueAt = new Date(request.dueAt);
  if (request.tags != null) {
    const tags = parseTags${i}(request.tags.join(','));
    if (tags.join(',') !== current.tags.join(',')) changes.tags = tags;
  }
  return changes;
}

export class Announce${entity}Request {
  ids?: string[];
  reason?: string;
}

export interface ListQuery${i} {
  limit: number;
  offset: number;
  order: 'asc' | 'desc';
  search?: string;
}

/** Query strings arrive as text: clamp and default them instead of trusting the client. */
export function parseListQuery${i}(query: Record<string, string | undefined>): ListQuery${i} {
  const limit = Number.parseInt(query.limit ?? '', 10);
  const offset = Number.parseInt(query.offset ?? '', 10);
  const search = query.search?.trim();
  return {
    limit: Number.isNaN(limit) ? 20 : Math.min(Math.max(limit, 1), 100),
    offset: Number.isNaN(offset) || offset < 0 ? 0 : offset,
    order: query.order?.toLowerCase() === 'asc' ? 'asc' : 'desc',
    ...(search == null || search === '' ? {} : { search: search.slice(0, 64) }),
  };
}
`;
}

function corpusControllerEndpoints(entity) {
  return `  @Get('tags/suggest')
  suggestTags(@Query('q') q = '', @Query('max') max = '5'): { tags: string[] } {
    const limit = Math.min(Math.max(Number.parseInt(max, 10) || 5, 1), 20);
    return { tags: this.service.suggestTags(q).slice(0, limit) };
  }

  @Post('tags/diff')
  @HttpCode(200)
  diffTags(@Body() body: { before?: string[]; after?: string[] }): { added: string[]; removed: string[] } {
    if (!Array.isArray(body.before) || !Array.isArray(body.after)) throw new BadRequestException('before and after must be lists');
    return this.service.diffTags(body.before, body.after);
  }

  @Get('reference/:id')
  reference(@Param('id') id: string): { reference: string; valid: boolean } {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new BadRequestException('not an id');
    const reference = this.service.referenceFor(id);
    return { reference, valid: this.service.isReference(reference) };
  }

  @Post('drafts/check')
  @HttpCode(200)
  check(@Body() draft: Create${entity}Request): { ok: boolean; errors: string[]; slug: string } {
    return this.service.checkDraft(draft);
  }

  @Post('drafts')
  submit(@Body() draft: Create${entity}Request): Promise<{ accepted: boolean; errors: string[] }> {
    return this.service.submitDraft(draft);
  }

  @Get('quote')
  quote(@Query('total') total = '0', @Query('due') due?: string): { total: number; surcharge: number; days: number } {
    const cents = Number.parseInt(total, 10);
    if (Number.isNaN(cents) || cents < 0) throw new BadRequestException('total must be a non-negative number of cents');
    return this.service.quote(cents, due);
  }

  @Get('export')
  @Header('Content-Type', 'text/csv')
  async export(@Query('limit') limit = '100'): Promise<string> {
    const rows = await this.service.list(Math.min(Number(limit) || 100, 1000));
    return this.service.exportCsv(rows);
  }

  @Post('announce')
  @HttpCode(202)
  announce(@Body() body: Announce${entity}Request): { queued: number } {
    const ids = [...new Set((body.ids ?? []).map((id) => id.trim()).filter((id) => id.length > 0))];
    if (ids.length > 500) throw new BadRequestException('at most 500 ids per announcement');
    this.service.announceAll(ids, body.reason ?? 'changed');
    return { queued: ids.length };
  }

`;
}

const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK'];
const LOCALES = ['en-GB', 'en-US', 'de-DE', 'fr-FR', 'nl-NL'];

/** The three extra files of a module and what its service gains; `variety` picks the optional parts. */
function corpusExtras({ i, entity, base }, variety) {
  const n = String(i);
  const noun = entity.replace(/\d+$/, '').toLowerCase();
  const currency = CURRENCIES[Math.floor(variety() * CURRENCIES.length)] ?? 'EUR';
  const locale = LOCALES[Math.floor(variety() * LOCALES.length)] ?? 'en-GB';
  const maxTitle = 60 + Math.floor(variety() * 7) * 10;
  const highTotal = 1_000 * (5 + Math.floor(variety() * 20));
  const quietHours = variety() < 0.5;
  const digest = variety() < 0.4;
  const audience = variety() < 0.6;
  const fees = variety() < 0.5;

  const policy = `import { type ${entity}, ${entity}Status } from './${base}.entity.js';

/** What a client may send to open a ${noun}; checked before anything is stored. */
export interface ${entity}Draft {
  title: string;
  total: number;
  dueAt?: string;
  tags?: string[];
  note?: string;
}

export type ${entity}Priority = 'low' | 'normal' | 'high' | 'urgent';

export const MAX_TITLE_${n} = ${String(maxTitle)};
const RESERVED_TITLES_${n} = new Set(['admin', 'system', 'null', 'undefined', 'test']);
const TAG_PATTERN_${n} = /^[a-z0-9][a-z0-9-]{0,23}$/;

export function validate${entity}Draft(draft: ${entity}Draft, now = new Date()): string[] {
  const errors: string[] = [];
  const title = draft.title.trim();
  if (title.length === 0) errors.push('title is required');
  else if (title.length > MAX_TITLE_${n}) errors.push(\`title is longer than \${String(MAX_TITLE_${n})} characters\`);
  if (RESERVED_TITLES_${n}.has(title.toLowerCase())) errors.push(\`"\${title}" is a reserved title\`);
  if (!Number.isInteger(draft.total) || draft.total < 0) errors.push('total must be a non-negative whole number of cents');
  if (draft.dueAt != null) {
    const due = new Date(draft.dueAt);
    if (Number.isNaN(due.getTime())) errors.push('dueAt is not a date');
    else if (due.getTime() < now.getTime()) errors.push('dueAt is in the past');
    else if (businessDaysBetween${n}(now, due) > 250) errors.push('dueAt is more than a year of working days away');
  }
  const tags = draft.tags ?? [];
  if (tags.length > 10) errors.push('at most 10 tags');
  for (const tag of tags) {
    if (!TAG_PATTERN_${n}.test(tag)) errors.push(\`tag "\${tag}" is not a lower-case slug\`);
  }
  if (draft.note != null && draft.note.length > 2_000) errors.push('note is longer than 2000 characters');
  return errors;
}

export function slugify${n}(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\\u0300-\\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

export function parseTags${n}(raw: string | undefined): string[] {
  if (raw == null || raw.trim() === '') return [];
  const seen = new Set<string>();
  for (const part of raw.split(',')) {
    const tag = slugify${n}(part);
    if (tag !== '') seen.add(tag);
  }
  return [...seen].sort();
}

/** Monday to Friday between two instants, counted in UTC days; 0 when \`to\` is not later. */
export function businessDaysBetween${n}(from: Date, to: Date): number {
  if (to.getTime() <= from.getTime()) return 0;
  let days = 0;
  const cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  while (cursor.getTime() < to.getTime()) {
    const weekday = cursor.getUTCDay();
    if (weekday !== 0 && weekday !== 6) days++;
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

export function priorityOf${n}(row: Pick<${entity}, 'status' | 'total' | 'updatedAt' | 'dueAt'>, now = new Date()): ${entity}Priority {
  if (row.status === ${entity}Status.CLOSED) return 'low';
  if (row.dueAt != null && businessDaysBetween${n}(now, row.dueAt) <= 1) return 'urgent';
  const idleDays = (now.getTime() - row.updatedAt.getTime()) / 86_400_000;
  if (row.total >= ${String(highTotal)} || idleDays > 14) return 'high';
  if (row.status === ${entity}Status.PENDING) return 'normal';
  return idleDays > 3 ? 'normal' : 'low';
}

export function diffTags${n}(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const old = new Set(before);
  const next = new Set(after);
  return {
    added: after.filter((tag) => !old.has(tag)),
    removed: before.filter((tag) => !next.has(tag)),
  };
}

export function dueLabel${n}(dueAt: Date | null, now = new Date()): string {
  if (dueAt == null) return 'no due date';
  const hours = (dueAt.getTime() - now.getTime()) / 3_600_000;
  if (hours < 0) {
    const overdue = Math.ceil(-hours / 24);
    return overdue === 1 ? 'overdue by a day' : \`overdue by \${String(overdue)} days\`;
  }
  if (hours < 24) return 'due today';
  if (hours < 48) return 'due tomorrow';
  const days = businessDaysBetween${n}(now, dueAt);
  return days <= 5 ? \`due in \${String(days)} working days\` : \`due \${dueAt.toISOString().slice(0, 10)}\`;
}

/** "[ACME] Broken export" → prefix ACME, rest "Broken export"; titles without a prefix keep it all. */
export function splitTitle${n}(title: string): { prefix?: string; rest: string } {
  const match = /^\\s*\\[([^\\]]{1,20})\\]\\s*(.*)$/.exec(title);
  if (match?.[1] == null) return { rest: title.trim() };
  return { prefix: match[1].toUpperCase(), rest: (match[2] ?? '').trim() };
}

/** Collapses whitespace, strips control characters and cuts at a word boundary. */
export function cleanNote${n}(note: string, max = 500): string {
  const clean = note.replace(/[\\u0000-\\u0008\\u000b-\\u001f]/g, '').replace(/[ \\t]+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.lastIndexOf(' ', max);
  return clean.slice(0, cut > max / 2 ? cut : max);
}

export function mentions${n}(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(^|\\s)@([a-z][a-z0-9_.-]{1,30})/gi)) {
    const handle = match[2]?.toLowerCase();
    if (handle != null && !found.includes(handle)) found.push(handle);
  }
  return found;
}

export function canMove${n}(from: ${entity}Status, to: ${entity}Status): boolean {
  switch (from) {
    case ${entity}Status.OPEN:
      return to !== ${entity}Status.OPEN;
    case ${entity}Status.PENDING:
      return to === ${entity}Status.CLOSED || to === ${entity}Status.OPEN;
    case ${entity}Status.CLOSED:
      return false;
  }
}
${fees ? `
interface FeeBand${n} {
  upTo: number;
  percent: number;
  minimum: number;
}

const FEE_BANDS_${n}: readonly FeeBand${n}[] = [
  { upTo: 10_000, percent: 2.5, minimum: 50 },
  { upTo: 100_000, percent: 1.8, minimum: 250 },
  { upTo: 1_000_000, percent: 1.2, minimum: 1_800 },
  { upTo: Number.POSITIVE_INFINITY, percent: 0.9, minimum: 12_000 },
];

/** Fee in cents for a total in cents: the first band the total fits in, never below its minimum. */
export function feeFor${n}(total: number, discountPercent = 0): number {
  if (total <= 0) return 0;
  for (const band of FEE_BANDS_${n}) {
    if (total > band.upTo) continue;
    const fee = Math.round((total * band.percent) / 100);
    const discounted = Math.round(fee * (1 - Math.min(Math.max(discountPercent, 0), 50) / 100));
    return Math.max(discounted, band.minimum);
  }
  return 0;
}
` : ''}${quietHours ? `
/** No notifications at night in the recipient's zone (offset in minutes east of UTC). */
export function isQuietHour${n}(at: Date, offsetMinutes: number, from = 22, to = 7): boolean {
  const local = new Date(at.getTime() + offsetMinutes * 60_000);
  const hour = local.getUTCHours();
  return from > to ? hour >= from || hour < to : hour >= from && hour < to;
}

export function nextWorkingMorning${n}(at: Date): Date {
  const next = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1, 8));
  while (next.getUTCDay() === 0 || next.getUTCDay() === 6) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}
` : ''}`;

  const presenter = `import type { ${entity} } from './${base}.entity.js';
import { priorityOf${n}, slugify${n}, type ${entity}Priority } from './${base}.policy.js';

const PRIORITY_ORDER_${n}: Record<${entity}Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** What the API shows of a ${noun}: formatted for people, not for storage. */
export class ${entity}View {
  constructor(
    readonly id: string,
    readonly title: string,
    readonly status: string,
    readonly amount: string,
    readonly priority: ${entity}Priority,
    readonly updated: string,
    readonly summary: string | null,
  ) {}

  get slug(): string {
    return slugify${n}(this.title);
  }

  get headline(): string {
    const marker = this.priority === 'urgent' ? '!! ' : this.priority === 'high' ? '! ' : '';
    return \`\${marker}\${this.title} (\${this.status})\`;
  }

  excerpt(length = 120): string {
    if (this.summary == null) return '';
    if (this.summary.length <= length) return this.summary;
    const cut = this.summary.lastIndexOf(' ', length);
    return \`\${this.summary.slice(0, cut > 0 ? cut : length)}…\`;
  }
}

export class ${entity}Presenter {
  private readonly money: Intl.NumberFormat;
  private readonly dates: Intl.DateTimeFormat;

  constructor(locale = '${locale}', currency = '${currency}') {
    this.money = new Intl.NumberFormat(locale, { style: 'currency', currency });
    this.dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  }

  present(row: ${entity}, now = new Date()): ${entity}View {
    return new ${entity}View(row.id, row.title, row.status, this.money.format(row.total / 100), priorityOf${n}(row, now), this.dates.format(row.updatedAt), row.summary);
  }

  presentMany(rows: readonly ${entity}[], now = new Date()): ${entity}View[] {
    return rows
      .map((row) => this.present(row, now))
      .sort((a, b) => PRIORITY_ORDER_${n}[a.priority] - PRIORITY_ORDER_${n}[b.priority] || a.title.localeCompare(b.title));
  }

  toCsv(views: readonly ${entity}View[]): string {
    const escape = (value: string): string => (/[",\\n]/.test(value) ? \`"\${value.replace(/"/g, '""')}"\` : value);
    const lines = ['id,title,status,amount,priority,updated'];
    for (const view of views) lines.push([view.id, view.title, view.status, view.amount, view.priority, view.updated].map(escape).join(','));
    return lines.join('\\n');
  }

  relative(date: Date, now = new Date()): string {
    const minutes = Math.round((now.getTime() - date.getTime()) / 60_000);
    if (minutes < 1) return 'just now';
    if (minutes < 60) return \`\${String(minutes)} min ago\`;
    const hours = Math.round(minutes / 60);
    if (hours < 24) return \`\${String(hours)} h ago\`;
    const days = Math.round(hours / 24);
    return days < 30 ? \`\${String(days)} d ago\` : this.dates.format(date);
  }

  toMarkdown(views: readonly ${entity}View[], heading = '${noun}s'): string {
    if (views.length === 0) return \`## \${heading}\\n\\nNothing to show.\`;
    const rows = views.map((view) => \`| \${view.headline.replace(/\\|/g, '\\\\|')} | \${view.amount} | \${view.updated} |\`);
    return [\`## \${heading}\`, '', '| ${noun} | amount | updated |', '|---|---|---|', ...rows].join('\\n');
  }

  groupByStatus(views: readonly ${entity}View[]): Map<string, ${entity}View[]> {
    const groups = new Map<string, ${entity}View[]>();
    for (const view of views) {
      const group = groups.get(view.status);
      if (group == null) groups.set(view.status, [view]);
      else group.push(view);
    }
    return groups;
  }

  totalsByPriority(views: readonly ${entity}View[]): Record<${entity}Priority, number> {
    const totals: Record<${entity}Priority, number> = { urgent: 0, high: 0, normal: 0, low: 0 };
    for (const view of views) totals[view.priority] += 1;
    return totals;
  }
}
`;

  const notifier = `import { Injectable, Logger } from '@nestjs/common';

import { HttpClient } from '../shared/http.client.js';

export interface ${entity}Event {
  kind: 'created' | 'changed' | 'closed' | 'draft';
  id: string;
  at: string;
  detail?: Record<string, string | number>;
}

interface Preferences${n} {
  channels: string[];
  muted: boolean;
}

const ATTEMPTS_${n} = 3;

function pause${n}(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}

/** Tells other systems about ${noun}s over HTTP; it never reads or writes the database. */
@Injectable()
export class ${entity}Notifier {
  private readonly logger = new Logger(${entity}Notifier.name);

  private readonly source = process.env.SERVICE_NAME ?? '${base}';

  constructor(private readonly http: HttpClient) {}

  /** Receivers drop repeats by this key, so a retried delivery is not handled twice. */
  withKey(event: ${entity}Event): ${entity}Event & { key: string; source: string } {
    const canonical = JSON.stringify(event, Object.keys(event).sort());
    const key = Buffer.from(\`\${event.kind}:\${event.id}:\${String(canonical.length)}:\${event.at}\`).toString('base64url');
    return { ...event, key, source: this.source };
  }

  /** Posts an event, pausing longer after each failure; false when every attempt failed. */
  async deliver(event: ${entity}Event): Promise<boolean> {
    const body = this.withKey(event);
    for (let attempt = 1; attempt <= ATTEMPTS_${n}; attempt++) {
      try {
        await this.http.post('/events/${base}', body);
        return true;
      } catch (error: unknown) {
        this.logger.warn(\`\${event.kind} \${event.id}: attempt \${String(attempt)}/\${String(ATTEMPTS_${n})} failed: \${String(error)}\`);
        if (attempt < ATTEMPTS_${n}) await pause${n}(200 * 2 ** attempt);
      }
    }
    return false;
  }

  async broadcast(kind: ${entity}Event['kind'], ids: readonly string[]): Promise<number> {
    const at = new Date().toISOString();
    const delivered = await Promise.all(ids.map((id) => this.deliver({ kind, id, at })));
    return delivered.filter(Boolean).length;
  }

  channelsFor(userId: string): Promise<string[]> {
    return this.http
      .getJson<Preferences${n}>(\`/users/\${encodeURIComponent(userId)}/preferences\`)
      .then((preferences) => (preferences.muted ? [] : preferences.channels.filter((channel) => channel !== 'sms')));
  }

  /** The caller does not wait: a failure only ends up in the log. */
  announce(kind: ${entity}Event['kind'], id: string): void {
    this.deliver({ kind, id, at: new Date().toISOString() }).catch((error: unknown) => {
      this.logger.error(\`announcing \${id} failed: \${String(error)}\`);
    });
  }

  heartbeat(): void {
    void this.http.post('/heartbeat', { source: '${base}', at: Date.now() }).catch(() => undefined);
  }
${digest ? `
  async sendDigest(titles: readonly string[]): Promise<void> {
    if (titles.length === 0) return;
    const lines = titles.slice(0, 20).map((title, index) => \`\${String(index + 1)}. \${title}\`);
    if (titles.length > 20) lines.push(\`… and \${String(titles.length - 20)} more\`);
    await this.http.post('/digests', { topic: '${noun}', text: lines.join('\\n') });
  }
` : ''}}
`;

  const serviceImports = `import { ${entity}Notifier } from './${base}.notifier.js';
import { businessDaysBetween${n}, diffTags${n}, dueLabel${n}, slugify${n}, validate${entity}Draft, type ${entity}Draft } from './${base}.policy.js';
import { ${entity}Presenter } from './${base}.presenter.js';
`;
  const serviceFields = `  private readonly presenter = new ${entity}Presenter();
`;
  const serviceConstants = `const STOP_WORDS_${n} = new Set(['the', 'and', 'for', 'with', 'this', 'that', 'from', 'have', 'will', 'please']);
`;
  const serviceParameters = `    private readonly notifier: ${entity}Notifier,
`;
  const serviceMethods = `
  checkDraft(draft: ${entity}Draft): { ok: boolean; errors: string[]; slug: string } {
    const errors = validate${entity}Draft(draft);
    return { ok: errors.length === 0, errors, slug: slugify${n}(draft.title) };
  }

  async submitDraft(draft: ${entity}Draft): Promise<{ accepted: boolean; errors: string[] }> {
    const { ok, errors, slug } = this.checkDraft(draft);
    if (!ok) return { accepted: false, errors };
    const delivered = await this.notifier.deliver({ kind: 'draft', id: slug, at: new Date().toISOString(), detail: { total: draft.total } });
    if (!delivered) this.logger.warn(\`draft \${slug} could not reach the review queue\`);
    return { accepted: delivered, errors: delivered ? [] : ['the review queue is unavailable, try again later'] };
  }

  quote(total: number, dueAt: string | undefined, now = new Date()): { total: number; surcharge: number; days: number } {
    const due = dueAt == null ? undefined : new Date(dueAt);
    const days = due == null || Number.isNaN(due.getTime()) ? 0 : businessDaysBetween${n}(now, due);
    let rate = 0;
    if (days > 0 && days < 3) rate = 0.15;
    else if (days >= 3 && days < 10) rate = 0.05;
    const surcharge = Math.round(total * rate);
    return { total: total + surcharge, surcharge, days };
  }

  exportCsv(rows: readonly ${entity}[]): string {
    return this.presenter.toCsv(this.presenter.presentMany(rows));
  }

  dueSummary(rows: readonly ${entity}[], now = new Date()): { overdue: number; today: number; later: number; labels: string[] } {
    let overdue = 0;
    let today = 0;
    let later = 0;
    const labels: string[] = [];
    for (const row of rows) {
      if (row.dueAt == null) continue;
      const label = dueLabel${n}(row.dueAt, now);
      if (label.startsWith('overdue')) overdue++;
      else if (label === 'due today') today++;
      else later++;
      labels.push(\`\${row.title}: \${label}\`);
    }
    return { overdue, today, later, labels };
  }

  suggestTags(text: string): string[] {
    const words = text.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length > 2 && !STOP_WORDS_${n}.has(word));
    const counts = new Map<string, number>();
    for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([word]) => slugify${n}(word));
  }

  diffTags(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
    return diffTags${n}(before.map((tag) => slugify${n}(tag)), after.map((tag) => slugify${n}(tag)));
  }

  /** A short human-friendly reference with a check digit, e.g. for support e-mails. */
  referenceFor(id: string): string {
    const digits = id.replace(/[^0-9]/g, '').slice(0, 8).padEnd(8, '0');
    let sum = 0;
    for (const [index, digit] of [...digits].entries()) sum += Number(digit) * (index % 2 === 0 ? 3 : 1);
    return \`${entity.replace(/\d+$/, '').slice(0, 3).toUpperCase()}-\${digits}-\${String((10 - (sum % 10)) % 10)}\`;
  }

  isReference(reference: string): boolean {
    const match = /^[A-Z]{3}-(\\d{8})-(\\d)$/.exec(reference);
    if (match?.[1] == null) return false;
    return this.referenceFor(match[1]) === reference;
  }

  announceAll(ids: readonly string[], reason: string): void {
    const kind = reason === 'closed' ? 'closed' : 'changed';
    this.notifier.broadcast(kind, ids).then(
      (sent) => {
        this.logger.log(\`\${String(sent)}/\${String(ids.length)} ${entity} announcements sent\`);
      },
      (error: unknown) => {
        this.logger.warn(\`${entity} announcements failed: \${String(error)}\`);
      },
    );
  }
${audience ? `
  audience(userIds: readonly string[]): Promise<Map<string, string[]>> {
    return Promise.all(userIds.map((userId) => this.notifier.channelsFor(userId))).then((channels) => {
      const reachable = new Map<string, string[]>();
      userIds.forEach((userId, index) => {
        const list = channels[index] ?? [];
        if (list.length > 0) reachable.set(userId, list);
      });
      return reachable;
    });
  }
` : ''}`;
  return { policy, presenter, notifier, serviceImports, serviceConstants, serviceFields, serviceParameters, serviceMethods };
}
