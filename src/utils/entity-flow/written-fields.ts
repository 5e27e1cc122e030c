import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { endOfExitingBlock, onExclusiveBranches } from '../ast/exiting-blocks.js';
import { isInside } from '../ast/expressions.js';
import { enclosingFunction } from '../ast/functions.js';
import type { LoadSite, Variable, WriteSite, WriteTarget } from './entity-events.js';
import { isAssignmentTarget, isHandOff } from './entity-uses.js';
import { writeOfMember, writeOfValue, type FieldWrite } from './field-writes.js';

/** The fields code sets on an entity between its load and a write of it. */
export interface WrittenFields {
  fields: string[];
  /** Every field write is a direct `x.field = …` and the entity was handed to no other code. */
  exact: boolean;
  /**
   * Fields set from their own loaded value (`x.points += 10`, `x.balance = x.balance - amount`,
   * `x.count++`): written back as the stale value plus the change, they lose concurrent changes.
   */
  derived: string[];
  /** Every write of each field, in source order: the spread literal's own keys come last. */
  writes: ReadonlyMap<string, readonly FieldWrite[]>;
  /** `x.members.push(user)`: elements appended to a property's array (not counted as fields). */
  appends: readonly ArrayAppend[];
}

/** `x.members.push(a, b)`. */
export interface ArrayAppend {
  property: string;
  call: TSESTree.CallExpression;
}

/** Array methods that change the array in place; `push` alone is an append. */
const MUTATING_ARRAY_METHODS: ReadonlySet<string> = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);

/**
 * The fields written on the entity between `load` and `write`, through any of `aliases` (names
 * of the same object: `const c = conv`). A method call on it (`conv.assign(body)`), a computed
 * key, or handing it to other code makes the list inexact: something else may set more.
 */
export function writtenFields(
  aliases: readonly Variable[],
  load: LoadSite,
  write: WriteSite,
  target: WriteTarget,
  /**
   * Whether this use of the object in a call — an argument, or the receiver of a method call — is
   * shown to leave its fields unchanged.
   */
  onlyReads: (argument: TSESTree.Identifier, write: TSESTree.CallExpression) => boolean = () => false,
): WrittenFields {
  const from = load.node.range[1];
  const to = write.call.range[0];
  const fields: string[] = [];
  const derived: string[] = [];
  const writes = new Map<string, FieldWrite[]>();
  const appends: ArrayAppend[] = [];
  let exact = true;
  const noteWrite = (field: string, write: FieldWrite): void => {
    if (!fields.includes(field)) fields.push(field);
    if (!derived.includes(field) && write.kind !== 'set') derived.push(field);
    writes.set(field, [...(writes.get(field) ?? []), write]);
  };
  const noteField = (member: TSESTree.MemberExpression, objectNames: ReadonlySet<string>): void => {
    if (member.computed || member.property.type !== AST_NODE_TYPES.Identifier) {
      exact = false;
      return;
    }
    noteWrite(member.property.name, writeOfMember(member, member.property.name, objectNames));
  };
  const aliasNames = new Set(aliases.map((alias) => alias.name));
  const writeFunction = enclosingFunction(write.call);
  for (const member of aliases) {
    for (const reference of member.references) {
      const identifier = reference.identifier;
      if (identifier.range[0] < from || identifier.range[0] >= write.call.range[1]) continue;
      // The alias's own declaration (`const { customer } = order`) hands nothing on.
      if (reference.init === true) continue;
      if (isInside(identifier, write.call)) continue;
      // In a block that leaves the function before the write: not on any path to it.
      const exitingEnd = endOfExitingBlock(identifier);
      if (exitingEnd != null && exitingEnd <= write.call.range[0]) continue;
      // On the other side of an `if` from the write: not on any path to it either.
      if (onExclusiveBranches(identifier, write.call, member.scope.variableScope.block)) continue;
      const parent = identifier.parent;
      if (enclosingFunction(identifier) !== writeFunction) {
        if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier && isAssignmentTarget(parent)) exact = false;
        continue;
      }
      if (target.relation != null) {
        // `order.customer.name = …` sets a field of the saved relation; any other use of
        // `order.customer` (handed on, a method called) may set more.
        if (parent.type !== AST_NODE_TYPES.MemberExpression || parent.object !== identifier || parent.computed || parent.property.type !== AST_NODE_TYPES.Identifier || parent.property.name !== target.relation) continue;
        if (identifier.range[0] >= to) continue;
        const field = parent.parent;
        if (field.type === AST_NODE_TYPES.MemberExpression && field.object === parent && isAssignmentTarget(field)) {
          noteField(field, new Set([`${identifier.name}.${target.relation}`]));
        } else if (!(field.type === AST_NODE_TYPES.MemberExpression && field.object === parent) && !isNullTest(parent)) {
          exact = false;
        }
        continue;
      }
      if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier) {
        if (isAssignmentTarget(parent)) {
          if (identifier.range[0] >= to) continue;
          noteField(parent, aliasNames);
        } else if (parent.parent.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent) {
          // `conv.assign(body)`, `conv.touch()`: a method that may set anything, unless it is shown
          // to only read the object (`conv.isClosed()`).
          if (!onlyReads(identifier, write.call)) exact = false;
        } else if (identifier.range[0] < to) {
          const change = nestedChange(parent);
          if (change === 'append' && !parent.computed && parent.property.type === AST_NODE_TYPES.Identifier) {
            appends.push({ property: parent.property.name, call: parent.parent.parent as TSESTree.CallExpression });
          } else if (change != null) {
            exact = false;
          }
        }
        continue;
      }
      // `const current = conversation`: another name for the same object, tracked with it.
      if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier && aliases.some((alias) => alias.name === (parent.id as { name: string }).name)) continue;
      // `order = loaded`: the same, into a variable declared before.
      if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.operator === '=' && parent.right === identifier && isAliasWrite(parent.left, aliases)) continue;
      if (identifier.type === AST_NODE_TYPES.Identifier && isHandOff(identifier) && !onlyReads(identifier, write.call)) exact = false;
    }
  }
  // `save({ ...conversation, snippet })`: the literal's own keys after the spread are written too
  // (a key before it is overwritten by the spread entity's value).
  if (target.viaSpread) {
    const spread = target.expression.parent;
    const literal = spread.parent;
    if (literal?.type === AST_NODE_TYPES.ObjectExpression) {
      for (const property of literal.properties) {
        if (property.type !== AST_NODE_TYPES.Property || property.range[0] < spread.range[1]) continue;
        if (property.computed || property.key.type !== AST_NODE_TYPES.Identifier) {
          exact = false;
          continue;
        }
        if (property.value.type === AST_NODE_TYPES.AssignmentPattern || property.value.type === AST_NODE_TYPES.TSEmptyBodyFunctionExpression) {
          exact = false;
          continue;
        }
        noteWrite(property.key.name, writeOfValue(property, property.value, property.key.name, aliasNames));
      }
    }
  }
  // A plain set that every path to the write passes overwrites what earlier writes of that field
  // did: `x.runAt = x.runAt ?? now` before the wait, `x.runAt = now` after it, writes `now`.
  for (const [field, list] of writes) {
    const lastSet = list.findLastIndex((fieldWrite) => fieldWrite.kind === 'set' && (target.viaSpread && isInside(fieldWrite.node, write.call) ? true : precedesOnEveryPath(fieldWrite.node, write.call)));
    if (lastSet <= 0) continue;
    writes.set(field, list.slice(lastSet));
    if (derived.includes(field) && list.slice(lastSet).every((fieldWrite) => fieldWrite.kind === 'set')) derived.splice(derived.indexOf(field), 1);
  }
  return { fields, exact, derived, writes, appends };
}

/**
 * `x.f = v;` as a statement of a block that holds, later, the statement with the write: whatever
 * path reaches the write ran it first.
 */
function precedesOnEveryPath(node: TSESTree.Node, write: TSESTree.Node): boolean {
  const assignment = node.parent;
  const statement = assignment?.parent;
  if (assignment?.type !== AST_NODE_TYPES.AssignmentExpression || statement?.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  const block = statement.parent;
  if (block.type !== AST_NODE_TYPES.BlockStatement && block.type !== AST_NODE_TYPES.Program) return false;
  const later = block.body.slice(block.body.indexOf(statement) + 1);
  return later.some((candidate) => isInside(write, candidate) && enclosingFunction(candidate) === enclosingFunction(write));
}

/**
 * What `x.p…` does to the value held in `x.p`: `x.p.push(a)` appends to it; `x.p.q = v`,
 * `x.p.splice(…)`, `x.p.q++` change it in place; anything else only reads it.
 */
function nestedChange(property: TSESTree.MemberExpression): 'append' | 'change' | undefined {
  const outer = property.parent;
  if (outer.type !== AST_NODE_TYPES.MemberExpression || outer.object !== property) return undefined;
  if (isAssignmentTarget(outer)) return 'change';
  if (outer.parent.type === AST_NODE_TYPES.CallExpression && outer.parent.callee === outer && !outer.computed && outer.property.type === AST_NODE_TYPES.Identifier && MUTATING_ARRAY_METHODS.has(outer.property.name)) {
    return outer.property.name === 'push' ? 'append' : 'change';
  }
  return nestedChange(outer) === undefined ? undefined : 'change';
}

/** `order` in `order = …` is one of the names of the saved object. */
function isAliasWrite(node: TSESTree.Node, aliases: readonly Variable[]): boolean {
  return node.type === AST_NODE_TYPES.Identifier && aliases.some((alias) => alias.references.some((reference) => reference.identifier === node));
}

/** `order.customer == null`, `!order.customer`, `if (order.customer)`: a test, not a hand-off. */
function isNullTest(node: TSESTree.Node): boolean {
  const parent = node.parent;
  if (parent == null) return false;
  if (parent.type === AST_NODE_TYPES.BinaryExpression || parent.type === AST_NODE_TYPES.UnaryExpression || parent.type === AST_NODE_TYPES.LogicalExpression) return true;
  return (parent.type === AST_NODE_TYPES.IfStatement || parent.type === AST_NODE_TYPES.ConditionalExpression) && parent.test === node;
}
