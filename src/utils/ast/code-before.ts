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
