import ts from 'typescript';

import { SINGLE_ELEMENT_METHODS } from '../ast/array-methods.js';
import { holds, isOnAnotherBranch } from '../ast/code-before.js';
import { mergeAwaitSummary, prefixChains, skipOuterExpressions, type AwaitClassifier, type AwaitKind, type AwaitSummary } from '../calls/await-classification.js';
import { implementationsOf } from '../calls/implementations.js';
import { declarationDisplayName, isTypeormFile, moduleOriginOfDeclaration } from '../calls/module-origin.js';
import { methodNameOfCall, namesReaching } from '../calls/call-name-gates.js';
import { loadedColumnsSpecOf } from './loaded-columns.js';
import { callMayResolveTo, classifyIfDiffingWriteName, classifyTypeormCall, DIFFING_WRITE_METHODS, isTypeormOrProjectDeclaration, LOAD_METHODS, resolvedDeclaration, type LoadShape } from './typeorm-calls.js';

/** A function of the project that returns an entity it loaded (`retrieve`, `getEntityOrThrow`). */
export interface LoaderSummary {
  shape: LoadShape;
  /** `OrderService.retrieve → findOne`. */
  chain: readonly string[];
  /**
   * A slow call the loader itself awaits after its read, with nothing refreshing the object
   * between that call and a return of it: the caller receives the row as it was before the call
   * (`const d = await findById(id); await rpc(d.txHash); return d`). Network and timer waits only,
   * the kinds whose evidence does not rest on what an unclassified callee might do.
   */
  staleSince?: AwaitSummary;
  /**
   * The loader hands the object it returns to other code between its read and the return (or sets
   * a computed key): what a later save writes is not known from its caller alone.
   */
  handsOnReturned?: true;
  /** The fields it sets on that object (`d.snippet = …`): a later save writes those that are columns. */
  fieldsSet?: readonly string[];
  /** Named by the rule's `loaders` option: taken to return a whole row, its body not followed. */
  byOption?: boolean;
  /** Relations joined by every read the loader returns (`relations: { contact: true }`): loaded with the row. */
  relations?: ReadonlySet<string>;
}

/** A function of the project that hands one of its parameters (or a relation of one) to a diffing write. */
export interface SaverSummary {
  parameterIndex: number;
  /**
   * The parameter's property that is written, not the parameter itself: `updateRole(payment)`
   * whose body saves `payment.contact` (itself, or through another saver).
   */
  relation?: string;
  chain: readonly string[];
  /** The fields it sets on what it writes before the write (`p.status = …`): that write writes them. */
  fieldsSet?: readonly string[];
  /** What the function awaits before that write (a window inside the callee). */
  awaitsBefore: AwaitSummary;
  /** The TypeORM write the parameter reaches, in this function or one it calls. */
  writeCall: ts.CallExpression;
  /**
   * The write goes through this other parameter, typed `any` (`save(podcast: any, repo: any)`
   * calling `repo.save(podcast)`): it is TypeORM's only where the caller passes a repository there.
   */
  receiverParameterIndex?: number;
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
    const { relations } = loadedColumnsSpecOf(call);
    return { shape: typeorm.loadShape, chain: [typeorm.method], ...(relations.size === 0 ? {} : { relations }) };
  }
  const declaration = resolvedDeclaration(checker, call);
  if (declaration == null || moduleOriginOfDeclaration(declaration).kind !== 'project') return undefined;
  const summary = loaderSummary(classifier, declaration, depth);
  if (summary == null) return undefined;
  const name = declarationDisplayName(declaration);
  return {
    shape: summary.shape,
    chain: [name, ...summary.chain],
    ...(summary.staleSince == null ? {} : { staleSince: prefixChains(summary.staleSince, name) }),
    ...(summary.handsOnReturned === true ? { handsOnReturned: true as const } : {}),
    ...(summary.fieldsSet == null ? {} : { fieldsSet: summary.fieldsSet }),
    ...(summary.relations == null ? {} : { relations: summary.relations }),
  };
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
    // `users.findByUuid(id)` on a repository interface: what its implementations return, described
    // by the first that loads, with only the relations every one of them joins.
    let found: LoaderSummary | undefined;
    for (const implementation of implementationsOf(classifier.program, declaration)) {
      const summary = loaderSummary(classifier, implementation, depth + 1);
      if (summary == null) continue;
      const name = declarationDisplayName(implementation);
      const described = {
        ...summary,
        chain: [name, ...summary.chain],
        ...(summary.staleSince == null ? {} : { staleSince: prefixChains(summary.staleSince, name) }),
      };
      found = found == null ? described : eitherLoad(found, described);
    }
    return found;
  }
  let found: LoaderSummary | undefined;
  const staleSince = new Map<AwaitKind, readonly string[]>();
  let handsOnReturned = false;
  const fieldsSet = new Set<string>();
  /** Joined by every read returned (an object the loader builds in memory joins nothing and does not count). */
  let relations: ReadonlySet<string> | undefined;
  for (const { expression, statement } of returnsOf(body)) {
    const load = loadOfExpression(classifier, expression, depth + 1, new Set());
    if (load == null) continue;
    found ??= load;
    const joined = load.relations ?? new Set<string>();
    relations = relations == null ? joined : new Set([...relations].filter((relation) => joined.has(relation)));
    if (load.staleSince != null) mergeAwaitSummary(staleSince, load.staleSince);
    if (load.handsOnReturned === true) handsOnReturned = true;
    for (const field of load.fieldsSet ?? []) fieldsSet.add(field);
    if (statement == null) continue;
    const between = readToReturn(classifier, body, statement);
    mergeAwaitSummary(staleSince, between.slowWaits);
    if (between.handedOn) handsOnReturned = true;
    for (const field of between.fieldsSet) fieldsSet.add(field);
  }
  if (found == null) return undefined;
  return {
    shape: found.shape,
    chain: found.chain,
    ...(staleSince.size === 0 ? {} : { staleSince }),
    ...(handsOnReturned ? { handsOnReturned: true as const } : {}),
    ...(fieldsSet.size === 0 ? {} : { fieldsSet: [...fieldsSet] }),
    ...(relations == null || relations.size === 0 ? {} : { relations }),
  };
}

const STALE_RETURN_KINDS: ReadonlySet<AwaitKind> = new Set(['network', 'timer']);

/**
 * `const d = await findById(id); … await rpc(…); … return d`: the network and timer waits after
 * the read of the returned variable that nothing undoes on the way to this return. A use that
 * hands the object on after a wait (`d.save()`, `repo.save(d)`, `notify({ d })`, `d = other`) may
 * refresh it, so the waits before that use are not counted; reading and setting its fields is not
 * such a use. Setting a field, or any such use, does change what the caller gets.
 */
function readToReturn(classifier: AwaitClassifier, body: ts.ConciseBody, statement: ts.ReturnStatement): { slowWaits: AwaitSummary; handedOn: boolean; fieldsSet: readonly string[] } {
  const none = { slowWaits: new Map(), handedOn: false, fieldsSet: [] };
  let returned = skipOuterExpressions(statement.expression as ts.Expression);
  if (ts.isAwaitExpression(returned)) returned = skipOuterExpressions(returned.expression);
  if (!ts.isIdentifier(returned)) return none;
  const symbol = classifier.checker.getSymbolAtLocation(returned);
  const declaration = symbol?.valueDeclaration;
  if (declaration == null || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return none;
  if (declaration.pos < body.pos || declaration.end > statement.pos) return none;
  const name = declaration.name.text;
  const from = declaration.end;
  const to = statement.getStart();
  const waits: ts.AwaitExpression[] = [];
  const handOffs: ts.Node[] = [];
  let handedOnAnywhere = false;
  // Kept under another name (a callback, an alias): it may be refreshed there at any later point.
  const kept = { retained: false };
  const fieldsSet: string[] = [];
  const visit = (node: ts.Node): void => {
    if (node.end <= from || node.pos >= to) return;
    if (ts.isFunctionLike(node)) {
      if (node.pos >= from && mentions(node, name)) {
        kept.retained = true;
        handedOnAnywhere = true;
      }
      return;
    }
    ts.forEachChild(node, visit);
    if (node.pos < from) return;
    if (ts.isAwaitExpression(node)) {
      if (!isOnAnotherBranch(node, statement) && !isInExitingBranch(node, body, statement)) waits.push(node);
    } else if (ts.isIdentifier(node) && node.text === name && node !== declaration.name && !isOnAnotherBranch(node, statement) && !isInExitingBranch(node, body, statement)) {
      const use = outermostWrapper(node);
      const handedOn = handsOn(use);
      const field = handedOn ? undefined : fieldWritten(use) ?? fieldChangedInside(use);
      const nodeSymbol = ts.isShorthandPropertyAssignment(node.parent) ? classifier.checker.getShorthandAssignmentValueSymbol(node.parent) : classifier.checker.getSymbolAtLocation(node);
      if ((handedOn || field !== undefined) && nodeSymbol === symbol) {
        if (handedOn || field === null) {
          handOffs.push(node);
          handedOnAnywhere = true;
        }
        if (handedOn && isAliased(use)) kept.retained = true;
        if (field != null) fieldsSet.push(field);
      }
    }
  };
  ts.forEachChild(body, visit);
  const slowWaits = new Map<AwaitKind, readonly string[]>();
  if (kept.retained) return { slowWaits, handedOn: true, fieldsSet };
  for (const wait of waits) {
    // Handed on during or after this wait, on every path from it: the object may have been refreshed since.
    if (handOffs.some((handOff) => handOff.pos >= wait.pos && runsWhenever(handOff, wait, statement))) continue;
    for (const [kind, chain] of classifier.classifyAwaited(wait.expression)) {
      if (STALE_RETURN_KINDS.has(kind)) mergeAwaitSummary(slowWaits, new Map([[kind, chain]]));
    }
  }
  return { slowWaits, handedOn: handedOnAnywhere, fieldsSet };
}

/**
 * Whether `node` runs on every path from `since` to `point`: no branch, catch, loop or short-circuit
 * between them, and no `try` block around both whose `catch` leads to `point` when `since` throws.
 */
function runsWhenever(node: ts.Node, since: ts.Node, point: ts.Node): boolean {
  let parent = node.parent;
  for (let child: ts.Node = node; !ts.isSourceFile(parent) && !holds(parent, since); child = parent, parent = parent.parent) {
    if (isConditionalPart(parent, child)) return false;
  }
  for (let around: ts.Node = parent; !ts.isSourceFile(around); around = around.parent) {
    const statement = around.parent;
    if (ts.isTryStatement(statement) && statement.tryBlock === around && statement.catchClause != null && !holds(around, point)) return false;
  }
  return true;
}

function isConditionalPart(parent: ts.Node, child: ts.Node): boolean {
  if (ts.isIfStatement(parent)) return child !== parent.expression;
  if (ts.isConditionalExpression(parent)) return child !== parent.condition;
  if (ts.isTryStatement(parent)) return child === parent.catchClause;
  if (ts.isCaseBlock(parent) || ts.isCatchClause(parent)) return true;
  // A do-while body runs at least once.
  if (ts.isIterationStatement(parent, false) && !ts.isDoStatement(parent)) return child === parent.statement;
  if (ts.isBinaryExpression(parent)) {
    const operator = parent.operatorToken.kind;
    return child === parent.right && (operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken);
  }
  return false;
}

/**
 * The field `d.f = v`, `d.f += n`, `d.f++`, `delete d.f` sets; `null` for a computed key; `undefined`
 * when the identifier is not the object of such a write.
 */
function fieldWritten(identifier: ts.Expression): string | null | undefined {
  const access = identifier.parent;
  if (!(ts.isPropertyAccessExpression(access) || ts.isElementAccessExpression(access)) || access.expression !== identifier) return undefined;
  const parent = access.parent;
  const writes = ts.isBinaryExpression(parent)
    ? parent.left === access && parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment
    : ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)
      ? parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken
      : ts.isDeleteExpression(parent);
  if (!writes) return undefined;
  if (ts.isPropertyAccessExpression(access)) return access.name.text;
  return ts.isStringLiteralLike(access.argumentExpression) ? access.argumentExpression.text : null;
}

/** `const other = d`, `other = d`: another name for the object. */
function isAliased(use: ts.Expression): boolean {
  const parent = use.parent;
  if (ts.isVariableDeclaration(parent)) return parent.initializer === use;
  return ts.isBinaryExpression(parent) && parent.right === use && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

/** Methods that change an array, a map or a set in place. */
const IN_PLACE_METHODS: ReadonlySet<string> = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'add', 'delete', 'clear']);

/**
 * `d.tags.push(x)`, `d.address.city = c`, `Object.assign(d.settings, …)`: a value inside field
 * `tags` (`address`, `settings`) changes in place, which the save writes as that field.
 */
function fieldChangedInside(use: ts.Expression): string | null | undefined {
  const access = use.parent;
  if (!(ts.isPropertyAccessExpression(access) || ts.isElementAccessExpression(access)) || access.expression !== use) return undefined;
  const field = ts.isPropertyAccessExpression(access) ? access.name.text : ts.isStringLiteralLike(access.argumentExpression) ? access.argumentExpression.text : null;
  let top: ts.Expression = access;
  while ((ts.isPropertyAccessExpression(top.parent) || ts.isElementAccessExpression(top.parent)) && top.parent.expression === top) top = top.parent;
  const parent = top.parent;
  let changed = false;
  if (top !== access && (ts.isPropertyAccessExpression(top) || ts.isElementAccessExpression(top)) && fieldWritten(top.expression) !== undefined) changed = true;
  else if (top !== access && ts.isCallExpression(parent) && parent.expression === top && ts.isPropertyAccessExpression(top) && IN_PLACE_METHODS.has(top.name.text)) changed = true;
  else if (ts.isCallExpression(parent) && parent.arguments[0] === top && ts.isPropertyAccessExpression(parent.expression) && parent.expression.name.text === 'assign' && ts.isIdentifier(parent.expression.expression) && parent.expression.expression.text === 'Object') changed = true;
  return changed ? field : undefined;
}

/** `d!`, `(d)`, `d as T`: the same object, used as what is around it is used. */
function outermostWrapper(identifier: ts.Identifier): ts.Expression {
  let node: ts.Expression = identifier;
  while (ts.isNonNullExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isTypeAssertionExpression(node.parent) || ts.isSatisfiesExpression(node.parent)) {
    node = node.parent;
  }
  return node;
}

/** Any use of the variable but a read or write of one of its fields, a null test, or `typeof`. */
function handsOn(identifier: ts.Expression): boolean {
  const parent = identifier.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === identifier) {
    // `d.save()`, `d.reload()`: a method of the object may write it back.
    return ts.isCallExpression(parent.parent) && parent.parent.expression === parent;
  }
  if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken) return false;
  if (ts.isTypeOfExpression(parent)) return false;
  if (ts.isBinaryExpression(parent)) {
    const operator = parent.operatorToken.kind;
    return !(operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsEqualsToken || operator === ts.SyntaxKind.EqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsToken || operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken);
  }
  if (ts.isIfStatement(parent) || ts.isConditionalExpression(parent) && parent.condition === identifier) return false;
  return true;
}

function mentions(node: ts.Node, name: string): boolean {
  if (ts.isIdentifier(node)) return node.text === name;
  return ts.forEachChild(node, (child) => mentions(child, name) || undefined) ?? false;
}

/** What a function body returns: each `return`'s value (not in functions inside it), or an arrow's expression. */
export function returnedExpressions(body: ts.ConciseBody): ts.Expression[] {
  return returnsOf(body).map((returned) => returned.expression);
}

/** The values a function body returns, each with its `return` statement (none for an expression body). */
function returnsOf(body: ts.ConciseBody): { expression: ts.Expression; statement?: ts.ReturnStatement }[] {
  if (!ts.isBlock(body)) return [{ expression: body }];
  const returned: { expression: ts.Expression; statement: ts.ReturnStatement }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression != null) returned.push({ expression: node.expression, statement: node });
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
    return eitherLoad(loadOfExpression(classifier, node.left, depth, visited), loadOfExpression(classifier, node.right, depth, visited));
  }
  if (ts.isConditionalExpression(node)) {
    return eitherLoad(loadOfExpression(classifier, node.whenTrue, depth, visited), loadOfExpression(classifier, node.whenFalse, depth, visited));
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

/** One of two loads: described by the first, with only the relations both join. */
function eitherLoad(first: LoaderSummary | undefined, second: LoaderSummary | undefined): LoaderSummary | undefined {
  if (first == null || second == null) return first ?? second;
  const { relations, ...rest } = first;
  const both = new Set([...(relations ?? [])].filter((relation) => second.relations?.has(relation) === true));
  return both.size === 0 ? rest : { ...rest, relations: both };
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
  let summaries = savers.get(declaration);
  if (summaries == null) {
    if (depth > MAX_DEPTH) return [];
    savers.set(declaration, []);
    summaries = computeSavers(classifier, declaration, depth, names);
    savers.set(declaration, summaries);
  }
  return summaries.every((saver) => saver.receiverParameterIndex == null)
    ? summaries
    : summaries.filter((saver) => saver.receiverParameterIndex == null || isRepositoryValue(classifier.checker, call.arguments[saver.receiverParameterIndex]));
}

/** A TypeORM repository (`Repository<E>`, a tree or Mongo one, a custom one extending them): its `save(entity)` takes the entity first. */
function isRepositoryValue(checker: ts.TypeChecker, argument: ts.Expression | undefined): boolean {
  if (argument == null) return false;
  const type = checker.getNonNullableType(checker.getTypeAtLocation(argument));
  if (type.flags & ts.TypeFlags.Any) return false;
  const save = checker.getPropertyOfType(type, 'save');
  return save?.declarations?.some((declaration) => {
    const owner = declaration.parent;
    return isTypeormFile(declaration.getSourceFile().fileName) && ts.isClassDeclaration(owner) && /^(?:Repository|TreeRepository|MongoRepository)$/.test(owner.name?.text ?? '');
  }) === true;
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
  const parameterNames = new Set(declaration.parameters.flatMap((parameter) => (ts.isIdentifier(parameter.name) ? [parameter.name.text] : [])));
  const parameterIndexOf = (expression: ts.Expression): number => {
    const node = skipOuterExpressions(expression);
    // The name first: a symbol query only for identifiers spelled like a parameter.
    if (!ts.isIdentifier(node) || !parameterNames.has(node.text)) return -1;
    const symbol = classifier.checker.getSymbolAtLocation(node);
    return symbol == null ? -1 : parameterSymbols.indexOf(symbol);
  };
  /** `p` → the parameter `p`; `p.contact` → the parameter's property `contact`. */
  const writtenPartOf = (expression: ts.Expression, relation?: string): { index: number; relation?: string } => {
    const node = skipOuterExpressions(expression);
    if (relation != null) return { index: parameterIndexOf(node), relation };
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) {
      const index = parameterIndexOf(node.expression);
      return index < 0 ? { index } : { index, relation: node.name.text };
    }
    return { index: parameterIndexOf(node) };
  };
  /** `p.customer = …` before the write: what is saved then is not the relation the caller passed in. */
  const replacedRelations = new Set<string>();
  /** Per written part (`0`, `0.customer`), the fields set on it so far (`p.f = …`, `p.customer.f += …`). */
  const fieldsSetOn = new Map<string, Set<string>>();
  const partKey = (index: number, relation: string | undefined): string => (relation == null ? String(index) : `${String(index)}.${relation}`);
  /** `p.save(x)` where `p` is a parameter typed `any`: that parameter's index. */
  const untypedRepositoryWrite = (call: ts.CallExpression): number | undefined => {
    const method = methodNameOfCall(call);
    if (method == null || !DIFFING_WRITE_METHODS.includes(method) || call.arguments.length === 0 || call.arguments.length > 2) return undefined;
    const receiver = receiverOf(call);
    const index = receiver == null ? -1 : parameterIndexOf(receiver);
    if (index < 0 || receiver == null) return undefined;
    return classifier.checker.getTypeAtLocation(receiver).flags & ts.TypeFlags.Any ? index : undefined;
  };
  /**
   * Parameters the body re-loads in a statement of its own (`await p.reload()`, `Object.assign(p,
   * await repo.findOneByOrFail({ id: p.id }))`), which runs on every path, with how many awaits
   * came before: what the function writes of them afterwards is the row as it is then, stale only
   * across the awaits after the re-load. (Not their relations: a re-load by the key leaves the
   * related objects the caller loaded as they were.)
   */
  const reloadedParameters = new Map<number, number>();
  const noteReload = (statement: ts.ExpressionStatement): void => {
    const expression = skipOuterExpressions(statement.expression);
    if (ts.isAwaitExpression(expression) && ts.isCallExpression(expression.expression)) {
      const call = expression.expression;
      const receiver = receiverOf(call);
      if (receiver != null && classifyTypeormCall(classifier.checker, call)?.kind === 'reload' && parameterIndexOf(receiver) >= 0) reloadedParameters.set(parameterIndexOf(receiver), awaitsSeen.length);
      return;
    }
    if (!ts.isCallExpression(expression) || expression.arguments.length !== 2) return;
    const callee = skipOuterExpressions(expression.expression);
    if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== 'Object' || callee.name.text !== 'assign') return;
    const [target, source] = expression.arguments as unknown as [ts.Expression, ts.Expression];
    const awaited = skipOuterExpressions(source);
    if (!ts.isAwaitExpression(awaited) || !ts.isCallExpression(awaited.expression)) return;
    const read = classifyTypeormCall(classifier.checker, awaited.expression);
    const index = parameterIndexOf(target);
    // The row itself, whole: read by the object's own key, with no `select`.
    if (index < 0 || read?.kind !== 'load' || read.loadShape !== 'one' || !read.method.endsWith('OrFail')) return;
    const criteria = awaited.expression.arguments[0];
    if (criteria == null || !readsWholeRowByKeyOf(criteria, target)) return;
    reloadedParameters.set(index, awaitsSeen.length);
  };
  const record = (part: { index: number; relation?: string }, chain: readonly string[], here: AwaitSummary, writeCall: ts.CallExpression, innerFields: readonly string[] = [], receiverParameterIndex?: number, inner: AwaitSummary = EMPTY_SUMMARY): void => {
    const { index, relation } = part;
    if (index < 0 || result.some((saver) => saver.parameterIndex === index && saver.relation === relation)) return;
    const reloadedAfter = relation == null ? reloadedParameters.get(index) : undefined;
    let before = new Map(here);
    if (reloadedAfter != null) {
      // Only the awaits after the re-load can leave the saved row stale; with none, the function
      // saves what it read itself, not what its caller passed.
      before = new Map();
      for (const node of awaitsSeen.slice(reloadedAfter)) mergeAwaitSummary(before, classifier.classifyAwaited(node.expression));
      if (before.size === 0 && inner.size === 0) return;
    }
    mergeAwaitSummary(before, inner);
    if (relation != null && replacedRelations.has(`${String(index)}.${relation}`)) return;
    const fieldsSet = new Set([...(fieldsSetOn.get(partKey(index, relation)) ?? []), ...innerFields]);
    result.push({
      parameterIndex: index,
      ...(relation == null ? {} : { relation }),
      chain: [name, ...chain],
      ...(fieldsSet.size === 0 ? {} : { fieldsSet: [...fieldsSet] }),
      awaitsBefore: before,
      writeCall,
      ...(receiverParameterIndex == null ? {} : { receiverParameterIndex }),
    });
  };
  /**
   * `p.f = v` or `p.rel.f = v`: the field set on that part, when `v` is a value of its own
   * (`p.status = 'sent'`), not one computed from what the caller loaded (`p.count = p.count + 1`,
   * or `+=`, which stay at risk: set from the stale value).
   */
  const noteFieldSet = (member: ts.PropertyAccessExpression, value: ts.Expression): void => {
    const owner = writtenPartOf(member.expression);
    const parameter = declaration.parameters[owner.index]?.name;
    // By name alone: a shadowing local counts too, which only keeps the field at risk.
    if (owner.index < 0 || parameter == null || !ts.isIdentifier(parameter) || mentions(value, parameter.text)) return;
    const key = partKey(owner.index, owner.relation);
    const fields = fieldsSetOn.get(key) ?? new Set<string>();
    fields.add(member.name.text);
    fieldsSetOn.set(key, fields);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    ts.forEachChild(node, visit);
    // Post-order: an await is complete once its operand (and any write inside it) has run.
    if (ts.isCallExpression(node)) {
      const typeorm = classifyIfDiffingWriteName(classifier.checker, node);
      const receiverIndex = typeorm == null ? untypedRepositoryWrite(node) : undefined;
      if (typeorm?.kind === 'diffing-write') {
        const entityExpressions = typeorm.entityArgumentIndex == null
          ? [receiverOf(node)].filter((receiver) => receiver != null)
          : entityExpressionsOf(node.arguments[typeorm.entityArgumentIndex]);
        for (const expression of entityExpressions) record(writtenPartOf(expression), [typeorm.method], awaitsBeforeHere(), node);
      } else if (receiverIndex != null) {
        // `repo.save(entity)` on a parameter typed `any`: a write where the caller passes a repository.
        for (const expression of entityExpressionsOf(node.arguments[0])) record(writtenPartOf(expression), [methodNameOfCall(node) ?? 'save'], awaitsBeforeHere(), node, [], receiverIndex);
      } else if (typeorm == null) {
        for (const saver of saversOfCall(classifier, node, depth + 1, names)) {
          // A write through an untyped parameter of the callee is followed one call deep only.
          if (saver.receiverParameterIndex != null) continue;
          const argument = node.arguments[saver.parameterIndex];
          if (argument == null) continue;
          for (const expression of entityExpressionsOf(argument)) record(writtenPartOf(expression, saver.relation), saver.chain, awaitsBeforeHere(), saver.writeCall, saver.fieldsSet, undefined, saver.awaitsBefore);
        }
      }
    } else if (ts.isAwaitExpression(node) && !isInExitingBranch(node, body)) {
      awaitsSeen.push(node);
    } else if (ts.isExpressionStatement(node) && node.parent === body) {
      noteReload(node);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) {
      noteFieldSet(node.left, node.right);
      const replaced = writtenPartOf(node.left);
      if (replaced.index >= 0 && replaced.relation != null) replacedRelations.add(`${String(replaced.index)}.${replaced.relation}`);
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
      if (!result.some((known) => known.parameterIndex === saver.parameterIndex && known.relation === saver.relation)) result.push({ ...saver, chain: [name, ...saver.chain] });
    }
  }
  return result;
}

/**
 * An await inside a block that always ends in `return` or `throw` (an early exit) cannot precede
 * code after that block: source order alone would count it. Given the `point` it must precede,
 * blocks that hold the point do not count, and nothing in a `try` block whose `catch` can lead to
 * the point is cut off (an await that throws lands there).
 */
function isInExitingBranch(node: ts.Node, body: ts.Node, point?: ts.Node): boolean {
  if (point != null) {
    for (let current = node.parent; current !== body && !ts.isSourceFile(current); current = current.parent) {
      const statement = current.parent;
      if (ts.isTryStatement(statement) && statement.tryBlock === current && statement.catchClause != null && !holds(current, point)) return false;
    }
  }
  for (let current = node.parent; current !== body && !ts.isSourceFile(current); current = current.parent) {
    if (ts.isBlock(current) && (point == null || !holds(current, point))) {
      const last = current.statements.at(-1);
      if (last != null && (ts.isReturnStatement(last) || ts.isThrowStatement(last))) return true;
    }
  }
  return false;
}

const EMPTY_SUMMARY: AwaitSummary = new Map();

/**
 * `{ id: p.id }` (or `{ where: { id: p.id } }` with no other option): the criteria name the
 * object's own key and nothing else selects columns, so the row read is the object's, whole.
 */
function readsWholeRowByKeyOf(criteria: ts.Expression, target: ts.Expression): boolean {
  const node = skipOuterExpressions(criteria);
  if (!ts.isObjectLiteralExpression(node) || node.properties.length === 0) return false;
  const where = node.properties.length === 1 && ts.isPropertyAssignment(node.properties[0] as ts.ObjectLiteralElement) ? (node.properties[0] as ts.PropertyAssignment) : undefined;
  if (where != null && ts.isIdentifier(where.name) && where.name.text === 'where') return readsWholeRowByKeyOf(where.initializer, target);
  const entity = skipOuterExpressions(target);
  return ts.isIdentifier(entity) && node.properties.every((property) => {
    if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) return false;
    const value = skipOuterExpressions(property.initializer);
    return ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === entity.text && value.name.text === property.name.text;
  });
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

