import { and, eq, sql } from 'drizzle-orm';

import type { Database } from './db.js';
import { accounts, jobs } from './schema.js';
import type { Summarizer } from './summarizer.js';

export class JobRunner {
  constructor(
    private readonly db: Database,
    private readonly summarizer: Summarizer,
  ) {}

  /**
   * ❌ Checks that the job is queued, then moves it to running keyed on the id alone: runners that
   * read it at the same time all pass the check and all take it (require-state-guard: the
   * condition does not repeat the status it checked).
   */
  async start(jobId: string, workerId: string): Promise<boolean> {
    const [job] = await this.db.select().from(jobs).where(eq(jobs.id, jobId));
    if (job?.status !== 'queued') return false;
    await this.db.update(jobs).set({ status: 'running', workerId }).where(eq(jobs.id, jobId));
    return true;
  }

  /** ✅ Exactly one of the runners racing for a queued job gets a row back. */
  async claim(jobId: string, workerId: string): Promise<boolean> {
    const claimed = await this.db
      .update(jobs)
      .set({ status: 'running', workerId })
      .where(and(eq(jobs.id, jobId), eq(jobs.status, 'queued')))
      .returning({ id: jobs.id });
    return claimed.length === 1;
  }

  /**
   * ❌ The credits are computed from the row read before the LLM call: credits bought meanwhile are
   * lost (no-stale-derived-write; its fix is sql`${accounts.credits} - ${cost}`).
   */
  async run(jobId: string, accountId: string, cost: number): Promise<void> {
    const [account] = await this.db.select().from(accounts).where(eq(accounts.id, accountId));
    if (account == null || account.credits < cost) throw new Error('not enough credits');
    const result = await this.summarizer.summarize(jobId);
    await this.db.update(accounts).set({ credits: account.credits - cost }).where(eq(accounts.id, accountId));
    const done = await this.db
      .update(jobs)
      .set({ status: 'done', result })
      .where(and(eq(jobs.id, jobId), eq(jobs.status, 'running')))
      .returning({ id: jobs.id });
    if (done.length === 0) throw new Error(`job ${jobId} was taken over`);
  }

  /**
   * ❌ The LLM call runs inside the transaction, which holds a pooled connection the whole time
   * (no-network-await-in-transaction); the audit row goes through the outer database, outside
   * the transaction (no-outer-client-in-transaction).
   */
  async rerun(jobId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [job] = await tx.select().from(jobs).where(eq(jobs.id, jobId)).for('update');
      if (job == null) return;
      const result = await this.summarizer.summarize(job.id);
      await tx.update(jobs).set({ result }).where(eq(jobs.id, jobId));
      await this.db.update(jobs).set({ attempts: 0 }).where(eq(jobs.id, jobId));
    });
  }

  /** ✅ The database subtracts. */
  async charge(accountId: string, cost: number): Promise<void> {
    await this.db.update(accounts).set({ credits: sql`${accounts.credits} - ${cost}` }).where(eq(accounts.id, accountId));
  }
}
