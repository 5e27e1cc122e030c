import { AST_NODE_TYPES } from '@typescript-eslint/utils';

import { isInside } from '../ast/expressions.js';
import { enclosingFunction } from '../ast/functions.js';
import type { LoadSite, Variable, WriteSite, WriteTarget } from './entity-events.js';
import { isAssignmentTarget, isHandOff } from './entity-uses.js';

/** The fields code sets on an entity between its load and a write of it. */
export interface WrittenFields {
  fields: string[];
  /** Every field write is a direct `x.field = …` and the entity was handed to no other code. */
  exact: boolean;
}

/**
 * The fields written on the entity between `load` and `write`, through any of `aliases` (names
 * of the same object: `const c = conv`). A method call on it (`conv.assign(body)`), a computed
 * key, or handing it to other code makes the list inexact: something else may set more.
 */
export function writtenFields(aliases: readonly Variable[], load: LoadSite, write: WriteSite, target: WriteTarget): WrittenFields {
  const from = load.call.range[1];
  const to = write.call.range[0];
  const fields: string[] = [];
  let exact = true;
  const writeFunction = enclosingFunction(write.call);
  for (const member of aliases) {
    for (const reference of member.references) {
      const identifier = reference.identifier;
      if (identifier.range[0] < from || identifier.range[0] >= write.call.range[1]) continue;
      if (isInside(identifier, write.call)) continue;
      const parent = identifier.parent;
      if (enclosingFunction(identifier) !== writeFunction) {
        if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier && isAssignmentTarget(parent)) exact = false;
        continue;
      }
      if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier) {
        if (isAssignmentTarget(parent)) {
          if (identifier.range[0] >= to) continue;
          if (parent.computed || parent.property.type !== AST_NODE_TYPES.Identifier) exact = false;
          else if (!fields.includes(parent.property.name)) fields.push(parent.property.name);
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
        if (property.computed || property.key.type !== AST_NODE_TYPES.Identifier) exact = false;
        else if (!fields.includes(property.key.name)) fields.push(property.key.name);
      }
    }
  }
  return { fields, exact };
}
