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

/**
 * `if (!adapter.isSetup()) await adapter.initialize()`, `if (!this.client) this.client = await
 * connect()`: the await runs only while something the object or module keeps is not ready yet (a
 * lazy initialisation, a cache miss), so most calls skip it. A test of the data a call is about
 * (`if (!order.remoteId)`) is no such guard: that branch is the call's business.
 */
export function onlyWhenNotReady(node: ts.Node, body: ts.Node): boolean {
  let child: ts.Node = node;
  for (let current = node.parent; ; child = current, current = current.parent) {
    if (ts.isFunctionLike(current)) return false;
    if (ts.isIfStatement(current) && current.thenStatement === child && current.elseStatement == null && isNotReadyTest(current.expression)) return true;
    if (ts.isBlock(current) && (firstReturnWhenReady(current, body)?.end ?? Infinity) <= child.pos) return true;
    if (current === body) return false;
  }
}

/** Per block, so a function with many awaits reads each of its blocks once. */
const readyReturns = new WeakMap<ts.Block, ts.Statement | null>();

function firstReturnWhenReady(block: ts.Block, body: ts.Node): ts.Statement | undefined {
  let found = readyReturns.get(block);
  if (found === undefined) {
    found = block.statements.find((statement) => isReturnWhenReady(statement, body)) ?? null;
    readyReturns.set(block, found);
  }
  return found ?? undefined;
}

/** `if (this.userId) return this.userId;`, `if (cached) return cached;` before the work: a cache hit returns early. */
function isReturnWhenReady(statement: ts.Statement, body: ts.Node): boolean {
  if (!ts.isIfStatement(statement) || statement.elseStatement != null || !returnsValue(statement.thenStatement)) return false;
  let test = skipParentheses(statement.expression);
  if (ts.isBinaryExpression(test) && isNullishComparison(test, ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken)) {
    test = skipParentheses(isNullish(test.right) ? test.left : test.right);
  }
  if (ts.isIdentifier(test)) {
    const initializer = constInitializer(test.text, body);
    return initializer != null && isReadinessState(skipParentheses(initializer));
  }
  return isReadinessState(test);
}

/** Ends in `return <value>`: a hit hands back what it kept (a bare `return` is a switch, like a disabled flag). */
function returnsValue(statement: ts.Statement): boolean {
  const last = ts.isBlock(statement) ? statement.statements.at(-1) : statement;
  if (last == null || !ts.isReturnStatement(last) || last.expression == null) return false;
  const value = skipParentheses(last.expression);
  return !isNullish(value) && value.kind !== ts.SyntaxKind.TrueKeyword && value.kind !== ts.SyntaxKind.FalseKeyword;
}

/** The initializer of a `const` of this name declared directly in the function's body. */
function constInitializer(name: string, body: ts.Node): ts.Expression | undefined {
  if (!ts.isBlock(body)) return undefined;
  for (const statement of body.statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === name) return declaration.initializer;
    }
  }
  return undefined;
}

function isNotReadyTest(condition: ts.Expression): boolean {
  const test = skipParentheses(condition);
  if (ts.isPrefixUnaryExpression(test) && test.operator === ts.SyntaxKind.ExclamationToken) return isReadinessState(skipParentheses(test.operand));
  if (ts.isBinaryExpression(test) && isNullishComparison(test, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken)) {
    return isReadinessState(skipParentheses(isNullish(test.right) ? test.left : test.right));
  }
  return false;
}

/** What a readiness guard tests: state the object keeps (`this.client`, `this.cache.has(key)`), or an argument-free question to it (`adapter.isSetup()`). */
function isReadinessState(expression: ts.Expression): boolean {
  if (ts.isCallExpression(expression)) {
    if (!ts.isPropertyAccessExpression(expression.expression)) return false;
    return expression.arguments.length === 0 || isRootedAtThis(expression.expression.expression);
  }
  return (ts.isPropertyAccessExpression(expression) || ts.isElementAccessExpression(expression)) && isRootedAtThis(expression);
}

function isRootedAtThis(expression: ts.Expression): boolean {
  let current = expression;
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) current = current.expression;
  return current.kind === ts.SyntaxKind.ThisKeyword;
}

function isNullishComparison(test: ts.BinaryExpression, ...operators: ts.SyntaxKind[]): boolean {
  return operators.includes(test.operatorToken.kind) && (isNullish(test.left) || isNullish(test.right));
}

function isNullish(expression: ts.Expression): boolean {
  return expression.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(expression) && expression.text === 'undefined');
}

function skipParentheses(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current)) current = current.expression;
  return current;
}

function isLoop(node: ts.Node): boolean {
  return ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node);
}

function containsReturn(node: ts.Node): boolean {
  if (ts.isReturnStatement(node)) return true;
  if (ts.isFunctionLike(node)) return false;
  return ts.forEachChild(node, containsReturn) === true;
}
