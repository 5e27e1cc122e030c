import ts from 'typescript';

import { moduleOriginOfDeclaration } from '../calls/module-origin.js';
import { resolvedDeclaration } from '../typeorm/typeorm-calls.js';
import type { LockApi } from './lock-apis.js';

/**
 * Whether handing a lock handle (a query runner, a release function, a lock id) to a function
 * moves its ownership. It does when the callee may answer for it: it releases it, keeps it (in a
 * field, an object, an array, another variable), returns it, uses it from a callback that may run
 * later, or hands it on to something that does. A helper of the project that only uses it
 * (`runMigrations(queryRunner)` running queries on it) leaves the caller to release it. A callee
 * whose code cannot be read (a package's, an interface method, `any`) is taken to own it.
 */
export type ReleaseShape = Pick<LockApi, 'handleReleases' | 'handleCallable' | 'plainRelease' | 'receiverReleases'>;

/** A callee handing the handle on to a callee handing it on…: beyond this depth it is taken to own it. */
const MAX_DEPTH = 4;

const COMPARISONS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.InstanceOfKeyword,
  ts.SyntaxKind.InKeyword,
]);

const cache = new WeakMap<ts.TypeChecker, WeakMap<ts.Declaration, Map<string, boolean>>>();

export function calleeTakesOwnership(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression, argumentIndex: number, api: ReleaseShape): boolean {
  return takesOwnership(checker, call, argumentIndex, api, 0);
}

function takesOwnership(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression, argumentIndex: number, api: ReleaseShape, depth: number): boolean {
  if (depth >= MAX_DEPTH || ts.isNewExpression(call)) return true;
  const callee = resolvedDeclaration(checker, call);
  if (callee == null || !ts.isFunctionLike(callee) || moduleOriginOfDeclaration(callee).kind !== 'project') return true;
  const body = (callee as ts.FunctionLikeDeclaration).body;
  const parameters = callee.parameters.filter((parameter) => !(ts.isIdentifier(parameter.name) && parameter.name.text === 'this'));
  const parameter = parameters[argumentIndex];
  if (body == null || parameter == null || parameter.dotDotDotToken != null || !ts.isIdentifier(parameter.name)) return true;
  let perChecker = cache.get(checker);
  if (perChecker == null) {
    perChecker = new WeakMap();
    cache.set(checker, perChecker);
  }
  let perCallee = perChecker.get(callee);
  if (perCallee == null) {
    perCallee = new Map();
    perChecker.set(callee, perCallee);
  }
  const key = `${String(argumentIndex)}:${shapeKey(api)}`;
  const cached = perCallee.get(key);
  if (cached != null) return cached;
  // A callee that (through others) hands the handle back to itself adds nothing on the way round.
  perCallee.set(key, false);
  const symbol = checker.getSymbolAtLocation(parameter.name);
  const owns = symbol == null || referencesOf(checker, body, parameter.name.text, symbol).some((reference) => referenceTakesOwnership(checker, reference, callee, api, depth));
  perCallee.set(key, owns);
  return owns;
}

function shapeKey(api: ReleaseShape): string {
  return [api.handleReleases?.source, api.handleCallable, api.plainRelease, api.receiverReleases?.source].join('|');
}

/** The identifiers in `body` that refer to the parameter (a shorthand `{ runner }` included). */
function referencesOf(checker: ts.TypeChecker, body: ts.Node, name: string, symbol: ts.Symbol): ts.Identifier[] {
  const found: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === name) {
      const parent = node.parent;
      const referred = ts.isShorthandPropertyAssignment(parent) ? checker.getShorthandAssignmentValueSymbol(parent) : checker.getSymbolAtLocation(node);
      if (referred === symbol) found.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** Whether one use of the parameter in the callee releases, keeps, returns or hands on the handle. */
function referenceTakesOwnership(checker: ts.TypeChecker, reference: ts.Identifier, callee: ts.SignatureDeclaration, api: ReleaseShape, depth: number): boolean {
  // Used from a callback or a nested function: it may run after the callee returns.
  if (ts.findAncestor(reference.parent, ts.isFunctionLike) !== callee) return true;
  let node: ts.Expression = reference;
  while (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isNonNullExpression(node.parent) || ts.isSatisfiesExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
    // `runner.release()`, `lock.unlock()`: the handle's release method.
    return ts.isCallExpression(parent.parent) && parent.parent.expression === parent && api.handleReleases?.test(parent.name.text) === true;
  }
  if (ts.isCallExpression(parent) && parent.expression === node) return api.handleCallable;
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
    const index = parent.arguments?.indexOf(node) ?? -1;
    if (index < 0) return false;
    const method = ts.isPropertyAccessExpression(parent.expression) ? parent.expression.name.text : ts.isIdentifier(parent.expression) ? parent.expression.text : undefined;
    // `this.locks.releaseLock(uid, lockId)`, a plain `release(lockId)`.
    if (method != null && (api.receiverReleases?.test(method) === true || api.plainRelease === method)) return true;
    return takesOwnership(checker, parent, index, api, depth + 1);
  }
  if (ts.isBinaryExpression(parent)) {
    // A comparison reads it; an assignment keeps it; `a ?? runner` may pass it on.
    if (COMPARISONS.has(parent.operatorToken.kind)) return false;
    return parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken || parent.right === node;
  }
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.initializer === node;
  return (
    ts.isReturnStatement(parent) ||
    ts.isArrowFunction(parent) ||
    ts.isYieldExpression(parent) ||
    ts.isShorthandPropertyAssignment(parent) ||
    ts.isArrayLiteralExpression(parent) ||
    ts.isSpreadElement(parent) ||
    ts.isSpreadAssignment(parent) ||
    (ts.isConditionalExpression(parent) && parent.condition !== node) ||
    ts.isAwaitExpression(parent)
  );
}
