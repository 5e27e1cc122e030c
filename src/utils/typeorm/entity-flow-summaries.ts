import ts from 'typescript';

import { SINGLE_ELEMENT_METHODS } from '../ast/array-methods.js';
import { mergeAwaitSummary, skipOuterExpressions, type AwaitClassifier, type AwaitKind, type AwaitSummary } from '../calls/await-classification.js';
import { implementationsOf } from '../calls/implementations.js';
import { declarationDisplayName, moduleOriginOfDeclaration } from '../calls/module-origin.js';
import { methodNameOfCall, namesReaching } from '../calls/call-name-gates.js';
import { callMayResolveTo, classifyIfDiffingWriteName, classifyTypeormCall, DIFFING_WRITE_METHODS, isTypeormOrProjectDeclaration, LOAD_METHODS, resolvedDeclaration, type LoadShape } from './typeorm-calls.js';

/** A function of the project that returns an entity it loaded (`retrieve`, `getEntityOrThrow`). */
export interface LoaderSummary {
  shape: LoadShape;
  /** `OrderService.retrieve → findOne`. */
  chain: readonly string[];
  /** Named by the rule's `loaders` option: taken to return a whole row, its body not followed. */
  byOption?: boolean;
}

/** A function of the project that hands one of its parameters to a diffing write. */
export interface SaverSummary {
  parameterIndex: number;
  chain: readonly string[];
  /** What the function awaits before that write (a window inside the callee). */
  awaitsBefore: AwaitSummary;
  /** The TypeORM write the parameter reaches, in this function or one it calls. */
  writeCall: ts.CallExpression;
}

const MAX_DEPTH = 8;


interface Caches {
  loaders: WeakMap<ts.Node, LoaderSummary | null>;
  savers: WeakMap<ts.Node, readonly SaverSummary[]>;
}

const caches = new WeakMap<AwaitClassifier, Caches>();

function cachesOf(classifier: AwaitClassifier): Caches {
  let found = caches.get(classifier);
  if (found == null) {
    found = { loaders: new WeakMap(), savers: new WeakMap() };
    caches.set(classifier, found);
  }
  return found;
}

/**
 * Method names a load can have in this program: TypeORM's loads, and every function of the
 * project that calls one, directly or through others (the only candidates for a loader summary).
 * `loadOfCall` takes it to rule out `receiver.method()` calls without a type query.
 */
export function loaderNames(program: ts.Program): ReadonlySet<string> {
  return namesReaching(program, LOAD_METHODS);
}

/**
 * Method names a saver can have in this program: TypeORM's diffing writes, and every function of
 * the project that calls one, directly or through others. `saversOfCall` takes it to rule out
 * `receiver.method()` calls (presenters, policies, notifiers handed an entity) without a type query.
 */
export function saverNames(program: ts.Program): ReadonlySet<string> {
  return namesReaching(program, DIFFING_WRITE_METHODS);
}

/** A TypeORM load, or a call to a project function whose summary says it returns one. */
export function loadOfCall(
  classifier: AwaitClassifier,
  call: ts.CallExpression,
  depth = 0,
  names?: ReadonlySet<string>,
): LoaderSummary | undefined {
  const checker = classifier.checker;
  const method = names == null ? undefined : methodNameOfCall(call);
  if (method != null && names?.has(method) === false) return undefined;
  if (!callMayResolveTo(checker, call, isTypeormOrProjectDeclaration)) return undefined;
  const typeorm = classifyTypeormCall(checker, call);
  if (typeorm != null) {
    if (typeorm.kind !== 'load' || typeorm.loadShape == null || takesPessimisticLock(call)) return undefined;
    return { shape: typeorm.loadShape, chain: [typeorm.method] };
  }
  const declaration = resolvedDeclaration(checker, call);
  if (declaration == null || moduleOriginOfDeclaration(declaration).kind !== 'project') return undefined;
  const summary = loaderSummary(classifier, declaration, depth);
  return summary == null ? undefined : { shape: summary.shape, chain: [declarationDisplayName(declaration), ...summary.chain] };
}

const isProjectDeclaration = (declaration: ts.Declaration): boolean => moduleOriginOfDeclaration(declaration).kind === 'project';

function loaderSummary(classifier: AwaitClassifier, declaration: ts.Declaration, depth: number): LoaderSummary | undefined {
  const { loaders } = cachesOf(classifier);
  const cached = loaders.get(declaration);
  if (cached !== undefined) return cached ?? undefined;
  if (depth > MAX_DEPTH) return undefined;
  loaders.set(declaration, null); // cycle guard: a recursive loader is judged by its other returns
  const computed = computeLoaderSummary(classifier, declaration, depth) ?? null;
  loaders.set(declaration, computed);
  return computed ?? undefined;
}

function computeLoaderSummary(classifier: AwaitClassifier, declaration: ts.Declaration, depth: number): LoaderSummary | undefined {
  const body = (declaration as ts.FunctionLikeDeclaration).body;
  if (body == null) {
    // `users.findByUuid(id)` on a repository interface: what its implementations return.
    for (const implementation of implementationsOf(classifier.program, declaration)) {
      const summary = loaderSummary(classifier, implementation, depth + 1);
      if (summary != null) return { shape: summary.shape, chain: [declarationDisplayName(implementation), ...summary.chain] };
    }
    return undefined;
  }
  for (const expression of returnedExpressions(body)) {
    const found = loadOfExpression(classifier, expression, depth + 1, new Set());
    if (found != null) return found;
  }
  return undefined;
}

/** What a function body returns: each `return`'s value (not in functions inside it), or an arrow's expression. */
export function returnedExpressions(body: ts.ConciseBody): ts.Expression[] {
  if (!ts.isBlock(body)) return [body];
  const returned: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression != null) returned.push(node.expression);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return returned;
}

/** Follows `await`, parentheses and one `const x = <load>` hop to a load. */
function loadOfExpression(
  classifier: AwaitClassifier,
  expression: ts.Expression,
  depth: number,
  visited: Set<ts.Node>,
): LoaderSummary | undefined {
  let node = skipOuterExpressions(expression);
  if (ts.isAwaitExpression(node)) node = skipOuterExpressions(node.expression);
  if (visited.has(node)) return undefined;
  visited.add(node);
  // `(await repo.findOne(…)) ?? null`, `found ? found : await repo.findOneBy(…)`.
  if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || node.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return loadOfExpression(classifier, node.left, depth, visited) ?? loadOfExpression(classifier, node.right, depth, visited);
  }
  if (ts.isConditionalExpression(node)) {
    return loadOfExpression(classifier, node.whenTrue, depth, visited) ?? loadOfExpression(classifier, node.whenFalse, depth, visited);
  }
  if (ts.isCallExpression(node)) {
    const direct = loadOfCall(classifier, node, depth);
    if (direct != null) return direct;
  }
  // `return list[0]`, `return list.find(…)`: one element of a loaded list.
  const list = ts.isElementAccessExpression(node)
    ? node.expression
    : ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && SINGLE_ELEMENT_METHODS.has(node.expression.name.text)
      ? node.expression.expression
      : undefined;
  if (list != null) {
    const many = loadOfExpression(classifier, list, depth, visited);
    return many?.shape === 'many' ? { ...many, shape: 'one' } : undefined;
  }
  if (ts.isIdentifier(node)) {
    const declaration = classifier.checker.getSymbolAtLocation(node)?.valueDeclaration;
    if (declaration != null && ts.isVariableDeclaration(declaration) && declaration.initializer != null && ts.isIdentifier(declaration.name)) {
      return loadOfExpression(classifier, declaration.initializer, depth, visited);
    }
  }
  return undefined;
}

/** `findOne({ lock: { mode: 'pessimistic_write' } })` or `.setLock('pessimistic_write')`. */
export function takesPessimisticLock(call: ts.CallExpression): boolean {
  for (const argument of call.arguments) {
    if (!ts.isObjectLiteralExpression(argument)) continue;
    for (const property of argument.properties) {
      if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === 'lock') {
        if (/pessimistic|for_no_key_update|for_key_share/.test(property.initializer.getText())) return true;
      }
    }
  }
  // A query builder chain: `qb.setLock('pessimistic_write').where(…).getOne()`.
  for (let current: ts.Expression = call.expression; ; ) {
    const inner = skipOuterExpressions(current);
    if (ts.isPropertyAccessExpression(inner)) {
      current = inner.expression;
    } else if (ts.isCallExpression(inner)) {
      const callee = skipOuterExpressions(inner.expression);
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'setLock') {
        return /pessimistic|for_no_key_update|for_key_share/.test(inner.arguments[0]?.getText() ?? '');
      }
      current = inner.expression;
    } else {
      return false;
    }
  }
}

/** Which parameters a project function hands to a diffing write (`save`, `remove`, …). */
export function saversOfCall(
  classifier: AwaitClassifier,
  call: ts.CallExpression,
  depth = 0,
  names?: ReadonlySet<string>,
): readonly SaverSummary[] {
  const method = names == null ? undefined : methodNameOfCall(call);
  if (method != null && names?.has(method) === false) return [];
  if (!callMayResolveTo(classifier.checker, call, isProjectDeclaration)) return [];
  const declaration = resolvedDeclaration(classifier.checker, call);
  if (declaration == null || moduleOriginOfDeclaration(declaration).kind !== 'project') return [];
  const { savers } = cachesOf(classifier);
  const cached = savers.get(declaration);
  if (cached != null) return cached;
  if (depth > MAX_DEPTH) return [];
  savers.set(declaration, []);
  const computed = computeSavers(classifier, declaration, depth, names);
  savers.set(declaration, computed);
  return computed;
}

function computeSavers(classifier: AwaitClassifier, declaration: ts.Declaration, depth: number, names: ReadonlySet<string> | undefined): readonly SaverSummary[] {
  if (!ts.isFunctionLike(declaration)) return [];
  const body = (declaration as ts.FunctionLikeDeclaration).body;
  if (body == null) return saversOfImplementations(classifier, declaration, depth, names);
  const parameterSymbols = declaration.parameters.map((parameter) =>
    ts.isIdentifier(parameter.name) ? classifier.checker.getSymbolAtLocation(parameter.name) : undefined,
  );
  const name = declarationDisplayName(declaration);
  const result: SaverSummary[] = [];
  // The awaits before the current point, classified only once a write needs them: most
  // functions a caller hands an entity to write nothing, and their awaits never matter.
  const awaitsSeen: ts.AwaitExpression[] = [];
  let awaitsClassified = 0;
  const awaitsSoFar = new Map<AwaitKind, readonly string[]>();
  const awaitsBeforeHere = (): Map<AwaitKind, readonly string[]> => {
    for (; awaitsClassified < awaitsSeen.length; awaitsClassified++) {
      mergeAwaitSummary(awaitsSoFar, classifier.classifyAwaited((awaitsSeen[awaitsClassified] as ts.AwaitExpression).expression));
    }
    return awaitsSoFar;
  };
  const parameterIndexOf = (expression: ts.Expression): number => {
    const node = skipOuterExpressions(expression);
    if (!ts.isIdentifier(node)) return -1;
    const symbol = classifier.checker.getSymbolAtLocation(node);
    return symbol == null ? -1 : parameterSymbols.indexOf(symbol);
  };
  const record = (index: number, chain: readonly string[], before: AwaitSummary, writeCall: ts.CallExpression): void => {
    if (index < 0 || result.some((saver) => saver.parameterIndex === index)) return;
    result.push({ parameterIndex: index, chain: [name, ...chain], awaitsBefore: new Map(before), writeCall });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    ts.forEachChild(node, visit);
    // Post-order: an await is complete once its operand (and any write inside it) has run.
    if (ts.isCallExpression(node)) {
      const typeorm = classifyIfDiffingWriteName(classifier.checker, node);
      if (typeorm?.kind === 'diffing-write') {
        const entityExpressions = typeorm.entityArgumentIndex == null
          ? [receiverOf(node)].filter((receiver) => receiver != null)
          : entityExpressionsOf(node.arguments[typeorm.entityArgumentIndex]);
        for (const expression of entityExpressions) record(parameterIndexOf(expression), [typeorm.method], awaitsBeforeHere(), node);
      } else if (typeorm == null) {
        for (const saver of saversOfCall(classifier, node, depth + 1, names)) {
          const argument = node.arguments[saver.parameterIndex];
          if (argument == null) continue;
          const before = new Map(awaitsBeforeHere());
          mergeAwaitSummary(before, saver.awaitsBefore);
          for (const expression of entityExpressionsOf(argument)) record(parameterIndexOf(expression), saver.chain, before, saver.writeCall);
        }
      }
    } else if (ts.isAwaitExpression(node) && !isInExitingBranch(node, body)) {
      awaitsSeen.push(node);
    }
  };
  ts.forEachChild(body, visit);
  return result;
}

/**
 * `users.save(user)` on a repository interface: a parameter one of its implementations writes is
 * written by the call, with that implementation in the chain.
 */
function saversOfImplementations(classifier: AwaitClassifier, declaration: ts.SignatureDeclaration, depth: number, names: ReadonlySet<string> | undefined): readonly SaverSummary[] {
  const name = declarationDisplayName(declaration);
  const result: SaverSummary[] = [];
  for (const implementation of implementationsOf(classifier.program, declaration)) {
    if (depth > MAX_DEPTH) break;
    const { savers } = cachesOf(classifier);
    let summaries = savers.get(implementation);
    if (summaries == null) {
      savers.set(implementation, []);
      summaries = computeSavers(classifier, implementation, depth + 1, names);
      savers.set(implementation, summaries);
    }
    for (const saver of summaries) {
      if (!result.some((known) => known.parameterIndex === saver.parameterIndex)) result.push({ ...saver, chain: [name, ...saver.chain] });
    }
  }
  return result;
}

/**
 * An await inside a block that always ends in `return` or `throw` (an early exit) cannot precede
 * a write that comes after that block. Source order alone would count it.
 */
function isInExitingBranch(node: ts.Node, body: ts.Node): boolean {
  for (let current = node.parent; current !== body; current = current.parent) {
    if (ts.isBlock(current)) {
      const last = current.statements.at(-1);
      if (last != null && (ts.isReturnStatement(last) || ts.isThrowStatement(last))) return true;
    }
  }
  return false;
}

function receiverOf(call: ts.CallExpression): ts.Expression | undefined {
  const callee = skipOuterExpressions(call.expression);
  return ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
}

/** The values a write argument carries: `e`, `[a, b]`, `{ ...e, field }`. */
export function entityExpressionsOf(argument: ts.Expression | undefined): ts.Expression[] {
  if (argument == null) return [];
  const node = skipOuterExpressions(argument);
  if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap((element) => entityExpressionsOf(ts.isSpreadElement(element) ? element.expression : element));
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.flatMap((property) => (ts.isSpreadAssignment(property) ? [property.expression] : []));
  }
  return [node];
}
