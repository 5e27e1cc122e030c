import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { endOfExitingBlock, onExclusiveBranches } from '../ast/exiting-blocks.js';
import { isInside } from '../ast/expressions.js';
import { enclosingFunction } from '../ast/functions.js';
import type { Variable } from '../entity-flow/entity-events.js';
import type { FieldWrite } from '../entity-flow/field-writes.js';
import type { WrittenFields } from '../entity-flow/written-fields.js';
import type { ColumnMetadata, EntityMetadata } from '../typeorm/entity-metadata.js';
import { isStateColumn } from '../typeorm/state-columns.js';
import { isNullableColumn, isNumericColumn, isPlainWritableColumn } from '../typeorm/writable-columns.js';
import { indentationOf, isSameValueAt, sitsInStatementList, statementBeforeBoth, statementOf, unusedName } from './statement-edits.js';
import { memberText, primaryKeyCriteria, quote, updateCallText, type FieldAssignment, type WriteReceiver } from './update-rewrite.js';

/**
 * The rewrite of a stale `save()` into single statements that write only what the code changed:
 * - fields set to a value → `update(pk, { f: v })`;
 * - fields changed by an amount (`e.f += n`) → SQL arithmetic: `increment(pk, 'f', n)`, or a query
 *   builder that computes them when other fields are written too;
 * - state columns and fields derived otherwise (`e.f = Math.max(e.f, x)`) → a compare-and-set:
 *   the value they had when loaded, captured before the code changes them, goes into the criteria,
 *   and `affected` is checked;
 * - a saved value the code uses → the entity itself (it holds the written fields already) or, when
 *   the code reads what `save()` would have refreshed or lets the value escape, a re-load.
 */

export type StaleSaveRewriteMessage = 'rewriteToUpdate' | 'rewriteToAtomicUpdate' | 'rewriteToCompareAndSet';

export interface StaleSaveRewrite {
  edits: { range: [number, number]; text: string }[];
  /**
   * The rewrite writes the fields as the save would, keeping concurrent changes, and nothing else
   * changes: it edits only the save and adds no check (no capture, no throw, no re-load).
   */
  equivalent: boolean;
  messageId: StaleSaveRewriteMessage;
  data: Record<string, string>;
}

export interface StaleSaveRewriteInput {
  sourceCode: Readonly<TSESLint.SourceCode>;
  call: TSESTree.CallExpression;
  receiver: WriteReceiver;
  metadata: EntityMetadata;
  /** The entity as the write names it (`order`, also in `{ ...order, status }`). */
  entity: TSESTree.Expression;
  viaSpread: boolean;
  fieldInfo: WrittenFields;
  /** Where the load ends: statements the rewrite adds come after it. */
  loadEnd: number;
  /** The names of the saved object, to see what the code does with it after the save. */
  aliases: readonly Variable[];
  /** Lists fields for a message. */
  listText: (names: readonly string[]) => string;
}

type FieldPlan =
  | { field: string; how: 'value'; value: string }
  | { field: string; how: 'add'; column: ColumnMetadata; sign: 1 | -1; amount: string }
  | { field: string; how: 'compare'; value: string; expected: string };

interface Capture {
  name: string;
  field: string;
  before: TSESTree.Node;
}

/** How the code uses what `save()` resolves to. */
type SavedValueUse =
  | { kind: 'unused' }
  | { kind: 'returned'; statement: TSESTree.ReturnStatement; awaited: boolean }
  | { kind: 'declared'; statement: TSESTree.VariableDeclaration; declarator: TSESTree.VariableDeclarator & { id: TSESTree.Identifier } }
  | { kind: 'reassigned'; statement: TSESTree.ExpressionStatement; variable: TSESTree.Identifier };

const NO_STATE_OPTIONS = { stateColumns: [], guardColumns: [] };

export function buildStaleSaveRewrite(input: StaleSaveRewriteInput): StaleSaveRewrite | undefined {
  const { sourceCode, call, receiver, metadata, entity, fieldInfo } = input;
  if (!fieldInfo.exact || fieldInfo.fields.length === 0) return undefined;
  const entityText = sourceCode.getText(entity);
  const use = savedValueUse(sourceCode, call, input.aliases);
  if (use == null) return undefined;

  const taken = new Set<string>();
  const captures: Capture[] = [];
  const plans: FieldPlan[] = [];
  for (const field of fieldInfo.fields) {
    const column = metadata.byProperty.get(field);
    if (column == null || !isPlainWritableColumn(column)) return undefined;
    const writes = fieldInfo.writes.get(field) ?? [];
    const literalWrites = writes.filter((write) => isLiteralWrite(write));
    const entityWrites = writes.filter((write) => !isLiteralWrite(write));
    // `e.f = …; save({ ...e, f: … })`: which value wins is not worth untangling.
    if (literalWrites.length > 0 && entityWrites.length > 0) return undefined;
    const literalWrite = literalWrites.at(-1);
    const value = literalWrite?.kind === 'set' ? sourceCode.getText(literalWrite.value) : literalWrite == null ? memberText(entityText, field) : undefined;
    const captureBefore = (first: FieldWrite | undefined): string | undefined => {
      if (first == null) return memberText(entityText, field);
      const before = statementBeforeBoth(first.node, statementOf(call) ?? call, input.loadEnd);
      if (before == null) return undefined;
      const name = unusedName(sourceCode, call, `previous${capitalize(field)}`, taken);
      taken.add(name);
      captures.push({ name, field, before });
      return name;
    };
    if (writes.every((write) => write.kind === 'set') && !isStateColumn(column, NO_STATE_OPTIONS)) {
      if (value == null) return undefined;
      plans.push({ field, how: 'value', value });
    } else if (writes.every((write) => write.kind === 'additive') && isNumericColumn(column) && !isStateColumn(column, NO_STATE_OPTIONS)) {
      const [only] = writes;
      if (writes.length === 1 && only?.kind === 'additive' && (literalWrite != null || isStableAmountAt(sourceCode, only, call))) {
        plans.push({ field, how: 'add', column, sign: only.sign, amount: only.amount == null ? '1' : sourceCode.getText(only.amount) });
      } else {
        if (literalWrite != null) return undefined;
        const previous = captureBefore(entityWrites[0]);
        if (previous == null) return undefined;
        plans.push({ field, how: 'add', column, sign: 1, amount: `${memberText(entityText, field)} - ${previous}` });
      }
    } else {
      // The old value goes into the criteria: it must be a value criteria can hold (1.x throws on null).
      if (value == null || isNullableColumn(column)) return undefined;
      const expected = captureBefore(entityWrites[0]);
      if (expected == null) return undefined;
      plans.push({ field, how: 'compare', value, expected });
    }
  }

  const compared = plans.filter((plan) => plan.how === 'compare');
  const criteria = primaryKeyCriteria(metadata, entityText, compared.map((plan) => [plan.field, plan.expected] as const));
  if (criteria == null) return undefined;
  const assignments = plans.map((plan): FieldAssignment =>
    plan.how === 'add' ? { field: plan.field, databaseName: plan.column.databaseName, sign: plan.sign, amount: plan.amount } : { field: plan.field, value: plan.value },
  );
  const update = updateCallText(receiver, criteria, assignments);
  if (update == null) return undefined;

  const fields = input.listText(fieldInfo.fields);
  const added = plans.filter((plan) => plan.how === 'add');
  const messageId: StaleSaveRewriteMessage = compared.length > 0 ? 'rewriteToCompareAndSet' : added.length > 0 ? 'rewriteToAtomicUpdate' : 'rewriteToUpdate';
  const data: Record<string, string> = { fields, then: '' };
  if (messageId === 'rewriteToCompareAndSet') data.guarded = input.listText(compared.map((plan) => plan.field));
  if (messageId === 'rewriteToAtomicUpdate') {
    data.derived = input.listText(added.map((plan) => plan.field));
    data.how = update.includes('.increment(') ? 'increment()' : update.includes('.decrement(') ? 'decrement()' : 'a query builder';
  }

  const edits: { range: [number, number]; text: string }[] = [];
  let equivalent = captures.length === 0 && compared.length === 0;
  if (use.kind === 'unused' && compared.length === 0) {
    // `save()` also refreshes the version and update date in memory: code after it that reads
    // them, or hands the entity on, sees a difference.
    if (usedLaterAsSaved(undefined, input.aliases, call, metadata, sourceCode)) equivalent = false;
    edits.push({ range: call.range, text: update });
  } else {
    const statement = use.kind === 'unused' ? statementOf(call) : use.statement;
    // Statements of their own, awaited: in an async function, where the save was awaited (or its
    // promise returned, which the function's own promise waits for).
    if (statement == null || (use.kind !== 'returned' && !awaitsSave(call)) || enclosingFunction(call)?.async !== true) return undefined;
    const indent = indentationOf(sourceCode, statement);
    const lines: string[] = [];
    if (compared.length > 0) {
      const result = unusedName(sourceCode, call, 'result', taken);
      taken.add(result);
      lines.push(`const ${result} = await ${update};`);
      lines.push(`if (!${result}.affected) throw new Error(${quote(`${metadata.className} was changed by another writer since it was loaded: ${input.listText(compared.map((plan) => plan.field))} not written`)});`);
    } else {
      lines.push(`await ${update};`);
    }
    const reload = (): string => `await ${receiver.repositoryCall('findOneByOrFail', [primaryKeyCriteria(metadata, entityText) ?? '{}'])}`;
    // A re-load names the receiver a second time.
    const reloads = use.kind === 'returned' || ((use.kind === 'declared' || use.kind === 'reassigned') && usedLaterAsSaved(use.kind === 'declared' ? use.declarator.id : undefined, input.aliases, call, metadata, sourceCode));
    if (reloads && !receiver.repeatable) return undefined;
    switch (use.kind) {
      case 'unused':
        break;
      case 'returned':
        equivalent = false;
        data.then = ', then re-load the row for the value the code returns';
        lines.push(`return ${use.awaited ? reload() : reload().replace(/^await /, '')};`);
        break;
      case 'declared': {
        const later = usedLaterAsSaved(use.declarator.id, input.aliases, call, metadata, sourceCode);
        if (later) equivalent = false;
        data.then = later ? ', then re-load the row for the value the code uses' : ', then use the entity, which already holds them';
        lines.push(`${use.statement.kind} ${use.declarator.id.name}${typeAnnotationText(sourceCode, use.declarator.id)} = ${later ? reload() : entityText};`);
        break;
      }
      case 'reassigned': {
        const later = usedLaterAsSaved(undefined, input.aliases, call, metadata, sourceCode);
        if (later) {
          equivalent = false;
          data.then = ', then re-load the row for the value the code uses';
          lines.push(`${use.variable.name} = ${reload()};`);
        }
        break;
      }
    }
    // The lone body of an `if` (or a loop) becomes a block.
    edits.push({ range: statement.range, text: sitsInStatementList(statement) ? lines.join(`\n${indent}`) : `{\n${indent}  ${lines.join(`\n${indent}  `)}\n${indent}}` });
  }
  // Captures before the same statement share one insertion.
  const byStatement = new Map<TSESTree.Node, Capture[]>();
  for (const capture of captures) byStatement.set(capture.before, [...(byStatement.get(capture.before) ?? []), capture]);
  for (const [before, list] of byStatement) {
    if (!sitsInStatementList(before)) return undefined;
    const indent = indentationOf(sourceCode, before);
    const text = list.map((capture) => `const ${capture.name} = ${memberText(entityText, capture.field)};\n${indent}`).join('');
    edits.push({ range: [before.range[0], before.range[0]], text });
  }
  edits.sort((a, b) => a.range[0] - b.range[0]);
  return { edits, equivalent, messageId, data };
}

function isLiteralWrite(write: FieldWrite): boolean {
  return write.node.type === AST_NODE_TYPES.Property;
}

/**
 * What the code does with the save's result: nothing, return it, keep it in a new variable, or
 * put it back into the entity's variable (`e = await repo.save(e)`). Anything else: undefined.
 */
function savedValueUse(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression, aliases: readonly Variable[]): SavedValueUse | undefined {
  const statement = statementOf(call);
  if (statement == null) return isUnusedCombinedPromise(sourceCode, call) ? { kind: 'unused' } : undefined;
  switch (statement.type) {
    case AST_NODE_TYPES.ExpressionStatement: {
      const expression = statement.expression;
      if (expression.type !== AST_NODE_TYPES.AssignmentExpression) return { kind: 'unused' };
      if (expression.operator !== '=' || expression.left.type !== AST_NODE_TYPES.Identifier) return undefined;
      const name = expression.left.name;
      return aliases.some((alias) => alias.name === name && alias.references.some((reference) => reference.identifier === expression.left))
        ? { kind: 'reassigned', statement, variable: expression.left }
        : undefined;
    }
    case AST_NODE_TYPES.ReturnStatement:
      return { kind: 'returned', statement, awaited: statement.argument?.type === AST_NODE_TYPES.AwaitExpression };
    case AST_NODE_TYPES.VariableDeclaration: {
      const [declarator] = statement.declarations;
      if (declarator.id.type !== AST_NODE_TYPES.Identifier || statement.kind === 'using' || statement.kind === 'await using') return undefined;
      return { kind: 'declared', statement, declarator: declarator as TSESTree.VariableDeclarator & { id: TSESTree.Identifier } };
    }
    default:
      return undefined;
  }
}

/**
 * `await Promise.all([message.save(), channel.save(), emit(…)])` with the results dropped (or not
 * destructured at this one's place): an `update()` in the same element is awaited the same way.
 */
function isUnusedCombinedPromise(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): boolean {
  const list = call.parent;
  if (list.type !== AST_NODE_TYPES.ArrayExpression) return false;
  const combinator = list.parent;
  if (combinator.type !== AST_NODE_TYPES.CallExpression || combinator.arguments[0] !== list) return false;
  const callee = combinator.callee;
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.object.type !== AST_NODE_TYPES.Identifier || callee.object.name !== 'Promise') return false;
  if (callee.property.type !== AST_NODE_TYPES.Identifier || !['all', 'allSettled'].includes(callee.property.name)) return false;
  // The global `Promise`, not a local of that name.
  if ((ASTUtils.findVariable(sourceCode.getScope(combinator), 'Promise')?.defs.length ?? 0) > 0) return false;
  const result = combinator.parent.type === AST_NODE_TYPES.AwaitExpression ? combinator.parent : combinator;
  const holder = result.parent;
  if (holder.type === AST_NODE_TYPES.ExpressionStatement) return true;
  if (holder.type !== AST_NODE_TYPES.VariableDeclarator || holder.init !== result || holder.id.type !== AST_NODE_TYPES.ArrayPattern) return false;
  const index = list.elements.indexOf(call);
  // A spread before it makes its place in the result unknown.
  if (list.elements.slice(0, index).some((element) => element?.type === AST_NODE_TYPES.SpreadElement)) return false;
  const pattern = holder.id.elements;
  // A rest element before or at this place would gather it.
  return pattern.slice(0, index + 1).every((element) => element?.type !== AST_NODE_TYPES.RestElement) && pattern[index] == null;
}

/**
 * Whether code after the save needs more than the entity as the code left it: it reads a column
 * `save()` would have refreshed (the version, the update date), calls a method on it, or lets it
 * escape (returned, handed to a call, stored), through the saved value's variable or the entity's.
 */
function usedLaterAsSaved(declared: TSESTree.Identifier | undefined, aliases: readonly Variable[], call: TSESTree.CallExpression, metadata: EntityMetadata, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  const refreshed = new Set([metadata.versionColumn?.propertyName, metadata.updateDateColumn?.propertyName].filter((name) => name != null));
  const statement = statementOf(call) ?? call;
  // Code past a `return`/`throw` that always follows the save never runs after it.
  const reachableEnd = endOfExitingBlock(call) ?? Number.POSITIVE_INFINITY;
  const variables = [...aliases];
  if (declared != null) variables.push(...sourceCode.getDeclaredVariables(declared.parent));
  for (const variable of variables) {
    for (const reference of variable.references) {
      const identifier = reference.identifier;
      if (identifier.range[0] < statement.range[1] || identifier.range[0] >= reachableEnd || isInside(identifier, statement)) continue;
      if (reference.isWriteOnly() || onExclusiveBranches(identifier, call, variable.scope.variableScope.block)) continue;
      const parent = identifier.parent;
      if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier && !parent.computed && parent.property.type === AST_NODE_TYPES.Identifier) {
        if (refreshed.has(parent.property.name)) return true;
        if (parent.parent.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent) return true;
        continue;
      }
      return true;
    }
  }
  return false;
}

function awaitsSave(call: TSESTree.CallExpression): boolean {
  return call.parent.type === AST_NODE_TYPES.AwaitExpression;
}

function typeAnnotationText(sourceCode: Readonly<TSESLint.SourceCode>, id: TSESTree.Identifier): string {
  return id.typeAnnotation == null ? '' : sourceCode.getText(id.typeAnnotation);
}

/**
 * The amount of a single `e.f += amount` read again at the save gives the same number: the write
 * runs exactly once before every save, and the amount is a literal or a variable nothing reassigns.
 */
function isStableAmountAt(sourceCode: Readonly<TSESLint.SourceCode>, write: Extract<FieldWrite, { kind: 'additive' }>, save: TSESTree.Node): boolean {
  const statement = write.node.parent?.parent;
  if (statement?.type !== AST_NODE_TYPES.ExpressionStatement || statementBeforeBoth(write.node, save, 0) !== statement) return false;
  let amount = write.amount;
  if (amount == null) return true;
  if (amount.type === AST_NODE_TYPES.UnaryExpression && amount.operator === '-') amount = amount.argument;
  if (amount.type === AST_NODE_TYPES.Literal) return typeof amount.value === 'number';
  return isSameValueAt(sourceCode, amount, save);
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
