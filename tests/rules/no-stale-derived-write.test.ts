import rule from '../../src/rules/no-stale-derived-write.js';
import { createRuleTester } from '../rule-tester.js';

const ruleTester = createRuleTester();

const H = `
import { and, eq } from 'drizzle-orm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { db, jobs, orders, wallets } from './shared/drizzle-schema.js';
import { Conversation } from './shared/entities.js';
import { LlmClient } from './shared/llm-client.js';
import { PaymentClient, sleep } from './shared/payments.js';
import { prisma } from './shared/prisma-client.js';
`;

/** Line numbers in cases count from the first line of `H`. */
const L = H.split('\n').length - 1;

ruleTester.run('no-stale-derived-write', rule, {
  valid: [
    {
      name: 'fields the code set on the entity after (or before) the call hold its values, not the row\'s: no-stale-save\'s fix',
      code: `${H}
export async function reply(repo: Repository<Conversation>, llm: LlmClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageId = null;
  conversation.lastMessageSnippet = await llm.complete(conversation.id);
  await repo.update({ id: conversation.id }, { lastMessageId: conversation.lastMessageId, lastMessageSnippet: conversation.lastMessageSnippet });
}`,
    },
    {
      name: 'a field the code set on one path only is taken as set: the paths are not told apart (no-stale-save\'s rewrite of a PATCH)',
      code: `${H}
export async function patch(repo: Repository<Conversation>, llm: LlmClient, id: string, snippet: string | undefined) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.lastMessageId = await llm.complete(conversation.id);
  if (snippet) conversation.lastMessageSnippet = snippet;
  await repo.update({ id: conversation.id }, { lastMessageId: conversation.lastMessageId, lastMessageSnippet: conversation.lastMessageSnippet });
}`,
    },
    {
      name: 're-read after the network call',
      code: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  let wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await prisma.wallet.update({ where: { id }, data: { balance: wallet.balance - amount } });
}`,
    },
    {
      name: 'read after the network call',
      code: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  await payments.capture(id);
  const [wallet] = await db.select().from(wallets).where(eq(wallets.id, id));
  if (wallet == null) return;
  await db.update(wallets).set({ balance: wallet.balance - amount }).where(eq(wallets.id, id));
}`,
    },
    {
      name: 'no await in between: silent unless withoutWindow asks',
      code: `${H}
export async function charge(id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await prisma.wallet.update({ where: { id }, data: { balance: wallet.balance - amount } });
}`,
    },
    {
      name: 'only database and local awaits in between',
      code: `${H}
export async function charge(id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  const orders = await prisma.order.count({ where: { state: 'pending' } });
  await Promise.resolve(orders);
  await prisma.wallet.update({ where: { id }, data: { balance: wallet.balance - amount } });
}`,
    },
    {
      name: 'the atomic forms already',
      code: `${H}
import { sql } from 'drizzle-orm';
export async function charge(payments: PaymentClient, repo: Repository<Conversation>, id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  const conversation = await repo.findOneByOrFail({ id });
  await payments.capture(id);
  if (wallet.balance < amount || conversation.priority > 3) return;
  await prisma.wallet.update({ where: { id }, data: { balance: { decrement: amount } } });
  await db.update(wallets).set({ balance: sql\`\${wallets.balance} - \${amount}\` }).where(eq(wallets.id, wallet.id));
  await repo.increment({ id }, 'priority', 1);
}`,
    },
    {
      name: 'a compare-and-set on a field of the row read (optimistic locking)',
      code: `${H}
export async function charge(payments: PaymentClient, repo: Repository<Conversation>, id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  const [row] = await db.select().from(wallets).where(eq(wallets.id, id));
  const conversation = await repo.findOneByOrFail({ id });
  if (row == null) return;
  await payments.capture(id);
  const { count } = await prisma.wallet.updateMany({ where: { id, version: wallet.version }, data: { balance: wallet.balance - amount, version: { increment: 1 } } });
  const updated = await db.update(wallets).set({ balance: row.balance - amount }).where(and(eq(wallets.id, id), eq(wallets.balance, row.balance))).returning();
  const result = await repo.update({ id, priority: conversation.priority }, { priority: conversation.priority + 1 });
  if (count === 0 || updated.length === 0 || result.affected === 0) throw new Error('moved on');
}`,
    },
    {
      name: 'the row identity is no derived value; a write of another model is not this row',
      code: `${H}
export async function link(payments: PaymentClient, id: string) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.wallet.update({ where: { id: wallet.id }, data: { label: wallet.id } });
  await prisma.order.update({ where: { id }, data: { notes: wallet.label, total: wallet.balance } });
}`,
    },
    {
      name: 'a value that does not come from the row',
      code: `${H}
export async function rename(llm: LlmClient, id: string) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  const label = await llm.complete(wallet.label);
  await prisma.wallet.update({ where: { id }, data: { label } });
}`,
    },
    {
      name: 'a row read under a lock, and a select of chosen columns, are not followed',
      code: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  await db.transaction(async (tx) => {
    const [locked] = await tx.select().from(wallets).where(eq(wallets.id, id)).for('update');
    const [picked] = await tx.select({ balance: wallets.balance }).from(wallets).where(eq(wallets.id, id));
    if (locked == null || picked == null) return;
    await payments.capture(id);
    await tx.update(wallets).set({ balance: locked.balance - amount, version: picked.balance }).where(eq(wallets.id, id));
  });
}`,
    },
    {
      name: 'a variable that no longer holds the row',
      code: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  let wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  wallet = { ...wallet, balance: amount };
  await payments.capture(id);
  await prisma.wallet.update({ where: { id }, data: { balance: wallet.balance - 1 } });
}`,
    },
    {
      name: 'read again inside the transaction callback, after the call',
      code: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  await payments.capture(id);
  await prisma.$transaction(async (tx) => {
    const wallet = await tx.wallet.findUniqueOrThrow({ where: { id } });
    await tx.wallet.update({ where: { id }, data: { balance: wallet.balance - amount } });
  });
}`,
    },
  ],
  invalid: [
    {
      name: 'Prisma: a balance decremented from the row read before a payment call',
      code: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.wallet.update({ where: { id }, data: { balance: wallet.balance - amount } });
}`,
      output: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.wallet.update({ where: { id }, data: { balance: { decrement: amount } } });
}`,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 5,
          column: 55,
          endLine: L + 5,
          endColumn: 87,
          data: {
            field: 'balance',
            source: 'wallet.balance',
            reader: 'prisma.wallet.findUniqueOrThrow(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.update(…)',
            advice: 'Let the database compute it: `{ decrement: amount }`.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
    {
      name: 'Prisma: an increment, amount first; upsert writes its update',
      code: `${H}
export async function credit(payments: PaymentClient, id: string, amount: number) {
  const wallet = await prisma.wallet.findUnique({ where: { id } });
  if (wallet == null) return;
  await payments.capture(id);
  await prisma.wallet.upsert({ where: { id }, create: { id, ownerId: 'o' }, update: { balance: amount + wallet.balance } });
}`,
      output: `${H}
export async function credit(payments: PaymentClient, id: string, amount: number) {
  const wallet = await prisma.wallet.findUnique({ where: { id } });
  if (wallet == null) return;
  await payments.capture(id);
  await prisma.wallet.upsert({ where: { id }, create: { id, ownerId: 'o' }, update: { balance: { increment: amount } } });
}`,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 6,
          column: 87,
          endLine: L + 6,
          endColumn: 119,
          data: {
            field: 'balance',
            source: 'wallet.balance',
            reader: 'prisma.wallet.findUnique(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.upsert(…)',
            advice: 'Let the database compute it: `{ increment: amount }`.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 5),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
    {
      name: 'Prisma: { set: … } of a derived value becomes the atomic operation',
      code: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.wallet.updateMany({ where: { id }, data: { balance: { set: wallet.balance - amount } } });
}`,
      output: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.wallet.updateMany({ where: { id }, data: { balance: { decrement: amount } } });
}`,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 5,
          column: 59,
          endLine: L + 5,
          endColumn: 100,
          data: {
            field: 'balance',
            source: 'wallet.balance',
            reader: 'prisma.wallet.findUniqueOrThrow(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.updateMany(…)',
            advice: 'Let the database compute it: `{ decrement: amount }`.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
    {
      name: 'Prisma: a string built from the row gets a compare-and-set suggestion',
      code: `${H}
export async function rename(llm: LlmClient, id: string) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  const suffix = await llm.complete(wallet.label);
  await prisma.wallet.update({ where: { id }, data: { label: \`\${wallet.label} \${suffix}\` } });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 5,
          column: 55,
          endLine: L + 5,
          endColumn: 89,
          data: {
            field: 'label',
            source: 'wallet.label',
            reader: 'prisma.wallet.findUniqueOrThrow(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.update(…)',
            advice: 'Write it only while `label` still holds the value read (`where: { …, label: wallet.label }`) and check that the write matched the row, or re-read the row after the await.',
            awaited: 'llm.complete(…)',
            awaitLine: String(L + 4),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
          },
          suggestions: [
            { messageId: 'compareAndSet', data: { field: 'label', condition: 'where: { …, label: wallet.label }' }, output: `${H}
export async function rename(llm: LlmClient, id: string) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  const suffix = await llm.complete(wallet.label);
  await prisma.wallet.update({ where: { id, label: wallet.label }, data: { label: \`\${wallet.label} \${suffix}\` } });
}` },
          ],
        },
      ],
    },
    {
      name: 'Prisma: a value copied out of the row before the window',
      code: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  const { balance } = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.wallet.update({ where: { id }, data: { balance: balance - amount } });
}`,
      output: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  const { balance } = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.wallet.update({ where: { id }, data: { balance: { decrement: amount } } });
}`,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 5,
          column: 55,
          endLine: L + 5,
          endColumn: 80,
          data: {
            field: 'balance',
            source: 'balance',
            reader: 'prisma.wallet.findUniqueOrThrow(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.update(…)',
            advice: 'Let the database compute it: `{ decrement: amount }`.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
    {
      name: 'Prisma: a copy of a field, written back by shorthand',
      code: `${H}
export async function restore(payments: PaymentClient, id: string) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  const label = wallet.label;
  await payments.capture(id);
  await prisma.wallet.update({ where: { id }, data: { label } });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 6,
          column: 55,
          endLine: L + 6,
          endColumn: 60,
          data: {
            field: 'label',
            source: 'label',
            reader: 'prisma.wallet.findUniqueOrThrow(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.update(…)',
            advice: 'Write it only while `label` still holds the value read (`where: { …, label: label }`) and check that the write matched the row, or re-read the row after the await.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 5),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
          suggestions: [
            { messageId: 'compareAndSet', data: { field: 'label', condition: 'where: { …, label: label }' }, output: `${H}
export async function restore(payments: PaymentClient, id: string) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  const label = wallet.label;
  await payments.capture(id);
  await prisma.wallet.update({ where: { id, label: label }, data: { label } });
}` },
          ],
        },
      ],
    },
    {
      name: 'Prisma: spreading the stale row into data',
      code: `${H}
export async function touch(payments: PaymentClient, id: string) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.wallet.update({ where: { id }, data: { ...wallet, label: 'paid' } });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleSpreadWrite',
          line: L + 5,
          column: 55,
          endLine: L + 5,
          endColumn: 64,
          data: {
            field: '…',
            source: 'wallet',
            reader: 'prisma.wallet.findUniqueOrThrow(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.update(…)',
            advice: 'Write only the fields this code changes.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
    {
      name: 'Prisma: inside an interactive transaction, from a row read outside it before the call',
      code: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.$transaction(async (tx) => {
    await tx.wallet.update({ where: { id }, data: { balance: wallet.balance - amount } });
  });
}`,
      output: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.$transaction(async (tx) => {
    await tx.wallet.update({ where: { id }, data: { balance: { decrement: amount } } });
  });
}`,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 6,
          column: 53,
          endLine: L + 6,
          endColumn: 85,
          data: {
            field: 'balance',
            source: 'wallet.balance',
            reader: 'prisma.wallet.findUniqueOrThrow(…)',
            readLine: String(L + 3),
            write: 'tx.wallet.update(…)',
            advice: 'Let the database compute it: `{ decrement: amount }`.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
    {
      name: 'Prisma: each row of a list read before a timer',
      code: `${H}
export async function settle(ownerId: string) {
  const wallets = await prisma.wallet.findMany({ where: { ownerId } });
  await sleep(1000);
  for (const wallet of wallets) {
    await prisma.wallet.update({ where: { id: wallet.id }, data: { version: wallet.version + 1 } });
  }
}`,
      output: `${H}
export async function settle(ownerId: string) {
  const wallets = await prisma.wallet.findMany({ where: { ownerId } });
  await sleep(1000);
  for (const wallet of wallets) {
    await prisma.wallet.update({ where: { id: wallet.id }, data: { version: { increment: 1 } } });
  }
}`,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 6,
          column: 68,
          endLine: L + 6,
          endColumn: 95,
          data: {
            field: 'version',
            source: 'wallet.version',
            reader: 'prisma.wallet.findMany(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.update(…)',
            advice: 'Let the database compute it: `{ increment: 1 }`.',
            awaited: 'sleep(…)',
            awaitLine: String(L + 4),
            reason: 'a timer via sleep → setTimeout',
          },
        },
      ],
    },
    {
      name: 'Prisma: an amount that itself comes from the stale row is no atomic change',
      code: `${H}
export async function double(payments: PaymentClient, id: string) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.wallet.update({ where: { id }, data: { balance: wallet.balance + wallet.version } });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 5,
          column: 55,
          endLine: L + 5,
          endColumn: 95,
          data: {
            field: 'balance',
            source: 'wallet.balance',
            reader: 'prisma.wallet.findUniqueOrThrow(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.update(…)',
            advice: 'Write it only while `balance` still holds the value read (`where: { …, balance: wallet.balance }`) and check that the write matched the row, or re-read the row after the await.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
          suggestions: [
            { messageId: 'compareAndSet', data: { field: 'balance', condition: 'where: { …, balance: wallet.balance }' }, output: `${H}
export async function double(payments: PaymentClient, id: string) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.wallet.update({ where: { id, balance: wallet.balance }, data: { balance: wallet.balance + wallet.version } });
}` },
          ],
        },
      ],
    },
    {
      name: 'drizzle: a select, a payment call, then set() from the row',
      code: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  const [wallet] = await db.select().from(wallets).where(eq(wallets.id, id));
  if (wallet == null) return;
  await payments.capture(id);
  await db.update(wallets).set({ balance: wallet.balance - amount }).where(eq(wallets.id, id));
}`,
      output: `${H.replace("import { and, eq } from 'drizzle-orm';", "import { and, eq, sql } from 'drizzle-orm';")}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  const [wallet] = await db.select().from(wallets).where(eq(wallets.id, id));
  if (wallet == null) return;
  await payments.capture(id);
  await db.update(wallets).set({ balance: sql\`\${wallets.balance} - \${amount}\` }).where(eq(wallets.id, id));
}`,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 6,
          column: 34,
          endLine: L + 6,
          endColumn: 66,
          data: {
            field: 'balance',
            source: 'wallet.balance',
            reader: 'db.select().from(…).where(…)',
            readLine: String(L + 3),
            write: 'db.update(…).set(…).where(…)',
            advice: 'Let the database compute it: `sql`${wallets.balance} - ${amount}``.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 5),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
    {
      name: 'drizzle: relational findFirst; the compare-and-set joins an and()',
      code: `${H}
export async function attempt(llm: LlmClient, id: string) {
  const job = await db.query.jobs.findFirst({ where: eq(jobs.id, id) });
  if (job == null) return;
  const result = await llm.complete(id);
  await db.update(jobs).set({ result: \`\${job.result ?? ''}\${result}\` }).where(and(eq(jobs.id, id)));
}`,
      output: null,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 6,
          column: 31,
          endLine: L + 6,
          endColumn: 69,
          data: {
            field: 'result',
            source: 'job.result',
            reader: 'db.query.jobs.findFirst(…)',
            readLine: String(L + 3),
            write: 'db.update(…).set(…).where(…)',
            advice: 'Re-read the row after the await, or compute the new value in the database.',
            awaited: 'llm.complete(…)',
            awaitLine: String(L + 5),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
          },
        },
      ],
    },
    {
      name: 'drizzle: a state written back by shorthand after the window (compare-and-set wraps the condition)',
      code: `${H}
export async function reopen(llm: LlmClient, id: string) {
  const [order] = await db.select().from(orders).where(eq(orders.id, id));
  if (order == null) return;
  const { state } = order;
  await llm.complete(id);
  await db.update(orders).set({ state, notes: 'reopened' }).where(eq(orders.id, id));
}`,
      output: null,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 7,
          column: 33,
          endLine: L + 7,
          endColumn: 38,
          data: {
            field: 'state',
            source: 'state',
            reader: 'db.select().from(…).where(…)',
            readLine: String(L + 3),
            write: 'db.update(…).set(…).where(…)',
            advice: 'Write it only while `state` still holds the value read (`.where(and(…, eq(orders.state, state)))`) and check that the write matched the row, or re-read the row after the await.',
            awaited: 'llm.complete(…)',
            awaitLine: String(L + 6),
            reason: 'a network call via LlmClient.complete → openai.chat.completions.create',
          },
          suggestions: [
            { messageId: 'compareAndSet', data: { field: 'state', condition: '.where(and(…, eq(orders.state, state)))' }, output: `${H}
export async function reopen(llm: LlmClient, id: string) {
  const [order] = await db.select().from(orders).where(eq(orders.id, id));
  if (order == null) return;
  const { state } = order;
  await llm.complete(id);
  await db.update(orders).set({ state, notes: 'reopened' }).where(and(eq(orders.id, id), eq(orders.state, state)));
}` },
          ],
        },
      ],
    },
    {
      name: 'TypeORM: update() from the loaded entity becomes increment()',
      code: `${H}
export async function bump(repo: Repository<Conversation>, payments: PaymentClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await payments.capture(id);
  await repo.update({ id }, { priority: conversation.priority + 1 });
}`,
      output: `${H}
export async function bump(repo: Repository<Conversation>, payments: PaymentClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  await payments.capture(id);
  await repo.increment({ id }, 'priority', 1);
}`,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 5,
          column: 31,
          endLine: L + 5,
          endColumn: 66,
          data: {
            field: 'priority',
            source: 'conversation.priority',
            reader: 'repo.findOneByOrFail(…)',
            readLine: String(L + 3),
            write: 'repo.update(…)',
            advice: "Let the database compute it: `repo.increment({ id }, 'priority', 1)`.",
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
    {
      name: 'TypeORM: a manager update() of two columns says what to write',
      code: `${H}
export async function bump(manager: EntityManager, payments: PaymentClient, id: string) {
  const conversation = await manager.findOneByOrFail(Conversation, { id });
  await payments.capture(id);
  await manager.update(Conversation, { id }, { priority: conversation.priority - 1, lastMessageSnippet: 'x' });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 5,
          column: 48,
          endLine: L + 5,
          endColumn: 83,
          data: {
            field: 'priority',
            source: 'conversation.priority',
            reader: 'manager.findOneByOrFail(…)',
            readLine: String(L + 3),
            write: 'manager.update(…)',
            advice: "Let the database compute it: `manager.decrement(Conversation, { id }, 'priority', 1)`.",
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
    {
      name: 'TypeORM: a query builder set() from the loaded entity',
      code: `${H}
export async function bump(dataSource: DataSource, payments: PaymentClient, id: string) {
  const conversation = await dataSource.getRepository(Conversation).findOneByOrFail({ id });
  await payments.capture(id);
  await dataSource.createQueryBuilder().update(Conversation).set({ lastMessageSnippet: conversation.lastMessageSnippet + '!' }).where('id = :id', { id }).execute();
}`,
      output: null,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 5,
          column: 68,
          endLine: L + 5,
          endColumn: 125,
          data: {
            field: 'lastMessageSnippet',
            source: 'conversation.lastMessageSnippet',
            reader: 'dataSource.getRepository(…).findOneByOrFail(…)',
            readLine: String(L + 3),
            write: 'dataSource.createQueryBuilder().update(…).set(…).where(…).execute()',
            advice: 'Re-read the row after the await, or compute the new value in the database.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
    {
      name: 'withoutWindow: a read-modify-write with no await in between',
      code: `${H}
export async function charge(id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await prisma.wallet.update({ where: { id }, data: { balance: wallet.balance - amount } });
}`,
      options: [{ withoutWindow: true }],
      output: `${H}
export async function charge(id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await prisma.wallet.update({ where: { id }, data: { balance: { decrement: amount } } });
}`,
      errors: [
        {
          messageId: 'derivedWrite',
          line: L + 4,
          column: 55,
          endLine: L + 4,
          endColumn: 87,
          data: {
            field: 'balance',
            source: 'wallet.balance',
            reader: 'prisma.wallet.findUniqueOrThrow(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.update(…)',
            advice: 'Let the database compute it: `{ decrement: amount }`.',
          },
        },
      ],
    },
    {
      name: 'windowKinds: a database call opens the window when asked',
      code: `${H}
export async function charge(id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await prisma.order.count();
  await prisma.wallet.update({ where: { id }, data: { balance: wallet.balance - amount } });
}`,
      options: [{ windowKinds: ['database'] }],
      output: `${H}
export async function charge(id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await prisma.order.count();
  await prisma.wallet.update({ where: { id }, data: { balance: { decrement: amount } } });
}`,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 5,
          column: 55,
          endLine: L + 5,
          endColumn: 87,
          data: {
            field: 'balance',
            source: 'wallet.balance',
            reader: 'prisma.wallet.findUniqueOrThrow(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.update(…)',
            advice: 'Let the database compute it: `{ decrement: amount }`.',
            awaited: 'prisma.order.count()',
            awaitLine: String(L + 4),
            reason: 'a database call via prisma.order.count (@prisma/client)',
          },
        },
      ],
    },
    {
      name: 'Prisma: an increment by an amount read from the stale row',
      code: `${H}
export async function bonus(payments: PaymentClient, id: string) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.wallet.update({ where: { id }, data: { balance: { increment: wallet.version } } });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 5,
          column: 55,
          endLine: L + 5,
          endColumn: 93,
          data: {
            field: 'balance',
            source: 'wallet.version',
            reader: 'prisma.wallet.findUniqueOrThrow(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.update(…)',
            advice: 'Write it only while `version` still holds the value read (`where: { …, version: wallet.version }`) and check that the write matched the row, or re-read the row after the await.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 4),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
          suggestions: [
            { messageId: 'compareAndSet', data: { field: 'balance', condition: 'where: { …, version: wallet.version }' }, output: `${H}
export async function bonus(payments: PaymentClient, id: string) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await payments.capture(id);
  await prisma.wallet.update({ where: { id, version: wallet.version }, data: { balance: { increment: wallet.version } } });
}` },
          ],
        },
      ],
    },
    {
      name: 'drizzle: no fix when `sql` names something else here; the message still says what to write',
      code: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number, sql: string) {
  const [wallet] = await db.select().from(wallets).where(eq(wallets.id, id));
  if (wallet == null) return;
  await payments.capture(sql);
  await db.update(wallets).set({ balance: wallet.balance - amount }).where(eq(wallets.id, id));
}`,
      output: null,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 6,
          column: 34,
          endLine: L + 6,
          endColumn: 66,
          data: {
            field: 'balance',
            source: 'wallet.balance',
            reader: 'db.select().from(…).where(…)',
            readLine: String(L + 3),
            write: 'db.update(…).set(…).where(…)',
            advice: 'Let the database compute it: `sql`${wallets.balance} - ${amount}``.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 5),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
    {
      name: 'a window on the path through a catch clause',
      code: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  try {
    await payments.capture(id);
  } catch {
    await prisma.wallet.update({ where: { id }, data: { balance: wallet.balance + amount } });
  }
}`,
      output: `${H}
export async function charge(payments: PaymentClient, id: string, amount: number) {
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  try {
    await payments.capture(id);
  } catch {
    await prisma.wallet.update({ where: { id }, data: { balance: { increment: amount } } });
  }
}`,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 7,
          column: 57,
          endLine: L + 7,
          endColumn: 89,
          data: {
            field: 'balance',
            source: 'wallet.balance',
            reader: 'prisma.wallet.findUniqueOrThrow(…)',
            readLine: String(L + 3),
            write: 'prisma.wallet.update(…)',
            advice: 'Let the database compute it: `{ increment: amount }`.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 5),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
    {
      name: 'TypeORM: a field the code increments on the loaded entity, written after the call: no form expects the changed value',
      code: `${H}
export async function bump(repo: Repository<Conversation>, payments: PaymentClient, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  conversation.priority += 1;
  await payments.capture(id);
  await repo.update({ id }, { priority: conversation.priority });
}`,
      output: null,
      errors: [
        {
          messageId: 'staleDerivedWrite',
          line: L + 6,
          column: 31,
          endLine: L + 6,
          endColumn: 62,
          data: {
            field: 'priority',
            source: 'conversation.priority',
            reader: 'repo.findOneByOrFail(…)',
            readLine: String(L + 3),
            write: 'repo.update(…)',
            advice: 'Re-read the row after the await, or compute the new value in the database.',
            awaited: 'payments.capture(…)',
            awaitLine: String(L + 5),
            reason: 'a network call via PaymentClient.capture → axios.post',
          },
        },
      ],
    },
  ],
});
