import { integer, pgEnum, pgTable, text } from 'drizzle-orm/pg-core';

export const jobStatus = pgEnum('job_status', ['queued', 'running', 'done', 'failed']);

export const jobs = pgTable('jobs', {
  id: text('id').primaryKey(),
  status: jobStatus('status').notNull().default('queued'),
  attempts: integer('attempts').notNull().default(0),
  workerId: text('worker_id'),
  result: text('result'),
});

export const accounts = pgTable('accounts', {
  id: text('id').primaryKey(),
  credits: integer('credits').notNull().default(0),
});
