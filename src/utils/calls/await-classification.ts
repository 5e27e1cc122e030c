import ts from 'typescript';

import {
  declarationDisplayName,
  moduleOriginOfDeclaration,
  normalizeModuleName,
  type ModuleOrigin,
} from './module-origin.js';
import {
  DATABASE_MODULES,
  LOCAL_MODULES,
  matchesModuleList,
  NETWORK_MODULES,
  PASSTHROUGH_MODULES,
} from './module-lists.js';
import { entityMetadataOfType } from '../typeorm/entity-metadata.js';
import { calleeDeclarations } from '../typeorm/typeorm-calls.js';
import { implementationsOf } from './implementations.js';
import { dispatchedHandlers } from './in-process-dispatch.js';
import { onlyBeforeThrow, onlyBetweenRetries, onlyWhenNotReady } from './normal-paths.js';
import { dependsOnNetworkClient } from './package-dependencies.js';
import { requiredModuleOf } from './required-modules.js';

/**
 * What an awaited expression waits for.
 * - `network`: a known remote client (HTTP, LLM SDK, mail, payments), directly or through the
 *   project's own functions;
 * - `unknown`: a third-party call we cannot place, or a callee we cannot resolve (`any`,
 *   unresolved imports, interface methods without a body);
 * - `timer`: a sleep;
 * - `database`: TypeORM and other data stores;
 * - `local`: CPU or local work, or nothing asynchronous at all.
 */
export type AwaitKind = 'network' | 'unknown' | 'timer' | 'database' | 'local';

/**
 * The kinds from the strongest evidence of a slow wait to the weakest: a known remote call, a
 * sleep (certainly time passing, if not I/O), a call nobody could place, then database and local
 * work. A summary with several kinds is named by the first.
 */
export const AWAIT_KINDS: readonly AwaitKind[] = ['network', 'timer', 'unknown', 'database', 'local'];

/** Each kind an expression may wait for, with the chain of calls that shows why. */
export type AwaitSummary = ReadonlyMap<AwaitKind, readonly string[]>;

export interface ClassificationOptions {
  /** Extra packages whose calls are network I/O. */
  networkModules?: readonly string[];
  /** Extra packages whose calls are local work. */
  localModules?: readonly string[];
}

/**
 * Written other than by an assignment whose right side is the value: a destructuring target
 * (`[x] = list`, `({ x } = o)`), a loop variable (`for (x of list)`), `++`/`--`.
 */
function isWrittenOtherwise(node: ts.Expression): boolean {
  let current: ts.Node = node;
  while (ts.isParenthesizedExpression(current.parent)) current = current.parent;
  const parent = current.parent;
  if (ts.isArrayLiteralExpression(parent) || ts.isSpreadElement(parent) || ts.isShorthandPropertyAssignment(parent)) return true;
  if (ts.isPropertyAssignment(parent) && parent.initializer === current) return ts.isObjectLiteralExpression(parent.parent) && isAssignmentPattern(parent.parent);
  if ((ts.isForOfStatement(parent) || ts.isForInStatement(parent)) && parent.initializer === current) return true;
  return (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) && (parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken);
}

/** An object literal on the left of `=` (possibly nested in another pattern). */
function isAssignmentPattern(literal: ts.ObjectLiteralExpression): boolean {
  let current: ts.Node = literal;
  while (ts.isParenthesizedExpression(current.parent) || ts.isPropertyAssignment(current.parent) || ts.isObjectLiteralExpression(current.parent) || ts.isArrayLiteralExpression(current.parent)) current = current.parent;
  return ts.isBinaryExpression(current.parent) && current.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && current.parent.left === current;
}

/**
 * The values `scope` gives the variable or property `symbol`, named `text` (its initializer, and the right side
 * of each `=`, `??=`, `||=`, `&&=` to it), where `nameOf` picks the name a node refers to it by.
 * Undefined when it is also written another way (destructuring, a loop variable, `++`), whose value
 * is not one expression.
 */
function valuesAssignedIn(
  checker: ts.TypeChecker,
  scope: ts.Node,
  symbol: ts.Symbol,
  text: string,
  initializer: ts.Expression | undefined,
  nameOf: (node: ts.Node) => ts.Identifier | ts.PrivateIdentifier | undefined,
): ts.Expression[] | undefined {
  const values: ts.Expression[] = initializer == null ? [] : [initializer];
  const refersTo = (node: ts.Node): boolean => {
    const name = nameOf(node);
    return name != null && name.text === text && checker.getSymbolAtLocation(name) === symbol;
  };
  const found = { writtenOtherwise: false };
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && ASSIGNING_OPERATORS.has(node.operatorToken.kind)) {
      if (refersTo(skipOuterExpressions(node.left))) values.push(node.right);
    } else if ((ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) && isWrittenOtherwise(node) && refersTo(node)) {
      found.writtenOtherwise = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return found.writtenOtherwise ? undefined : values;
}

/** `=` and the logical assignments: each gives the target the right side's value. */
const ASSIGNING_OPERATORS: ReadonlySet<ts.SyntaxKind> = new Set([ts.SyntaxKind.EqualsToken, ts.SyntaxKind.QuestionQuestionEqualsToken, ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.AmpersandAmpersandEqualsToken]);

/** How deep the classifier follows the project's own calls before it gives up (`unknown`). */
const MAX_DEPTH = 32;

const EMPTY: AwaitSummary = new Map();
const LOCAL: AwaitSummary = new Map([['local', []]]);

interface ProgramClassifiers {
  byOptions: Map<string, AwaitClassifier>;
}

const classifiers = new WeakMap<ts.Program, ProgramClassifiers>();

/** One classifier per program and option set, so summaries are computed once per function. */
export function getAwaitClassifier(program: ts.Program, options: ClassificationOptions = {}): AwaitClassifier {
  let perProgram = classifiers.get(program);
  if (perProgram == null) {
    perProgram = { byOptions: new Map() };
    classifiers.set(program, perProgram);
  }
  const key = JSON.stringify([options.networkModules ?? [], options.localModules ?? []]);
  let classifier = perProgram.byOptions.get(key);
  if (classifier == null) {
    classifier = new AwaitClassifier(program, options);
    perProgram.byOptions.set(key, classifier);
  }
  return classifier;
}

export class AwaitClassifier {
  /** How many function bodies were summarised; each at most once per program. */
  readonly stats = { functionSummaries: 0 };

  private readonly summaries = new WeakMap<ts.Node, AwaitSummary>();
  private readonly inProgress = new Set<ts.Node>();
  private readonly networkModules: readonly string[];
  private readonly localModules: readonly string[];
  private depth = 0;
  private cycleHit = false;

  readonly checker: ts.TypeChecker;

  constructor(
    readonly program: ts.Program,
    options: ClassificationOptions,
  ) {
    this.checker = program.getTypeChecker();
    this.networkModules = [...NETWORK_MODULES, ...(options.networkModules ?? []).map(normalizeModuleName)];
    this.localModules = [...LOCAL_MODULES, ...(options.localModules ?? []).map(normalizeModuleName)];
  }

  /** What `await <expression>` waits for. */
  classifyAwaited(expression: ts.Expression): AwaitSummary {
    const summary = this.classifyExpression(expression, new Set());
    return summary.size === 0 ? new Map([['local', []]]) : summary;
  }

  /** What calling a function of the project (and awaiting its result) may wait for. */
  summarizeFunction(declaration: ts.SignatureDeclaration): AwaitSummary {
    const cached = this.summaries.get(declaration);
    if (cached != null) return cached;
    if (this.inProgress.has(declaration)) {
      this.cycleHit = true;
      return EMPTY;
    }
    if (this.depth >= MAX_DEPTH) {
      // Like a cycle: what the callers on this path conclude depends on where the walk started,
      // so none of them is final before the outermost one is.
      this.cycleHit = true;
      return new Map([['unknown', ['…']]]);
    }
    const outerCycleHit = this.cycleHit;
    this.cycleHit = false;
    this.inProgress.add(declaration);
    this.depth++;
    let summary: AwaitSummary;
    try {
      summary = this.summarizeBody(declaration);
    } finally {
      this.depth--;
      this.inProgress.delete(declaration);
    }
    // A summary that met a function still being summarised may be missing that function's
    // kinds; it is only final once the outermost function of the cycle is done.
    if (!this.cycleWasHit() || this.inProgress.size === 0) {
      this.summaries.set(declaration, summary);
      this.stats.functionSummaries++;
    }
    this.cycleHit ||= outerCycleHit;
    return summary;
  }

  /** Read through a method: the summary call above may have set it. */
  private cycleWasHit(): boolean {
    return this.cycleHit;
  }

  private summarizeBody(declaration: ts.SignatureDeclaration): AwaitSummary {
    const result = new Map<AwaitKind, readonly string[]>();
    const body = (declaration as ts.FunctionLikeDeclaration).body;
    if (body == null) return result;
    if (!ts.isBlock(body)) {
      mergeAwaitSummary(result, this.classifyExpression(body, new Set()));
      return result;
    }
    /** Only the awaits on the way to a normal return; a sleep between retries is no wait of a typical call. */
    const awaited = (node: ts.Node, expression: ts.Expression): void => {
      if (onlyBeforeThrow(node, body)) return;
      const classified = this.classifyExpression(expression, new Set());
      const summary = onlyWhenNotReady(node, body) ? asOnceOnly(classified) : classified;
      if (summary.has('timer') && onlyBetweenRetries(node, body)) {
        const withoutTimer = new Map(summary);
        withoutTimer.delete('timer');
        mergeAwaitSummary(result, withoutTimer);
        return;
      }
      mergeAwaitSummary(result, summary);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node)) return;
      if (ts.isAwaitExpression(node)) {
        awaited(node, node.expression);
      } else if (ts.isForOfStatement(node) && node.awaitModifier != null) {
        awaited(node, node.expression);
      } else if (ts.isReturnStatement(node) && node.expression != null) {
        const returned = this.classifyExpression(node.expression, new Set());
        mergeAwaitSummary(result, onlyWhenNotReady(node, body) ? asOnceOnly(returned) : returned);
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(body, visit);
    return result;
  }

  /** Every asynchronous thing an expression evaluates to, following promises held in consts. */
  private classifyExpression(expression: ts.Expression, visited: Set<ts.Node>): AwaitSummary {
    const node = skipOuterExpressions(expression);
    if (visited.has(node)) return EMPTY;
    visited.add(node);
    // `await import('./heavy.js')`: loading a module of the program is local work, not I/O.
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) return LOCAL;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) return this.classifyCall(node, visited);
    if (ts.isAwaitExpression(node)) return this.classifyExpression(node.expression, visited);
    if (ts.isConditionalExpression(node)) {
      return union(this.classifyExpression(node.whenTrue, visited), this.classifyExpression(node.whenFalse, visited));
    }
    if (ts.isBinaryExpression(node)) {
      return union(this.classifyExpression(node.left, visited), this.classifyExpression(node.right, visited));
    }
    if (ts.isArrayLiteralExpression(node)) {
      return node.elements.reduce<AwaitSummary>(
        (summary, element) => union(summary, this.classifyExpression(ts.isSpreadElement(element) ? element.expression : element, visited)),
        EMPTY,
      );
    }
    if (ts.isIdentifier(node)) return this.classifyIdentifier(node, visited);
    if (ts.isFunctionLike(node)) return this.summarizeInline(node);
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      if (!this.isDeclaredThenable(node)) return EMPTY;
      // `await user.roles`: a lazy relation of a TypeORM entity loads itself with one query.
      if (ts.isPropertyAccessExpression(node) && this.isEntityRelation(node)) return new Map([['database', [`${expressionLabel(node)} (lazy relation)`]]]);
      // `await this.settings`, a promise the class itself keeps: what its assignments started.
      const assigned = ts.isPropertyAccessExpression(node) ? this.valuesAssignedToOwnProperty(node) : undefined;
      if (assigned != null) return assigned.reduce<AwaitSummary>((summary, value) => union(summary, this.classifyExpression(value, visited)), EMPTY);
      // `await this.pending` or `await job.finished`: a promise made elsewhere. A value typed
      // `any` (`ctx.user`, an enum member of an unresolved import) is no evidence of a wait.
      return new Map([['unknown', [expressionLabel(node)]]]);
    }
    return EMPTY;
  }

  /**
   * Every value the program gives a property that only its class can assign — a `private`,
   * `#private` or `readonly` property of a class of the program: its initializer and each
   * `this.p = …` (or `??=`, `||=`, `&&=`) in the class. Undefined when there is none, or the property may be set
   * elsewhere.
   */
  private valuesAssignedToOwnProperty(access: ts.PropertyAccessExpression): ts.Expression[] | undefined {
    const symbol = this.checker.getSymbolAtLocation(access.name);
    const [declaration, ...others] = symbol?.declarations ?? [];
    if (declaration == null || others.length > 0 || !ts.isPropertyDeclaration(declaration) || !ts.isClassLike(declaration.parent)) return undefined;
    if (declaration.getSourceFile().isDeclarationFile) return undefined;
    const modifiers = ts.getCombinedModifierFlags(declaration);
    const ownOnly = ts.isPrivateIdentifier(declaration.name) || (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Readonly)) !== 0;
    if (!ownOnly) return undefined;
    const values = valuesAssignedIn(this.checker, declaration.parent, symbol as ts.Symbol, access.name.text, declaration.initializer, (node) => (ts.isPropertyAccessExpression(node) ? node.name : undefined));
    // A value handed in (a constructor parameter) was made by whoever passed it.
    if (values == null || values.length === 0 || values.some((value) => this.isParameterValue(value))) return undefined;
    return values;
  }

  private isParameterValue(value: ts.Expression): boolean {
    const node = skipOuterExpressions(value);
    return ts.isIdentifier(node) && this.isParameter(node);
  }

  /** A `const` holding a promise: classify what made it. */
  private classifyIdentifier(identifier: ts.Identifier, visited: Set<ts.Node>): AwaitSummary {
    const symbol = this.checker.getSymbolAtLocation(identifier);
    const declaration = symbol?.valueDeclaration;
    if (declaration != null && ts.isVariableDeclaration(declaration) && declaration.initializer != null) {
      const list = declaration.parent;
      if (ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.Const) {
        return this.classifyExpression(declaration.initializer, visited);
      }
    }
    if (declaration != null && ts.isParameter(declaration)) return EMPTY;
    return this.isDeclaredThenable(identifier) ? new Map([['unknown', [identifier.text]]]) : EMPTY;
  }

  private isEntityRelation(access: ts.PropertyAccessExpression): boolean {
    const metadata = entityMetadataOfType(this.checker, this.checker.getTypeAtLocation(access.expression));
    return metadata?.byProperty.get(access.name.text)?.kind === 'relation';
  }

  /**
   * Whether a call's result can carry promises to the call it is an argument of: a promise, an
   * array of promises (`Promise.all(ids.map((id) => client.get(id)))`), or an `any` list mapped
   * by a callback written in place. A plain value or an `any` result of anything else cannot.
   */
  private mayHandOverPromises(call: ts.CallExpression | ts.NewExpression): boolean {
    const type = this.checker.getTypeAtLocation(call);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return isArrayIterationWithCallback(call);
    if (type.getProperty('then') != null) return true;
    if (!this.checker.isArrayType(type) && !this.checker.isTupleType(type)) return false;
    return this.checker.getTypeArguments(type as ts.TypeReference).some((element) => (element.flags & ts.TypeFlags.Any) !== 0 || element.getProperty('then') != null);
  }

  /** A value whose type says it is a promise (or another thenable); `any` and `unknown` say nothing. */
  private isDeclaredThenable(node: ts.Node): boolean {
    const type = this.checker.getTypeAtLocation(node);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return false;
    return type.getProperty('then') != null;
  }

  private classifyCall(call: ts.CallExpression | ts.NewExpression, visited: Set<ts.Node>): AwaitSummary {
    const label = expressionLabel(call.expression);
    // Without overloads, the callee's symbol names the declaration; resolving the signature
    // would also check every argument (for an SDK's overloaded `create(params)`, inferring its
    // generics: the costliest query of a summary). Overloads declared together classify alike.
    const candidates = ts.isCallExpression(call) ? calleeDeclarations(this.checker, call) : undefined;
    // `adapter.score()` where `adapter: RealAdapter | MockAdapter`: any of them may run.
    const alternatives = candidates == null ? undefined : declarationsByOwner(candidates);
    if (alternatives != null && alternatives.length > 1) {
      let summary = EMPTY;
      for (const declaration of alternatives) summary = union(summary, this.classifyCallTo(call, declaration, label, visited));
      return summary;
    }
    const interchangeable = candidates != null && overloadsClassifyAlike(candidates) ? candidates[0] : undefined;
    const signature = interchangeable == null ? this.checker.getResolvedSignature(call) : undefined;
    const declaration = interchangeable ?? signature?.declaration;
    if (declaration == null || ts.isJSDocSignature(declaration)) {
      if (this.isCallToParameter(call)) return this.classifyArguments(call, visited);
      // `Promise.all(rows.map(async (row) => …))` over an `any` list: the callback is the work.
      if (isArrayIterationWithCallback(call)) return this.classifyArguments(call, visited);
      // `new Dto()` with an implicit constructor: nothing to wait for.
      if (ts.isNewExpression(call) && signature != null && !(this.checker.getTypeAtLocation(call).flags & ts.TypeFlags.Any)) {
        return this.classifyArguments(call, visited);
      }
      // The package may simply not be installed: its import still says which one it is.
      const importedFrom = this.importedModuleOf(call.expression);
      if (importedFrom != null) {
        const known = this.classifyByModule(importedFrom, displayLabel(label, importedFrom));
        if (known != null) return union(known, this.classifyArguments(call, visited));
      }
      return union(new Map([['unknown', [label]]]), this.classifyArguments(call, visited));
    }
    return this.classifyCallTo(call, declaration, label, visited);
  }

  private classifyCallTo(call: ts.CallExpression | ts.NewExpression, declaration: ts.SignatureDeclaration, label: string, visited: Set<ts.Node>): AwaitSummary {
    const origin = moduleOriginOfDeclaration(declaration);
    if (origin.kind === 'project') return this.classifyProjectCall(call, declaration, visited);
    return this.classifyLibraryCall(call, declaration, origin, label, visited);
  }

  private classifyProjectCall(
    call: ts.CallExpression | ts.NewExpression,
    declaration: ts.SignatureDeclaration,
    visited: Set<ts.Node>,
  ): AwaitSummary {
    const name = declarationDisplayName(declaration);
    const fromArguments = this.classifyArguments(call, visited);
    const implementation = this.implementationOf(declaration);
    if (implementation == null) {
      if (ts.isParameter(declaration.parent) || this.isCallToParameter(call)) return fromArguments;
      // An interface or abstract method: the implementation is chosen at run time, among the
      // program's classes that implement it (all of them, as far as what they wait for goes).
      const implementations = implementationsOf(this.program, declaration);
      if (implementations.length > 0) {
        let summary = EMPTY;
        for (const candidate of implementations) summary = union(summary, prefixChains(this.summarizeFunction(candidate), declarationDisplayName(candidate)));
        // Object literals can be built in more ways than the ones found: with no class among the
        // implementations, those found show what the call may do, never that it does nothing slow.
        if (implementations.every((candidate) => ts.isObjectLiteralExpression(candidate.parent) || ts.isPropertyAssignment(candidate.parent))) {
          summary = union(summary, new Map([['unknown', []]]));
        }
        return union(prefixChains(summary, name), fromArguments);
      }
      // None in the program, or a function-typed property: nobody can say.
      return union(new Map([['unknown', [name]]]), fromArguments);
    }
    const summary = this.summarizeFunction(implementation);
    return union(prefixChains(summary, name), fromArguments);
  }

  /** The declaration with a body: itself, or the implementation behind an overload signature. */
  private implementationOf(declaration: ts.SignatureDeclaration): ts.SignatureDeclaration | undefined {
    if ('body' in declaration && declaration.body != null) return declaration;
    if (!(ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) || declaration.name == null) return undefined;
    const symbol = this.checker.getSymbolAtLocation(declaration.name);
    return symbol?.declarations?.find(
      (candidate): candidate is ts.FunctionDeclaration | ts.MethodDeclaration =>
        (ts.isFunctionDeclaration(candidate) || ts.isMethodDeclaration(candidate)) && candidate.body != null,
    );
  }

  private classifyLibraryCall(
    call: ts.CallExpression | ts.NewExpression,
    declaration: ts.Declaration,
    origin: ModuleOrigin,
    label: string,
    visited: Set<ts.Node>,
  ): AwaitSummary {
    const functionName = declarationName(declaration);
    if (origin.kind === 'typescript-lib' || (origin.kind === 'package' && origin.name === 'node:globals')) {
      if (functionName === 'fetch') return new Map([['network', ['fetch']]]);
      if (TIMER_FUNCTIONS.has(functionName)) return new Map([['timer', [functionName]]]);
      return this.classifyPassthrough(call, visited);
    }
    if (origin.kind !== 'package') return EMPTY;
    const packageName = origin.name;
    const display = displayLabel(label, packageName);
    // A command bus or an event emitter runs the program's own handlers: they decide.
    const handlers = ts.isCallExpression(call) ? dispatchedHandlers(this.program, call, packageName, functionName) : undefined;
    if (handlers != null) {
      let summary = EMPTY;
      for (const handler of handlers) summary = union(summary, prefixChains(this.summarizeFunction(handler), declarationDisplayName(handler)));
      return union(prefixChains(summary, display), this.classifyArguments(call, visited));
    }
    if (matchesModuleList(packageName, PASSTHROUGH_MODULES)) return this.classifyPassthrough(call, visited);
    const known = this.classifyByModule(packageName, display);
    // `dataSource.transaction(async (manager) => …)`: the callback runs inside the await.
    if (known?.has('database') === true) return union(known, this.classifyInlineCallbacks(call));
    if (known != null) return known;
    // An unlisted SDK built on an HTTP client: a web API's.
    if (dependsOnNetworkClient(declaration.getSourceFile().fileName, packageName)) return union(new Map([['network', [display]]]), this.classifyArguments(call, visited));
    return union(new Map([['unknown', [display]]]), this.classifyArguments(call, visited));
  }

  /** What a call into a package costs, by the module lists; undefined for unlisted packages. */
  private classifyByModule(packageName: string, display: string): AwaitSummary | undefined {
    if (matchesModuleList(packageName, this.networkModules)) return new Map([['network', [display]]]);
    if (matchesModuleList(packageName, DATABASE_MODULES)) return new Map([['database', [display]]]);
    if (packageName === 'node:timers') return new Map([['timer', [display]]]);
    if (matchesModuleList(packageName, this.localModules)) return new Map([['local', [display]]]);
    return undefined;
  }

  /**
   * The module a callee was imported from, when its types are missing: `jwt.sign` with
   * `import jwt from 'jsonwebtoken'`, or `this.fido2.assertionResult` where `fido2: Fido2Lib`
   * and `Fido2Lib` is imported from `fido2-lib`.
   */
  private importedModuleOf(callee: ts.Expression): string | undefined {
    let root = skipOuterExpressions(callee);
    while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) {
      const fromDeclaredType = this.moduleOfDeclaredType(root.expression) ?? this.moduleOfAssignedValues(root.expression);
      if (fromDeclaredType != null) return fromDeclaredType;
      root = skipOuterExpressions(root.expression);
    }
    return ts.isIdentifier(root) ? this.moduleOfImportedSymbol(this.checker.getSymbolAtLocation(root)) : undefined;
  }

  /**
   * `let query: any = model.countDocuments(…)`, then `await query.exec()`: a local whose type says
   * nothing, given only what calls into one package return (`query = await model.find(…)` as
   * well). Its methods are that package's.
   */
  private moduleOfAssignedValues(receiver: ts.Expression): string | undefined {
    const node = skipOuterExpressions(receiver);
    if (!ts.isIdentifier(node)) return undefined;
    const symbol = this.checker.getSymbolAtLocation(node);
    const declaration = symbol?.valueDeclaration;
    if (declaration == null || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return undefined;
    if (!(this.checker.getTypeAtLocation(declaration.name).flags & ts.TypeFlags.Any)) return undefined;
    let scope: ts.Node = declaration;
    while (!ts.isSourceFile(scope) && !ts.isFunctionLike(scope)) scope = scope.parent;
    const values = valuesAssignedIn(this.checker, scope, symbol as ts.Symbol, node.text, declaration.initializer, (current) => (ts.isIdentifier(current) ? current : undefined));
    if (values == null) return undefined;
    let module: string | undefined;
    for (const value of values) {
      let made = skipOuterExpressions(value);
      if (ts.isAwaitExpression(made)) made = skipOuterExpressions(made.expression);
      if (!ts.isCallExpression(made) && !ts.isNewExpression(made)) return undefined;
      const callee = ts.isCallExpression(made) ? calleeDeclarations(this.checker, made)?.[0] ?? this.checker.getResolvedSignature(made)?.declaration : this.checker.getResolvedSignature(made)?.declaration;
      const origin = callee == null ? undefined : moduleOriginOfDeclaration(callee);
      if (origin?.kind !== 'package' || (module != null && origin.name !== module)) return undefined;
      module = origin.name;
    }
    return module;
  }

  private moduleOfDeclaredType(receiver: ts.Expression): string | undefined {
    const symbol = this.checker.getSymbolAtLocation(receiver);
    const declaration = symbol?.valueDeclaration;
    if (declaration == null) return undefined;
    const required = requiredModuleOf(declaration);
    if (required != null) return normalizeModuleName(required);
    const typeNode =
      ts.isPropertyDeclaration(declaration) || ts.isVariableDeclaration(declaration) || ts.isParameter(declaration) || ts.isPropertySignature(declaration)
        ? declaration.type
        : undefined;
    // `fido2: Fido2Lib | null` as well as `fido2: Fido2Lib`.
    const references = typeNode == null ? [] : ts.isUnionTypeNode(typeNode) ? typeNode.types : [typeNode];
    for (const reference of references) {
      if (!ts.isTypeReferenceNode(reference)) continue;
      const typeName = ts.isQualifiedName(reference.typeName) ? leftmost(reference.typeName) : reference.typeName;
      const module = this.moduleOfImportedSymbol(this.checker.getSymbolAtLocation(typeName));
      if (module != null) return module;
    }
    return undefined;
  }

  private moduleOfImportedSymbol(symbol: ts.Symbol | undefined): string | undefined {
    const declaration = symbol?.declarations?.[0];
    if (declaration == null) return undefined;
    const importDeclaration = ts.findAncestor(declaration, ts.isImportDeclaration);
    if (importDeclaration == null || !ts.isStringLiteral(importDeclaration.moduleSpecifier)) return undefined;
    const specifier = importDeclaration.moduleSpecifier.text;
    return specifier.startsWith('.') || specifier.startsWith('/') ? undefined : normalizeModuleName(specifier);
  }

  /** `Promise.all([...])`, `firstValueFrom(obs)`, `p.then(cb)`: the receiver and arguments decide. */
  private classifyPassthrough(call: ts.CallExpression | ts.NewExpression, visited: Set<ts.Node>): AwaitSummary {
    let summary = this.classifyArguments(call, visited);
    const callee = skipOuterExpressions(call.expression);
    if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
      summary = union(summary, this.classifyExpression(callee.expression, visited));
    }
    if (ts.isNewExpression(call) && isPromiseConstructor(callee)) {
      const executor = call.arguments?.[0];
      if (executor != null && ts.isFunctionLike(executor)) summary = union(summary, this.summarizeExecutor(executor));
    }
    return summary;
  }

  /**
   * What a call's arguments may make it wait for: callbacks it may call, and promises it may
   * await. An argument that is not a promise (`save(toEntity(dto))`, `send(payload as any)`) was
   * computed before the call and gives it nothing to wait for.
   */
  private classifyArguments(call: ts.CallExpression | ts.NewExpression, visited: Set<ts.Node>): AwaitSummary {
    let summary: AwaitSummary = EMPTY;
    for (const argument of call.arguments ?? []) {
      const inner = skipOuterExpressions(argument);
      if (ts.isFunctionLike(inner) || ts.isCallExpression(inner) || ts.isArrayLiteralExpression(inner) || ts.isIdentifier(inner) || ts.isNewExpression(inner)) {
        // A parameter holds nothing this function started (`classifyIdentifier` finds nothing in
        // it): known from its symbol, without asking for its type.
        if (ts.isIdentifier(inner) && this.isParameter(inner)) continue;
        if (ts.isIdentifier(inner) && !this.isDeclaredThenable(inner) && !this.isFunctionConst(inner)) continue;
        if ((ts.isCallExpression(inner) || ts.isNewExpression(inner)) && !this.mayHandOverPromises(inner)) continue;
        summary = union(summary, ts.isIdentifier(inner) && this.isFunctionConst(inner)
          ? this.summarizeConstFunction(inner)
          : this.classifyExpression(inner, visited));
      }
    }
    return summary;
  }

  private classifyInlineCallbacks(call: ts.CallExpression | ts.NewExpression): AwaitSummary {
    let summary: AwaitSummary = EMPTY;
    for (const argument of call.arguments ?? []) {
      const inner = skipOuterExpressions(argument);
      if (ts.isFunctionLike(inner)) summary = union(summary, this.summarizeInline(inner));
    }
    return summary;
  }

  private isParameter(identifier: ts.Identifier): boolean {
    const declaration = this.checker.getSymbolAtLocation(identifier)?.valueDeclaration;
    return declaration != null && ts.isParameter(declaration);
  }

  private isFunctionConst(identifier: ts.Identifier): boolean {
    const declaration = this.checker.getSymbolAtLocation(identifier)?.valueDeclaration;
    return declaration != null && ts.isVariableDeclaration(declaration) && declaration.initializer != null && ts.isFunctionLike(skipOuterExpressions(declaration.initializer));
  }

  private summarizeConstFunction(identifier: ts.Identifier): AwaitSummary {
    const declaration = this.checker.getSymbolAtLocation(identifier)?.valueDeclaration;
    const initializer = declaration != null && ts.isVariableDeclaration(declaration) ? declaration.initializer : undefined;
    return initializer == null ? EMPTY : this.summarizeInline(skipOuterExpressions(initializer) as ts.SignatureDeclaration);
  }

  /** A callback written in place: its awaits run when the callee calls it. */
  private summarizeInline(fn: ts.SignatureDeclaration): AwaitSummary {
    return this.summarizeFunction(fn);
  }

  /** `new Promise((resolve) => { http.get(url, …); setTimeout(resolve, ms) })`: every call counts. */
  private summarizeExecutor(executor: ts.SignatureDeclaration): AwaitSummary {
    const result = new Map<AwaitKind, readonly string[]>();
    const body = (executor as ts.FunctionLikeDeclaration).body;
    if (body == null) return result;
    // `new Promise((res) => { socket.write(frame); res(); })`: resolved as soon as it runs, so
    // the writes it starts are not waited for.
    if (resolvesAtOnce(executor, body)) return result;
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node)) return;
      if (ts.isCallExpression(node) && !this.isCallToParameter(node)) mergeAwaitSummary(result, this.classifyCall(node, new Set()));
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(body, visit);
    result.delete('local');
    return result;
  }

  /** `resolve(value)` or `callback()`: calling what the caller handed in costs nothing here. */
  private isCallToParameter(call: ts.CallExpression | ts.NewExpression): boolean {
    const callee = skipOuterExpressions(call.expression);
    if (!ts.isIdentifier(callee)) return false;
    const declaration = this.checker.getSymbolAtLocation(callee)?.valueDeclaration;
    return declaration != null && ts.isParameter(declaration);
  }
}

/**
 * Overloads of one function or method, declared side by side: whichever the call resolves to,
 * it has the same name, module and implementation, which is all classification looks at.
 */
/**
 * One declaration per class or interface that declares the called method, when a union-typed
 * receiver makes several of them candidates; overloads of one owner count once.
 */
function declarationsByOwner(declarations: readonly ts.SignatureDeclaration[]): ts.SignatureDeclaration[] {
  const byOwner = new Map<ts.Node, ts.SignatureDeclaration>();
  for (const declaration of declarations) if (!byOwner.has(declaration.parent)) byOwner.set(declaration.parent, declaration);
  return [...byOwner.values()];
}

function overloadsClassifyAlike(declarations: readonly ts.SignatureDeclaration[]): boolean {
  const [first, ...others] = declarations;
  return first != null && others.every((other) => other.parent === first.parent && other.getSourceFile() === first.getSourceFile());
}

/** `axios.post`, `setTimeout`, `client.send (@aws-sdk/client-s3)`: the package named once. */
function displayLabel(label: string, packageName: string): string {
  const shortName = packageName.replace(/^node:/, '').split('/').at(-1);
  if (label.split('.')[0] === shortName) return label;
  if (packageName.startsWith('node:') && !label.includes('.')) return label;
  return `${label} (${packageName})`;
}

const TIMER_FUNCTIONS = new Set(['setTimeout', 'setInterval', 'setImmediate']);

/** Array methods that call their callback for each element. */
const ARRAY_ITERATION_METHODS: ReadonlySet<string> = new Set(['map', 'flatMap', 'forEach', 'filter', 'reduce', 'some', 'every', 'find', 'findIndex']);

/** An executor whose body calls its `resolve` parameter as a statement of its own. */
function resolvesAtOnce(executor: ts.SignatureDeclaration, body: ts.Node): boolean {
  const resolve = executor.parameters[0]?.name;
  if (resolve == null || !ts.isIdentifier(resolve) || !ts.isBlock(body)) return false;
  return body.statements.some((statement) =>
    ts.isExpressionStatement(statement) && ts.isCallExpression(statement.expression) && ts.isIdentifier(statement.expression.expression) && statement.expression.expression.text === resolve.text,
  );
}

/** `list.map(async (x) => …)`: an array iteration handed a callback written in place. */
function isArrayIterationWithCallback(call: ts.CallExpression | ts.NewExpression): boolean {
  const callee = skipOuterExpressions(call.expression);
  return ts.isCallExpression(call) && ts.isPropertyAccessExpression(callee) && ARRAY_ITERATION_METHODS.has(callee.name.text)
    && call.arguments.some((argument) => ts.isFunctionLike(skipOuterExpressions(argument)));
}

function isPromiseConstructor(callee: ts.Expression): boolean {
  return ts.isIdentifier(callee) && callee.text === 'Promise';
}

function declarationName(declaration: ts.Declaration): string {
  const name = (declaration as ts.NamedDeclaration).name;
  return name != null && ts.isIdentifier(name) ? name.text : '';
}

export function skipOuterExpressions(expression: ts.Expression): ts.Expression {
  let current = expression;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isTypeAssertionExpression(current) ||
      ts.isSatisfiesExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** `this.llm.chat.completions.create` → `llm.chat.completions.create`. */
export function expressionLabel(expression: ts.Expression): string {
  const text = skipOuterExpressions(expression)
    .getText()
    .replace(/\s+/g, '')
    .replace(/^this\./, '')
    .replace(/\?\./g, '.');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function leftmost(name: ts.QualifiedName): ts.Identifier {
  let current: ts.EntityName = name;
  while (ts.isQualifiedName(current)) current = current.left;
  return current;
}

/** A callee's summary as its caller sees it: each chain (but local work's) starts at the callee. */
export function prefixChains(summary: AwaitSummary, name: string): AwaitSummary {
  const result = new Map<AwaitKind, readonly string[]>();
  for (const [kind, chain] of summary) {
    if (kind === 'local') {
      result.set(kind, chain);
    } else {
      const prefixed = [name, ...chain];
      if (onceOnlyChains.has(chain)) onceOnlyChains.add(prefixed);
      result.set(kind, prefixed);
    }
  }
  return result;
}

/**
 * Chains through a step that runs only until something is ready: `if (!client.isReady()) await
 * client.connect()`, a cache filled on a miss. The wait is real the first time, so the kind
 * stands; but a reader is better served by a chain every call takes, when there is one.
 */
const onceOnlyChains = new WeakSet<readonly string[]>();

export function isOnceOnlyChain(chain: readonly string[]): boolean {
  return onceOnlyChains.has(chain);
}

function asOnceOnly(summary: AwaitSummary): AwaitSummary {
  const result = new Map<AwaitKind, readonly string[]>();
  for (const [kind, chain] of summary) {
    const copy = [...chain];
    if (kind !== 'local') onceOnlyChains.add(copy);
    result.set(kind, copy);
  }
  return result;
}

/** The first chain of each kind, unless a later one is taken on every call and the first is not. */
export function mergeAwaitSummary(target: Map<AwaitKind, readonly string[]>, source: AwaitSummary): void {
  for (const [kind, chain] of source) {
    const current = target.get(kind);
    if (current == null || (onceOnlyChains.has(current) && !onceOnlyChains.has(chain))) target.set(kind, chain);
  }
}

function union(a: AwaitSummary, b: AwaitSummary): AwaitSummary {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  const result = new Map(a);
  mergeAwaitSummary(result, b);
  return result;
}

/** The kinds a summary may wait for that open a window, in the order of `AWAIT_KINDS`. */
export function windowKindsOf(summary: AwaitSummary, windowKinds: ReadonlySet<AwaitKind>): AwaitKind[] {
  return AWAIT_KINDS.filter((kind) => windowKinds.has(kind) && summary.has(kind));
}
