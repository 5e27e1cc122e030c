import rule from '../../src/rules/require-state-guard.js';
import { createRuleTester } from '../rule-tester.js';

/**
 * require-state-guard on Prisma's generated client and drizzle-orm, read through the row model:
 * enum and string-literal columns, strings named like a state, the condition of `where`, and each
 * ORM's way of telling that a compare-and-set missed (P2025, `count`, `.returning()`).
 */
const ruleTester = createRuleTester();

const H = `
import { and, eq } from 'drizzle-orm';
import { db, jobs, orders, pages } from './shared/drizzle-schema.js';
import { JobStatus, prisma } from './shared/prisma-client.js';
`;

/** Line numbers in cases count from the first line of `H`. */
const L = H.split('\n').length - 1;

ruleTester.run('require-state-guard', rule, {
  valid: [
    {
      name: 'Prisma: a compare-and-set update (P2025 when the row has moved on), and updateMany with its count checked',
      code: `${H}
export async function start(id: string): Promise<boolean> {
  await prisma.job.update({ where: { id, status: 'queued' }, data: { status: 'running' } });
  const { count } = await prisma.job.updateMany({ where: { id, status: JobStatus.running }, data: { status: JobStatus.done } });
  return count === 1;
}`,
    },
    {
      name: 'Prisma: a state the caller supplies is a setting; an upsert creates what it does not find',
      code: `${H}
export async function restore(id: string, status: JobStatus) {
  await prisma.job.update({ where: { id }, data: { status } });
  await prisma.job.upsert({ where: { id }, create: { id, status: 'queued' }, update: { status: 'queued' } });
}`,
    },
    {
      name: 'drizzle: enum columns named for a category or a setting are not states',
      code: `${H}
export async function configure(id: string) {
  await db.update(pages).set({ accessType: 'password', defaultLocale: 'fr', forceTheme: 'dark' }).where(eq(pages.id, id));
}`,
    },
    {
      name: 'Prisma and drizzle: a guarded sweep over a set of rows matches none as often as not, so it has no count to check',
      code: `${H}
export async function releaseWorker(workerId: string) {
  await prisma.job.updateMany({ where: { workerId, status: 'running' }, data: { status: 'failed' } });
  await db.update(jobs).set({ status: 'failed' }).where(and(eq(jobs.workerId, workerId), eq(jobs.status, 'running')));
}`,
    },
    {
      name: 'drizzle: guarded, with the returned rows read; a condition the rule cannot read',
      code: `${H}
import { or, sql } from 'drizzle-orm';
export async function claim(id: string): Promise<boolean> {
  const claimed = await db.update(jobs).set({ status: 'running' }).where(and(eq(jobs.id, id), eq(jobs.status, 'queued'))).returning();
  await db.update(jobs).set({ status: 'failed' }).where(or(eq(jobs.id, id), sql\`attempts > 3\`));
  return claimed.length === 1;
}`,
    },
  ],
  invalid: [
    {
      name: 'Prisma: a transition keyed on the id alone',
      options: [{ blindTransitions: true }],
      code: `${H}
export async function start(id: string) {
  await prisma.job.update({ where: { id }, data: { status: JobStatus.running } });
}`,
      output: null,
      errors: [
        {
          messageId: 'unguardedTransition',
          line: L + 3,
          column: 9,
          endLine: L + 3,
          endColumn: 82,
          data: {
            method: 'prisma.job.update(…)',
            column: 'status',
            value: '`JobStatus.running`',
            outcome: 'for `P2025`, which `update` throws when no row matches',
          },
        },
      ],
    },
    {
      name: 'Prisma: check-then-act on the row read; the guard goes into where',
      code: `${H}
export async function start(id: string) {
  const job = await prisma.job.findUniqueOrThrow({ where: { id } });
  if (job.status !== 'queued') return;
  await prisma.job.update({ where: { id }, data: { status: 'running', attempts: { increment: 1 } } });
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 102,
          data: {
            method: 'prisma.job.update(…)',
            column: 'status',
            value: "`'running'`",
            outcome: 'for `P2025`, which `update` throws when no row matches',
            checkLine: String(L + 4),
            check: "job.status !== 'queued'",
          },
          suggestions: [
            { messageId: 'addGuard', data: { column: 'status', expected: "`'queued'`" }, output: `${H}
export async function start(id: string) {
  const job = await prisma.job.findUniqueOrThrow({ where: { id } });
  if (job.status !== 'queued') return;
  await prisma.job.update({ where: { id, status: 'queued' }, data: { status: 'running', attempts: { increment: 1 } } });
}` },
          ],
        },
      ],
    },
    {
      name: 'Prisma: a guarded updateMany whose count is ignored',
      code: `${H}
export async function claim(id: string, workerId: string) {
  await prisma.job.updateMany({ where: { id, status: 'queued' }, data: { status: 'running', workerId } });
}`,
      output: null,
      errors: [
        {
          messageId: 'uncheckedOutcome',
          line: L + 3,
          column: 9,
          endLine: L + 3,
          endColumn: 106,
          data: {
            column: 'status',
            outcome: '`count`',
            example: 'if (count === 0) return;',
          },
        },
      ],
    },
    {
      name: 'Prisma: a String field named like a state; the expected state from the row named in where',
      options: [{ blindTransitions: true }],
      code: `${H}
export async function ship(id: string) {
  const order = await prisma.order.findUniqueOrThrow({ where: { id } });
  await prisma.order.updateMany({ where: { id: order.id }, data: { state: 'shipped' } });
}`,
      output: null,
      errors: [
        {
          messageId: 'unguardedTransition',
          line: L + 4,
          column: 9,
          endLine: L + 4,
          endColumn: 89,
          data: {
            method: 'prisma.order.updateMany(…)',
            column: 'state',
            value: "`'shipped'`",
            outcome: '`count`',
          },
          suggestions: [
            { messageId: 'addGuard', data: { column: 'state', expected: "`order.state`" }, output: `${H}
export async function ship(id: string) {
  const order = await prisma.order.findUniqueOrThrow({ where: { id } });
  await prisma.order.updateMany({ where: { id: order.id, state: order.state }, data: { state: 'shipped' } });
}` },
          ],
        },
      ],
    },
    {
      name: 'drizzle: an enum column set without a guard',
      options: [{ blindTransitions: true }],
      code: `${H}
export async function finish(id: string) {
  await db.update(jobs).set({ status: 'done' }).where(eq(jobs.id, id));
}`,
      output: null,
      errors: [
        {
          messageId: 'unguardedTransition',
          line: L + 3,
          column: 9,
          endLine: L + 3,
          endColumn: 71,
          data: {
            method: 'db.update(…).set(…).where(…)',
            column: 'status',
            value: "`'done'`",
            outcome: 'how many rows it changed (`.returning()` hands them back)',
          },
        },
      ],
    },
    {
      name: 'drizzle: check-then-act on a select; the guard joins the and()',
      code: `${H}
export async function cancel(id: string) {
  const [order] = await db.select().from(orders).where(eq(orders.id, id));
  if (order?.state !== 'pending') return;
  await db.update(orders).set({ state: 'cancelled' }).where(and(eq(orders.id, id)));
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          line: L + 5,
          column: 9,
          endLine: L + 5,
          endColumn: 84,
          data: {
            method: 'db.update(…).set(…).where(…)',
            column: 'state',
            value: "`'cancelled'`",
            outcome: 'how many rows it changed (`.returning()` hands them back)',
            checkLine: String(L + 4),
            check: "order?.state !== 'pending'",
          },
          suggestions: [
            { messageId: 'addGuard', data: { column: 'state', expected: "`'pending'`" }, output: `${H}
export async function cancel(id: string) {
  const [order] = await db.select().from(orders).where(eq(orders.id, id));
  if (order?.state !== 'pending') return;
  await db.update(orders).set({ state: 'cancelled' }).where(and(eq(orders.id, id), eq(orders.state, 'pending')));
}` },
          ],
        },
      ],
    },
    {
      name: 'drizzle: check-then-act on a copy of the row made by one call (a schema parse)',
      code: `${H}
function toOrder<T extends object>(row: T): T {
  return { ...row };
}
export async function cancel(id: string) {
  const [row] = await db.select().from(orders).where(eq(orders.id, id));
  if (!row) return;
  const order = toOrder(row);
  if (order.state !== 'pending') return;
  await db.update(orders).set({ state: 'cancelled' }).where(and(eq(orders.id, id)));
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          line: L + 10,
          column: 9,
          endLine: L + 10,
          endColumn: 84,
          data: {
            method: 'db.update(…).set(…).where(…)',
            column: 'state',
            value: "`'cancelled'`",
            outcome: 'how many rows it changed (`.returning()` hands them back)',
            checkLine: String(L + 9),
            check: "order.state !== 'pending'",
          },
          suggestions: [
            { messageId: 'addGuard', data: { column: 'state', expected: "`'pending'`" }, output: `${H}
function toOrder<T extends object>(row: T): T {
  return { ...row };
}
export async function cancel(id: string) {
  const [row] = await db.select().from(orders).where(eq(orders.id, id));
  if (!row) return;
  const order = toOrder(row);
  if (order.state !== 'pending') return;
  await db.update(orders).set({ state: 'cancelled' }).where(and(eq(orders.id, id), eq(orders.state, 'pending')));
}` },
          ],
        },
      ],
    },
    {
      name: 'drizzle: a check in another case of a switch is not the check made before the write',
      code: `${H}
export async function settle(id: string, outcome: 'done' | 'failed') {
  const [job] = await db.select().from(jobs).where(eq(jobs.id, id));
  if (job == null) return;
  switch (outcome) {
    case 'done':
      if (job.status !== 'running') return;
      break;
    case 'failed':
      if (job.status === 'queued') {
        await db.update(jobs).set({ status: 'failed' }).where(eq(jobs.id, id));
      }
      break;
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          line: L + 11,
          column: 15,
          endLine: L + 11,
          endColumn: 79,
          data: {
            method: 'db.update(…).set(…).where(…)',
            column: 'status',
            value: "`'failed'`",
            outcome: 'how many rows it changed (`.returning()` hands them back)',
            checkLine: String(L + 10),
            check: "job.status === 'queued'",
          },
          suggestions: [
            { messageId: 'addGuard', data: { column: 'status', expected: "`'queued'`" }, output: `${H}
export async function settle(id: string, outcome: 'done' | 'failed') {
  const [job] = await db.select().from(jobs).where(eq(jobs.id, id));
  if (job == null) return;
  switch (outcome) {
    case 'done':
      if (job.status !== 'running') return;
      break;
    case 'failed':
      if (job.status === 'queued') {
        await db.update(jobs).set({ status: 'failed' }).where(and(eq(jobs.id, id), eq(jobs.status, 'queued')));
      }
      break;
  }
}` },
          ],
        },
      ],
    },
    {
      name: 'drizzle: a guarded update whose returning() is never read',
      code: `${H}
export async function claim(id: string) {
  const claimed = await db.update(jobs).set({ status: 'running' }).where(and(eq(jobs.id, id), eq(jobs.status, 'queued'))).returning();
}`,
      output: null,
      errors: [
        {
          messageId: 'uncheckedOutcome',
          line: L + 3,
          column: 25,
          endLine: L + 3,
          endColumn: 134,
          data: {
            column: 'status',
            outcome: 'the rows `.returning()` hands back',
            example: 'if (rows.length === 0) return;',
          },
        },
      ],
    },
  ],
});
