import ts from 'typescript';

import { skipOuterExpressions } from '../calls/await-classification.js';
import { methodNameOfCall, namesReaching } from '../calls/call-name-gates.js';
import { packageOfDeclaration } from '../locks/lock-calls.js';
import { declarationDisplayName, moduleOriginOfDeclaration, normalizeModuleName } from '../calls/module-origin.js';
import { isDrizzleTransaction } from '../drizzle/drizzle-calls.js';
import { isPrismaInteractiveTransaction } from '../prisma/prisma-calls.js';
import { callMayResolveTo, isTransactionCall, resolvedDeclaration } from '../typeorm/typeorm-calls.js';

/** A call that runs some of its function arguments inside a transaction. */
export interface TransactionRunner {
  /** The arguments, by index, that run inside the transaction. */
  callbackIndexes: ReadonlySet<number>;
  /**
   * How: `['transaction']` for TypeORM itself, `['TransactionBaseService.atomicPhase_', 'transaction']`
   * for a wrapper of the project.
   */
  chain: readonly string[];
}

/** Functions of packages that run a callback argument in a transaction they open (or join). */
const PACKAGE_RUNNERS: readonly { module: string; name: string; callback: 'first' | 'last' }[] = [
  // `runInTransaction(fn, options?)`
  { module: 'typeorm-transactional', name: 'runInTransaction', callback: 'first' },
  // `withTransaction(work)`, `withTransaction(ctx, work)`
  { module: '@vendure/core', name: 'withTransaction', callback: 'last' },
];

/** How many project wrappers deep a runner is followed (`atomicPhase_` → `withRetry` → `transaction`). */
const MAX_DEPTH = 6;

const wrapperCaches = new WeakMap<ts.TypeChecker, WeakMap<ts.Node, TransactionRunner | null>>();

/**
 * Whether a call runs a function it is given inside a transaction, and which: TypeORM's
 * `dataSource.transaction(cb)` / `manager.transaction(level, cb)`, Prisma's interactive
 * `prisma.$transaction(cb)`, drizzle's `db.transaction(cb)`, typeorm-transactional's
 * `runInTransaction(cb)`, Vendure's `connection.withTransaction(ctx, cb)`, or a function of the
 * project that hands its callback parameter to one of those (or calls it inside one).
 */
export function transactionRunnerOf(
  checker: ts.TypeChecker,
  call: ts.CallExpression,
  depth = 0,
  runnerNames?: ReadonlySet<string>,
): TransactionRunner | undefined {
  const last = call.arguments.length - 1;
  if (last < 0) return undefined;
  const method = runnerNames == null ? undefined : methodNameOfCall(call);
  if (method != null && runnerNames?.has(method) === false) return undefined;
  if (!callMayResolveTo(checker, call, mayBeRunner)) return undefined;
  if (isTransactionCall(checker, call)) return { callbackIndexes: new Set([last]), chain: ['transaction'] };
  // Prisma's `$transaction(async (tx) => …, options?)` and drizzle's `db.transaction(async (tx) => …, config?)`.
  if (isPrismaInteractiveTransaction(checker, call)) return { callbackIndexes: new Set([0]), chain: ['$transaction'] };
  if (isDrizzleTransaction(checker, call)) return { callbackIndexes: new Set([0]), chain: ['transaction'] };
  const declaration = resolvedDeclaration(checker, call);
  if (declaration == null) {
    // The package may not be installed: its import still names it.
    const callee = skipOuterExpressions(call.expression);
    const imported = ts.isIdentifier(callee) ? importOf(checker, callee) : undefined;
    return imported == null ? undefined : packageRunner(imported.module, imported.name, last);
  }
  const pkg = packageOfDeclaration(declaration);
  if (pkg != null) return packageRunner(pkg, declarationName(declaration), last);
  if (moduleOriginOfDeclaration(declaration).kind !== 'project' || !ts.isFunctionLike(declaration)) return undefined;
  if (!call.arguments.some((argument) => mayBeFunction(skipOuterExpressions(argument)))) return undefined;
  return wrapperSummary(checker, declaration, depth);
}

/**
 * `@Transactional()` (typeorm-transactional, and decorators of that name from other packages) or
 * Vendure's `@Transaction()`, when it runs the method in a transaction: not for propagations that
 * may run it without one (`NEVER`, `NOT_SUPPORTED`, `SUPPORTS`), nor Vendure's `'manual'` mode.
 */
export function transactionalDecoratorOf(checker: ts.TypeChecker, decorators: readonly ts.Decorator[]): ts.Decorator | undefined {
  for (const decorator of decorators) {
    let expression = skipOuterExpressions(decorator.expression);
    let args: readonly ts.Expression[] = [];
    if (ts.isCallExpression(expression)) {
      args = expression.arguments;
      expression = skipOuterExpressions(expression.expression);
    }
    const identifier = ts.isIdentifier(expression) ? expression : ts.isPropertyAccessExpression(expression) ? expression.name : undefined;
    if (identifier == null || !ts.isIdentifier(identifier)) continue;
    // `@Get()`, `@UseGuards()`, …: settled by the file's imports, without resolving the symbol.
    if (!transactionDecoratorNames(identifier.getSourceFile()).has(identifier.text)) continue;
    const imported = ts.isIdentifier(expression) ? importOf(checker, expression) : undefined;
    const name = imported?.name ?? identifier.text;
    if (name === 'Transactional') {
      if (args.some((argument) => NON_TRANSACTIONAL_PROPAGATION.test(argument.getText()))) return undefined;
      return decorator;
    }
    if (name === 'Transaction' && imported?.module === '@vendure/core') {
      if (args.some((argument) => /manual/.test(argument.getText()))) return undefined;
      return decorator;
    }
  }
  return undefined;
}

const TRANSACTION_DECORATORS = ['Transactional', 'Transaction'];
const decoratorNamesByFile = new WeakMap<ts.SourceFile, ReadonlySet<string>>();

/** The names a transaction decorator can have in a file: its own names and their import aliases. */
function transactionDecoratorNames(file: ts.SourceFile): ReadonlySet<string> {
  let names = decoratorNamesByFile.get(file);
  if (names == null) {
    const found = new Set(TRANSACTION_DECORATORS);
    for (const statement of file.statements) {
      const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : undefined;
      if (bindings == null || !ts.isNamedImports(bindings)) continue;
      for (const specifier of bindings.elements) {
        if (specifier.propertyName != null && TRANSACTION_DECORATORS.includes(specifier.propertyName.text)) found.add(specifier.name.text);
      }
    }
    names = found;
    decoratorNamesByFile.set(file, names);
  }
  return names;
}

/**
 * Method names a transaction runner can have in this program: `transaction`, the package runners,
 * and every function of the project that calls one of those, directly or through others.
 * `transactionRunnerOf` takes it to rule out `receiver.method(cb)` calls without a type query.
 */
export function transactionRunnerNames(program: ts.Program): ReadonlySet<string> {
  return namesReaching(program, RUNNER_SEEDS);
}

const RUNNER_SEEDS = ['transaction', '$transaction', ...PACKAGE_RUNNERS.map((runner) => runner.name)];

/** TypeORM's, drizzle's or Prisma's `transaction`, a package runner, or a function of the project that may wrap one. */
function mayBeRunner(declaration: ts.Declaration): boolean {
  const name = declarationName(declaration);
  return name === 'transaction' || name === '$transaction' || PACKAGE_RUNNERS.some((runner) => runner.name === name) || moduleOriginOfDeclaration(declaration).kind === 'project';
}

/** Propagations under which a `@Transactional()` method may run without a transaction. */
const NON_TRANSACTIONAL_PROPAGATION = /\b(?:NEVER|Never|NOT_SUPPORTED|NotSupported|SUPPORTS|Supports)\b/;

function packageRunner(module: string, name: string, last: number): TransactionRunner | undefined {
  const runner = PACKAGE_RUNNERS.find((candidate) => candidate.module === module && candidate.name === name);
  if (runner == null) return undefined;
  return { callbackIndexes: new Set([runner.callback === 'first' ? 0 : last]), chain: [name] };
}

/** Which callback parameters a function of the project runs inside a transaction. */
function wrapperSummary(checker: ts.TypeChecker, declaration: ts.SignatureDeclaration, depth: number): TransactionRunner | undefined {
  let cache = wrapperCaches.get(checker);
  if (cache == null) {
    cache = new WeakMap();
    wrapperCaches.set(checker, cache);
  }
  const implementation = implementationOf(checker, declaration);
  if (implementation?.body == null) return undefined;
  const cached = cache.get(implementation);
  if (cached !== undefined) return cached ?? undefined;
  if (depth >= MAX_DEPTH) return undefined;
  cache.set(implementation, null); // a recursive wrapper is judged by its other calls
  const computed = computeWrapper(checker, implementation, depth);
  cache.set(implementation, computed ?? null);
  return computed;
}

function computeWrapper(checker: ts.TypeChecker, fn: ts.FunctionLikeDeclaration, depth: number): TransactionRunner | undefined {
  const body = fn.body;
  if (body == null) return undefined;
  const parameterIndex = new Map<ts.Symbol, number>();
  fn.parameters.forEach((parameter, index) => {
    if (!ts.isIdentifier(parameter.name)) return;
    const symbol = checker.getSymbolAtLocation(parameter.name);
    if (symbol != null && checker.getTypeAtLocation(parameter).getCallSignatures().length > 0) parameterIndex.set(symbol, index);
  });
  if (parameterIndex.size === 0) return undefined;

  // Local functions (`const doWork = async (m) => …`) and every call in the body.
  const localFunctions = new Map<ts.Symbol, ts.Node>();
  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) calls.push(node);
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer != null && ts.isFunctionLike(skipOuterExpressions(node.initializer))) {
      const symbol = checker.getSymbolAtLocation(node.name);
      if (symbol != null) localFunctions.set(symbol, skipOuterExpressions(node.initializer));
    } else if (ts.isFunctionDeclaration(node) && node.name != null && node.body != null) {
      const symbol = checker.getSymbolAtLocation(node.name);
      if (symbol != null) localFunctions.set(symbol, node);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);

  /** Functions that run inside a transaction, with the chain of the call that runs them. */
  const regions = new Map<ts.Node, readonly string[]>();
  const indexes = new Set<number>();
  let chain: readonly string[] | undefined;
  const symbolOf = (expression: ts.Expression): ts.Symbol | undefined => {
    const node = skipOuterExpressions(expression);
    return ts.isIdentifier(node) ? checker.getSymbolAtLocation(node) : undefined;
  };
  /** `fn` runs in a transaction (through `via`): a parameter, a local function, or an inline one. */
  const runsInTransaction = (fnExpression: ts.Expression, via: readonly string[]): boolean => {
    const node = skipOuterExpressions(fnExpression);
    if (ts.isFunctionLike(node)) {
      if (regions.has(node)) return false;
      regions.set(node, via);
      return true;
    }
    const symbol = symbolOf(node);
    if (symbol == null) return false;
    const index = parameterIndex.get(symbol);
    if (index != null) {
      indexes.add(index);
      chain ??= via;
      return false;
    }
    const local = localFunctions.get(symbol);
    if (local == null || regions.has(local)) return false;
    regions.set(local, via);
    return true;
  };
  for (const call of calls) {
    const runner = transactionRunnerOf(checker, call, depth + 1);
    if (runner == null) continue;
    for (const index of runner.callbackIndexes) {
      const argument = call.arguments[index];
      if (argument != null) runsInTransaction(argument, runner.chain);
    }
  }
  // A parameter or local function called inside a transaction's callback runs in that transaction.
  for (let changed = regions.size > 0; changed; ) {
    changed = false;
    for (const call of calls) {
      const via = regionOf(call, regions, fn);
      if (via != null && runsInTransaction(call.expression, via)) changed = true;
    }
  }
  if (indexes.size === 0 || chain == null) return undefined;
  return { callbackIndexes: indexes, chain: [declarationDisplayName(fn), ...chain] };
}

/** The chain of the transaction region a node is inside, if any (within `fn`). */
function regionOf(node: ts.Node, regions: ReadonlyMap<ts.Node, readonly string[]>, fn: ts.Node): readonly string[] | undefined {
  for (let current = node.parent; current !== fn; current = current.parent) {
    const via = regions.get(current);
    if (via != null) return via;
  }
  return undefined;
}

function mayBeFunction(node: ts.Expression): boolean {
  return ts.isFunctionLike(node) || ts.isIdentifier(node) || ts.isPropertyAccessExpression(node);
}

/** The declaration with a body: itself, or the implementation behind an overload signature. */
function implementationOf(checker: ts.TypeChecker, declaration: ts.SignatureDeclaration): ts.FunctionLikeDeclaration | undefined {
  if ('body' in declaration && declaration.body != null) return declaration;
  if (!(ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) || declaration.name == null) return undefined;
  return checker.getSymbolAtLocation(declaration.name)?.declarations?.find(
    (candidate): candidate is ts.FunctionDeclaration | ts.MethodDeclaration =>
      (ts.isFunctionDeclaration(candidate) || ts.isMethodDeclaration(candidate)) && candidate.body != null,
  );
}

/** `import { runInTransaction as run } from 'typeorm-transactional'` → the module and `runInTransaction`. */
function importOf(checker: ts.TypeChecker, identifier: ts.Identifier): { module: string; name: string } | undefined {
  const declaration = checker.getSymbolAtLocation(identifier)?.declarations?.[0];
  if (declaration == null || !ts.isImportSpecifier(declaration)) return undefined;
  const importDeclaration = declaration.parent.parent.parent;
  if (!ts.isStringLiteral(importDeclaration.moduleSpecifier)) return undefined;
  const specifier = importDeclaration.moduleSpecifier.text;
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  return { module: normalizeModuleName(specifier), name: (declaration.propertyName ?? declaration.name).text };
}

function declarationName(declaration: ts.Declaration): string {
  const name = (declaration as ts.NamedDeclaration).name;
  return name != null && ts.isIdentifier(name) ? name.text : '';
}
