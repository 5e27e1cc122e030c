import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { AwaitClassifier } from '../../src/utils/calls/await-classification.js';
import type { RelativeChange, RowWrite, WrittenValue } from '../../src/utils/orm/row-model.js';
import { rowReadOf, rowWriteOf } from '../../src/utils/orm/rows.js';
import type { TextEdit } from '../../src/utils/orm/text-edits.js';
import { fixtureFile, fixtureProgram, markedCall, markedExpression } from './fixture-program.js';

/** The text of `node` after the edits (which may reach outside it, as an import does: those are returned apart). */
function applied(node: ts.Node, edits: readonly TextEdit[]): { node: string; outside: string[] } {
  const file = node.getSourceFile();
  const start = node.getStart();
  const end = node.getEnd();
  const inside = edits.filter((edit) => edit.range[0] >= start && edit.range[1] <= end).sort((a, b) => b.range[0] - a.range[0]);
  let text = file.text.slice(start, end);
  for (const edit of inside) text = text.slice(0, edit.range[0] - start) + edit.text + text.slice(edit.range[1] - start);
  return { node: text, outside: edits.filter((edit) => !inside.includes(edit)).map((edit) => edit.text) };
}

function valueOf(write: RowWrite | undefined, field: string): WrittenValue {
  const value = write?.values.find((candidate) => candidate.field === field);
  if (value == null) throw new Error(`no written value for ${field}`);
  return value;
}

/** `a - b` → `{ operator: '-', amount: b }`. */
function changeIn(value: WrittenValue): RelativeChange {
  const expression = value.value;
  if (!ts.isBinaryExpression(expression)) throw new Error('not a binary expression');
  return { operator: expression.operatorToken.kind === ts.SyntaxKind.PlusToken ? '+' : '-', amount: expression.right };
}

describe('the row model', () => {
  const program = fixtureProgram();
  const checker = program.getTypeChecker();
  const file = fixtureFile(program, 'analysis/rows.ts');
  const read = (marker: string) => rowReadOf(checker, markedExpression(file, marker));
  const write = (marker: string, method?: string) => {
    let call = markedCall(file, marker);
    // A builder's values are given to `set()`, inside the statement the marker starts.
    while (method != null && !(ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === method)) {
      const inner = (call.expression as ts.PropertyAccessExpression).expression;
      if (!ts.isCallExpression(inner)) throw new Error(`no .${method}() in the chain`);
      call = inner;
    }
    return rowWriteOf(checker, call);
  };

  it('reads rows of each ORM, one or many, with the fields that identify a row', () => {
    expect(read('prisma-find-unique')).toMatchObject({ shape: 'one', target: 'Wallet', identityFields: new Set(['id']) });
    expect(read('prisma-find-many')).toMatchObject({ shape: 'many', target: 'Wallet', identityFields: new Set(['id']) });
    expect(read('drizzle-select')).toMatchObject({ shape: 'many', target: 'wallets', identityFields: new Set(['id']) });
    expect(read('drizzle-relational')).toMatchObject({ shape: 'one', target: 'wallets', identityFields: new Set(['id']) });
    expect(read('typeorm-find')).toMatchObject({ shape: 'one', target: 'Conversation', identityFields: new Set(['id']) });
  });

  it('a read that locks its rows, or renames columns, is no read of rows', () => {
    expect(read('drizzle-for-update')).toBeUndefined();
    expect(read('drizzle-columns')).toBeUndefined();
    expect(read('typeorm-locked')).toBeUndefined();
  });

  it('a Prisma update: the values of data, operations apart, and its where', () => {
    const update = write('prisma-update');
    expect(update?.target).toBe('Wallet');
    expect(update?.values.map((value) => [value.field, value.value.getText(), value.replaceable])).toEqual([
      ['balance', 'wallet.balance - amount', true],
      ['label', "'x'", true],
      ['version', '1', false],
    ]);
    expect(update?.conditions.map((condition) => condition.getText())).toEqual(['{ id }']);
    const balance = valueOf(update, 'balance');
    const atomic = update?.atomicChange(balance, changeIn(balance));
    expect(atomic?.text).toBe('{ decrement: amount }');
    expect(applied(balance.property, atomic?.edits ?? []).node).toBe('balance: { decrement: amount }');
    const guarded = update?.compareAndSet('balance', 'wallet.balance');
    expect(guarded?.text).toBe('where: { …, balance: wallet.balance }');
    expect(applied(update?.conditions[0] as ts.Node, guarded?.edits ?? []).node).toBe('{ id, balance: wallet.balance }');
  });

  it("a Prisma upsert writes its update; a compare-and-set there is no guard (it would create the row)", () => {
    const upsert = write('prisma-upsert');
    expect(upsert?.values.map((value) => value.field)).toEqual(['balance']);
    expect(upsert?.compareAndSet('balance', 'wallet.balance')).toBeUndefined();
  });

  it('a drizzle update, from its set(): the statement, the where, sql`` with its import', () => {
    const update = write('drizzle-update', 'set');
    expect(update?.target).toBe('wallets');
    expect(update?.call.getText()).toBe('db.update(wallets).set({ balance: row.balance - amount }).where(eq(wallets.id, id)).returning()');
    expect(update?.conditions.map((condition) => condition.getText())).toEqual(['eq(wallets.id, id)']);
    const balance = valueOf(update, 'balance');
    const atomic = update?.atomicChange(balance, changeIn(balance));
    expect(atomic?.text).toBe('sql`${wallets.balance} - ${amount}`');
    expect(applied(balance.property, atomic?.edits ?? [])).toEqual({ node: 'balance: sql`${wallets.balance} - ${amount}`', outside: [', sql'] });
    const guarded = update?.compareAndSet('balance', 'row.balance');
    expect(guarded?.text).toBe('.where(and(…, eq(wallets.balance, row.balance)))');
    expect(applied(update?.conditions[0] as ts.Node, guarded?.edits ?? [])).toEqual({
      node: 'and(eq(wallets.id, id), eq(wallets.balance, row.balance))',
      outside: [', and'],
    });
  });

  it('a TypeORM update(): decrement() of the one column it writes; a query builder set() says what to write', () => {
    const update = write('typeorm-update');
    expect(update?.target).toBe('Conversation');
    const priority = valueOf(update, 'priority');
    const atomic = update?.atomicChange(priority, changeIn(priority));
    expect(atomic?.text).toBe("conversations.increment({ id }, 'priority', 1)");
    expect(atomic?.edits?.map((edit) => edit.text)).toEqual(["conversations.increment({ id }, 'priority', 1)"]);
    expect(update?.compareAndSet('priority', 'conversation.priority')?.edits?.map((edit) => edit.text)).toEqual([', priority: conversation.priority']);

    const builder = write('typeorm-qb', 'set');
    expect(builder?.target).toBe('Conversation');
    expect(builder?.call.getText()).toMatch(/\.execute\(\)$/);
    expect(builder?.conditions.map((condition) => condition.getText())).toEqual(["'id = :id'", '{ id }']);
    const builderPriority = valueOf(builder, 'priority');
    expect(builder?.atomicChange(builderPriority, changeIn(builderPriority))).toEqual({ text: "priority: () => 'priority + :amount'", edits: undefined });
    expect(builder?.compareAndSet('priority', 'conversation.priority')?.text).toBe(".andWhere('priority = :priorityRead', { priorityRead: conversation.priority })");
  });

  it('Prisma and drizzle calls wait for the database; a transaction waits for what its callback does', () => {
    const classifier = new AwaitClassifier(program, {});
    const kinds = (marker: string) => [...classifier.classifyAwaited(markedExpression(file, marker)).keys()];
    expect(kinds('prisma-find-unique')).toEqual(['database']);
    expect(kinds('drizzle-select')).toEqual(['database']);
    expect(kinds('drizzle-transaction')).toEqual(['database']);
    expect(kinds('prisma-transaction')).toEqual(['database', 'network']);
  });
});
