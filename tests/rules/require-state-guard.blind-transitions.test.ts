import rule from '../../src/rules/require-state-guard.js';
import { createRuleTester } from '../rule-tester.js';

/**
 * Blind transitions and check-then-act. By default a transition is reported only when the code
 * shows it depends on the prior state: a test of the state before the write (in its function or
 * one around it), or a read of the same entity that selected the row by its state. A write made
 * whatever the state — closing from any state, a move to a terminal state, a save of a row handed
 * in — is blind, and reported only with `blindTransitions`. The classes come from triaged real
 * backends; the code below is our own.
 */
const ruleTester = createRuleTester();

const imports = `
import { DataSource, Repository } from 'typeorm';
import { Account, Conversation, ConversationStatus } from './shared/entities.js';
`;

/** Line numbers in cases count from the first line of `imports`. */
const L = imports.split('\n').length - 1;

const AFFECTED = '`affected`';

const P = `
import { eq } from 'drizzle-orm';
import { db, jobs } from './shared/drizzle-schema.js';
import { JobStatus, prisma } from './shared/prisma-client.js';
`;

/** Line numbers in the Prisma and drizzle cases count from the first line of `P`. */
const PL = P.split('\n').length - 1;

const closeFromAnyState = `${imports}
export async function close(repo: Repository<Conversation>, id: string) {
  await repo.update(id, { status: ConversationStatus.RESOLVED, priority: 0 });
}`;

ruleTester.run('require-state-guard', rule, {
  valid: [
    {
      name: 'blind: a close from any state, nothing checked or selected the state first',
      code: closeFromAnyState,
    },
    {
      name: 'blind: a row handed in saved in a terminal state, its state never looked at',
      code: `${imports}
export async function finish(repo: Repository<Conversation>, conversation: Conversation) {
  await repo.save({ ...conversation, status: ConversationStatus.RESOLVED });
}`,
    },
    {
      name: 'blind: a save of a new row with a key of its own (an insert in its initial state)',
      code: `${imports}
import { randomUUID } from 'node:crypto';
export async function open(repo: Repository<Conversation>) {
  const id = randomUUID();
  await repo.save({ id, status: ConversationStatus.OPEN, priority: 0 });
  return id;
}`,
    },
    {
      name: 'blind: a check of another column (a sweep by age or priority) is no check of the state',
      code: `${imports}
export async function sweep(repo: Repository<Conversation>, conversation: Conversation, lastSeen: number) {
  if (Date.now() - lastSeen < 60_000 || conversation.priority > 2) return;
  await repo.update({ id: conversation.id }, { status: ConversationStatus.RESOLVED });
}`,
    },
    {
      name: 'blind: a read that selects by another column, or another entity by its state',
      code: `${imports}
export async function markPending(repo: Repository<Conversation>, id: string, messageId: string) {
  const conversation = await repo.findOneBy({ id, lastMessageId: messageId });
  const pro = await Account.findOneBy({ plan: 'pro' });
  if (!conversation || !pro) return;
  await repo.update(id, { status: ConversationStatus.PENDING });
}`,
    },
    {
      name: 'blind: a state test in a callback that is not known to have run before the write',
      code: `${imports}
export async function closeLater(repo: Repository<Conversation>, conversation: Conversation, later: (check: () => boolean) => void) {
  later(() => conversation.status === ConversationStatus.OPEN);
  await repo.update({ id: conversation.id }, { status: ConversationStatus.RESOLVED });
}`,
    },
    {
      name: 'blind: a state test in another case of the switch, or the other branch of the if, did not run on the way to the write',
      code: `${imports}
export async function act(repo: Repository<Conversation>, conversation: Conversation, action: 'reopen' | 'close') {
  switch (action) {
    case 'reopen':
      if (conversation.status === ConversationStatus.RESOLVED) console.info('reopening', conversation.id);
      break;
    case 'close':
      await repo.update({ id: conversation.id }, { status: ConversationStatus.RESOLVED });
      break;
  }
}
export async function defer(repo: Repository<Conversation>, conversation: Conversation, urgent: boolean) {
  if (urgent) {
    if (conversation.status === ConversationStatus.OPEN) console.info('still open', conversation.id);
  } else {
    await repo.update({ id: conversation.id }, { status: ConversationStatus.PENDING });
  }
}`,
    },
    {
      name: 'a read that locks the row it selected by state: the write after it in the transaction is safe',
      code: `${imports}
export async function handOver(dataSource: DataSource, id: string) {
  await dataSource.transaction(async (manager) => {
    const open = await manager.findOne(Conversation, { where: { id, status: ConversationStatus.OPEN }, lock: { mode: 'pessimistic_write' } });
    if (open == null) return;
    await manager.update(Conversation, { id }, { status: ConversationStatus.PENDING });
  });
}`,
    },
    {
      name: 'blind, Prisma and drizzle: a job marked failed from any state',
      code: `${P}
export async function fail(id: string) {
  await prisma.job.update({ where: { id }, data: { status: JobStatus.failed } });
  await db.update(jobs).set({ status: 'failed' }).where(eq(jobs.id, id));
}`,
    },
  ],
  invalid: [
    {
      name: 'blindTransitions: true reports the close from any state',
      code: closeFromAnyState,
      options: [{ blindTransitions: true }],
      output: null,
      errors: [
        {
          messageId: 'unguardedTransition',
          data: { outcome: AFFECTED, method: 'update()', column: 'status', value: '`ConversationStatus.RESOLVED`' },
          line: L + 3,
          column: 9,
          endLine: L + 3,
          endColumn: 78,
          suggestions: [],
        },
      ],
    },
    {
      name: 'check-then-act: the check in the function around a transaction callback that writes',
      code: `${imports}
export async function handOver(dataSource: DataSource, repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  if (conversation.status === ConversationStatus.OPEN) {
    await dataSource.transaction(async (manager) => {
      const result = await manager.update(Conversation, { id: conversation.id }, { status: ConversationStatus.PENDING });
      if (!result.affected) throw new Error('gone');
    });
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: {
            outcome: AFFECTED,
            method: 'update()',
            column: 'status',
            value: '`ConversationStatus.PENDING`',
            checkLine: String(L + 4),
            check: 'conversation.status === ConversationStatus.OPEN',
          },
          line: L + 6,
          column: 28,
          endLine: L + 6,
          endColumn: 121,
          suggestions: [
            {
              messageId: 'addGuard',
              data: { column: 'status', expected: '`ConversationStatus.OPEN`' },
              output: `${imports}
export async function handOver(dataSource: DataSource, repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneByOrFail({ id });
  if (conversation.status === ConversationStatus.OPEN) {
    await dataSource.transaction(async (manager) => {
      const result = await manager.update(Conversation, { id: conversation.id, status: ConversationStatus.OPEN }, { status: ConversationStatus.PENDING });
      if (!result.affected) throw new Error('gone');
    });
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'check-then-act: a read that selected the row by its state, then a write keyed on the id',
      code: `${imports}
export async function claim(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneBy({ id, status: ConversationStatus.OPEN });
  if (!conversation) return false;
  const result = await repo.update(id, { status: ConversationStatus.PENDING });
  return result.affected === 1;
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: {
            outcome: AFFECTED,
            method: 'update()',
            column: 'status',
            value: '`ConversationStatus.PENDING`',
            checkLine: String(L + 3),
            check: 'status: ConversationStatus.OPEN',
          },
          line: L + 5,
          column: 24,
          endLine: L + 5,
          endColumn: 79,
          suggestions: [
            {
              messageId: 'addGuard',
              data: { column: 'status', expected: '`ConversationStatus.OPEN`' },
              output: `${imports}
export async function claim(repo: Repository<Conversation>, id: string) {
  const conversation = await repo.findOneBy({ id, status: ConversationStatus.OPEN });
  if (!conversation) return false;
  const result = await repo.update({ id, status: ConversationStatus.OPEN }, { status: ConversationStatus.PENDING });
  return result.affected === 1;
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'check-then-act: a query builder read that excluded a state (no expected state to suggest)',
      code: `${imports}
export async function renew(repo: Repository<Conversation>, id: string) {
  const conversation = await repo
    .createQueryBuilder('c')
    .where('c.id = :id', { id })
    .andWhere('c.status != :resolved', { resolved: ConversationStatus.RESOLVED })
    .getOne();
  if (!conversation) throw new Error('not found');
  await repo.update({ id }, { status: ConversationStatus.OPEN, priority: 1 });
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: {
            outcome: AFFECTED,
            method: 'update()',
            column: 'status',
            value: '`ConversationStatus.OPEN`',
            checkLine: String(L + 6),
            check: "'c.status != :resolved'",
          },
          line: L + 9,
          column: 9,
          endLine: L + 9,
          endColumn: 78,
          suggestions: [],
        },
      ],
    },
    {
      name: 'check-then-act: an existence test by state, then a save() of the row (no condition to suggest)',
      code: `${imports}
export async function reopen(repo: Repository<Conversation>, id: string) {
  if (await repo.existsBy({ id, status: ConversationStatus.RESOLVED })) {
    await repo.save({ id, status: ConversationStatus.OPEN });
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: {
            outcome: AFFECTED,
            method: 'save()',
            column: 'status',
            value: '`ConversationStatus.OPEN`',
            checkLine: String(L + 3),
            check: 'status: ConversationStatus.RESOLVED',
          },
          line: L + 4,
          column: 11,
          endLine: L + 4,
          endColumn: 61,
          suggestions: [],
        },
      ],
    },
    {
      name: 'Prisma: check-then-act through a read that selected the job by its state',
      code: `${P}
export async function next(): Promise<string | undefined> {
  const job = await prisma.job.findFirst({ where: { status: JobStatus.queued }, orderBy: { id: 'asc' } });
  if (job == null) return undefined;
  await prisma.job.update({ where: { id: job.id }, data: { status: JobStatus.running } });
  return job.id;
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: {
            outcome: 'for `P2025`, which `update` throws when no row matches',
            method: 'prisma.job.update(…)',
            column: 'status',
            value: '`JobStatus.running`',
            checkLine: String(PL + 3),
            check: 'status: JobStatus.queued',
          },
          line: PL + 5,
          column: 9,
          endLine: PL + 5,
          endColumn: 90,
          suggestions: [
            {
              messageId: 'addGuard',
              data: { column: 'status', expected: '`JobStatus.queued`' },
              output: `${P}
export async function next(): Promise<string | undefined> {
  const job = await prisma.job.findFirst({ where: { status: JobStatus.queued }, orderBy: { id: 'asc' } });
  if (job == null) return undefined;
  await prisma.job.update({ where: { id: job.id, status: JobStatus.queued }, data: { status: JobStatus.running } });
  return job.id;
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'drizzle: check-then-act through a select by state; the guard joins the condition',
      code: `${P}
export async function next(): Promise<string | undefined> {
  const [job] = await db.select().from(jobs).where(eq(jobs.status, 'queued')).limit(1);
  if (job == null) return undefined;
  await db.update(jobs).set({ status: 'running' }).where(eq(jobs.id, job.id));
  return job.id;
}`,
      output: null,
      errors: [
        {
          messageId: 'checkThenAct',
          data: {
            outcome: 'how many rows it changed (`.returning()` hands them back)',
            method: 'db.update(…).set(…).where(…)',
            column: 'status',
            value: "`'running'`",
            checkLine: String(PL + 3),
            check: "eq(jobs.status, 'queued')",
          },
          line: PL + 5,
          column: 9,
          endLine: PL + 5,
          endColumn: 78,
          suggestions: [
            {
              messageId: 'addGuard',
              data: { column: 'status', expected: "`'queued'`" },
              output: `${P.replace("import { eq } from 'drizzle-orm';", "import { eq, and } from 'drizzle-orm';")}
export async function next(): Promise<string | undefined> {
  const [job] = await db.select().from(jobs).where(eq(jobs.status, 'queued')).limit(1);
  if (job == null) return undefined;
  await db.update(jobs).set({ status: 'running' }).where(and(eq(jobs.id, job.id), eq(jobs.status, 'queued')));
  return job.id;
}`,
            },
          ],
        },
      ],
    },
  ],
});
