import ts from 'typescript';

/**
 * What a property of a local entity was last set to before a point in the same function:
 * `order.status = Status.SHIPPED; … update(…, { status: order.status })` writes a named state
 * just as `{ status: Status.SHIPPED }` would, and `order.status` no longer holds the state the
 * row was loaded in.
 */

/**
 * The last assignment `x.name = …` (`x` the variable `object` names) before `before`, in the
 * function that holds `before` (not in nested functions), or undefined.
 */
export function lastAssignmentBefore(checker: ts.TypeChecker, object: ts.Expression, name: string, before: ts.Node): ts.BinaryExpression | undefined {
  if (!ts.isIdentifier(object)) return undefined;
  const holder = checker.getSymbolAtLocation(object);
  const body = enclosingFunctionBody(before);
  if (holder == null || body == null) return undefined;
  let found: ts.BinaryExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (node.pos >= before.pos) return;
    if (ts.isFunctionLike(node)) return;
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      node.left.name.text === name &&
      ts.isIdentifier(node.left.expression) &&
      node.end <= before.getStart() &&
      checker.getSymbolAtLocation(node.left.expression) === holder
    ) {
      found = node;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return found;
}

/** `x.status` last set to an enum member or a string literal before it is read here: that state's text. */
export function assignedNamedState(checker: ts.TypeChecker, value: ts.Expression): string | undefined {
  if (!ts.isPropertyAccessExpression(value)) return undefined;
  const assignment = lastAssignmentBefore(checker, value.expression, value.name.text, value);
  if (assignment == null) return undefined;
  let assigned = assignment.right;
  while (ts.isParenthesizedExpression(assigned) || ts.isAsExpression(assigned) || ts.isSatisfiesExpression(assigned)) assigned = assigned.expression;
  if (ts.isStringLiteralLike(assigned)) return assigned.getText();
  if (ts.isPropertyAccessExpression(assigned) || ts.isElementAccessExpression(assigned)) {
    const symbol = checker.getSymbolAtLocation(assigned);
    if (symbol != null && (symbol.flags & ts.SymbolFlags.EnumMember) !== 0) return assigned.getText();
  }
  return undefined;
}

function enclosingFunctionBody(node: ts.Node): ts.Node | undefined {
  for (let current = node.parent as ts.Node | undefined; current != null; current = current.parent) {
    if (ts.isFunctionLike(current)) return (current as ts.FunctionLikeDeclaration).body;
  }
  return undefined;
}
