// Generates a synthetic NestJS + TypeORM backend of exactly N files for the benchmark: entities,
// repositories (stores), services that call an LLM and an HTTP API, helpers that call helpers of
// other modules several files deep, controllers, DTO mappers and Nest modules. Most service
// methods are the safe shapes of each rule; a few percent are the unsafe ones. The same seed
// and size always give the same files, so runs can be compared and findings re-counted.
import fs from 'node:fs';
import path from 'node:path';

/** Files every project has besides its feature modules. */
const SHARED_FILES = 5;
/** entity, store, helpers, service, controller, dto, module. */
const FILES_PER_MODULE = 7;
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
 * @param {{ dir: string; files: number; seed: number; nodeModules: string }} options
 */
export function generateProject({ dir, files, seed, nodeModules }) {
  if (files < SHARED_FILES + FILES_PER_MODULE) throw new Error(`at least ${String(SHARED_FILES + FILES_PER_MODULE)} files`);
  const random = prng(seed);
  const modules = Math.floor((files - SHARED_FILES) / FILES_PER_MODULE);
  const padding = files - SHARED_FILES - modules * FILES_PER_MODULE;
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
    sources.set(`${folder}/${base}.entity.ts`, entitySource(entity));
    sources.set(`${folder}/${base}.store.ts`, storeSource(entity, base));
    sources.set(`${folder}/${base}.helpers.ts`, helpersSource(module, previous, networkChain));
    const methods = [];
    for (let k = 0; k < METHODS_PER_SERVICE; k++) {
      const shape = pickShape(random);
      shapeCounts[shape.name] = (shapeCounts[shape.name] ?? 0) + 1;
      if (shape.rule != null) planted[shape.rule] = (planted[shape.rule] ?? 0) + 1;
      methods.push(METHOD_TEMPLATES[shape.name]({ entity, i, k, networkChain }));
    }
    sources.set(`${folder}/${base}.service.ts`, serviceSource(entity, base, methods));
    sources.set(`${folder}/${base}.controller.ts`, controllerSource(entity, base));
    sources.set(`${folder}/${base}.dto.ts`, dtoSource(entity, base));
    sources.set(`${folder}/${base}.module.ts`, moduleSource(entity, base));
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
  return { dir, files: [...sources.keys()].map((file) => path.join(dir, file)), modules, planted, shapeCounts };
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

function entitySource(entity) {
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
  unguardedTransition: ({ entity, k }) => `  async hold${String(k)}(id: string): Promise<void> {
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

function serviceSource(entity, base, methods) {
  const i = base.split('-').at(-1);
  return `import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';

import { HttpClient } from '../shared/http.client.js';
import { LlmClient } from '../shared/llm.client.js';
import { LockService } from '../shared/lock.service.js';
import { ${entity}, ${entity}Status } from './${base}.entity.js';
import { checksum${i}, describe${i} } from './${base}.helpers.js';
import { ${entity}Store } from './${base}.store.js';

@Injectable()
export class ${entity}Service {
  private readonly logger = new Logger(${entity}Service.name);

  constructor(
    @InjectRepository(${entity}) private readonly repository: Repository<${entity}>,
    private readonly store: ${entity}Store,
    private readonly dataSource: DataSource,
    private readonly llm: LlmClient,
    private readonly http: HttpClient,
    private readonly locks: LockService,
  ) {}

  async list(limit: number): Promise<${entity}[]> {
    return this.repository.find({ where: { status: ${entity}Status.OPEN }, take: limit });
  }

${methods.join('\n\n')}
}
`;
}

function controllerSource(entity, base) {
  return `import { Controller, Get, Param, Query } from '@nestjs/common';

import { to${entity}Dto, type ${entity}Dto } from './${base}.dto.js';
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

  @Get(':id')
  async get(@Param('id') id: string): Promise<${entity}Dto> {
    return to${entity}Dto(await this.store.getOrThrow(id));
  }
}
`;
}

function dtoSource(entity, base) {
  return `import type { ${entity} } from './${base}.entity.js';

export interface ${entity}Dto {
  id: string;
  status: string;
  title: string;
  total: number;
  summary?: string;
}

export function to${entity}Dto(entity: ${entity}): ${entity}Dto {
  return {
    id: entity.id,
    status: entity.status,
    title: entity.title,
    total: entity.total,
    ...(entity.summary == null ? {} : { summary: entity.summary }),
  };
}

export function totals(rows: readonly ${entity}Dto[]): Map<string, number> {
  const byStatus = new Map<string, number>();
  for (const row of rows) byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + row.total);
  return byStatus;
}
`;
}

function moduleSource(entity, base) {
  return `import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { HttpClient } from '../shared/http.client.js';
import { LlmClient } from '../shared/llm.client.js';
import { LockService } from '../shared/lock.service.js';
import { ${entity}Controller } from './${base}.controller.js';
import { ${entity} } from './${base}.entity.js';
import { ${entity}Service } from './${base}.service.js';
import { ${entity}Store } from './${base}.store.js';

@Module({
  imports: [TypeOrmModule.forFeature([${entity}])],
  controllers: [${entity}Controller],
  providers: [${entity}Service, ${entity}Store, LlmClient, HttpClient, LockService],
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
