import ts from 'typescript';

import { methodNameOfCall } from '../calls/call-name-gates.js';
import { isTypeormFile, moduleOriginOfDeclaration } from '../calls/module-origin.js';

/**
 * What a TypeORM call does to the database, as far as races are concerned.
 * - `load`: returns entities read from a row (the start of a stale-save window).
 * - `diffing-write`: re-reads the row and writes every column that differs from the object
 *   (`save`, `remove`, `softRemove`, `recover`) — see docs/orm-facts.md.
 * - `atomic-write`: a single statement that writes only what it is given.
 * - `reload`: `entity.reload()` refreshes the object in place.
 * - `other`: any other TypeORM call (counting, query builders, transactions): database work.
 */
export type TypeormCallKind = 'load' | 'diffing-write' | 'atomic-write' | 'reload' | 'other';

/** The TypeORM class the method is declared on, as users know it. */
export type TypeormApi =
  | 'Repository'
  | 'EntityManager'
  | 'BaseEntity'
  | 'BaseEntity static'
  | 'SelectQueryBuilder'
  | 'UpdateQueryBuilder'
  | 'InsertQueryBuilder'
  | 'DeleteQueryBuilder'
  | 'SoftDeleteQueryBuilder'
  | 'QueryBuilder'
  | 'DataSource'
  | 'QueryRunner'
  | 'other';

/** How many entities a load returns, and where they sit in its result. */
export type LoadShape = 'one' | 'many' | 'many-and-count' | 'raw-and-entities';

export interface TypeormCall {
  kind: TypeormCallKind;
  api: TypeormApi;
  method: string;
  /** For loads: how the entities come back. */
  loadShape?: LoadShape;
  /** For diffing writes: the argument holding the entity (or array); `undefined` = the receiver. */
  entityArgumentIndex?: number;
  /** For EntityManager writes that name the target: the argument holding the entity class. */
  targetArgumentIndex?: number;
  /**
   * The project's override the call resolves to (`BotEntity.save`), when it calls TypeORM's method
   * of the same name through `super`: it does what that method does, and more of its own.
   */
  override?: string;
}

const LOADS: Readonly<Record<string, LoadShape>> = {
  findOne: 'one',
  findOneBy: 'one',
  findOneOrFail: 'one',
  findOneByOrFail: 'one',
  findOneById: 'one',
  preload: 'one',
  getOne: 'one',
  getOneOrFail: 'one',
  find: 'many',
  findBy: 'many',
  findByIds: 'many',
  getMany: 'many',
  findAndCount: 'many-and-count',
  findAndCountBy: 'many-and-count',
  getManyAndCount: 'many-and-count',
  getRawAndEntities: 'raw-and-entities',
  findTrees: 'many',
  findRoots: 'many',
  findDescendants: 'many',
  findAncestors: 'many',
};

/** The methods of TypeORM that load entities (on any API). */
export const LOAD_METHODS: readonly string[] = Object.keys(LOADS);

/** The methods of TypeORM that re-read a row and write back what differs (on any API). */
export const DIFFING_WRITE_METHODS: readonly string[] = ['save', 'remove', 'softRemove', 'recover'];

const DIFFING_WRITES = new Set(DIFFING_WRITE_METHODS);

const ATOMIC_WRITES = new Set([
  'update',
  'updateAll',
  'insert',
  'upsert',
  'increment',
  'decrement',
  'delete',
  'deleteAll',
  'softDelete',
  'restore',
  'query',
  'clear',
  'execute',
]);

const CLASS_APIS: Readonly<Record<string, TypeormApi>> = {
  Repository: 'Repository',
  TreeRepository: 'Repository',
  MongoRepository: 'Repository',
  EntityManager: 'EntityManager',
  MongoEntityManager: 'EntityManager',
  SqljsEntityManager: 'EntityManager',
  BaseEntity: 'BaseEntity',
  SelectQueryBuilder: 'SelectQueryBuilder',
  UpdateQueryBuilder: 'UpdateQueryBuilder',
  InsertQueryBuilder: 'InsertQueryBuilder',
  DeleteQueryBuilder: 'DeleteQueryBuilder',
  SoftDeleteQueryBuilder: 'SoftDeleteQueryBuilder',
  QueryBuilder: 'QueryBuilder',
  DataSource: 'DataSource',
  QueryRunner: 'QueryRunner',
};

/** The declaration a call resolves to, or undefined for `any`, unresolved or synthetic callees. */
export function resolvedDeclaration(
  checker: ts.TypeChecker,
  call: ts.CallLikeExpression,
): ts.Declaration | undefined {
  // A function or method without overloads: the call can only resolve to it, and finding that
  // out through the callee's symbol skips checking the arguments against the signature (for
  // TypeORM's generic find options, the bulk of a rule's cost).
  const declarations = calleeDeclarations(checker, call);
  if (declarations?.length === 1) return declarations[0];
  const applicable = typeormOverloadsFor(call, declarations);
  if (applicable?.length === 1) return applicable[0];
  const signature = checker.getResolvedSignature(call);
  return signature?.declaration ?? undefined;
}

/**
 * What the callee's symbol says the call may resolve to, without resolving the call.
 * `getResolvedSignature` type-checks the call with its arguments (contextually typing every
 * callback body in them), which is most of what a typed rule costs; the callee's symbol only
 * needs the receiver's type. When every declaration of that symbol is a function or method, the
 * resolved signature is one of them (an overload); for anything else (a property or variable of
 * a function type, an `any` or unresolved callee, a computed name) this returns undefined and
 * the caller must resolve.
 */
export function calleeDeclarations(
  checker: ts.TypeChecker,
  call: ts.CallLikeExpression,
): readonly ts.SignatureDeclaration[] | undefined {
  if (!ts.isCallExpression(call)) return undefined;
  let callee: ts.Expression = call.expression;
  while (ts.isParenthesizedExpression(callee) || ts.isNonNullExpression(callee)) callee = callee.expression;
  const name = ts.isPropertyAccessExpression(callee) ? callee.name : ts.isIdentifier(callee) ? callee : undefined;
  if (name == null) return undefined;
  let symbol = checker.getSymbolAtLocation(name);
  if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declarations = symbol?.declarations;
  if (declarations == null || declarations.length === 0) return undefined;
  const functions = declarations.filter(
    (declaration): declaration is ts.FunctionDeclaration | ts.MethodDeclaration | ts.MethodSignature =>
      ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration) || ts.isMethodSignature(declaration),
  );
  return functions.length === declarations.length ? functions : undefined;
}

/**
 * False only when the call certainly resolves to none of the declarations `accepts`: a cheap
 * gate in front of `getResolvedSignature` for the many calls (array methods, loggers, HTTP
 * clients) that no analysis needs resolved.
 */
export function callMayResolveTo(
  checker: ts.TypeChecker,
  call: ts.CallLikeExpression,
  accepts: (declaration: ts.Declaration) => boolean,
): boolean {
  const declarations = calleeDeclarations(checker, call);
  return declarations == null || declarations.some(accepts);
}

const isTypeormDeclaration = (declaration: ts.Declaration): boolean => isTypeormFile(declaration.getSourceFile().fileName);

/** A TypeORM method, or a function of the project (which may be summarised). */
export const isTypeormOrProjectDeclaration = (declaration: ts.Declaration): boolean =>
  isTypeormDeclaration(declaration) || moduleOriginOfDeclaration(declaration).kind === 'project';

/**
 * Classifies a call by the declaration TypeORM itself gives it. Custom repositories
 * (`extends Repository<E>`, `Repository.extend`, `dataSource.getRepository`, transaction
 * managers) all resolve their built-in methods to these declarations.
 */
export function classifyTypeormCall(
  checker: ts.TypeChecker,
  call: ts.CallExpression,
): TypeormCall | undefined {
  const candidates = calleeDeclarations(checker, call);
  if (candidates != null && !candidates.some(isTypeormDeclaration)) {
    const [only, ...others] = candidates;
    return only != null && others.length === 0 ? classifyBaseEntityOverride(checker, only) : undefined;
  }
  // `Repository#save` has four overloads that all take the entity first: when every overload
  // classifies the same way, which one the call resolves to does not matter. `EntityManager#save`
  // has six, two of which take the entity first; the others need a target and an entity, so a
  // one-argument `manager.save(entity)` can only be one of the two. Resolving the call instead
  // checks the argument against `DeepPartial<Entity>`: about 7 ms a call.
  const applicable = typeormOverloadsFor(call, candidates);
  if (applicable != null && applicable.length > 0) {
    const [first, ...others] = applicable.map(classifyTypeormDeclaration);
    if (first != null && others.every((other) => sameClassification(first, other))) return first;
  }
  const declaration = resolvedDeclaration(checker, call);
  if (declaration == null || !isTypeormFile(declaration.getSourceFile().fileName)) return undefined;
  return classifyTypeormDeclaration(declaration);
}

const overrides = new WeakMap<ts.Declaration, TypeormCall | null>();

/**
 * `entity.save()` on an entity whose class extends the project's own base class, which overrides
 * `save()` (to validate, to log) and calls `super.save()`: a diffing write like TypeORM's own.
 * `super` is followed into arrow functions (`new Promise((resolve) => … super.save() …)`), which
 * keep the method's.
 */
function classifyBaseEntityOverride(checker: ts.TypeChecker, declaration: ts.SignatureDeclaration): TypeormCall | undefined {
  if (!ts.isMethodDeclaration(declaration) || declaration.body == null || !ts.isIdentifier(declaration.name)) return undefined;
  const name = declaration.name.text;
  if (!DIFFING_WRITES.has(name) || (ts.getModifiers(declaration) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword)) return undefined;
  const cached = overrides.get(declaration);
  if (cached !== undefined) return cached ?? undefined;
  let found: TypeormCall | undefined;
  const visit = (node: ts.Node): void => {
    if (found != null || (ts.isFunctionLike(node) && !ts.isArrowFunction(node)) || ts.isClassLike(node)) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.expression.kind === ts.SyntaxKind.SuperKeyword && node.expression.name.text === name) {
      const inherited = resolvedDeclaration(checker, node);
      if (inherited != null && isTypeormDeclaration(inherited)) {
        const classified = classifyTypeormDeclaration(inherited);
        if (classified.kind === 'diffing-write' && classified.api === 'BaseEntity') {
          const owner = declaration.parent;
          found = { ...classified, override: `${ts.isClassLike(owner) && owner.name != null ? owner.name.text : 'BaseEntity'}.${name}` };
        }
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(declaration.body, visit);
  overrides.set(declaration, found ?? null);
  return found;
}

/**
 * `classifyTypeormCall` for a call that matters only if it is a diffing write: any other method
 * name (a presenter, a policy, `repo.update`) is settled without a type query.
 */
export function classifyIfDiffingWriteName(checker: ts.TypeChecker, call: ts.CallExpression): TypeormCall | undefined {
  const method = methodNameOfCall(call);
  return method == null || DIFFING_WRITES.has(method) ? classifyTypeormCall(checker, call) : undefined;
}

export function classifyTypeormDeclaration(declaration: ts.Declaration): TypeormCall {
  const method = declarationName(declaration);
  const owner = declaration.parent;
  const ownerName =
    (ts.isClassDeclaration(owner) || ts.isInterfaceDeclaration(owner)) && owner.name != null
      ? owner.name.text
      : undefined;
  let api: TypeormApi = ownerName == null ? 'other' : (CLASS_APIS[ownerName] ?? 'other');
  const isStatic =
    ts.canHaveModifiers(declaration) &&
    (ts.getModifiers(declaration) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword);
  if (api === 'BaseEntity' && isStatic) api = 'BaseEntity static';

  const loadShape = LOADS[method];
  if (loadShape != null && api !== 'BaseEntity') return { kind: 'load', api, method, loadShape };
  if (method === 'reload' && api === 'BaseEntity') return { kind: 'reload', api, method };
  if (DIFFING_WRITES.has(method) && !api.endsWith('QueryBuilder')) {
    if (api === 'BaseEntity') return { kind: 'diffing-write', api, method };
    // A declared `this:` parameter (BaseEntity statics) takes no argument.
    const parameters = ts.isFunctionLike(declaration)
      ? declaration.parameters.filter((parameter) => parameterName(parameter) !== 'this')
      : undefined;
    const entityIndex = parameters?.findIndex((parameter) =>
      /^(entity|entities|entityOrEntities)$/.test(parameterName(parameter)),
    );
    const targetIndex = parameters?.findIndex((parameter) => /^target/.test(parameterName(parameter)));
    return {
      kind: 'diffing-write',
      api,
      method,
      entityArgumentIndex: entityIndex == null || entityIndex < 0 ? 0 : entityIndex,
      ...(targetIndex != null && targetIndex >= 0 && targetIndex !== entityIndex
        ? { targetArgumentIndex: targetIndex }
        : {}),
    };
  }
  if (ATOMIC_WRITES.has(method)) return { kind: 'atomic-write', api, method };
  return { kind: 'other', api, method };
}

/**
 * The overloads of a TypeORM method that the call's argument count leaves; undefined unless every
 * declaration is TypeORM's. Only there: elsewhere TypeScript may also leave out a trailing
 * parameter typed `void` (or a type parameter instantiated to it), which the count cannot see.
 */
function typeormOverloadsFor(call: ts.CallLikeExpression, declarations: readonly ts.SignatureDeclaration[] | undefined): readonly ts.SignatureDeclaration[] | undefined {
  if (!ts.isCallExpression(call) || declarations?.every(isTypeormDeclaration) !== true) return undefined;
  return declarations.filter((declaration) => acceptsArgumentCount(declaration, call));
}

/** False when the call's argument count rules the signature out (spread arguments rule out nothing). */
function acceptsArgumentCount(declaration: ts.SignatureDeclaration, call: ts.CallExpression): boolean {
  if (call.arguments.some(ts.isSpreadElement)) return true;
  const parameters = declaration.parameters.filter((parameter) => parameterName(parameter) !== 'this');
  if (parameters.some((parameter) => parameter.dotDotDotToken != null)) return true;
  const required = parameters.filter((parameter) => parameter.questionToken == null && parameter.initializer == null).length;
  return call.arguments.length >= required && call.arguments.length <= parameters.length;
}

function sameClassification(a: TypeormCall, b: TypeormCall): boolean {
  return a.kind === b.kind && a.api === b.api && a.method === b.method && a.loadShape === b.loadShape &&
    a.entityArgumentIndex === b.entityArgumentIndex && a.targetArgumentIndex === b.targetArgumentIndex && a.override === b.override;
}

function declarationName(declaration: ts.Declaration): string {
  const name = (declaration as ts.NamedDeclaration).name;
  return name != null && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? name.text : '';
}

function parameterName(parameter: ts.ParameterDeclaration): string {
  return ts.isIdentifier(parameter.name) ? parameter.name.text : '';
}

/**
 * The callback of `dataSource.transaction(cb)` / `manager.transaction(level, cb)`: its first
 * parameter is a transactional EntityManager.
 */
export function isTransactionCall(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  if (!callMayResolveTo(checker, call, isTypeormDeclaration)) return false;
  const declaration = resolvedDeclaration(checker, call);
  if (declaration == null || !isTypeormFile(declaration.getSourceFile().fileName)) return false;
  return declarationName(declaration) === 'transaction';
}
