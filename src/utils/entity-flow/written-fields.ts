import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { isInside } from '../ast/expressions.js';
import { enclosingFunction } from '../ast/functions.js';
import type { LoadSite, Variable, WriteSite, WriteTarget } from './entity-events.js';
import { isAssignmentTarget, isHandOff } from './entity-uses.js';

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
}

/**
 * The fields written on the entity between `load` and `write`, through any of `aliases` (names
 * of the same object: `const c = conv`). A method call on it (`conv.assign(body)`), a computed
 * key, or handing it to other code makes the list inexact: something else may set more.
 */
export function writtenFields(aliases: readonly Variable[], load: LoadSite, write: WriteSite, target: WriteTarget): WrittenFields {
  const from = load.node.range[1];
  const to = write.call.range[0];
  const fields: string[] = [];
  const derived: string[] = [];
  let exact = true;
  const noteField = (member: TSESTree.MemberExpression, objectNames: ReadonlySet<string>): void => {
    if (member.computed || member.property.type !== AST_NODE_TYPES.Identifier) {
      exact = false;
      return;
    }
    const field = member.property.name;
    if (!fields.includes(field)) fields.push(field);
    if (!derived.includes(field) && isDerivedWrite(member, field, objectNames)) derived.push(field);
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
          // `conv.assign(body)`, `conv.touch()`: a method that may set anything.
          exact = false;
        }
        continue;
      }
      // `const current = conversation`: another name for the same object, tracked with it.
      if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier && aliases.some((alias) => alias.name === (parent.id as { name: string }).name)) continue;
      if (identifier.type === AST_NODE_TYPES.Identifier && isHandOff(identifier)) exact = false;
    }
  }
  // `save({ ...conversation, snippet })`: the literal's own keys are written too.
  if (target.viaSpread) {
    const literal = target.expression.parent.parent;
    if (literal?.type === AST_NODE_TYPES.ObjectExpression) {
      for (const property of literal.properties) {
        if (property.type !== AST_NODE_TYPES.Property) continue;
        if (property.computed || property.key.type !== AST_NODE_TYPES.Identifier) {
          exact = false;
          continue;
        }
        const field = property.key.name;
        if (!fields.includes(field)) fields.push(field);
        if (!derived.includes(field) && readsField(property.value, field, aliasNames)) derived.push(field);
      }
    }
  }
  return { fields, exact, derived };
}

/** `x.f += n`, `x.f++`, `x.f = x.f - n`, `x.f = Math.max(x.f, n)`: the new value reads the old one. */
function isDerivedWrite(member: TSESTree.MemberExpression, field: string, objectNames: ReadonlySet<string>): boolean {
  const parent = member.parent;
  if (parent.type === AST_NODE_TYPES.UpdateExpression) return true;
  if (parent.type !== AST_NODE_TYPES.AssignmentExpression) return false;
  if (parent.operator !== '=') return true;
  return readsField(parent.right, field, objectNames);
}

function readsField(node: TSESTree.Node, field: string, objectNames: ReadonlySet<string>): boolean {
  if (node.type === AST_NODE_TYPES.MemberExpression && !node.computed && node.property.type === AST_NODE_TYPES.Identifier && node.property.name === field && objectNames.has(objectText(node.object))) return true;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent') continue;
    const children: unknown[] = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child != null && typeof child === 'object' && 'type' in child && readsField(child as TSESTree.Node, field, objectNames)) return true;
    }
  }
  return false;
}

/** `order`, `order.customer` as written; anything else never matches a name. */
function objectText(node: TSESTree.Node): string {
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (node.type === AST_NODE_TYPES.MemberExpression && !node.computed && node.property.type === AST_NODE_TYPES.Identifier) return `${objectText(node.object)}.${node.property.name}`;
  return '\0';
}

/** `order.customer == null`, `!order.customer`, `if (order.customer)`: a test, not a hand-off. */
function isNullTest(node: TSESTree.Node): boolean {
  const parent = node.parent;
  if (parent == null) return false;
  if (parent.type === AST_NODE_TYPES.BinaryExpression || parent.type === AST_NODE_TYPES.UnaryExpression || parent.type === AST_NODE_TYPES.LogicalExpression) return true;
  return (parent.type === AST_NODE_TYPES.IfStatement || parent.type === AST_NODE_TYPES.ConditionalExpression) && parent.test === node;
}
