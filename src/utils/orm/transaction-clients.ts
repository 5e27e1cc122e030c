import ts from 'typescript';

import { skipOuterExpressions } from '../calls/await-classification.js';
import { isDrizzleRootDatabase, isDrizzleTransaction } from '../drizzle/drizzle-calls.js';
import { isPrismaInteractiveTransaction, isPrismaRootClient } from '../prisma/prisma-calls.js';

/**
 * Interactive transactions that hand their callback a client of their own (Prisma's
 * `$transaction(async (tx) => …)`, drizzle's `db.transaction(async (tx) => …)`), and queries
 * made inside such a callback through the client the code holds outside it — the root Prisma
 * client, the drizzle database. Such a query does not run in the transaction: it takes another
 * pooled connection while the transaction holds one (prisma#12277), commits on its own, and is
 * not rolled back with the transaction.
 */

/** The callback of an interactive transaction, written in place, and the name of its client parameter. */
export interface TransactionCallback {
  callback: ts.ArrowFunction | ts.FunctionExpression;
  /** `tx`; undefined when the callback takes no parameter or destructures it. */
  client: string | undefined;
}

/** Method names of a call that may open one: `$transaction`, `transaction`. */
const TRANSACTION_NAMES: ReadonlySet<string> = new Set(['$transaction', 'transaction']);

export function transactionCallbackOf(checker: ts.TypeChecker, call: ts.CallExpression): TransactionCallback | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !TRANSACTION_NAMES.has(callee.name.text)) return undefined;
  const first = call.arguments[0] == null ? undefined : skipOuterExpressions(call.arguments[0]);
  if (first == null || !(ts.isArrowFunction(first) || ts.isFunctionExpression(first))) return undefined;
  if (!isPrismaInteractiveTransaction(checker, call) && !isDrizzleTransaction(checker, call)) return undefined;
  const parameter = first.parameters[0]?.name;
  return { callback: first, client: parameter != null && ts.isIdentifier(parameter) ? parameter.text : undefined };
}

/** Prisma's methods on the client itself that query (`$queryRaw`, …) or open a transaction. */
const PRISMA_CLIENT_QUERIES: ReadonlySet<string> = new Set([
  '$queryRaw', '$queryRawUnsafe', '$executeRaw', '$executeRawUnsafe', '$runCommandRaw', '$transaction',
]);

/** drizzle's methods on the database that start a statement (or open a transaction). */
const DRIZZLE_STATEMENTS: ReadonlySet<string> = new Set([
  'select', 'selectDistinct', 'selectDistinctOn', 'insert', 'update', 'delete', 'execute', 'run', 'all', 'get', 'values', 'with', '$count', 'transaction', 'batch',
]);

/**
 * The client a call (or a tagged template, `` prisma.$executeRaw`…` ``) queries through when that
 * client is the one held outside any transaction: `prisma` in `prisma.wallet.update(…)` or `prisma.$executeRaw…`, `db` in `db.select()` or
 * `db.query.wallets.findFirst(…)`. Undefined for a transaction's client and for anything else.
 */
export function outerClientOf(checker: ts.TypeChecker, call: ts.CallExpression | ts.TaggedTemplateExpression): ts.Expression | undefined {
  const callee = skipOuterExpressions(ts.isCallExpression(call) ? call.expression : call.tag);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = skipOuterExpressions(callee.expression);
  if (PRISMA_CLIENT_QUERIES.has(method) && isPrismaRootClient(checker, receiver)) return receiver;
  if (DRIZZLE_STATEMENTS.has(method) && isDrizzleRootDatabase(checker, receiver)) return receiver;
  if (!ts.isPropertyAccessExpression(receiver)) return undefined;
  // `prisma.wallet.update(…)`: a model delegate of the client; `db.query.wallets.findFirst(…)`.
  const holder = skipOuterExpressions(receiver.expression);
  if (isPrismaRootClient(checker, holder) && checker.getTypeAtLocation(receiver).getProperty(method) != null && /Delegate$/.test(checker.getTypeAtLocation(receiver).getSymbol()?.getName() ?? '')) return holder;
  if (ts.isPropertyAccessExpression(holder) && holder.name.text === 'query' && isDrizzleRootDatabase(checker, skipOuterExpressions(holder.expression))) return skipOuterExpressions(holder.expression);
  return undefined;
}
