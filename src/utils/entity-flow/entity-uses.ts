import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

import { ELEMENT_HOLDING_METHODS, LIST_COPY_METHODS } from '../ast/array-methods.js';
import type { Variable } from './entity-events.js';

/** Methods whose receiver the entity flow follows: the writes, `reload()`, and the list methods. */
const RECEIVER_METHODS: ReadonlySet<string> = new Set(['save', 'remove', 'softRemove', 'recover', 'reload', ...LIST_COPY_METHODS, ...ELEMENT_HOLDING_METHODS]);

/**
 * Whether some use of the variable could hand the object it holds to a write: as an argument
 * (directly, in an array or a spread), an alias, a loop's list, or the receiver of
 * `save()`/`reload()`/an element method. A variable only ever used as `x.prop` (read or assigned)
 * or as a value (in arithmetic, a comparison, a template, a test) cannot be the target of a stale
 * save, so resolving the call that initialises it — the costliest type query of the entity flow,
 * made for every `const x = await call()` — can be skipped.
 */
export function mayReachWrite(variable: Variable): boolean {
  return variable.references.some((reference) => !reference.isWriteOnly() && !isPropertyUse(reference.identifier) && !isValueUse(reference.identifier));
}

/**
 * `hash % 1000`, `` `${count}` ``, `!conv`, `if (conv)`, `switch (kind)`: a use that only reads the
 * value, so the object itself goes no further.
 */
function isValueUse(identifier: TSESTree.Node): boolean {
  const parent = identifier.parent;
  switch (parent?.type) {
    case AST_NODE_TYPES.BinaryExpression:
    case AST_NODE_TYPES.UnaryExpression:
    case AST_NODE_TYPES.UpdateExpression:
    case AST_NODE_TYPES.TemplateLiteral:
      return true;
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ConditionalExpression:
      return parent.test === identifier;
    case AST_NODE_TYPES.SwitchStatement:
      return parent.discriminant === identifier;
    default:
      return false;
  }
}

/**
 * `x.prop`, read or assigned, unless it is `x.save()`, `x.reload()` or a list method, or the
 * property itself is handed on (`save(order.customer)`, `const c = order.customer`): a relation
 * loaded with `x` goes where `x` would.
 */
function isPropertyUse(identifier: TSESTree.Node): boolean {
  const member = identifier.parent;
  if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== identifier || member.computed) return false;
  const call = member.parent;
  if (call.type === AST_NODE_TYPES.CallExpression && call.callee === member && member.property.type === AST_NODE_TYPES.Identifier && RECEIVER_METHODS.has(member.property.name)) return false;
  // `app.bot.save()`: a relation of `x` writing itself.
  if (isReceiverOfWrite(member)) return false;
  return !handsOnValue(member);
}

function isReceiverOfWrite(node: TSESTree.Node): boolean {
  const member = node.parent;
  if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== node || member.computed || member.property.type !== AST_NODE_TYPES.Identifier) return false;
  return member.parent.type === AST_NODE_TYPES.CallExpression && member.parent.callee === member && RECEIVER_METHODS.has(member.property.name);
}

/** The value of `node` goes to other code or another name. */
function handsOnValue(node: TSESTree.Node): boolean {
  const parent = node.parent;
  switch (parent?.type) {
    case AST_NODE_TYPES.CallExpression:
      return parent.arguments.includes(node as TSESTree.CallExpressionArgument);
    case AST_NODE_TYPES.ArrayExpression:
      return true;
    case AST_NODE_TYPES.VariableDeclarator:
      return parent.init === node;
    case AST_NODE_TYPES.AssignmentExpression:
      return parent.right === node;
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TSAsExpression:
      return handsOnValue(parent);
    default:
      return false;
  }
}

/** `x.field = …`, `x.field += …`, `x.field++`. */
export function isAssignmentTarget(member: TSESTree.MemberExpression): boolean {
  const parent = member.parent;
  if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.left === member) return true;
  return parent.type === AST_NODE_TYPES.UpdateExpression;
}

/** A use that gives the object to code that may change it. */
export function isHandOff(identifier: TSESTree.Identifier): boolean {
  const parent = identifier.parent;
  switch (parent.type) {
    case AST_NODE_TYPES.CallExpression:
    case AST_NODE_TYPES.NewExpression:
      return parent.arguments.includes(identifier);
    case AST_NODE_TYPES.Property:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.SpreadElement:
    case AST_NODE_TYPES.ReturnStatement:
      return true;
    case AST_NODE_TYPES.AssignmentExpression:
      return parent.right === identifier;
    case AST_NODE_TYPES.VariableDeclarator:
      return parent.init === identifier;
    default:
      return false;
  }
}
