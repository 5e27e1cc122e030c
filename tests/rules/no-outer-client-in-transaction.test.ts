import rule from '../../src/rules/no-outer-client-in-transaction.js';
import { createRuleTester } from '../rule-tester.js';

const ruleTester = createRuleTester();

const H = `
import { eq } from 'drizzle-orm';
import { db, wallets } from './shared/drizzle-schema.js';
import { PaymentClient } from './shared/payments.js';
import { prisma } from './shared/prisma-client.js';
`;

/** Line numbers in cases count from the first line of `H`. */
const L = H.split('\n').length - 1;

ruleTester.run('no-outer-client-in-transaction', rule, {
  valid: [
    {
      name: 'every query on the transaction client',
      code: `${H}
export async function transfer(from: string, to: string, amount: number) {
  await prisma.$transaction(async (tx) => {
    await tx.wallet.update({ where: { id: from }, data: { balance: { decrement: amount } } });
    await tx.wallet.update({ where: { id: to }, data: { balance: { increment: amount } } });
    await tx.$executeRaw\`UPDATE "Wallet" SET "version" = "version" + 1 WHERE "id" = \${from}\`;
  });
  await db.transaction(async (tx) => {
    await tx.update(wallets).set({ label: 'moved' }).where(eq(wallets.id, to));
    await tx.transaction(async (savepoint) => {
      await savepoint.select().from(wallets);
    });
  });
}`,
    },
    {
      name: 'the root client outside the callback, and in a batch $transaction',
      code: `${H}
export async function settle(payments: PaymentClient, id: string) {
  await payments.capture(id);
  await prisma.wallet.update({ where: { id }, data: { label: 'paid' } });
  await prisma.$transaction([prisma.wallet.update({ where: { id }, data: { version: { increment: 1 } } })]);
  await db.select().from(wallets).where(eq(wallets.id, id));
}`,
    },
  ],
  invalid: [
    {
      name: 'Prisma: the root client inside $transaction (prisma#12277)',
      code: `${H}
export async function transfer(from: string, to: string, amount: number) {
  await prisma.$transaction(async (tx) => {
    await tx.wallet.update({ where: { id: from }, data: { balance: { decrement: amount } } });
    await prisma.wallet.update({ where: { id: to }, data: { balance: { increment: amount } } });
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'outerClientInTransaction',
          line: L + 5,
          column: 11,
          endLine: L + 5,
          endColumn: 96,
          data: {
            call: '`prisma.wallet.update(…)`',
            client: 'prisma',
            transaction: '`prisma.$transaction()`',
            line: String(L + 3),
            advice: "Run it on `tx`, the transaction's client.",
          },
          suggestions: [
            { messageId: 'useTransactionClient', data: { txClient: 'tx' }, output: `${H}
export async function transfer(from: string, to: string, amount: number) {
  await prisma.$transaction(async (tx) => {
    await tx.wallet.update({ where: { id: from }, data: { balance: { decrement: amount } } });
    await tx.wallet.update({ where: { id: to }, data: { balance: { increment: amount } } });
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'Prisma: the root client of the prisma-client-js generator, whose PrismaClient is a class',
      code: `
import { legacyPrisma } from './shared/legacy-prisma-client.js';

export async function move(from: string, to: string) {
  await legacyPrisma.$transaction(async (tx) => {
    await tx.account.update({ where: { id: from }, data: { balance: { decrement: 1 } } });
    await legacyPrisma.account.update({ where: { id: to }, data: { balance: { increment: 1 } } });
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'outerClientInTransaction',
          line: 7,
          column: 11,
          endLine: 7,
          endColumn: 98,
          data: {
            call: '`legacyPrisma.account.update(…)`',
            client: 'legacyPrisma',
            transaction: '`legacyPrisma.$transaction()`',
            line: '5',
            advice: "Run it on `tx`, the transaction's client.",
          },
          suggestions: [
            { messageId: 'useTransactionClient', data: { txClient: 'tx' }, output: `
import { legacyPrisma } from './shared/legacy-prisma-client.js';

export async function move(from: string, to: string) {
  await legacyPrisma.$transaction(async (tx) => {
    await tx.account.update({ where: { id: from }, data: { balance: { decrement: 1 } } });
    await tx.account.update({ where: { id: to }, data: { balance: { increment: 1 } } });
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'Prisma: raw SQL, and a nested $transaction, on the root client',
      code: `${H}
export async function audit(id: string) {
  await prisma.$transaction(async (tx) => {
    await prisma.$executeRaw\`UPDATE "Wallet" SET "label" = 'audited' WHERE "id" = \${id}\`;
    await prisma.$transaction([tx.wallet.findMany()]);
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'outerClientInTransaction',
          line: L + 4,
          column: 11,
          endLine: L + 4,
          endColumn: 89,
          data: {
            call: '`prisma.$executeRaw`…``',
            client: 'prisma',
            transaction: '`prisma.$transaction()`',
            line: String(L + 3),
            advice: "Run it on `tx`, the transaction's client.",
          },
          suggestions: [
            { messageId: 'useTransactionClient', data: { txClient: 'tx' }, output: `${H}
export async function audit(id: string) {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw\`UPDATE "Wallet" SET "label" = 'audited' WHERE "id" = \${id}\`;
    await prisma.$transaction([tx.wallet.findMany()]);
  });
}` },
          ],
        },
        {
          messageId: 'outerClientInTransaction',
          line: L + 5,
          column: 11,
          endLine: L + 5,
          endColumn: 54,
          data: {
            call: '`prisma.$transaction(…)`',
            client: 'prisma',
            transaction: '`prisma.$transaction()`',
            line: String(L + 3),
            advice: 'Do this work on `tx`, inside the transaction, or after it.',
          },
        },
      ],
    },
    {
      name: 'drizzle: db inside db.transaction(), in a nested callback too',
      code: `${H}
export class Wallets {
  constructor(private readonly database: typeof db) {}
  async reset(ids: string[]) {
    await this.database.transaction(async (tx) => {
      await Promise.all(ids.map((id) => this.database.update(wallets).set({ balance: 0 }).where(eq(wallets.id, id))));
      await tx.update(wallets).set({ label: 'reset' });
      return this.database.query.wallets.findMany();
    });
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'outerClientInTransaction',
          line: L + 6,
          column: 41,
          endLine: L + 6,
          endColumn: 70,
          data: {
            call: '`this.database.update(…)`',
            client: 'this.database',
            transaction: '`this.database.transaction()`',
            line: String(L + 5),
            advice: "Run it on `tx`, the transaction's client.",
          },
          suggestions: [
            { messageId: 'useTransactionClient', data: { txClient: 'tx' }, output: `${H}
export class Wallets {
  constructor(private readonly database: typeof db) {}
  async reset(ids: string[]) {
    await this.database.transaction(async (tx) => {
      await Promise.all(ids.map((id) => tx.update(wallets).set({ balance: 0 }).where(eq(wallets.id, id))));
      await tx.update(wallets).set({ label: 'reset' });
      return this.database.query.wallets.findMany();
    });
  }
}` },
          ],
        },
        {
          messageId: 'outerClientInTransaction',
          line: L + 8,
          column: 14,
          endLine: L + 8,
          endColumn: 52,
          data: {
            call: '`this.database.query.wallets.findMany()`',
            client: 'this.database',
            transaction: '`this.database.transaction()`',
            line: String(L + 5),
            advice: "Run it on `tx`, the transaction's client.",
          },
          suggestions: [
            { messageId: 'useTransactionClient', data: { txClient: 'tx' }, output: `${H}
export class Wallets {
  constructor(private readonly database: typeof db) {}
  async reset(ids: string[]) {
    await this.database.transaction(async (tx) => {
      await Promise.all(ids.map((id) => this.database.update(wallets).set({ balance: 0 }).where(eq(wallets.id, id))));
      await tx.update(wallets).set({ label: 'reset' });
      return tx.query.wallets.findMany();
    });
  }
}` },
          ],
        },
      ],
    },
    {
      name: 'a callback without a client parameter, and a shadowed tx: no suggestion',
      code: `${H}
export async function touch(id: string, tx: string) {
  await prisma.$transaction(async () => {
    await prisma.wallet.update({ where: { id }, data: { label: tx } });
  });
  await db.transaction(async (trx) => {
    const run = (trx: number) => db.update(wallets).set({ version: trx }).where(eq(wallets.id, id));
    await run(1);
    await trx.update(wallets).set({ label: 'x' });
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'outerClientInTransaction',
          line: L + 4,
          column: 11,
          endLine: L + 4,
          endColumn: 71,
          data: {
            call: '`prisma.wallet.update(…)`',
            client: 'prisma',
            transaction: '`prisma.$transaction()`',
            line: String(L + 3),
            advice: "Take the transaction's client as the callback's parameter, and run it on that.",
          },
        },
        {
          messageId: 'outerClientInTransaction',
          line: L + 7,
          column: 34,
          endLine: L + 7,
          endColumn: 52,
          data: {
            call: '`db.update(…)`',
            client: 'db',
            transaction: '`db.transaction()`',
            line: String(L + 6),
            advice: "Run it on `trx`, the transaction's client.",
          },
        },
      ],
    },
  ],
});
