import path from 'node:path';

import rule from '../../src/rules/no-network-await-in-transaction.js';
import { createRuleTester, fixturesDir } from '../rule-tester.js';

const ruleTester = createRuleTester();

const imports = `
import { DataSource, EntityManager, QueryRunner, Repository } from 'typeorm';
import { Conversation, ConversationStatus } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
import { Assistant } from './shared/assistant.js';
import { PaymentClient, sleep } from './shared/payments.js';
import { MessageCounter } from './shared/services.js';
import { Propagation, Transactional, runInTransaction, runOnTransactionCommit } from 'typeorm-transactional';
import { RequestContext, Transaction, TransactionalConnection } from '@vendure/core';
import { eq } from 'drizzle-orm';
import { db, wallets } from './shared/drizzle-schema.js';
import { prisma, type Prisma } from './shared/prisma-client.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

/** A file in the project compiled with `strictNullChecks: false`. */
const LOOSE_FILE = path.join(fixturesDir, 'loose', 'file.ts');
const looseImports = imports.replaceAll("'./shared/", "'../shared/");

const AWAIT = 'This await';
const RETURNED = 'The promise returned here (the transaction waits for it)';
const NETWORK = 'a network call';
const LLM = 'LlmClient.complete → openai.chat.completions.create';
const ASSISTANT = `Assistant.reply → ${LLM}`;
const PAYMENT = 'PaymentClient.capture → axios.post';

ruleTester.run('no-network-await-in-transaction', rule, {
  valid: [
    {
      name: 'Prisma: the payment first, then a short interactive transaction; a batch $transaction runs no code inside',
      code: `${imports}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  await payments.capture(id);
  await prisma.$transaction(async (tx) => {
    await tx.wallet.update({ where: { id }, data: { balance: { decrement: amount } } });
  });
  await prisma.$transaction([prisma.wallet.update({ where: { id }, data: { label: 'paid' } })]);
  await payments.capture(id);
}`,
    },
    {
      name: 'drizzle: the call before db.transaction(); a row lock outside a transaction locks for its statement only',
      code: `${imports}
export async function summarise(llm: LlmClient, id: string) {
  const summary = await llm.complete(id);
  await db.select().from(wallets).where(eq(wallets.id, id)).for('update');
  await llm.complete(id);
  await db.transaction(async (tx) => {
    await tx.update(wallets).set({ label: summary }).where(eq(wallets.id, id));
  });
}`,
    },
    {
      name: 'the LLM first, then a short transaction with a compare-and-set update',
      code: `${imports}
export async function reply(dataSource: DataSource, llm: LlmClient, id: string, triggerId: string) {
  const text = await llm.complete('q');
  await dataSource.transaction(async (manager) => {
    const result = await manager.update(Conversation, { id, lastMessageId: triggerId }, { lastMessageSnippet: text });
    if (!result.affected) return;
    await manager.increment(Conversation, { id }, 'priority', 1);
  });
  await llm.complete('after the commit');
}`,
    },
    {
      name: 'a transaction that only reaches the database',
      code: `${imports}
export async function touch(dataSource: DataSource, counter: MessageCounter, id: string) {
  await dataSource.transaction(async (manager) => {
    const conversation = await manager.findOneByOrFail(Conversation, { id });
    conversation.priority = await counter.countFor(id);
    await manager.save(conversation);
    return manager.count(Conversation);
  });
}`,
    },
    {
      name: 'a callback registered to run after the commit',
      code: `${imports}
export class Replies {
  constructor(private readonly dataSource: DataSource, private readonly llm: LlmClient) {}

  @Transactional()
  async close(id: string): Promise<void> {
    await this.dataSource.manager.update(Conversation, { id }, { status: ConversationStatus.RESOLVED });
    runOnTransactionCommit(async () => {
      await this.llm.complete('closed');
    });
  }
}`,
    },
    {
      name: 'QueryRunner: network calls before the start and after commit, rollback and release',
      code: `${imports}
export async function transfer(dataSource: DataSource, payments: PaymentClient, id: string) {
  await payments.capture('before');
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  await queryRunner.startTransaction();
  try {
    await queryRunner.manager.update(Conversation, { id }, { priority: 1 });
    await queryRunner.commitTransaction();
    await payments.capture('after commit');
  } catch (error) {
    await queryRunner.rollbackTransaction();
    await payments.capture('after rollback');
    throw error;
  } finally {
    await queryRunner.release();
    await payments.capture('after release');
  }
  await payments.capture('after the try');
}`,
    },
    {
      name: 'QueryRunner: a finally block is judged by the paths that complete its try and catch',
      code: `${imports}
export async function transfer(queryRunner: QueryRunner, payments: PaymentClient, id: string) {
  await queryRunner.startTransaction();
  try {
    await queryRunner.manager.update(Conversation, { id }, { priority: 1 });
    await queryRunner.commitTransaction();
  } catch (error) {
    await queryRunner.rollbackTransaction();
    throw error;
  } finally {
    await payments.capture('finally');
    await queryRunner.release();
  }
}`,
    },
    {
      name: 'QueryRunner: a lock ends with its transaction',
      code: `${imports}
export async function bump(queryRunner: QueryRunner, llm: LlmClient, id: string) {
  await queryRunner.startTransaction();
  const row = await queryRunner.manager.findOne(Conversation, { where: { id }, lock: { mode: 'pessimistic_write' } });
  await queryRunner.manager.update(Conversation, { id }, { priority: (row?.priority ?? 0) + 1 });
  await queryRunner.commitTransaction();
  await llm.complete('after the commit');
}`,
    },
    {
      name: '@Transactional() propagations that may run without a transaction',
      code: `${imports}
export class Replies {
  constructor(private readonly llm: LlmClient) {}

  @Transactional({ propagation: Propagation.NOT_SUPPORTED })
  async outside(): Promise<void> {
    await this.llm.complete('not supported');
  }

  @Transactional({ propagation: Propagation.SUPPORTS })
  async maybe(): Promise<void> {
    await this.llm.complete('supports');
  }

  @Transactional({ propagation: Propagation.NEVER })
  async never(): Promise<void> {
    await this.llm.complete('never');
  }
}`,
    },
    {
      name: 'functions created inside the callback run when they are called, not as part of it',
      code: `${imports}
export async function later(dataSource: DataSource, llm: LlmClient, id: string) {
  const pending: (() => Promise<string>)[] = [];
  await dataSource.transaction(async (manager) => {
    pending.push(async () => {
      return await llm.complete('later');
    });
    await manager.update(Conversation, { id }, { priority: 2 });
  });
  for (const job of pending) await job();
}`,
    },
    {
      name: 'a method handed to transaction() by reference is not followed',
      code: `${imports}
export class Work {
  constructor(private readonly dataSource: DataSource, private readonly llm: LlmClient) {}

  readonly run = async (manager: EntityManager): Promise<void> => {
    await manager.count(Conversation);
    await this.llm.complete('x');
  };

  async start(): Promise<void> {
    await this.dataSource.transaction(this.run);
  }
}`,
    },
    {
      name: 'timers and unknown calls are not reported by default',
      code: `${imports}
interface Notifier { notify(id: string): Promise<void> }
export async function wait(dataSource: DataSource, notifier: Notifier, id: string) {
  await dataSource.transaction(async () => {
    await sleep(10);
    await notifier.notify(id);
  });
}`,
    },
    {
      name: 'optimistic and dirty-read locks hold no row lock; raw FOR UPDATE outside a transaction locks one statement',
      code: `${imports}
export async function reads(manager: EntityManager, llm: LlmClient, id: string) {
  const row = await manager.findOne(Conversation, { where: { id }, lock: { mode: 'optimistic', version: 1 } });
  await llm.complete(String(row?.id));
  await manager.createQueryBuilder(Conversation, 'c').setLock('dirty_read').getMany();
  await llm.complete('dirty');
  await manager.query('SELECT * FROM conversation WHERE id = $1 FOR UPDATE', [id]);
  await llm.complete('autocommit');
}`,
    },
    {
      name: 'any, unresolved and odd syntax are skipped',
      code: `${imports}
export async function odd(loose: any, queryRunner: QueryRunner, llm: LlmClient, list: Promise<string>[]) {
  await loose.transaction(async () => {
    await llm.complete('any');
  });
  await queryRunner['startTransaction']();
  await llm.complete('computed');
  await queryRunner?.commitTransaction();
  await loose.startTransaction();
  await llm.complete(String(await list[0]));
  const returned = () => llm.complete('not a transaction');
  void returned;
}`,
    },
    {
      name: "Vendure's @Transaction('manual') starts no transaction by itself",
      code: `${imports}
export class Resolver {
  constructor(private readonly llm: LlmClient) {}

  @Transaction('manual')
  async draft(ctx: RequestContext): Promise<string> {
    void ctx;
    return await this.llm.complete('manual');
  }
}`,
    },
    {
      name: 'a function that takes a callback but runs it outside its transaction is no transaction runner',
      code: `${imports}
export class Audit {
  constructor(private readonly dataSource: DataSource, private readonly llm: LlmClient) {}

  private async timed<T>(work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await work();
    await this.dataSource.transaction(async (manager) => {
      await manager.increment(Conversation, { id: 'stats' }, 'priority', Date.now() - started);
    });
    return result;
  }

  async reply(): Promise<string> {
    return this.timed(async () => this.llm.complete('outside'));
  }
}`,
    },
    {
      name: 'strictNullChecks off: a database-only transaction',
      filename: LOOSE_FILE,
      code: `${looseImports}
export async function touch(dataSource: DataSource, llm: LlmClient, id: string) {
  const text = await llm.complete('q');
  await dataSource.transaction(async (manager) => {
    const conversation = await manager.findOne(Conversation, { where: { id } });
    conversation.lastMessageSnippet = text;
    await manager.save(conversation);
  });
}`,
    },
  ],
  invalid: [
    {
      name: 'Prisma: a payment call inside an interactive $transaction (P2028 once it outlasts the timeout)',
      code: `${imports}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  await prisma.$transaction(async (tx) => {
    const wallet = await tx.wallet.findUniqueOrThrow({ where: { id } });
    await payments.capture(wallet.id);
    await tx.wallet.update({ where: { id }, data: { balance: { decrement: amount } } });
  }, { timeout: 10_000 });
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          line: L + 5,
          column: 5,
          endLine: L + 5,
          endColumn: 38,
          data: {
            what: AWAIT,
            kind: NETWORK,
            chain: `payments.capture(…) → ${PAYMENT}`,
            start: '`prisma.$transaction()`',
            startLine: String(L + 3),
          },
        },
      ],
    },
    {
      name: 'Prisma: a payment call inside $transaction on a prisma-client-js client, whose PrismaClient is a class',
      code: `
import { PaymentClient } from './shared/payments.js';
import { legacyPrisma } from './shared/legacy-prisma-client.js';

export async function charge(payments: PaymentClient, id: string) {
  await legacyPrisma.$transaction(async (tx) => {
    await payments.capture(id);
    await tx.account.update({ where: { id }, data: { balance: { decrement: 1 } } });
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          line: 7,
          column: 5,
          endLine: 7,
          endColumn: 31,
          data: {
            what: AWAIT,
            kind: NETWORK,
            chain: `payments.capture(…) → ${PAYMENT}`,
            start: '`legacyPrisma.$transaction()`',
            startLine: '6',
          },
        },
      ],
    },
    {
      name: 'drizzle: an LLM call inside db.transaction(), and under a row locked with .for(update)',
      code: `${imports}
export async function summarise(llm: LlmClient, id: string) {
  await db.transaction(async (tx) => {
    await llm.complete(id);
    const [wallet] = await tx.select().from(wallets).where(eq(wallets.id, id)).for('update');
    await llm.complete(wallet?.label ?? '');
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          line: L + 4,
          column: 5,
          endLine: L + 4,
          endColumn: 27,
          data: {
            what: AWAIT,
            kind: NETWORK,
            chain: `llm.complete(…) → ${LLM}`,
            start: '`db.transaction()`',
            startLine: String(L + 3),
          },
        },
        {
          messageId: 'networkUnderRowLock',
          line: L + 6,
          column: 5,
          endLine: L + 6,
          endColumn: 44,
          data: {
            what: AWAIT,
            kind: NETWORK,
            chain: `llm.complete(…) → ${LLM}`,
            lock: '`tx.select().from(…).where(…).for(…)` (FOR UPDATE)',
            lockLine: String(L + 5),
          },
        },
      ],
    },
    {
      name: 'Prisma: a wrapper of the project that runs its callback in $transaction',
      code: `${imports}
async function inTransaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return prisma.$transaction(work);
}
export async function charge(payments: PaymentClient, id: string) {
  await inTransaction(async (tx) => {
    await payments.capture(id);
    await tx.wallet.update({ where: { id }, data: { label: 'paid' } });
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          line: L + 7,
          column: 5,
          endLine: L + 7,
          endColumn: 31,
          data: {
            what: AWAIT,
            kind: NETWORK,
            chain: `payments.capture(…) → ${PAYMENT}`,
            start: '`inTransaction()` (inTransaction → $transaction())',
            startLine: String(L + 6),
          },
        },
      ],
    },
    {
      name: "the audit's responder moved into dataSource.transaction()",
      code: `${imports}
export async function reply(dataSource: DataSource, llm: LlmClient, id: string) {
  await llm.complete('before');
  await dataSource.transaction(async (manager) => {
    const conversation = await manager.findOneByOrFail(Conversation, { id });
    conversation.lastMessageSnippet = await llm.complete(conversation.id);
    await manager.save(conversation);
  });
  await llm.complete('after');
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: {
            what: AWAIT,
            kind: NETWORK,
            chain: `llm.complete(…) → ${LLM}`,
            start: '`dataSource.transaction()`',
            startLine: String(L + 4),
          },
          line: L + 6,
          column: 39,
          endLine: L + 6,
          endColumn: 74,
        },
      ],
    },
    {
      name: 'the isolation-level overload of EntityManager.transaction()',
      code: `${imports}
export class Replies {
  constructor(private readonly conversations: Repository<Conversation>, private readonly llm: LlmClient) {}

  async reply(id: string): Promise<void> {
    await this.conversations.manager.transaction('SERIALIZABLE', async (manager) => {
      const text = await this.llm.complete(id);
      await manager.update(Conversation, { id }, { lastMessageSnippet: text });
    });
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: {
            what: AWAIT,
            kind: NETWORK,
            chain: `this.llm.complete(…) → ${LLM}`,
            start: '`this.conversations.manager.transaction()`',
            startLine: String(L + 6),
          },
          line: L + 7,
          column: 20,
          endLine: L + 7,
          endColumn: 47,
        },
      ],
    },
    {
      name: 'QueryRunner: between startTransaction() and commit, and in the catch before the rollback',
      code: `${imports}
export async function capture(dataSource: DataSource, payments: PaymentClient, id: string) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  await queryRunner.startTransaction();
  try {
    await queryRunner.manager.update(Conversation, { id }, { status: ConversationStatus.PENDING });
    await payments.capture(id);
    await queryRunner.commitTransaction();
  } catch (error) {
    await payments.capture('refund');
    await queryRunner.rollbackTransaction();
    throw error;
  } finally {
    await queryRunner.release();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `payments.capture(…) → ${PAYMENT}`, start: '`queryRunner.startTransaction()`', startLine: String(L + 5) },
          line: L + 8,
          column: 5,
          endLine: L + 8,
          endColumn: 31,
        },
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `payments.capture(…) → ${PAYMENT}`, start: '`queryRunner.startTransaction()`', startLine: String(L + 5) },
          line: L + 11,
          column: 5,
          endLine: L + 11,
          endColumn: 37,
        },
      ],
    },
    {
      name: 'QueryRunner: started inside the try, the catch sees the awaits that can reject after it',
      code: `${imports}
export async function capture(queryRunner: QueryRunner, payments: PaymentClient, id: string) {
  try {
    await queryRunner.startTransaction();
    await queryRunner.manager.update(Conversation, { id }, { priority: 3 });
    await queryRunner.commitTransaction();
  } catch {
    await payments.capture('alert');
    await queryRunner.rollbackTransaction();
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `payments.capture(…) → ${PAYMENT}`, start: '`queryRunner.startTransaction()`', startLine: String(L + 4) },
          line: L + 8,
          column: 5,
          endLine: L + 8,
          endColumn: 36,
        },
      ],
    },
    {
      name: 'a pessimistic_write load inside the callback: the row stays locked across the call',
      code: `${imports}
export async function capture(dataSource: DataSource, payments: PaymentClient, id: string) {
  await dataSource.transaction(async (manager) => {
    await payments.capture('before the lock');
    const conversation = await manager.findOne(Conversation, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!conversation) return;
    await payments.capture(conversation.id);
    await manager.update(Conversation, { id }, { status: ConversationStatus.RESOLVED });
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `payments.capture(…) → ${PAYMENT}`, start: '`dataSource.transaction()`', startLine: String(L + 3) },
          line: L + 4,
          column: 5,
          endLine: L + 4,
          endColumn: 46,
        },
        {
          messageId: 'networkUnderRowLock',
          data: { what: AWAIT, kind: NETWORK, chain: `payments.capture(…) → ${PAYMENT}`, lock: '`manager.findOne(…)` (pessimistic_write)', lockLine: String(L + 5) },
          line: L + 7,
          column: 5,
          endLine: L + 7,
          endColumn: 44,
        },
      ],
    },
    {
      name: 'setLock() on a query builder with a manager handed in: the lock proves a transaction',
      code: `${imports}
export async function summarize(manager: EntityManager, llm: LlmClient, id: string) {
  await llm.complete('before the lock');
  const conversation = await manager
    .createQueryBuilder(Conversation, 'c')
    .setLock('pessimistic_read')
    .where('c.id = :id', { id })
    .getOneOrFail();
  const summary = await llm.complete(conversation.id);
  await manager.update(Conversation, { id }, { lastMessageSnippet: summary });
}`,
      output: null,
      errors: [
        {
          messageId: 'networkUnderRowLock',
          data: {
            what: AWAIT,
            kind: NETWORK,
            chain: `llm.complete(…) → ${LLM}`,
            lock: '`manager.createQueryBuilder(…).setLock(…).where(…).getOneOrFail()` (pessimistic_read)',
            lockLine: String(L + 4),
          },
          line: L + 9,
          column: 19,
          endLine: L + 9,
          endColumn: 54,
        },
      ],
    },
    {
      name: 'raw SELECT … FOR UPDATE inside a transaction',
      code: `${imports}
export async function capture(dataSource: DataSource, id: string) {
  await dataSource.transaction(async (manager) => {
    await manager.query('SELECT * FROM conversation WHERE id = $1 FOR UPDATE', [id]);
    await fetch('http://127.0.0.1:9/notify');
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'networkUnderRowLock',
          data: { what: AWAIT, kind: NETWORK, chain: 'fetch(…)', lock: '`manager.query(…)` (FOR UPDATE)', lockLine: String(L + 4) },
          line: L + 5,
          column: 5,
          endLine: L + 5,
          endColumn: 45,
        },
      ],
    },
    {
      name: 'the LLM two files away (Assistant → LlmClient → openai), and a for await over it',
      code: `${imports}
export async function answer(dataSource: DataSource, assistant: Assistant, id: string) {
  await dataSource.transaction(async (manager) => {
    const reply = await assistant.reply('q');
    for await (const chunk of [assistant.reply('again')]) void chunk;
    await manager.update(Conversation, { id }, { lastMessageSnippet: reply });
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `assistant.reply(…) → ${ASSISTANT}`, start: '`dataSource.transaction()`', startLine: String(L + 3) },
          line: L + 4,
          column: 19,
          endLine: L + 4,
          endColumn: 45,
        },
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `[…] → ${ASSISTANT}`, start: '`dataSource.transaction()`', startLine: String(L + 3) },
          line: L + 5,
          column: 31,
          endLine: L + 5,
          endColumn: 57,
        },
      ],
    },
    {
      name: 'a helper of the project that reaches the network, awaited in the callback',
      code: `${imports}
export class Replies {
  constructor(private readonly dataSource: DataSource, private readonly assistant: Assistant) {}

  private async draft(question: string): Promise<string> {
    return this.assistant.reply(question);
  }

  async reply(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const text = await this.draft(id);
      await manager.update(Conversation, { id }, { lastMessageSnippet: text });
    });
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `this.draft(…) → Replies.draft → ${ASSISTANT}`, start: '`this.dataSource.transaction()`', startLine: String(L + 10) },
          line: L + 11,
          column: 20,
          endLine: L + 11,
          endColumn: 40,
        },
      ],
    },
    {
      name: '@Transactional() methods, including MANDATORY and a returned promise',
      code: `${imports}
export class Replies {
  constructor(private readonly conversations: Repository<Conversation>, private readonly llm: LlmClient) {}

  @Transactional()
  async reply(id: string): Promise<void> {
    const text = await this.llm.complete(id);
    await this.conversations.update({ id }, { lastMessageSnippet: text });
  }

  @Transactional({ propagation: Propagation.MANDATORY })
  draft(id: string): Promise<string> {
    return this.llm.complete(id);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `this.llm.complete(…) → ${LLM}`, start: '`@Transactional()` on `Replies.reply`', startLine: String(L + 5) },
          line: L + 7,
          column: 18,
          endLine: L + 7,
          endColumn: 45,
        },
        {
          messageId: 'networkInTransaction',
          data: { what: RETURNED, kind: NETWORK, chain: `this.llm.complete(…) → ${LLM}`, start: '`@Transactional()` on `Replies.draft`', startLine: String(L + 11) },
          line: L + 13,
          column: 12,
          endLine: L + 13,
          endColumn: 33,
        },
      ],
    },
    {
      name: '@Transactional() imported under another name',
      code: `${imports}import { Transactional as InTransaction } from 'typeorm-transactional';
export class Replies {
  constructor(private readonly llm: LlmClient) {}

  @InTransaction()
  async reply(id: string): Promise<void> {
    await this.llm.complete(id);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `this.llm.complete(…) → ${LLM}`, start: '`@InTransaction()` on `Replies.reply`', startLine: String(L + 5) },
          line: L + 7,
          column: 5,
          endLine: L + 7,
          endColumn: 32,
        },
      ],
    },
    {
      name: 'a callback whose body is the network call: the transaction waits for the returned promise',
      code: `${imports}
export function reply(dataSource: DataSource, assistant: Assistant) {
  return dataSource.transaction(() => assistant.reply('q'));
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: RETURNED, kind: NETWORK, chain: `assistant.reply(…) → ${ASSISTANT}`, start: '`dataSource.transaction()`', startLine: String(L + 3) },
          line: L + 3,
          column: 39,
          endLine: L + 3,
          endColumn: 59,
        },
      ],
    },
    {
      name: 'a transaction awaited inside @Transactional(): only the inner await is reported',
      code: `${imports}
export class Replies {
  constructor(private readonly dataSource: DataSource, private readonly llm: LlmClient) {}

  @Transactional()
  async reply(): Promise<void> {
    await this.dataSource.transaction(async () => {
      await this.llm.complete('inner');
    });
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `this.llm.complete(…) → ${LLM}`, start: '`this.dataSource.transaction()`', startLine: String(L + 7) },
          line: L + 8,
          column: 7,
          endLine: L + 8,
          endColumn: 39,
        },
      ],
    },
    {
      name: 'windowKinds with timer: a sleep inside the transaction',
      options: [{ windowKinds: ['network', 'timer'] }],
      code: `${imports}
export async function wait(dataSource: DataSource) {
  await dataSource.transaction(async () => {
    await sleep(1000);
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: 'a timer', chain: 'sleep(…) → setTimeout', start: '`dataSource.transaction()`', startLine: String(L + 3) },
          line: L + 4,
          column: 5,
          endLine: L + 4,
          endColumn: 22,
        },
      ],
    },
    {
      name: 'networkModules: a package on no list counts as network',
      options: [{ networkModules: ['ts-morph'] }],
      code: `${imports}
import { Project } from 'ts-morph';
export async function emit(dataSource: DataSource, project: Project) {
  await dataSource.transaction(async () => {
    await project.save();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: 'project.save() → project.save (ts-morph)', start: '`dataSource.transaction()`', startLine: String(L + 4) },
          line: L + 5,
          column: 5,
          endLine: L + 5,
          endColumn: 25,
        },
      ],
    },
    {
      name: "typeorm-transactional's runInTransaction(fn, options)",
      code: `${imports}
export async function reply(llm: LlmClient) {
  await runInTransaction(async () => {
    await llm.complete('q');
  }, { propagation: Propagation.REQUIRES_NEW });
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `llm.complete(…) → ${LLM}`, start: '`runInTransaction()`', startLine: String(L + 3) },
          line: L + 4,
          column: 5,
          endLine: L + 4,
          endColumn: 28,
        },
      ],
    },
    {
      name: "Vendure: @Transaction() resolvers and connection.withTransaction()",
      code: `${imports}
export class Resolver {
  constructor(private readonly connection: TransactionalConnection, private readonly payments: PaymentClient) {}

  @Transaction()
  async capture(ctx: RequestContext, id: string): Promise<boolean> {
    void ctx;
    return await this.payments.capture(id);
  }

  async settle(ctx: RequestContext, id: string): Promise<void> {
    await this.connection.withTransaction(ctx, async (transactionCtx) => {
      void transactionCtx;
      await this.payments.capture(id);
    });
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `this.payments.capture(…) → ${PAYMENT}`, start: '`@Transaction()` on `Resolver.capture`', startLine: String(L + 5) },
          line: L + 8,
          column: 12,
          endLine: L + 8,
          endColumn: 43,
        },
        {
          messageId: 'networkInTransaction',
          data: { what: AWAIT, kind: NETWORK, chain: `this.payments.capture(…) → ${PAYMENT}`, start: '`this.connection.withTransaction()`', startLine: String(L + 12) },
          line: L + 14,
          column: 7,
          endLine: L + 14,
          endColumn: 38,
        },
      ],
    },
    {
      name: 'a transaction wrapper of the project (a closure that calls the work inside transaction()), and a wrapper of it',
      code: `${imports}
export class OrderService {
  constructor(private readonly manager: EntityManager, private readonly payments: PaymentClient) {}

  protected async atomicPhase<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const doWork = async (m: EntityManager): Promise<T> => {
      return await work(m);
    };
    return this.manager.transaction(async (m) => doWork(m));
  }

  protected async withRetry<T>(attempts: number, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.atomicPhase(work);
    } catch (error) {
      if (attempts <= 1) throw error;
      return this.withRetry(attempts - 1, work);
    }
  }

  async capture(id: string): Promise<void> {
    await this.atomicPhase(async (manager) => {
      await manager.update(Conversation, { id }, { status: ConversationStatus.PENDING });
      await this.payments.capture(id);
    });
    await this.withRetry(3, async () => {
      await this.payments.capture(id);
    });
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'networkInTransaction',
          data: {
            what: AWAIT,
            kind: NETWORK,
            chain: `this.payments.capture(…) → ${PAYMENT}`,
            start: '`this.atomicPhase()` (OrderService.atomicPhase → transaction())',
            startLine: String(L + 22),
          },
          line: L + 24,
          column: 7,
          endLine: L + 24,
          endColumn: 38,
        },
        {
          messageId: 'networkInTransaction',
          data: {
            what: AWAIT,
            kind: NETWORK,
            chain: `this.payments.capture(…) → ${PAYMENT}`,
            start: '`this.withRetry()` (OrderService.withRetry → OrderService.atomicPhase → transaction())',
            startLine: String(L + 26),
          },
          line: L + 27,
          column: 7,
          endLine: L + 27,
          endColumn: 38,
        },
      ],
    },
    {
      name: 'strictNullChecks off: the same report',
      filename: LOOSE_FILE,
      code: `${looseImports}
export async function reply(dataSource: DataSource, llm: LlmClient, id: string) {
  await dataSource.transaction(async (manager) => {
    const conversation = await manager.findOne(Conversation, { where: { id }, lock: { mode: 'pessimistic_write' } });
    conversation.lastMessageSnippet = await llm.complete(conversation.id);
    await manager.save(conversation);
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'networkUnderRowLock',
          data: { what: AWAIT, kind: NETWORK, chain: `llm.complete(…) → ${LLM}`, lock: '`manager.findOne(…)` (pessimistic_write)', lockLine: String(L + 4) },
          line: L + 5,
          column: 39,
          endLine: L + 5,
          endColumn: 74,
        },
      ],
    },
  ],
});
