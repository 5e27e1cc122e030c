import ts from 'typescript';

/**
 * Where a function's awaits sit relative to its normal return. A caller waits for what happens
 * on the way to the value it gets back; an await that only runs before the function throws, or
 * only between the attempts of a retry loop, is not what a typical call waits for.
 */

/**
 * `if (!row) { await alert(); throw new NotFound(); }`: the await runs only on a path that ends in
 * a throw (not caught inside the function), so a caller that goes on to write never came this way.
 */
export function onlyBeforeThrow(node: ts.Node, body: ts.Node): boolean {
  let throwing = false;
  for (let current = node.parent; current !== body; current = current.parent) {
    if (ts.isFunctionLike(current)) return false;
    if (ts.isBlock(current) && ts.isThrowStatement(current.statements.at(-1) ?? current)) throwing = true;
    // A catch inside the function may turn the throw into a normal return.
    if (throwing && ts.isTryStatement(current.parent) && current.parent.tryBlock === current && current.parent.catchClause != null) return false;
    if (throwing && ts.isTryStatement(current) && current.catchClause != null) return false;
  }
  return throwing;
}

/**
 * `for (…) { const row = await find(); if (row) return row; await sleep(100); }`: the await runs
 * only after an attempt that did not return, i.e. only when the loop tries again.
 */
export function onlyBetweenRetries(node: ts.Node, body: ts.Node): boolean {
  let child: ts.Node = node;
  for (let current = node.parent; current !== body; child = current, current = current.parent) {
    if (ts.isFunctionLike(current)) return false;
    if (!ts.isBlock(current) || !isLoop(current.parent)) continue;
    const index = current.statements.indexOf(child as ts.Statement);
    if (current.statements.slice(0, index).some(containsReturn)) return true;
  }
  return false;
}

function isLoop(node: ts.Node): boolean {
  return ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node);
}

function containsReturn(node: ts.Node): boolean {
  if (ts.isReturnStatement(node)) return true;
  if (ts.isFunctionLike(node)) return false;
  return ts.forEachChild(node, containsReturn) === true;
}
