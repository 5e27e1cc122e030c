import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

/**
 * How one write gives a field its new value, as a rewrite needs to know it:
 * - `set`: a value that does not read the field (`x.f = v`, `{ ...x, f: v }`);
 * - `additive`: the field's own value plus or minus an amount (`x.f += n`, `x.f = x.f - n`,
 *   `x.f = n + x.f`, `x.f++`), which SQL can apply atomically (`SET f = f + n`);
 * - `derived`: any other function of the field's value (`x.f = Math.max(x.f, n)`, `x.f *= 2`),
 *   which only a compare-and-set on the old value makes safe.
 */
export type FieldWrite =
  | { kind: 'set'; node: TSESTree.Node; value: TSESTree.Expression }
  | { kind: 'additive'; node: TSESTree.Node; sign: 1 | -1; amount: TSESTree.Expression | undefined }
  | { kind: 'derived'; node: TSESTree.Node };

/**
 * The write of `member` (an assignment target `x.f`): `objectNames` are the names the object goes
 * by (`order`, `order.customer`), to tell `x.f = x.f + 1` from `x.f = y.f + 1`.
 */
export function writeOfMember(member: TSESTree.MemberExpression, field: string, objectNames: ReadonlySet<string>): FieldWrite {
  const parent = member.parent;
  if (parent.type === AST_NODE_TYPES.UpdateExpression) return { kind: 'additive', node: member, sign: parent.operator === '++' ? 1 : -1, amount: undefined };
  if (parent.type !== AST_NODE_TYPES.AssignmentExpression) return { kind: 'derived', node: member };
  if (parent.operator === '+=' || parent.operator === '-=') {
    return readsField(parent.right, field, objectNames) ? { kind: 'derived', node: member } : { kind: 'additive', node: member, sign: parent.operator === '+=' ? 1 : -1, amount: parent.right };
  }
  if (parent.operator !== '=') return { kind: 'derived', node: member };
  return writeOfValue(member, parent.right, field, objectNames);
}

/** A field given `value` (an assignment's right side, or a property of a spread literal). */
export function writeOfValue(node: TSESTree.Node, value: TSESTree.Expression, field: string, objectNames: ReadonlySet<string>): FieldWrite {
  if (!readsField(value, field, objectNames)) return { kind: 'set', node, value };
  const sum = stripParentheses(value);
  if (sum.type === AST_NODE_TYPES.BinaryExpression && (sum.operator === '+' || sum.operator === '-')) {
    if (isFieldRead(sum.left, field, objectNames) && !readsField(sum.right, field, objectNames)) {
      return { kind: 'additive', node, sign: sum.operator === '+' ? 1 : -1, amount: sum.right };
    }
    if (sum.operator === '+' && isFieldRead(sum.right, field, objectNames) && !readsField(sum.left, field, objectNames)) {
      return { kind: 'additive', node, sign: 1, amount: sum.left };
    }
  }
  return { kind: 'derived', node };
}

/** Whether `node` reads `<object>.field` for one of the object's names. */
export function readsField(node: TSESTree.Node, field: string, objectNames: ReadonlySet<string>): boolean {
  if (isFieldRead(node, field, objectNames)) return true;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent') continue;
    const children: unknown[] = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child != null && typeof child === 'object' && 'type' in child && readsField(child as TSESTree.Node, field, objectNames)) return true;
    }
  }
  return false;
}

function isFieldRead(node: TSESTree.Node, field: string, objectNames: ReadonlySet<string>): boolean {
  const expression = stripParentheses(node);
  return (
    expression.type === AST_NODE_TYPES.MemberExpression &&
    !expression.computed &&
    expression.property.type === AST_NODE_TYPES.Identifier &&
    expression.property.name === field &&
    objectNames.has(objectText(expression.object))
  );
}

function stripParentheses(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (current.type === AST_NODE_TYPES.TSNonNullExpression || current.type === AST_NODE_TYPES.TSAsExpression) current = current.expression;
  return current;
}

/** `order`, `order.customer` as written; anything else never matches a name. */
function objectText(node: TSESTree.Node): string {
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (node.type === AST_NODE_TYPES.MemberExpression && !node.computed && node.property.type === AST_NODE_TYPES.Identifier) return `${objectText(node.object)}.${node.property.name}`;
  return '\0';
}
