import ts from 'typescript';

import { skipOuterExpressions, type AwaitClassifier } from '../calls/await-classification.js';
import { implementationsOf } from '../calls/implementations.js';
import { isLoggerMethodCall } from '../calls/logging-calls.js';
import { moduleOriginOfDeclaration } from '../calls/module-origin.js';
import { entityMetadataOfType, type EntityMetadata } from './entity-metadata.js';
import { returnedExpressions } from './entity-flow-summaries.js';
import { classifyTypeormCall, resolvedDeclaration, type TypeormCall } from './typeorm-calls.js';

/**
 * What a rewrite needs from a project loader's read:
 * - `reload`: the object holds what a re-load by its primary key (`BaseEntity.reload()`:
 *   `findOneByOrFail(id)`, eager relations joined) reads again — no `select`/`addSelect()`, no
 *   joined relation (nor, for a query builder, which skips eager relations, an entity with any), no
 *   `withDeleted`, no lock, options built in place from what only chooses or orders rows, and the
 *   object not changed by the loader before it returns it;
 * - `keyed`: the object holds its primary key, so criteria built from it select its row: no
 *   `select` that leaves a primary column out (find options written in place; no query-builder
 *   `select()`).
 */
export type LoaderReadNeed = 'reload' | 'keyed';

/**
 * Whether a call of the project's own loader (`findUserById(id)`) hands back, on every path that
 * returns an object, one row of `metadata`'s entity from a TypeORM read of that class (or another
 * such loader) that meets `need`, returned as read: directly, awaited, or through a `const` (for
 * `reload`, one the loader only tests for `null` before it returns it). `null` and `undefined`
 * returns are allowed: the caller's test of the result is checked there.
 */
export function loaderReadsMeet(classifier: AwaitClassifier, call: ts.CallExpression, metadata: EntityMetadata, need: LoaderReadNeed): boolean {
  if (classifyTypeormCall(classifier.checker, call) != null) return false;
  const declaration = resolvedDeclaration(classifier.checker, call);
  return declaration != null && moduleOriginOfDeclaration(declaration).kind === 'project' && declarationReads(classifier, declaration, { metadata, need }, 0);
}

interface Need {
  metadata: EntityMetadata;
  need: LoaderReadNeed;
}

const MAX_DEPTH = 8;

/** Per program (through its classifier), per loader declaration, per entity: the verdict for each need. */
const verdicts = new WeakMap<AwaitClassifier, WeakMap<ts.Declaration, WeakMap<EntityMetadata, Map<LoaderReadNeed, boolean>>>>();

function declarationReads(classifier: AwaitClassifier, declaration: ts.Declaration, need: Need, depth: number): boolean {
  const byNeed = entryOf(entryOf(entryOf(verdicts, classifier, () => new WeakMap()), declaration, () => new WeakMap()), need.metadata, () => new Map<LoaderReadNeed, boolean>());
  return guardedVerdict(byNeed, need.need, depth, () => computeDeclarationReads(classifier, declaration, need, depth));
}

/**
 * A verdict computed once per key, `false` past the depth limit; while it is being computed it
 * reads `false`, so a recursive chain of functions is refused.
 */
function guardedVerdict<K>(cache: { get(key: K): boolean | undefined; set(key: K, value: boolean): unknown }, key: K, depth: number, compute: () => boolean): boolean {
  const cached = cache.get(key);
  if (cached != null) return cached;
  if (depth > MAX_DEPTH) return false;
  cache.set(key, false);
  const computed = compute();
  cache.set(key, computed);
  return computed;
}

/** A method of an interface (no body): `meets` holds for every implementation the program has, and there is one. */
function everyImplementation(classifier: AwaitClassifier, declaration: ts.SignatureDeclaration, meets: (implementation: ts.Declaration) => boolean): boolean {
  const implementations = implementationsOf(classifier.program, declaration);
  return implementations.length > 0 && implementations.every(meets);
}

function entryOf<K extends object, V>(map: WeakMap<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

function computeDeclarationReads(classifier: AwaitClassifier, declaration: ts.Declaration, need: Need, depth: number): boolean {
  if (!ts.isFunctionLike(declaration)) return false;
  const body = (declaration as ts.FunctionLikeDeclaration).body;
  if (body == null) return everyImplementation(classifier, declaration, (implementation) => declarationReads(classifier, implementation, need, depth + 1));
  const objects = returnedExpressions(body).filter((expression) => !isNullish(expression));
  return objects.length > 0 && objects.every((expression) => expressionReads(classifier, expression, need, depth, new Set()));
}

/** `read(…)`, `await read(…)`, `loader(…)`, or a `const` holding one (for `reload`, only tested before it is returned). */
function expressionReads(classifier: AwaitClassifier, expression: ts.Expression, need: Need, depth: number, visited: Set<ts.Node>): boolean {
  let node = skipOuterExpressions(expression);
  if (ts.isAwaitExpression(node)) node = skipOuterExpressions(node.expression);
  if (visited.has(node)) return false;
  visited.add(node);
  if (ts.isCallExpression(node)) {
    const typeorm = classifyTypeormCall(classifier.checker, node);
    if (typeorm != null) return readMeets(classifier.checker, node, typeorm, need);
    const declaration = resolvedDeclaration(classifier.checker, node);
    return declaration != null && moduleOriginOfDeclaration(declaration).kind === 'project' && declarationReads(classifier, declaration, need, depth + 1);
  }
  if (ts.isIdentifier(node)) {
    const symbol = classifier.checker.getSymbolAtLocation(node);
    const declaration = symbol?.valueDeclaration;
    if (symbol == null || declaration == null || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name) || declaration.initializer == null) return false;
    if ((ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) === 0) return false;
    // The loader may change the object before it returns it: a re-load would undo that.
    if (need.need === 'reload' && !onlyTestedOrReturned(classifier.checker, declaration, symbol)) return false;
    return expressionReads(classifier, declaration.initializer, need, depth, visited);
  }
  return false;
}

/** Every use of the variable in its function is a test of it (`if (!user) throw …`) or a `return` of it. */
function onlyTestedOrReturned(checker: ts.TypeChecker, declaration: ts.VariableDeclaration, symbol: ts.Symbol): boolean {
  return everyUse(checker, declaration, symbol, isTestOrReturn);
}

/** Whether `accepts` holds for every use of a `const` in the function (or file) that declares it. */
function everyUse(checker: ts.TypeChecker, declaration: ts.VariableDeclaration, symbol: ts.Symbol, accepts: (use: ts.Identifier) => boolean): boolean {
  let scope: ts.Node = declaration;
  while (!ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  let clean = true;
  const name = (declaration.name as ts.Identifier).text;
  const visit = (node: ts.Node): void => {
    if (!clean) return;
    if (ts.isIdentifier(node) && node.text === name && node !== declaration.name && checker.getSymbolAtLocation(node) === symbol) {
      if (!accepts(node)) clean = false;
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(scope, visit);
  return clean;
}

function isTestOrReturn(identifier: ts.Identifier): boolean {
  let node: ts.Node = identifier;
  while (ts.isParenthesizedExpression(node.parent) || ts.isNonNullExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isReturnStatement(parent)) return true;
  if (ts.isPrefixUnaryExpression(parent)) return parent.operator === ts.SyntaxKind.ExclamationToken;
  if (ts.isBinaryExpression(parent)) {
    const equality = [ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken];
    return equality.includes(parent.operatorToken.kind) && isNullish(parent.left === node ? parent.right : parent.left);
  }
  if (ts.isIfStatement(parent)) return parent.expression === node;
  if (ts.isConditionalExpression(parent)) return parent.condition === node;
  return false;
}

function isNullish(expression: ts.Expression): boolean {
  const node = skipOuterExpressions(expression);
  return node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined') || ts.isVoidExpression(node);
}

/** Find options that choose or order rows, and change nothing in what a row holds. */
const ROW_CHOOSING_OPTIONS: ReadonlySet<string> = new Set(['where', 'order', 'skip', 'take', 'cache', 'comment', 'transaction']);

/** Query builder calls that choose or order rows: a join without select filters, loads nothing. */
const ROW_CHOOSING_BUILDER_METHODS: ReadonlySet<string> = new Set([
  'where',
  'andWhere',
  'orWhere',
  'whereInIds',
  'andWhereInIds',
  'orWhereInIds',
  'orderBy',
  'addOrderBy',
  'setParameter',
  'setParameters',
  'cache',
  'comment',
  'take',
  'skip',
  'limit',
  'offset',
  'leftJoin',
  'innerJoin',
]);

const BUILDER_READS: ReadonlySet<string> = new Set(['getOne', 'getOneOrFail', 'getMany']);

/** Rows of exactly this entity class: one, or (`lists`) a list of them. */
function readsRowsOf(checker: ts.TypeChecker, call: ts.CallExpression, typeorm: TypeormCall, metadata: EntityMetadata, lists: boolean): boolean {
  if (typeorm.kind !== 'load' || !(typeorm.loadShape === 'one' || (lists && typeorm.loadShape === 'many'))) return false;
  const type = checker.getTypeAtLocation(call);
  return entityMetadataOfType(checker, checker.getAwaitedType(type) ?? type)?.declaration === metadata.declaration;
}

/** Query builder calls that may leave the primary key out of what is loaded, whatever their arguments. */
const NARROWING_BUILDER_METHODS: ReadonlySet<string> = new Set(['setFindOptions', 'from', 'addFrom']);

/**
 * A read of the entity that meets the need: `find…By()` takes criteria only; `find…()` options are
 * written out in place and each key passes (for `keyed`, a 0.2-style id argument too); a query
 * builder's calls pass. `reload` takes single rows only.
 */
function readMeets(checker: ts.TypeChecker, call: ts.CallExpression, typeorm: TypeormCall, need: Need): boolean {
  const { metadata } = need;
  const reload = need.need === 'reload';
  if (!readsRowsOf(checker, call, typeorm, metadata, !reload)) return false;
  const keys = metadata.primaryColumns.map((column) => column.propertyName);
  switch (typeorm.method) {
    case 'findOneBy':
    case 'findOneByOrFail':
    case 'findBy':
      return true;
    case 'findOne':
    case 'findOneOrFail':
    case 'find': {
      const args = call.arguments.slice(typeorm.api === 'EntityManager' ? 1 : 0);
      if (reload) {
        const [options, ...more] = args;
        return (
          options != null &&
          more.length === 0 &&
          ts.isObjectLiteralExpression(options) &&
          options.properties.every((property) => (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) && ts.isIdentifier(property.name) && ROW_CHOOSING_OPTIONS.has(property.name.text))
        );
      }
      return args.every((argument) => (ts.isObjectLiteralExpression(skipOuterExpressions(argument)) ? objectKeepsKeys(argument, keys) : constOptionsKeepKeys(checker, argument, keys) || isIdLike(checker, argument)));
    }
    case 'getOne':
    case 'getOneOrFail':
    case 'getMany':
      // A query builder joins no eager relation by itself; a re-load does.
      if (reload) return !metadata.columns.some((column) => column.kind === 'relation' && column.eager) && builderChainMeets(checker, call, (method) => ROW_CHOOSING_BUILDER_METHODS.has(method), new Set());
      return builderChainMeets(checker, call, (method, link) => !NARROWING_BUILDER_METHODS.has(method) && (method !== 'select' || builderSelectsKeys(checker, link, keys)), new Set());
    default:
      return false;
  }
}

/**
 * Find options (or 0.2-style conditions) written out, whose `select`, if any, names every key:
 * `{ where, relations, select: { id: true, … } }`; a spread of such literals (or of a choice
 * between them) too.
 */
function objectKeepsKeys(expression: ts.Expression, keys: readonly string[]): boolean {
  const node = skipOuterExpressions(expression);
  if (ts.isConditionalExpression(node)) return objectKeepsKeys(node.whenTrue, keys) && objectKeepsKeys(node.whenFalse, keys);
  if (!ts.isObjectLiteralExpression(node)) return false;
  return node.properties.every((property) => {
    if (ts.isSpreadAssignment(property)) return objectKeepsKeys(property.expression, keys);
    if (!(ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) return false;
    return property.name.text !== 'select' || (ts.isPropertyAssignment(property) && selectsEach(property.initializer, keys));
  });
}

/**
 * Options built in a `const` (`const options: FindOneOptions<Game> = { where: { id } };
 * options.withDeleted = true; return repo.findOneOrFail(options)`): the literal keeps the keys, and
 * every other use of the `const` sets an option other than `select` or hands it to a read.
 */
function constOptionsKeepKeys(checker: ts.TypeChecker, argument: ts.Expression, keys: readonly string[]): boolean {
  const node = skipOuterExpressions(argument);
  if (!ts.isIdentifier(node)) return false;
  const symbol = checker.getSymbolAtLocation(node);
  const declaration = symbol?.valueDeclaration;
  if (symbol == null || declaration == null || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name) || declaration.initializer == null) return false;
  if ((ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) === 0 || !objectKeepsKeys(declaration.initializer, keys)) return false;
  return everyUse(checker, declaration, symbol, (use) => {
    const parent = use.parent;
    if (ts.isCallExpression(parent) && parent.arguments.includes(use)) return classifyTypeormCall(checker, parent)?.kind === 'load';
    return (
      ts.isPropertyAccessExpression(parent) &&
      parent.expression === use &&
      parent.name.text !== 'select' &&
      ts.isBinaryExpression(parent.parent) &&
      parent.parent.left === parent &&
      parent.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
    );
  });
}

/** `{ id: true, … }` or `['id', …]`: a written-out select that names every one of `names`. */
function selectsEach(select: ts.Expression, names: readonly string[]): boolean {
  const node = skipOuterExpressions(select);
  if (ts.isArrayLiteralExpression(node)) return names.every((name) => node.elements.some((element) => ts.isStringLiteralLike(element) && element.text === name));
  if (!ts.isObjectLiteralExpression(node)) return false;
  return names.every((name) =>
    node.properties.some((property) => ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === name && property.initializer.kind === ts.SyntaxKind.TrueKeyword),
  );
}

/** A string or number: TypeORM 0.2's `findOne(id)`. */
function isIdLike(checker: ts.TypeChecker, argument: ts.Expression): boolean {
  const type = checker.getTypeAtLocation(argument);
  return (type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike)) !== 0 && !type.isUnion();
}

/**
 * A query builder's `select()` that keeps every key: an alias alone (`'user'`, every default
 * column) or `'user.id'` for each key, in literals or a `const` array of them.
 */
function builderSelectsKeys(checker: ts.TypeChecker, call: ts.CallExpression, keys: readonly string[]): boolean {
  const texts: string[] = [];
  for (const argument of call.arguments) {
    let node = skipOuterExpressions(argument);
    if (ts.isIdentifier(node)) {
      let symbol = checker.getSymbolAtLocation(node);
      // `import { publicFields } from './user'`: the declaration it names.
      if (symbol != null && (symbol.flags & ts.SymbolFlags.Alias) !== 0) symbol = checker.getAliasedSymbol(symbol);
      const declaration = symbol?.valueDeclaration;
      if (declaration == null || !ts.isVariableDeclaration(declaration) || declaration.initializer == null || (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) === 0) return false;
      node = skipOuterExpressions(declaration.initializer);
    }
    const elements = ts.isArrayLiteralExpression(node) ? node.elements : [node];
    for (const element of elements) {
      if (!ts.isStringLiteralLike(element)) return false;
      texts.push(element.text);
    }
  }
  return texts.some((text) => !text.includes('.')) || keys.every((key) => texts.some((text) => text.slice(text.indexOf('.') + 1) === key));
}

/**
 * The builder a read runs was made by `createQueryBuilder()` of the entity and given only calls
 * `allowed` accepts, in the chain or, for a builder kept in a `const`, on any line (its methods
 * change the builder itself).
 */
function builderChainMeets(checker: ts.TypeChecker, read: ts.CallExpression, allowed: (method: string, call: ts.CallExpression) => boolean, visited: Set<ts.Node>): boolean {
  let current = skipOuterExpressions(read.expression);
  if (!ts.isPropertyAccessExpression(current)) return false;
  current = skipOuterExpressions(current.expression);
  for (;;) {
    if (ts.isCallExpression(current)) {
      const callee = skipOuterExpressions(current.expression);
      if (!ts.isPropertyAccessExpression(callee)) return false;
      const method = callee.name.text;
      if (method === 'createQueryBuilder') {
        // `repo.createQueryBuilder('u')`, `User.createQueryBuilder('u')`, `manager.createQueryBuilder(User, 'u')`.
        const typeorm = classifyTypeormCall(checker, current);
        return typeorm != null && (typeorm.api === 'Repository' || typeorm.api === 'BaseEntity static' ? current.arguments.length <= 1 : current.arguments.length === 2);
      }
      if (!allowed(method, current)) return false;
      current = skipOuterExpressions(callee.expression);
      continue;
    }
    if (ts.isIdentifier(current)) {
      const symbol = checker.getSymbolAtLocation(current);
      const declaration = symbol?.valueDeclaration;
      if (symbol == null || declaration == null || visited.has(declaration) || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name) || declaration.initializer == null) return false;
      if ((ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) === 0 || !usedOnlyWith(checker, declaration, symbol, allowed)) return false;
      visited.add(declaration);
      const initializer = skipOuterExpressions(declaration.initializer);
      // The builder is the initializer's: walk it as the rest of the chain (`const q = X.createQueryBuilder('x').where(…)`).
      current = initializer;
      continue;
    }
    return false;
  }
}

/** Each use of the builder `const` is a chain of calls `allowed` accepts, ending in a read or as a statement of its own. */
function usedOnlyWith(checker: ts.TypeChecker, declaration: ts.VariableDeclaration, symbol: ts.Symbol, allowed: (method: string, call: ts.CallExpression) => boolean): boolean {
  return everyUse(checker, declaration, symbol, (use) => {
    let top: ts.Node = use;
    for (;;) {
      const access = top.parent;
      if (!ts.isPropertyAccessExpression(access) || access.expression !== top || !ts.isCallExpression(access.parent) || access.parent.expression !== access) break;
      const method = access.name.text;
      top = access.parent;
      if (BUILDER_READS.has(method)) return true;
      if (!allowed(method, access.parent)) return false;
    }
    return top !== use && ts.isExpressionStatement(top.parent);
  });
}

/**
 * Calls in a loader's body that change something when the loader is called again: TypeORM's
 * writes, raw SQL, and events. Matched by name alone — a false match only refuses a rewrite.
 */
const SIDE_EFFECT_METHODS: ReadonlySet<string> = new Set([
  'save',
  'insert',
  'upsert',
  'update',
  'delete',
  'remove',
  'softRemove',
  'softDelete',
  'restore',
  'recover',
  'increment',
  'decrement',
  'query',
  'execute',
  'emit',
  'emitAsync',
  'publish',
  'dispatch',
  'send',
  'set',
]);

/** Per program (through its classifier), per loader declaration, per entity: whether it may be called again. */
const recallVerdicts = new WeakMap<AwaitClassifier, WeakMap<ts.Declaration, WeakMap<EntityMetadata, boolean>>>();

/**
 * Whether calling the project's loader again, with the same arguments, only reads: every object it
 * returns (on paths that return one) is one row of `metadata`'s entity from a TypeORM read of that
 * class (any options: the same call repeats them) or from another such loader, returned as read;
 * everything it awaits is such a read; and nothing in its body writes, runs SQL, or emits. Called
 * again after a slow call, it hands back the row as it is then, the way this code first read it.
 */
export function isRecallableLoader(classifier: AwaitClassifier, call: ts.CallExpression, metadata: EntityMetadata): boolean {
  if (classifyTypeormCall(classifier.checker, call) != null) return false;
  const declaration = resolvedDeclaration(classifier.checker, call);
  return declaration != null && moduleOriginOfDeclaration(declaration).kind === 'project' && declarationRecallable(classifier, declaration, metadata, 0);
}

function declarationRecallable(classifier: AwaitClassifier, declaration: ts.Declaration, metadata: EntityMetadata, depth: number): boolean {
  const byEntity = entryOf(entryOf(recallVerdicts, classifier, () => new WeakMap()), declaration, () => new WeakMap<EntityMetadata, boolean>());
  return guardedVerdict(byEntity, metadata, depth, () => computeDeclarationRecallable(classifier, declaration, metadata, depth));
}

function computeDeclarationRecallable(classifier: AwaitClassifier, declaration: ts.Declaration, metadata: EntityMetadata, depth: number): boolean {
  if (!ts.isFunctionLike(declaration)) return false;
  const body = (declaration as ts.FunctionLikeDeclaration).body;
  if (body == null) return everyImplementation(classifier, declaration, (implementation) => declarationRecallable(classifier, implementation, metadata, depth + 1));
  const objects = returnedExpressions(body).filter((expression) => !isNullish(expression));
  if (objects.length === 0) return false;
  const doesMore = (node: ts.Node): boolean => {
    // An await is a read of the entity (or such a loader), and the calls inside it are that read.
    if (ts.isAwaitExpression(node)) return !rowRead(classifier, node.expression, metadata, depth);
    if (ts.isReturnStatement(node) && node.expression != null && returnsRowRead(classifier, node.expression, metadata, depth)) return false;
    if (node !== body && ts.isFunctionLike(node)) return true;
    if (writesOutside(node, declaration)) return true;
    if (ts.isCallExpression(node) && !isHarmlessCall(classifier, node, depth)) return true;
    return ts.forEachChild(node, doesMore) ?? false;
  };
  return !doesMore(body) && objects.every((expression) => returnsRowRead(classifier, expression, metadata, depth));
}

/** Methods that change the array, map or set they are called on. */
const MUTATING_METHODS: ReadonlySet<string> = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'add', 'clear', 'assign', 'defineProperty', 'freeze']);

/** Per program (through its classifier), per function: whether calling it changes nothing (`validateId(id)`). */
const harmlessVerdicts = new WeakMap<AwaitClassifier, WeakMap<ts.Declaration, boolean>>();

/**
 * A call a loader may make besides its reads, and still only read: TypeORM's own non-writing
 * methods (a query builder's `where()`), the standard library's non-mutating ones, a logger's, and
 * the project's functions that await nothing, write nothing outside themselves and make only such
 * calls. Anything else may write, send or keep state: refused.
 */
function isHarmlessCall(classifier: AwaitClassifier, call: ts.CallExpression, depth: number): boolean {
  const callee = skipOuterExpressions(call.expression);
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
  if (name == null || SIDE_EFFECT_METHODS.has(name) || MUTATING_METHODS.has(name)) return false;
  // `this.logger.warn(…)`, `console.log(…)`: the project's own logger class too.
  if (isLoggerMethodCall(call)) return true;
  const declaration = resolvedDeclaration(classifier.checker, call);
  if (declaration == null) return false;
  const origin = moduleOriginOfDeclaration(declaration);
  if (origin.kind === 'typescript-lib') return true;
  if (origin.kind === 'package') return origin.name === 'typeorm';
  if (!ts.isFunctionLike(declaration)) return false;
  const body = (declaration as ts.FunctionLikeDeclaration).body;
  const changesNothing = (node: ts.Node): boolean => {
    if (ts.isAwaitExpression(node) || (node !== body && ts.isFunctionLike(node)) || writesOutside(node, declaration)) return false;
    if (ts.isCallExpression(node) && !isHarmlessCall(classifier, node, depth + 1)) return false;
    return !(ts.forEachChild(node, (child) => !changesNothing(child)) ?? false);
  };
  return guardedVerdict(entryOf(harmlessVerdicts, classifier, () => new WeakMap<ts.Declaration, boolean>()), declaration, depth, () => body != null && changesNothing(body));
}

/** An assignment, `++`/`--` or `delete` of something not declared in `owner` (`this.last = id`, a module variable). */
function writesOutside(node: ts.Node, owner: ts.Node): boolean {
  let target: ts.Expression | undefined;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) target = node.left;
  else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) target = node.operand;
  else if (ts.isDeleteExpression(node)) target = node.expression;
  if (target == null) return false;
  let root: ts.Expression = skipOuterExpressions(target);
  while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = skipOuterExpressions(root.expression);
  if (!ts.isIdentifier(root)) return true;
  // A local of the function (its parameters' objects included: `options.withDeleted = true` on a literal it built).
  for (let scope: ts.Node = root; !ts.isSourceFile(scope); scope = scope.parent) {
    if (scope === owner) return !declaredIn(root, owner);
  }
  return true;
}

/** Whether `identifier` names a variable or parameter declared inside `owner`. */
function declaredIn(identifier: ts.Identifier, owner: ts.Node): boolean {
  const find = (node: ts.Node): boolean => {
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node)) && ts.isIdentifier(node.name) && node.name.text === identifier.text) return true;
    return ts.forEachChild(node, find) ?? false;
  };
  return find(owner);
}

/** Whether a read may answer from TypeORM's query-result cache: `cache` in its options, or `.cache()` in its builder. */
function mayReadCache(checker: ts.TypeChecker, call: ts.CallExpression, typeorm: TypeormCall): boolean {
  if (typeorm.method === 'getOne' || typeorm.method === 'getOneOrFail' || typeorm.method === 'getMany') return !builderChainMeets(checker, call, (method) => method !== 'cache', new Set());
  return call.arguments.some((argument) => {
    let node = skipOuterExpressions(argument);
    if (ts.isIdentifier(node)) {
      const symbol = checker.getSymbolAtLocation(node);
      const declaration = symbol?.valueDeclaration;
      if (symbol == null || declaration == null || !ts.isVariableDeclaration(declaration) || declaration.initializer == null || (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) === 0) return !isIdLike(checker, argument);
      // Options built in a const: no `cache` set on them later either.
      if (!everyUse(checker, declaration, symbol, (use) => !(ts.isPropertyAccessExpression(use.parent) && use.parent.name.text === 'cache'))) return true;
      node = skipOuterExpressions(declaration.initializer);
    }
    if (!ts.isObjectLiteralExpression(node)) return !isIdLike(checker, argument) && !ts.isArrayLiteralExpression(node);
    return node.properties.some((property) => ts.isSpreadAssignment(property) || (ts.isIdentifier(property.name) && property.name.text === 'cache' && !(ts.isPropertyAssignment(property) && property.initializer.kind === ts.SyntaxKind.FalseKeyword)));
  });
}

/** A TypeORM read of one row of the entity, not from the query-result cache, or a call of a loader that may be called again. */
function rowRead(classifier: AwaitClassifier, expression: ts.Expression, metadata: EntityMetadata, depth: number): boolean {
  const node = skipOuterExpressions(expression);
  if (!ts.isCallExpression(node)) return false;
  const typeorm = classifyTypeormCall(classifier.checker, node);
  if (typeorm != null) return readsRowsOf(classifier.checker, node, typeorm, metadata, false) && !mayReadCache(classifier.checker, node, typeorm);
  const declaration = resolvedDeclaration(classifier.checker, node);
  return declaration != null && moduleOriginOfDeclaration(declaration).kind === 'project' && declarationRecallable(classifier, declaration, metadata, depth + 1);
}

/** What a `return` hands back: such a read, awaited or not, or a `const` holding one that is only tested before. */
function returnsRowRead(classifier: AwaitClassifier, expression: ts.Expression, metadata: EntityMetadata, depth: number): boolean {
  let node = skipOuterExpressions(expression);
  if (ts.isAwaitExpression(node)) node = skipOuterExpressions(node.expression);
  if (ts.isCallExpression(node)) return rowRead(classifier, node, metadata, depth);
  if (!ts.isIdentifier(node)) return false;
  const symbol = classifier.checker.getSymbolAtLocation(node);
  const declaration = symbol?.valueDeclaration;
  if (symbol == null || declaration == null || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name) || declaration.initializer == null) return false;
  if ((ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) === 0 || !onlyTestedOrReturned(classifier.checker, declaration, symbol)) return false;
  const initializer = skipOuterExpressions(declaration.initializer);
  return ts.isAwaitExpression(initializer) ? rowRead(classifier, initializer.expression, metadata, depth) : rowRead(classifier, initializer, metadata, depth);
}
