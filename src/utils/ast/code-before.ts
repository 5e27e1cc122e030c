import ts from 'typescript';

/**
 * The code that ran before a point: the statements before it in its function, then those before
 * it in each function around it, innermost first. A transaction's callback (`tx => tx.update(…)`)
 * runs inside the function that checked the row first, so the check counts. Other nested
 * functions (a `.filter()` callback, a handler registered for later) are not entered: what they
 * test is not known to have run.
 */
export function firstBefore<T>(point: ts.Node, find: (node: ts.Node) => T | undefined): T | undefined {
  for (let current = point.parent as ts.Node | undefined; current != null; current = current.parent) {
    if (!ts.isFunctionLike(current)) continue;
    const body = (current as ts.FunctionLikeDeclaration).body;
    if (body == null) continue;
    let found: T | undefined;
    const visit = (node: ts.Node): void => {
      if (found != null || node.pos >= point.pos || ts.isFunctionLike(node)) return;
      found = find(node);
      if (found == null) ts.forEachChild(node, visit);
    };
    visit(body);
    if (found != null) return found;
  }
  return undefined;
}

/**
 * Whether `node` sits in a branch that excludes `point`, judged where their paths meet: another
 * `case` of a switch, the other side of an `if` or a ternary. Code there came earlier in the text
 * but did not run on the way to `point`.
 */
export function isOnAnotherBranch(node: ts.Node, point: ts.Node): boolean {
  for (let child = node, parent = node.parent as ts.Node | undefined; parent != null; child = parent, parent = parent.parent) {
    if (holds(parent, point)) return isAlternativeTo(parent, child, point);
  }
  return false;
}

function isAlternativeTo(parent: ts.Node, child: ts.Node, point: ts.Node): boolean {
  if (holds(child, point)) return false;
  if (ts.isCaseBlock(parent)) return true;
  if (ts.isIfStatement(parent)) return child === parent.thenStatement || child === parent.elseStatement;
  if (ts.isConditionalExpression(parent)) return child === parent.whenTrue || child === parent.whenFalse;
  return false;
}

/** Whether `inner` lies within `node`'s text. */
export function holds(node: ts.Node, inner: ts.Node): boolean {
  return node.pos <= inner.pos && inner.end <= node.end;
}
