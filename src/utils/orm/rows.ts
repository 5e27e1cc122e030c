import ts from 'typescript';

import { skipOuterExpressions } from '../calls/await-classification.js';
import { methodNameOfCall } from '../calls/call-name-gates.js';
import { PRISMA_READ_METHODS, PRISMA_WRITE_METHODS } from '../prisma/prisma-calls.js';
import { LOAD_METHODS } from '../typeorm/typeorm-calls.js';
import { drizzleRowRead, drizzleRowWrite } from './drizzle-rows.js';
import { prismaRowRead, prismaRowWrite } from './prisma-rows.js';
import type { RowRead, RowWrite } from './row-model.js';
import { typeormRowRead, typeormRowWrite } from './typeorm-rows.js';

/**
 * The row model's entry: what an awaited expression reads, what a call writes, whichever ORM
 * declares them. Each asks the recognisers in turn; a method name no ORM reads or writes with is
 * settled without a type query.
 */

/** The last method of a read, for each ORM: Prisma's finds, a drizzle select chain's links, TypeORM's loads. */
const READ_METHOD_NAMES: ReadonlySet<string> = new Set([
  ...PRISMA_READ_METHODS,
  ...LOAD_METHODS,
  'from', 'where', 'limit', 'offset', 'orderBy', 'for', 'execute', 'all', 'get',
]);

/** Methods a statement that writes values is made with: Prisma's updates, `.set()`, TypeORM's `update()`. */
const WRITE_METHOD_NAMES: ReadonlySet<string> = new Set([...PRISMA_WRITE_METHODS, 'set']);

/** Whether a call may be a read of rows, by its method name alone. */
export function mayReadRows(call: ts.CallExpression): boolean {
  const method = methodNameOfCall(call);
  return method != null && READ_METHOD_NAMES.has(method);
}

/** Whether a call may write values to rows, by its method name alone. */
export function mayWriteRows(call: ts.CallExpression): boolean {
  const method = methodNameOfCall(call);
  return method != null && WRITE_METHOD_NAMES.has(method);
}

/** What `await <expression>` reads, if it reads rows. */
export function rowReadOf(checker: ts.TypeChecker, expression: ts.Expression): RowRead | undefined {
  const call = skipOuterExpressions(expression);
  if (!ts.isCallExpression(call) || !mayReadRows(call)) return undefined;
  return prismaRowRead(checker, call) ?? drizzleRowRead(checker, call) ?? typeormRowRead(checker, call);
}

/** What a call writes, if it writes given values to rows (for a builder, the call that takes the values). */
export function rowWriteOf(checker: ts.TypeChecker, call: ts.CallExpression): RowWrite | undefined {
  if (!mayWriteRows(call)) return undefined;
  return prismaRowWrite(checker, call) ?? (methodNameOfCall(call) === 'set' ? drizzleRowWrite(checker, call) : undefined) ?? typeormRowWrite(checker, call);
}

/**
 * A write that carries `StateSupport` (Prisma's, drizzle's), without asking the TypeORM
 * recogniser: TypeORM's state writes are read from its entity metadata (src/utils/typeorm), and
 * asking twice would resolve each of its updates twice.
 */
export function stateWriteOf(checker: ts.TypeChecker, call: ts.CallExpression): RowWrite | undefined {
  if (!mayWriteRows(call)) return undefined;
  return prismaRowWrite(checker, call) ?? (methodNameOfCall(call) === 'set' ? drizzleRowWrite(checker, call) : undefined);
}
