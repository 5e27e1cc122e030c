import { AST_NODE_TYPES, type ParserServicesWithTypeInformation, type TSESTree } from '@typescript-eslint/utils';

import { callLabel } from '../calls/call-labels.js';
import { drizzleRowLockOf } from '../drizzle/drizzle-calls.js';
import { takesPessimisticLock } from '../typeorm/entity-flow-summaries.js';
import { classifyTypeormCall } from '../typeorm/typeorm-calls.js';

/** A read that takes row locks until its transaction ends. */
export interface RowLock {
  /** The read and its lock mode: `` `repo.findOne(…)` (pessimistic_write) ``, `` `qr.query(…)` (FOR UPDATE) ``. */
  label: string;
  /** The read as called (`repo.findOne(…)`), and the lock it takes (`pessimistic_write`, `FOR UPDATE`). */
  call: string;
  mode: string;
  line: number;
  /**
   * TypeORM refuses a pessimistic lock outside a transaction, so such a load proves one is open;
   * raw `SELECT … FOR UPDATE` in autocommit mode only locks for the statement.
   */
  impliesTransaction: boolean;
}

/** TypeORM reads that run a SELECT, so a lock in their options or query builder is taken by them. */
const LOCKING_READS: ReadonlySet<string> = new Set([
  'findOne', 'findOneOrFail', 'find', 'findAndCount', 'getOne', 'getOneOrFail', 'getMany', 'getManyAndCount',
  'getRawOne', 'getRawMany', 'getRawAndEntities', 'getCount', 'getExists', 'stream',
]);

/** TypeORM's lock modes that lock rows (`pessimistic_write`, `for_no_key_update`, …). */
const LOCK_MODE = /pessimistic_[a-z_]+|for_no_key_update|for_key_share/;
/** The locking clauses of PostgreSQL and MySQL. */
const SQL_LOCK = /\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|\bLOCK\s+IN\s+SHARE\s+MODE\b/i;

/**
 * The row lock `receiver.method(…)` takes, if any: a TypeORM read with a pessimistic lock (in its
 * options or through `setLock()` in its query builder chain), a drizzle select's `.for('update')`,
 * or a raw `query()` whose SQL, written in place, has a locking clause.
 */
export function rowLockOf(services: ParserServicesWithTypeInformation, call: TSESTree.CallExpression, method: string): RowLock | undefined {
  if (method !== 'query' && method !== 'for' && !LOCKING_READS.has(method)) return undefined;
  const checker = services.program.getTypeChecker();
  const tsCall = services.esTreeNodeToTSNodeMap.get(call);
  if (method === 'for') {
    // drizzle's `db.select().from(t).where(…).for('update')`: like raw SQL, it locks for the statement
    // alone outside a transaction.
    const mode = drizzleRowLockOf(checker, tsCall);
    return mode == null ? undefined : rowLock(call, mode, false);
  }
  // The syntactic test first: most reads take no lock, and then no type query is needed.
  if (method === 'query') {
    const text = sqlTextOf(call.arguments[0]);
    const match = text == null ? null : SQL_LOCK.exec(text);
    if (match == null || classifyTypeormCall(checker, tsCall) == null) return undefined;
    return rowLock(call, match[0].replace(/\s+/g, ' ').toUpperCase(), false);
  }
  if (!takesPessimisticLock(tsCall) || classifyTypeormCall(checker, tsCall) == null) return undefined;
  return rowLock(call, LOCK_MODE.exec(tsCall.getText())?.[0] ?? 'pessimistic', true);
}

function rowLock(call: TSESTree.CallExpression, mode: string, impliesTransaction: boolean): RowLock {
  const label = callLabel(call);
  return { label: `\`${label}\` (${mode})`, call: label, mode, line: call.loc.start.line, impliesTransaction };
}

/** The SQL of a string or template literal; a template's placeholders are read as spaces. */
function sqlTextOf(sql: TSESTree.CallExpressionArgument | undefined): string | undefined {
  if (sql?.type === AST_NODE_TYPES.Literal && typeof sql.value === 'string') return sql.value;
  if (sql?.type === AST_NODE_TYPES.TemplateLiteral) return sql.quasis.map((quasi) => quasi.value.cooked ?? '').join(' ');
  return undefined;
}
