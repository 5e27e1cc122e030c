import ts from 'typescript';

import { enclosingTsFunction } from '../ast/functions.js';
import { skipOuterExpressions } from '../calls/await-classification.js';
import { methodNameOfCall } from '../calls/call-name-gates.js';
import { isTestFile } from '../calls/module-origin.js';
import { entityMetadataOfType, type ColumnMetadata, type EntityMetadata } from './entity-metadata.js';
import { classifyTypeormCall, type TypeormApi } from './typeorm-calls.js';

/**
 * Which properties of a row the program may change once the row is in the database. A stale
 * `save()` can only revert a column some other code changes meanwhile: when every column it would
 * write back stale is one the program never changes after the insert (an event log's payload, a
 * record's creator), the save loses nothing.
 *
 * The answer is a may-write set over the whole program, read once per program, and it errs towards
 * "may change": any write whose target could hold the row counts (an `any`, a supertype, an
 * interface the row satisfies), and so does every write whose properties cannot be told (an
 * `update(id, dto)` of a generic or `any` DTO, a computed key, raw SQL `UPDATE` of unknown text). What it
 * does not count: writes to an object the same function has just created and not yet handed to
 * any call (an insert being built), writes in constructors, in tests and in migrations.
 *
 * A program that uses a generic admin or CRUD package (AdminJS, `@nestjsx/crud`) may change any
 * column through it: there every column may change.
 */

type PropertyWrite =
  /**
   * `target.p = v`, `target.p++`, `delete target.p`: p of whatever target holds. `nested`: the
   * write changes a value inside p (`target.p.q = v`, `target.p.push(v)`), which counts only when
   * target is typed (through an `any` it would be a property of a string or a number, were it a row).
   */
  | { kind: 'member'; target: ts.Expression; nested?: boolean }
  /**
   * A key of an object literal handed to a TypeORM write (`update(id, { p })`): p of a row of
   * `entity` (the repository's, the class named), or of any row when that is not known.
   */
  | { kind: 'row-of'; entity?: ts.Type };

/** A write of every property `source` has (`update(id, dto)`, `Object.assign(row, dto)`). */
interface SourceWrite {
  /** The object written, when it is named (`Object.assign(row, …)`); otherwise any row (of `entity`, when known). */
  target?: ts.Expression;
  entity?: ts.Type;
  /** Undefined: every property (a computed key that may name any). */
  source?: ts.Expression;
  /**
   * The source is an object this function loaded or built (rooted at a local variable, not a
   * parameter or a payload): as a row of the entity it sets nothing its own field writes do not.
   */
  local?: boolean;
}

interface WriterIndex {
  byProperty: Map<string, PropertyWrite[]>;
  /** Writes of a computed key: any property of what the target holds. */
  anyProperty: ts.Expression[];
  sourceWrites: SourceWrite[];
  /** Raw SQL that updates these tables (lower case), as written in an `UPDATE` statement. */
  updatedTables: Set<string>;
  /** Something may change any column of any row: a generic admin, raw SQL of unknown text. */
  everything: boolean;
  /** `new EntitySchema<Row>({ name, tableName })`: the tables of rows that have no entity class. */
  schemas: ts.NewExpression[];
}

const PRIMITIVE = ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.BooleanLike |
  ts.TypeFlags.EnumLike | ts.TypeFlags.ESSymbolLike | ts.TypeFlags.VoidLike | ts.TypeFlags.Null | ts.TypeFlags.Never;

const indexes = new WeakMap<ts.Program, WriterIndex>();

/** What the whole-program writes say about one row type, worked out once. */
interface RowVerdicts {
  /** The properties DTOs and payloads may set on it; `all` when some may set any. */
  fromSources?: ReadonlySet<string> | 'all';
  /** Some computed-key write may set any of its properties. */
  anyKey?: boolean;
  byProperty: Map<string, boolean>;
}

const verdicts = new WeakMap<ts.Program, Map<ts.Type, RowVerdicts>>();

/**
 * Whether the program may change `property` on a row of `rowType` (the class of a TypeORM entity,
 * or the type an `EntitySchema` declares) that is already stored. `tableName` is the entity's
 * table, when known: raw SQL is matched against it (without it, any `UPDATE` counts).
 */
export function mayChangeAfterInsert(program: ts.Program, rowType: ts.Type, property: string, tableName: string | undefined): boolean {
  const index = writerIndexOf(program);
  if (index.everything) return true;
  if (tableName == null ? index.updatedTables.size > 0 : index.updatedTables.has(tableName.toLowerCase())) return true;
  const row = entryOf(entryOf(verdicts, program, () => new Map<ts.Type, RowVerdicts>()), rowType, (): RowVerdicts => ({ byProperty: new Map() }));
  const checker = program.getTypeChecker();
  row.fromSources ??= propertiesFromSources(checker, index, rowType);
  if (row.fromSources === 'all' || row.fromSources.has(property)) return true;
  // A computed key on an untyped value or a dictionary is code keeping its own map (`t[key] = v`);
  // on an object of another shape (`set(patch, path, v)` on a `Partial<User>`), that object's.
  row.anyKey ??= index.anyProperty.some((target) => {
    const type = checker.getNonNullableType(checker.getTypeAtLocation(skipOuterExpressions(target)));
    return !(type.flags & ts.TypeFlags.Any) && !isDictionary(checker, type) && isViewOfRow(checker, type, rowType) && changesStoredRow(checker, target, rowType);
  });
  if (row.anyKey) return true;
  const cached = row.byProperty.get(property);
  if (cached != null) return cached;
  const verdict = (index.byProperty.get(property) ?? []).some((write) => {
    if (write.kind === 'row-of') return write.entity == null || mayHoldRow(checker, write.entity, rowType);
    if (write.nested === true && checker.getTypeAtLocation(skipOuterExpressions(write.target)).flags & ts.TypeFlags.Any) return false;
    return changesStoredRow(checker, write.target, rowType);
  });
  row.byProperty.set(property, verdict);
  return verdict;
}

function propertiesFromSources(checker: ts.TypeChecker, index: WriterIndex, rowType: ts.Type): ReadonlySet<string> | 'all' {
  const all = new Set<string>();
  for (const write of index.sourceWrites) {
    if (write.target != null && !changesStoredRow(checker, write.target, rowType)) continue;
    if (write.entity != null && !mayHoldRow(checker, write.entity, rowType)) continue;
    if (write.source == null) return 'all';
    const sourceType = checker.getTypeAtLocation(write.source);
    // A row of this entity this function holds: its own field writes say what it changes. Any
    // other (a payload typed as the entity, `@Body() post: Post`) may carry any value.
    if (isSameRow(checker, sourceType, rowType)) {
      if (write.local === true) continue;
      return 'all';
    }
    const written = propertiesWritten(checker, sourceType, rowType);
    if (written == null) return 'all';
    for (const name of written) all.add(name);
  }
  return all;
}

const freshness = new WeakMap<ts.Node, boolean>();
const holders = new WeakMap<ts.Type, WeakMap<ts.Node, boolean>>();

/** A write to `target` changes a stored row of `rowType`: it may hold one, and it is no object being built. */
function changesStoredRow(checker: ts.TypeChecker, target: ts.Expression, rowType: ts.Type): boolean {
  const perRow = entryOf(holders, rowType, () => new WeakMap<ts.Node, boolean>());
  let verdict = perRow.get(target);
  if (verdict == null) {
    // `(self as any)[key] = v`: what the object is, the cast does not change.
    verdict = mayHoldRow(checker, checker.getTypeAtLocation(skipOuterExpressions(target)), rowType) && !isPayloadOfOtherEntity(checker, target, rowType);
    if (verdict) {
      verdict = !entryOf(freshness, target, () => isFreshObject(checker, target));
    }
    perRow.set(target, verdict);
  }
  return verdict;
}

function isSameRow(checker: ts.TypeChecker, type: ts.Type, rowType: ts.Type): boolean {
  let source = checker.getNonNullableType(type);
  if (checker.isArrayType(source)) source = checker.getTypeArguments(source as ts.TypeReference)[0] ?? source;
  if (source === rowType) return true;
  const sourceClass = classOf(source);
  const rowClass = classOf(rowType);
  return sourceClass != null && rowClass != null && (sourceClass === rowClass || inChain(checker, source, rowClass) || inChain(checker, rowType, sourceClass));
}

/**
 * A type a row may be seen through whole: not an object type that only shares some of the row's
 * properties (a `Partial<Other>` the row satisfies because one name matches), but one whose every
 * property the row has.
 */
function isViewOfRow(checker: ts.TypeChecker, type: ts.Type, rowType: ts.Type): boolean {
  if (type.isUnion()) return type.types.some((member) => isViewOfRow(checker, member, rowType));
  if (!(type.flags & ts.TypeFlags.Object) || classOf(type) != null) return true;
  const rowProperties = new Set(checker.getPropertiesOfType(rowType).map((property) => property.name));
  return checker.getPropertiesOfType(type).every((property) => rowProperties.has(property.name));
}

function isDictionary(checker: ts.TypeChecker, type: ts.Type): boolean {
  return checker.getPropertiesOfType(type).length === 0 && checker.getIndexInfosOfType(type).length > 0;
}

/**
 * Whether a value of `type` may be the row: the row's own type or class (or a class in its
 * chain), `any`/`unknown`, a type parameter, or a type the row satisfies (an interface, an
 * index signature) or that satisfies the row's.
 */
function mayHoldRow(checker: ts.TypeChecker, type: ts.Type, rowType: ts.Type): boolean {
  const holder = checker.getNonNullableType(type);
  if (holder === rowType) return true;
  // `this` in a class, or a type parameter with a constraint: what it is constrained to.
  if (holder.flags & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(holder);
    return constraint == null || constraint === holder || mayHoldRow(checker, constraint, rowType);
  }
  if (holder.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter | ts.TypeFlags.IndexedAccess | ts.TypeFlags.Conditional | ts.TypeFlags.Substitution)) return true;
  if (holder.isUnion()) return holder.types.some((member) => mayHoldRow(checker, member, rowType));
  if (holder.isIntersection()) {
    // A class narrowed by a test of one of its fields (`Event & { event: … }`) is that class.
    const instance = holder.types.find((member) => classOf(member) != null);
    return instance != null ? mayHoldRow(checker, instance, rowType) : holder.types.some((member) => mayHoldRow(checker, member, rowType));
  }
  if (holder.flags & PRIMITIVE || checker.isArrayType(holder) || checker.isTupleType(holder)) return false;
  const holderClass = classOf(holder);
  const rowClass = classOf(rowType);
  // An instance of a class holds a row of that class or of one in its chain, either way; never a
  // plain object an `EntitySchema` without a class loads.
  if (holderClass != null) return rowClass != null && (holderClass === rowClass || inChain(checker, holder, rowClass) || inChain(checker, rowType, holderClass));
  // Without the (public since TypeScript 5.x) relation check, any object may hold the row.
  const assignable = (checker as Partial<Pick<ts.TypeChecker, 'isTypeAssignableTo'>>).isTypeAssignableTo;
  if (assignable == null) return true;
  return assignable.call(checker, rowType, holder) || assignable.call(checker, holder, rowType);
}

function classOf(type: ts.Type): ts.ClassLikeDeclaration | undefined {
  return type.getSymbol()?.declarations?.find((declaration): declaration is ts.ClassLikeDeclaration => ts.isClassLike(declaration));
}

function inChain(checker: ts.TypeChecker, type: ts.Type, declaration: ts.ClassLikeDeclaration): boolean {
  const seen = new Set<ts.Type>();
  let current: ts.Type | undefined = type;
  while (current != null && !seen.has(current)) {
    seen.add(current);
    if (classOf(current) === declaration) return true;
    const bases: ts.BaseType[] = current.isClassOrInterface() ? checker.getBaseTypes(current) : [];
    current = bases[0];
  }
  return false;
}

/**
 * The properties a write of a value of `type` sets, or undefined when they cannot be told (an
 * `any`, a generic `Partial<T>`, an index signature). A row of another entity sets none of these.
 */
function propertiesWritten(checker: ts.TypeChecker, type: ts.Type, rowType: ts.Type): ReadonlySet<string> | undefined {
  const source = checker.getNonNullableType(type);
  if (isOpaque(checker, source)) return undefined;
  if (source.flags & PRIMITIVE) return new Set();
  if (source.isUnion()) {
    const all = new Set<string>();
    for (const member of source.types) {
      const written = propertiesWritten(checker, member, rowType);
      if (written == null) return undefined;
      for (const name of written) all.add(name);
    }
    return all;
  }
  if (checker.isArrayType(source)) {
    const element = checker.getTypeArguments(source as ts.TypeReference)[0];
    return element == null ? undefined : propertiesWritten(checker, element, rowType);
  }
  // A row of another entity writes that entity's rows.
  if (classOf(source) != null && entityMetadataOfType(checker, source) != null) return new Set();
  if (checker.getIndexInfosOfType(source).length > 0) return undefined;
  return new Set(checker.getPropertiesOfType(source).map((symbol) => symbol.name));
}

/** Packages that edit any column of any entity they are given: an admin panel, a generic CRUD layer. */
const GENERIC_WRITERS = /^(?:adminjs|admin-bro|@adminjs\/|@admin-bro\/|@nestjsx\/crud|@dataui\/crud|@rewiko\/crud|nestjs-crud|@foal\/typeorm|typeorm-admin)/;

/** TypeORM methods whose object arguments set columns of stored rows (`insert` and `create` make new ones). */
const UPDATING_METHODS: ReadonlySet<string> = new Set(['update', 'updateAll', 'upsert', 'save', 'merge', 'preload', 'set', 'increment', 'decrement']);

/** lodash's (and similar helpers') functions that set fields of their first argument. */
const SETTING_HELPERS: ReadonlySet<string> = new Set(['set', 'setWith', 'merge', 'mergeWith', 'assign', 'assignIn', 'assignWith', 'extend', 'defaults', 'defaultsDeep', 'update', 'updateWith', 'unset']);

const MUTATING_METHODS: ReadonlySet<string> = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'add', 'delete', 'clear']);

const ASSIGNMENTS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
  ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.AsteriskAsteriskEqualsToken,
  ts.SyntaxKind.SlashEqualsToken,
  ts.SyntaxKind.PercentEqualsToken,
  ts.SyntaxKind.LessThanLessThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.AmpersandEqualsToken,
  ts.SyntaxKind.BarEqualsToken,
  ts.SyntaxKind.CaretEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

function writerIndexOf(program: ts.Program): WriterIndex {
  const cached = indexes.get(program);
  if (cached != null) return cached;
  const checker = program.getTypeChecker();
  const index: WriterIndex = { byProperty: new Map(), anyProperty: [], sourceWrites: [], updatedTables: new Set(), everything: false, schemas: [] };
  const addProperty = (name: string, write: PropertyWrite): void => {
    const list = index.byProperty.get(name) ?? [];
    list.push(write);
    index.byProperty.set(name, list);
  };
  /** `a.b.c = v` changes c of a.b and, through it, b of a: each link of the chain counts. */
  const addMemberChain = (expression: ts.Expression, nestedFrom = 0): void => {
    let current = skipOuter(expression);
    let nested = nestedFrom > 0;
    while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
      const target = current.expression;
      const write: PropertyWrite = { kind: 'member', target, ...(nested ? { nested } : {}) };
      if (ts.isPropertyAccessExpression(current)) addProperty(current.name.text, write);
      else if (ts.isStringLiteralLike(current.argumentExpression) || ts.isNumericLiteral(current.argumentExpression)) addProperty(current.argumentExpression.text, write);
      else if (!nested) index.anyProperty.push(target);
      current = skipOuter(target);
      nested = true;
    }
  };
  const addObjectLiteral = (literal: ts.ObjectLiteralExpression, entity: ts.Type | undefined): void => {
    const ofEntity = entity == null ? {} : { entity };
    for (const property of literal.properties) {
      if (ts.isSpreadAssignment(property)) {
        if (!handOnParameter(skipOuter(property.expression), false, entity)) index.sourceWrites.push({ source: property.expression, ...ofEntity });
      }
      else if (ts.isComputedPropertyName(property.name)) {
        const names = literalNamesOf(checker, property.name.expression);
        if (names == null) index.sourceWrites.push(ofEntity);
        else for (const name of names) addProperty(name, { kind: 'row-of', ...ofEntity });
      }
      else if (ts.isIdentifier(property.name) || ts.isStringLiteralLike(property.name) || ts.isNumericLiteral(property.name)) addProperty(property.name.text, { kind: 'row-of', ...ofEntity });
    }
  };
  const addWrittenValue = (value: ts.Expression, insertsUnlessKeyed: boolean, entity: ts.Type | undefined): void => {
    const expression = skipOuter(value);
    if (ts.isArrayLiteralExpression(expression)) {
      for (const element of expression.elements) addWrittenValue(ts.isSpreadElement(element) ? element.expression : element, insertsUnlessKeyed, entity);
      return;
    }
    if (ts.isObjectLiteralExpression(expression)) {
      // `save({ event, userId })` inserts a row; with a key (or a spread that may hold one) it may update one.
      if (insertsUnlessKeyed && !expression.properties.some((property) => ts.isSpreadAssignment(property) || ts.isComputedPropertyName(property.name) || keyNamesOf(checker, entity).has(property.name.getText().replace(/^['"`]|['"`]$/g, '')))) return;
      addObjectLiteral(expression, entity);
      return;
    }
    // `save(repo.create(dto))`: what the new object is made from.
    if (ts.isCallExpression(expression) && isCallNamed(expression, 'create')) {
      for (const argument of expression.arguments) addWrittenValue(argument, insertsUnlessKeyed, entity);
      return;
    }
    if (ts.isStringLiteralLike(expression) || ts.isNumericLiteral(expression) || ts.isArrowFunction(expression) || ts.isFunctionExpression(expression)) return;
    index.sourceWrites.push({ source: expression, ...(entity == null ? {} : { entity }), ...(isLocalObject(checker, expression) ? { local: true } : {}) });
  };
  const visitCall = (call: ts.CallExpression): void => {
    const callee = skipOuter(call.expression);
    visitSettingHelper(call, callee);
    if (!ts.isPropertyAccessExpression(callee)) return;
    const method = callee.name.text;
    if (method === 'assign' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Object') {
      const [target, ...sources] = call.arguments;
      if (target == null || ts.isObjectLiteralExpression(skipOuter(target))) return;
      for (const source of sources) {
        const value = skipOuter(source);
        if (ts.isObjectLiteralExpression(value)) {
          for (const property of value.properties) {
            if (ts.isSpreadAssignment(property)) index.sourceWrites.push({ target, source: property.expression });
            else if (ts.isComputedPropertyName(property.name)) {
              const names = literalNamesOf(checker, property.name.expression);
              if (names == null) index.anyProperty.push(target);
              else for (const name of names) addProperty(name, { kind: 'member', target });
            }
            else addProperty(property.name.getText().replace(/^['"]|['"]$/g, ''), { kind: 'member', target });
          }
        } else index.sourceWrites.push({ target, source: ts.isSpreadElement(value) ? value.expression : value });
      }
      return;
    }
    if (MUTATING_METHODS.has(method) && (ts.isPropertyAccessExpression(skipOuter(callee.expression)) || ts.isElementAccessExpression(skipOuter(callee.expression)))) {
      addMemberChain(callee.expression, 1);
    }
    if (method === 'query' || method === 'execute' || method === 'raw') visitRawSql(call);
    // `insert().values(…).orUpdate(['title'], ['id'])`: an upsert sets the columns named.
    if (method === 'orUpdate' && chainHasCall(callee.expression, 'insert')) {
      const [columns] = call.arguments;
      const names = columns != null && ts.isArrayLiteralExpression(columns) ? columns.elements.map((element) => (ts.isStringLiteralLike(element) ? element.text : undefined)) : [undefined];
      if (names.some((name) => name == null)) index.sourceWrites.push({});
      else for (const name of names) if (name != null) addProperty(name, { kind: 'row-of' });
    }
    if (!UPDATING_METHODS.has(method)) return;
    // A query builder's `set()` comes after its `update()`; any other `set()` (a Map's, a header's) is no write of a row.
    if (method === 'set' && !chainHasCall(callee.expression, 'update')) return;
    const classified = classifyTypeormCall(checker, call);
    if (classified == null) return;
    const insertsUnlessKeyed = method === 'save';
    const entity = writtenEntityOf(checker, call, classified.api);
    const ofEntity = entity == null ? {} : { entity };
    for (const argument of call.arguments) {
      const value = skipOuter(argument);
      // `increment(criteria, 'points', 1)`: the property is named by a string (after the class, for a manager).
      if ((method === 'increment' || method === 'decrement') && argument === call.arguments[call.arguments.length - 2]) {
        const names = literalNamesOf(checker, value);
        if (names == null) index.sourceWrites.push(ofEntity);
        else for (const name of names) addProperty(name, { kind: 'row-of', ...ofEntity });
        continue;
      }
      // The entity target of `manager.save(User, …)` (a class, imported or not, or an `EntitySchema`)
      // and the criteria of `update(criteria, …)` set nothing.
      if (isEntityTarget(checker, value)) continue;
      if ((method === 'update' || method === 'increment' || method === 'decrement') && argument !== call.arguments.at(-1)) continue;
      // A wrapper's parameter (`save(entity: T) { return this.repo.save(entity) }`): what its callers pass is written.
      if (handOnParameter(value, insertsUnlessKeyed, entity)) continue;
      addWrittenValue(value, insertsUnlessKeyed, entity);
    }
  };
  /** `_.set(row, 'status', v)`, `merge(row, patch)`: a helper from a package sets fields of its first argument. */
  const visitSettingHelper = (call: ts.CallExpression, callee: ts.Expression): void => {
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && /^(?:_|lodash|R)$/.test(callee.expression.text) ? callee.name.text : undefined;
    if (name == null || !SETTING_HELPERS.has(name)) return;
    const [target, ...rest] = call.arguments;
    if (target == null || ts.isObjectLiteralExpression(skipOuter(target)) || ts.isArrayLiteralExpression(skipOuter(target))) return;
    const declaration = checker.getResolvedSignature(call)?.declaration;
    if (declaration == null || !declaration.getSourceFile().fileName.includes('/node_modules/')) return;
    const [path] = rest;
    if (/^(?:set|setWith|update|updateWith|unset)$/.test(name)) {
      const first = path != null && ts.isStringLiteralLike(path) ? path.text.split(/[.[]/)[0] : undefined;
      if (first == null || first === '') index.anyProperty.push(target);
      else addProperty(first, { kind: 'member', target });
      return;
    }
    for (const source of rest) index.sourceWrites.push({ target, source });
  };
  /** Wrappers that hand a parameter to a TypeORM write, by the name they are called with. */
  const wrappers = new Map<string, { declaration: ts.SignatureDeclaration; parameterIndex: number; insertsUnlessKeyed: boolean; entity: ts.Type | undefined }[]>();
  const handedOn = new Map<ts.SignatureDeclaration, Set<number>>();
  const handOnParameter = (value: ts.Expression, insertsUnlessKeyed: boolean, entity: ts.Type | undefined): boolean => {
    if (!ts.isIdentifier(value)) return false;
    const declaration = checker.getSymbolAtLocation(value)?.valueDeclaration;
    if (declaration == null || !ts.isParameter(declaration) || !ts.isIdentifier(declaration.name)) return false;
    const owner = declaration.parent;
    const name = calledNameOf(owner);
    if (name == null) return false;
    const parameterIndex = owner.parameters.indexOf(declaration);
    if (!handedOn.has(owner) || !handedOn.get(owner)?.has(parameterIndex)) {
      handedOn.set(owner, (handedOn.get(owner) ?? new Set()).add(parameterIndex));
      wrappers.set(name, [...(wrappers.get(name) ?? []), { declaration: owner, parameterIndex, insertsUnlessKeyed, entity }]);
    }
    // Its own type says what it may hold, unless it says nothing (generic, `any`) or is the entity
    // itself or a partial of it (a payload typed as a row, or a row its caller loaded): then only
    // its callers do.
    const type = checker.getNonNullableType(checker.getTypeAtLocation(value));
    return isOpaque(checker, type) || isEntityOrPartial(checker, type);
  };
  /** Each call of a wrapper writes what it passes; a wrapper's parameter passed on makes its own callers count too. */
  const visitWrapperCalls = (): void => {
    const seen = new Set<ts.CallExpression>();
    for (let round = 0; round < 3 && wrappers.size > 0; round++) {
      const current = new Map(wrappers);
      wrappers.clear();
      const called = new Set<ts.SignatureDeclaration>();
      /** Named other than as the callee of a call (a callback, a route table): it may be called with anything. */
      const escaping = new Set<string>();
      const visitCalls = (node: ts.Node): void => {
        if (ts.isIdentifier(node) && current.has(node.text)) {
          const parent = node.parent;
          const isCallee = (ts.isCallExpression(parent) && parent.expression === node) ||
            (ts.isPropertyAccessExpression(parent) && parent.name === node && ts.isCallExpression(parent.parent) && parent.parent.expression === parent);
          const isDeclaration = (ts.isMethodDeclaration(parent) || ts.isFunctionDeclaration(parent) || ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodSignature(parent)) && parent.name === node;
          if (!isCallee && !isDeclaration) escaping.add(node.text);
        }
        if (ts.isCallExpression(node) && !seen.has(node)) {
          const callee = skipOuter(node.expression);
          const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
          const candidates = name == null ? undefined : current.get(name);
          if (candidates != null) {
            const declaration = checker.getResolvedSignature(node)?.declaration;
            for (const wrapper of candidates) {
              if (declaration !== wrapper.declaration) continue;
              seen.add(node);
              called.add(wrapper.declaration);
              const argument = node.arguments[wrapper.parameterIndex];
              if (argument == null || ts.isSpreadElement(argument)) continue;
              const value = skipOuter(argument);
              if (!handOnParameter(value, wrapper.insertsUnlessKeyed, wrapper.entity)) addWrittenValue(value, wrapper.insertsUnlessKeyed, wrapper.entity);
            }
          }
        }
        ts.forEachChild(node, visitCalls);
      };
      for (const file of indexedFiles) visitCalls(file);
      // Called from nowhere the program shows (a controller the framework calls), or passed around:
      // what it is given is not known, so it may set any column of its entity.
      for (const [name, list] of current) {
        for (const wrapper of list) {
          if (!called.has(wrapper.declaration) || escaping.has(name)) index.sourceWrites.push(wrapper.entity == null ? {} : { entity: wrapper.entity });
        }
      }
    }
    // Wrappers of wrappers deeper than that: what they are given is not followed.
    if (wrappers.size > 0) index.everything = true;
  };
  const visitRawSql = (call: ts.CallExpression): void => {
    const [text] = call.arguments;
    if (text == null) return;
    const texts = sqlTextsOf(checker, text, 0);
    if (texts == null) {
      // SQL built where it cannot be read: only TypeORM's own query methods are known to run it.
      if (classifyTypeormCall(checker, call) != null) index.everything = true;
      return;
    }
    for (const source of texts) {
      for (const match of source.matchAll(/\b(?:on\s+duplicate\s+key\s+|do\s+)?update\s+(?:(?:only|low_priority|ignore)\s+)*(\$\{|[`"[]?(?:\w+[`"\]]?\.[`"[]?)?(\w+))/gi)) {
        // `DO UPDATE SET`, `ON DUPLICATE KEY UPDATE col`: the upsert's table is its INSERT's.
        if (/^(?:on|do)\b/i.test(match[0])) continue;
        if (match[1] === '${') index.everything = true;
        else index.updatedTables.add((match[2] ?? '').toLowerCase());
      }
      if (/\bon\s+conflict\b[\s\S]*\bdo\s+update\b|\bon\s+duplicate\s+key\s+update\b/i.test(source)) {
        for (const match of source.matchAll(/\binsert\s+(?:\w+\s+)*?into\s+(\$\{|[`"[]?(?:\w+[`"\]]?\.[`"[]?)?(\w+))/gi)) {
          if (match[1] === '${') index.everything = true;
          else index.updatedTables.add((match[2] ?? '').toLowerCase());
        }
      }
    }
  };
  const visit = (node: ts.Node): void => {
    // A constructor's own `this.f = v` builds the object; what else it does (a write, a listener) counts.
    if (ts.isBinaryExpression(node) && ASSIGNMENTS.has(node.operatorToken.kind) && isConstructorFieldInit(node.left)) {
      ts.forEachChild(node.right, visit);
      return;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && (ts.isObjectLiteralExpression(node.left) || ts.isArrayLiteralExpression(node.left))) {
      // `({ status: row.status } = patch)`: each target in the pattern is set.
      for (const target of assignmentTargetsOf(node.left)) addMemberChain(target);
    }
    if (ts.isBinaryExpression(node) && ASSIGNMENTS.has(node.operatorToken.kind)) addMemberChain(node.left);
    else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) addMemberChain(node.operand);
    else if (ts.isDeleteExpression(node)) addMemberChain(node.expression);
    else if (ts.isCallExpression(node)) visitCall(node);
    else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'EntitySchema') index.schemas.push(node);
    ts.forEachChild(node, visit);
  };
  const indexedFiles = program.getSourceFiles().filter((file) =>
    !file.isDeclarationFile && !program.isSourceFileFromExternalLibrary(file) && !file.fileName.includes('/node_modules/') &&
    !isTestFile(file.fileName) && !/\/migrations?\//i.test(file.fileName));
  for (const file of indexedFiles) {
    for (const statement of file.statements) {
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && GENERIC_WRITERS.test(statement.moduleSpecifier.text)) index.everything = true;
    }
    visit(file);
  }
  visitWrapperCalls();
  indexes.set(program, index);
  return index;
}

/**
 * An object the enclosing function made itself (`const e = new E()`, `repo.create(…)`, `{ … }`)
 * and has not yet handed to any call, returned or stored elsewhere: setting its fields builds a
 * row to insert, it changes none stored.
 */
function isFreshObject(checker: ts.TypeChecker, expression: ts.Expression): boolean {
  const write = skipOuter(expression);
  if (!ts.isIdentifier(write)) return false;
  const declaration = checker.getSymbolAtLocation(write)?.valueDeclaration;
  if (declaration == null || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name) || declaration.initializer == null) return false;
  if (!ts.isVariableDeclarationList(declaration.parent) || (declaration.parent.flags & ts.NodeFlags.Const) === 0) return false;
  const scope = enclosingFunction(declaration);
  if (enclosingFunction(write) !== scope) return false;
  const initializer = skipOuter(declaration.initializer);
  const creates = ts.isNewExpression(initializer) || ts.isObjectLiteralExpression(initializer) || isCallNamed(initializer, 'create');
  if (!creates) return false;
  const name = declaration.name;
  // Given a key (`p.id = id`, `create({ id, … })`), its save updates that stored row.
  const keyedLiteral = (node: ts.Node): boolean =>
    (ts.isObjectLiteralExpression(node) && node.properties.some((property) => ts.isSpreadAssignment(property) || /^['"]?(?:id|_id|uuid)['"]?$/.test(property.name.getText()))) ||
    (ts.forEachChild(node, keyedLiteral) ?? false);
  const keySet = (node: ts.Node): boolean =>
    (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === name.text && /^(?:id|_id|uuid)$/.test(node.name.text) &&
      ts.isBinaryExpression(node.parent) && node.parent.left === node) ||
    (ts.forEachChild(node, keySet) ?? false);
  if (keyedLiteral(initializer) || keySet(scope)) return false;
  // In a loop that also hands it on, a later turn's write follows an earlier turn's save.
  for (let node: ts.Node = write.parent; node !== scope; node = node.parent) {
    if (ts.isIterationStatement(node, false) && node.getStart() > declaration.getStart() && handsOn(checker, node, name, Number.POSITIVE_INFINITY)) return false;
  }
  // Any use before this write other than reading or setting one of its fields may have stored it.
  return !handsOn(checker, scope, name, write.getStart());
}

/** Whether `within` uses the variable before `before` other than to read or set one of its fields. */
function handsOn(checker: ts.TypeChecker, within: ts.Node, name: ts.Identifier, before: number): boolean {
  const symbol = checker.getSymbolAtLocation(name);
  let handedOn = false;
  const check = (node: ts.Node): void => {
    if (handedOn || node.getStart() >= before) return;
    if (ts.isIdentifier(node) && node !== name && node.text === name.text && checker.getSymbolAtLocation(node) === symbol) {
      const parent = node.parent;
      const fieldOf = (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === node;
      const methodCalled = fieldOf && ts.isCallExpression(parent.parent) && parent.parent.expression === parent;
      if (!fieldOf || methodCalled) handedOn = true;
    }
    ts.forEachChild(node, check);
  };
  ts.forEachChild(within, check);
  return handedOn;
}

function isCallNamed(expression: ts.Expression, name: string): boolean {
  return ts.isCallExpression(expression) && methodNameOfCall(expression) === name;
}

function enclosingFunction(node: ts.Node): ts.Node {
  return enclosingTsFunction(node) ?? node.getSourceFile();
}

/** `skipOuterExpressions`, and through `await` too: what is written is what is awaited. */
function skipOuter(expression: ts.Expression): ts.Expression {
  let current = skipOuterExpressions(expression);
  while (ts.isAwaitExpression(current)) current = skipOuterExpressions(current.expression);
  return current;
}

/**
 * Whether some column a stale save writes back (`atRisk`: the loaded columns it does not set, or,
 * for an entity without decorators — an `EntitySchema`'s row type — undefined, to read the row
 * type's properties) may be changed by other code meanwhile. A relation, a soft-delete column or
 * a property holding an object always may: a save rewrites a relation's rows, and un-deletes.
 */
export function othersMayChangeAtRisk(
  program: ts.Program,
  savedType: ts.Type,
  metadata: EntityMetadata | undefined,
  atRisk: readonly ColumnMetadata[] | undefined,
  written: ReadonlySet<string>,
): boolean {
  const checker = program.getTypeChecker();
  let rowType = checker.getNonNullableType(savedType);
  if (checker.isArrayType(rowType)) rowType = checker.getTypeArguments(rowType as ts.TypeReference)[0] ?? rowType;
  // `post as Post & Audited`: the entity's class is the row.
  if (rowType.isIntersection()) rowType = rowType.types.find((member) => classOf(member) != null) ?? rowType;
  if (rowType.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter) || rowType.isUnionOrIntersection()) return true;
  if (metadata != null && atRisk != null) {
    if (atRisk.some((column) => column.kind === 'relation' || column.kind === 'delete-date' || !holdsPlainValue(checker, column))) return true;
    return atRisk.some((column) => {
      if (column.kind === 'update-date' || column.kind === 'version') return false;
      // A join column is also set through its relation (`post.author = a`, `update(id, { author: { id } })`).
      const names = [column.propertyName, ...metadata.columns.filter((other) => other.kind === 'relation' && other.databaseName === column.databaseName).map((other) => other.propertyName)];
      return names.some((name) => mayChangeAfterInsert(program, rowType, name, metadata.tableName));
    });
  }
  if (metadata != null) return true;
  const tableName = schemaTableOf(program, rowType);
  for (const property of checker.getPropertiesOfType(rowType)) {
    // The key is what save() finds the row by, not a column it writes.
    if (written.has(property.name) || !(property.flags & ts.SymbolFlags.Property) || property.name === 'id' || property.name === '_id') continue;
    const type = checker.getNonNullableType(checker.getTypeOfSymbol(property));
    if (!(type.flags & PRIMITIVE) && !isDate(type)) return true;
    if (mayChangeAfterInsert(program, rowType, property.name, tableName)) return true;
  }
  return false;
}

/**
 * A column whose value is a string, a number, a boolean or a date: changed only by being set. A
 * JSON or array column may be changed in place through any alias (`const m = post.meta; m.n = 1`).
 */
function holdsPlainValue(checker: ts.TypeChecker, column: ColumnMetadata): boolean {
  const type = checker.getNonNullableType(checker.getTypeAtLocation(column.declaration.name));
  const members = type.isUnion() ? type.types : [type];
  return members.every((member) => member.flags & PRIMITIVE || isDate(member));
}

function isDate(type: ts.Type): boolean {
  return type.getSymbol()?.name === 'Date';
}

/** The names a computed key may take: a string literal, or a union of them; undefined when unknown. */
function literalNamesOf(checker: ts.TypeChecker, expression: ts.Expression): string[] | undefined {
  const type = checker.getTypeAtLocation(expression);
  const members = type.isUnion() ? type.types : [type];
  const names = members.map((member) => (member.isStringLiteral() || member.isNumberLiteral() ? String(member.value) : undefined));
  return names.every((name) => name != null) ? names : undefined;
}

/**
 * The SQL a `query()` argument may hold: its literal text, a `const`'s initializer, or every
 * string a project function that builds it contains. Undefined when it cannot be read.
 */
function sqlTextsOf(checker: ts.TypeChecker, argument: ts.Expression, depth: number): string[] | undefined {
  const expression = skipOuter(argument);
  if (ts.isStringLiteralLike(expression)) return [expression.text];
  if (ts.isTemplateExpression(expression)) return [expression.getText()];
  if (depth > 2) return undefined;
  if (ts.isIdentifier(expression)) {
    // A variable: what it is initialized with and every value assigned to it in its function.
    const symbol = checker.getSymbolAtLocation(expression);
    const declaration = symbol?.valueDeclaration;
    if (declaration == null || !ts.isVariableDeclaration(declaration)) return undefined;
    const values: ts.Expression[] = declaration.initializer == null ? [] : [declaration.initializer];
    const collect = (node: ts.Node): void => {
      if (ts.isBinaryExpression(node) && ts.isIdentifier(node.left) && node.left.text === expression.text && checker.getSymbolAtLocation(node.left) === symbol) {
        if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken && node.operatorToken.kind !== ts.SyntaxKind.PlusEqualsToken) values.push(node.left);
        values.push(node.right);
      }
      ts.forEachChild(node, collect);
    };
    if (!ts.isVariableDeclarationList(declaration.parent) || (declaration.parent.flags & ts.NodeFlags.Const) === 0) collect(enclosingFunction(declaration));
    const texts: string[] = [];
    for (const value of values) {
      if (value === expression) return undefined;
      const found = sqlTextsOf(checker, value, depth + 1);
      if (found == null) return undefined;
      texts.push(...found);
    }
    return texts;
  }
  if (ts.isCallExpression(expression)) {
    const declaration = checker.getResolvedSignature(expression)?.declaration;
    if (declaration == null || ts.isJSDocSignature(declaration) || declaration.getSourceFile().isDeclarationFile || !('body' in declaration) || declaration.body == null) return undefined;
    const texts: string[] = [];
    const collect = (node: ts.Node): void => {
      if (ts.isStringLiteralLike(node)) texts.push(node.text);
      else if (ts.isTemplateExpression(node)) texts.push(node.getText());
      else ts.forEachChild(node, collect);
    };
    collect(declaration.body);
    return texts.length === 0 ? undefined : texts;
  }
  return undefined;
}

/** The table of a row type that an `EntitySchema` declares (`name`, or `tableName` when given). */
function schemaTableOf(program: ts.Program, rowType: ts.Type): string | undefined {
  const checker = program.getTypeChecker();
  for (const schema of writerIndexOf(program).schemas) {
    const type = checker.getTypeAtLocation(schema);
    const [row] = type.getSymbol()?.name === 'EntitySchema' ? checker.getTypeArguments(type as ts.TypeReference) : [];
    if (row !== rowType) continue;
    const options = schema.arguments?.[0];
    if (options == null || !ts.isObjectLiteralExpression(options)) return undefined;
    const named = (key: string): string | undefined => {
      const property = options.properties.find((candidate) => ts.isPropertyAssignment(candidate) && ts.isIdentifier(candidate.name) && candidate.name.text === key);
      return property != null && ts.isPropertyAssignment(property) && ts.isStringLiteralLike(property.initializer) ? property.initializer.text : undefined;
    };
    return named('tableName') ?? named('name');
  }
  return undefined;
}

/**
 * The entity whose rows a TypeORM write changes, when the call says: a repository's (`Repository<E>`,
 * and custom repositories extending it), the class of a static `E.update(…)`, the class an entity
 * manager or a query builder's `update(E)` is given. Undefined: any entity's.
 */
function writtenEntityOf(checker: ts.TypeChecker, call: ts.CallExpression, api: TypeormApi): ts.Type | undefined {
  const entity = namedEntityOf(checker, call, api);
  // `Repository<ObjectLiteral>`, `Repository<T>`: rows of any entity.
  if (entity == null || entity.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter) || (classOf(entity) == null && checker.getPropertiesOfType(entity).length === 0)) return undefined;
  return entity;
}

function namedEntityOf(checker: ts.TypeChecker, call: ts.CallExpression, api: TypeormApi): ts.Type | undefined {
  const callee = skipOuter(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const receiver = callee.expression;
  if (api === 'BaseEntity static') return instanceTypeOf(checker, receiver);
  if (api === 'Repository') {
    // `Repository<E>.create()` returns an E.
    const create = checker.getPropertyOfType(checker.getTypeAtLocation(receiver), 'create');
    const signature = create == null ? undefined : checker.getTypeOfSymbol(create).getCallSignatures().find((candidate) => candidate.parameters.length === 0);
    return signature?.getReturnType();
  }
  if (api === 'EntityManager') {
    const [first] = call.arguments;
    return first == null ? undefined : instanceTypeOf(checker, first);
  }
  const update = skipOuter(receiver);
  if (api === 'UpdateQueryBuilder' && ts.isCallExpression(update) && update.arguments[0] != null) return instanceTypeOf(checker, update.arguments[0]);
  return undefined;
}

/** The rows of an entity target: a class's instances, or the row type of an `EntitySchema<Row>`. */
function instanceTypeOf(checker: ts.TypeChecker, target: ts.Expression): ts.Type | undefined {
  const type = checker.getTypeAtLocation(target);
  const constructed = type.getConstructSignatures()[0]?.getReturnType();
  if (constructed != null) return constructed;
  if (type.getSymbol()?.name === 'EntitySchema') return checker.getTypeArguments(type as ts.TypeReference)[0];
  return undefined;
}

/**
 * An untyped local that holds a payload (`const item = req.body`, not a call's result) and is
 * then written to the database only as a row of another entity (`repo.save(item)` on a
 * `Repository<WidgetCustom>`): setting its fields changes that entity's rows, not these.
 */
function isPayloadOfOtherEntity(checker: ts.TypeChecker, expression: ts.Expression, rowType: ts.Type): boolean {
  const target = skipOuterExpressions(expression);
  if (!ts.isIdentifier(target) || !(checker.getTypeAtLocation(target).flags & ts.TypeFlags.Any)) return false;
  const symbol = checker.getSymbolAtLocation(target);
  const declaration = symbol?.valueDeclaration;
  if (declaration == null || !ts.isVariableDeclaration(declaration) || declaration.initializer == null) return false;
  const initializer = skipOuterExpressions(declaration.initializer);
  if (!ts.isPropertyAccessExpression(initializer) && !ts.isElementAccessExpression(initializer) && !ts.isObjectLiteralExpression(initializer)) return false;
  const entities: (ts.Type | undefined)[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.arguments.some((argument) => ts.isIdentifier(skipOuterExpressions(argument)) && checker.getSymbolAtLocation(skipOuterExpressions(argument)) === symbol)) {
      const classified = classifyTypeormCall(checker, node);
      entities.push(classified == null ? undefined : writtenEntityOf(checker, node, classified.api));
    }
    ts.forEachChild(node, visit);
  };
  visit(enclosingFunction(declaration));
  return entities.length > 0 && entities.every((entity) => entity != null && !mayHoldRow(checker, entity, rowType));
}

/** The name a function is called by: a method's, a function's, or the variable or property an arrow function is put in. */
function calledNameOf(declaration: ts.SignatureDeclaration): string | undefined {
  if ((ts.isMethodDeclaration(declaration) || ts.isFunctionDeclaration(declaration)) && declaration.name != null && ts.isIdentifier(declaration.name)) return declaration.name.text;
  if (ts.isArrowFunction(declaration) || ts.isFunctionExpression(declaration)) {
    const holder = declaration.parent;
    if ((ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder) || ts.isPropertyDeclaration(holder)) && ts.isIdentifier(holder.name)) return holder.name.text;
  }
  return undefined;
}

/** An entity target: a class (its constructor) or an `EntitySchema` object. */
function isEntityTarget(checker: ts.TypeChecker, expression: ts.Expression): boolean {
  if (ts.isObjectLiteralExpression(expression) || ts.isArrayLiteralExpression(expression)) return false;
  const type = checker.getTypeAtLocation(expression);
  return type.getConstructSignatures().length > 0 || type.getSymbol()?.name === 'EntitySchema';
}

/** An entity's class, or a mapped type of one (`Partial<Post>`, `DeepPartial<Post>`). */
function isEntityOrPartial(checker: ts.TypeChecker, type: ts.Type): boolean {
  const isEntity = (candidate: ts.Type): boolean => classOf(candidate) != null && entityMetadataOfType(checker, candidate) != null;
  return isEntity(type) || (type.aliasTypeArguments ?? []).some(isEntity);
}

/** A type that tells nothing of the properties a value has: `any`, a type parameter, `Partial<T>`, `QueryDeepPartialEntity<T>`. */
function isOpaque(checker: ts.TypeChecker, type: ts.Type): boolean {
  const value = checker.getNonNullableType(type);
  if (value.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter | ts.TypeFlags.IndexedAccess | ts.TypeFlags.Conditional | ts.TypeFlags.Substitution)) return true;
  // `Partial<T>` of a constrained T lists T's constraint's properties, not what T will hold.
  if ((value.aliasTypeArguments ?? []).some((argument) => mentionsTypeParameter(checker, argument, 0))) return true;
  if (value.flags & ts.TypeFlags.Object && ((value as ts.ObjectType).objectFlags & ts.ObjectFlags.Mapped) !== 0) {
    return checker.getPropertiesOfType(value).length === 0 || mentionsTypeParameter(checker, value, 0);
  }
  return false;
}

function mentionsTypeParameter(checker: ts.TypeChecker, type: ts.Type, depth: number): boolean {
  if (type.flags & ts.TypeFlags.TypeParameter) return true;
  if (depth > 3) return false;
  if (type.isUnionOrIntersection()) return type.types.some((member) => mentionsTypeParameter(checker, member, depth + 1));
  const mapped = type.flags & ts.TypeFlags.Object && ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Mapped) !== 0;
  if (mapped) {
    // A mapped type over `keyof T`: its constraint mentions T.
    const constraint = (type as { constraintType?: ts.Type }).constraintType;
    if (constraint != null && mentionsTypeParameter(checker, constraint, depth + 1)) return true;
  }
  if (type.flags & ts.TypeFlags.Index) return mentionsTypeParameter(checker, (type as ts.IndexType).type, depth + 1);
  const references = type.flags & ts.TypeFlags.Object && ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) !== 0 ? checker.getTypeArguments(type as ts.TypeReference) : [];
  return [...references, ...(type.aliasTypeArguments ?? [])].some((argument) => mentionsTypeParameter(checker, argument, depth + 1));
}

/** `this.f = v` directly in a constructor's body: the object being built. */
function isConstructorFieldInit(left: ts.Expression): boolean {
  const target = skipOuter(left);
  if (!(ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) || target.expression.kind !== ts.SyntaxKind.ThisKeyword) return false;
  let current: ts.Node = target;
  while (!ts.isFunctionLike(current) && !ts.isSourceFile(current)) current = current.parent;
  return ts.isConstructorDeclaration(current);
}

/** The targets a destructuring assignment sets: `({ a: x.f, b: [y.g] } = v)` → `x.f`, `y.g`. */
function assignmentTargetsOf(pattern: ts.Expression): ts.Expression[] {
  const targets: ts.Expression[] = [];
  const add = (element: ts.Expression): void => {
    const target = ts.isBinaryExpression(element) && element.operatorToken.kind === ts.SyntaxKind.EqualsToken ? element.left : element;
    if (ts.isObjectLiteralExpression(target) || ts.isArrayLiteralExpression(target)) targets.push(...assignmentTargetsOf(target));
    else targets.push(target);
  };
  if (ts.isArrayLiteralExpression(pattern)) {
    for (const element of pattern.elements) add(ts.isSpreadElement(element) ? element.expression : element);
  } else if (ts.isObjectLiteralExpression(pattern)) {
    for (const property of pattern.properties) {
      if (ts.isPropertyAssignment(property)) add(property.initializer);
      else if (ts.isSpreadAssignment(property)) add(property.expression);
    }
  }
  return targets;
}

/** Whether a call in the chain before this expression has the name (`update(E).where(…)` before `set()`). */
function chainHasCall(expression: ts.Expression, name: string): boolean {
  let current = skipOuter(expression);
  for (let depth = 0; depth < 20; depth++) {
    if (!ts.isCallExpression(current) || !ts.isPropertyAccessExpression(current.expression)) return false;
    if (current.expression.name.text === name) return true;
    current = skipOuter(current.expression.expression);
  }
  return false;
}

/** The property names that key a row of the entity: `id`, `_id`, `uuid`, and its primary columns. */
function keyNamesOf(checker: ts.TypeChecker, entity: ts.Type | undefined): ReadonlySet<string> {
  const names = new Set(['id', '_id', 'uuid']);
  const metadata = entity == null ? undefined : entityMetadataOfType(checker, entity);
  for (const column of metadata?.primaryColumns ?? []) names.add(column.propertyName);
  return names;
}

/**
 * An object this function holds in a local variable it loaded or built (`const row = await
 * repo.findOneBy(…)`, `for (const row of rows)`, `rows[0]`), not a parameter or a copy of one
 * (`const post = body`).
 */
function isLocalObject(checker: ts.TypeChecker, expression: ts.Expression): boolean {
  let root = skipOuterExpressions(expression);
  while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = skipOuterExpressions(root.expression);
  if (!ts.isIdentifier(root)) return false;
  const declaration = checker.getSymbolAtLocation(root)?.valueDeclaration;
  if (declaration == null || !ts.isVariableDeclaration(declaration)) return false;
  if (declaration.initializer == null) {
    const loop = declaration.parent.parent;
    if (!ts.isForOfStatement(loop)) return false;
    const iterated = skipOuter(loop.expression);
    return ts.isCallExpression(iterated) || isLocalObject(checker, iterated);
  }
  const initializer = skipOuter(declaration.initializer);
  if (ts.isCallExpression(initializer) || ts.isNewExpression(initializer)) return true;
  return (ts.isIdentifier(initializer) || ts.isElementAccessExpression(initializer) || ts.isPropertyAccessExpression(initializer)) && isLocalObject(checker, initializer);
}

/** The entry of `key`, made and stored on first use. */
function entryOf<K extends object, V>(map: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
