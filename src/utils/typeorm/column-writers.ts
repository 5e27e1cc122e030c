import ts from 'typescript';

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
const verdicts = new WeakMap<ts.Program, Map<ts.Type, Map<string, boolean>>>();

/**
 * Whether the program may change `property` on a row of `rowType` (the class of a TypeORM entity,
 * or the type an `EntitySchema` declares) that is already stored. `tableName` is the entity's
 * table, when known: raw SQL is matched against it (without it, any `UPDATE` counts).
 */
export function mayChangeAfterInsert(program: ts.Program, rowType: ts.Type, property: string, tableName: string | undefined): boolean {
  let perRow = verdicts.get(program);
  if (perRow == null) {
    perRow = new Map();
    verdicts.set(program, perRow);
  }
  let perProperty = perRow.get(rowType);
  if (perProperty == null) {
    perProperty = new Map();
    perRow.set(rowType, perProperty);
  }
  const cached = perProperty.get(property);
  if (cached != null) return cached;
  const verdict = decide(program, rowType, property, tableName);
  perProperty.set(property, verdict);
  return verdict;
}

function decide(program: ts.Program, rowType: ts.Type, property: string, tableName: string | undefined): boolean {
  const index = writerIndexOf(program);
  if (index.everything) return true;
  if (tableName == null ? index.updatedTables.size > 0 : index.updatedTables.has(tableName.toLowerCase())) return true;
  const checker = program.getTypeChecker();
  // `(self as any)[key] = v`: what the object is, the cast does not change.
  const holdsRow = (expression: ts.Expression): boolean => mayHoldRow(checker, checker.getTypeAtLocation(withoutCasts(expression)), rowType);
  const changesStoredRow = (target: ts.Expression): boolean => holdsRow(target) && !isFreshObject(checker, target) && !isPayloadOfOtherEntity(checker, target, rowType);
  for (const write of index.byProperty.get(property) ?? []) {
    if (write.kind === 'member' && write.nested === true && checker.getTypeAtLocation(withoutCasts(write.target)).flags & ts.TypeFlags.Any) continue;
    if (write.kind === 'row-of' ? write.entity == null || mayHoldRow(checker, write.entity, rowType) : changesStoredRow(write.target)) return true;
  }
  // A computed key on an untyped value is code keeping its own dictionary (`t[key] = v`).
  if (index.anyProperty.some((target) => !(checker.getTypeAtLocation(withoutCasts(target)).flags & ts.TypeFlags.Any) && changesStoredRow(target))) return true;
  for (const write of index.sourceWrites) {
    if (write.target != null && !changesStoredRow(write.target)) continue;
    if (write.entity != null && !mayHoldRow(checker, write.entity, rowType)) continue;
    if (write.source == null) return true;
    const written = propertiesWritten(checker, checker.getTypeAtLocation(write.source), rowType);
    if (written == null || written.has(property)) return true;
  }
  return false;
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
  // A dictionary (`Record<string, unknown>`, `{ [key: string]: any }`) is where code keeps its own
  // keyed values: a row comes typed as its entity.
  if (checker.getPropertiesOfType(holder).length === 0 && checker.getIndexInfosOfType(holder).length > 0) return false;
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
 * `any`, a generic `Partial<T>`, an index signature). A row of the same entity writes none of its
 * own (its assignments are counted where they are made), nor does a row of another entity.
 */
function propertiesWritten(checker: ts.TypeChecker, type: ts.Type, rowType: ts.Type): ReadonlySet<string> | undefined {
  const source = checker.getNonNullableType(type);
  if (source.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter | ts.TypeFlags.IndexedAccess | ts.TypeFlags.Conditional | ts.TypeFlags.Substitution)) return undefined;
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
  if (source === rowType || classOf(source) === classOf(rowType) && classOf(source) != null) return new Set();
  if (classOf(source) != null && entityMetadataOfType(checker, source) != null) return new Set();
  if (checker.getIndexInfosOfType(source).length > 0) return undefined;
  const properties = checker.getPropertiesOfType(source);
  // A mapped type over a type parameter (`Partial<T>`) lists none: its properties are not known.
  if (properties.length === 0 && source.flags & ts.TypeFlags.Object && ((source as ts.ObjectType).objectFlags & ts.ObjectFlags.Mapped) !== 0) return undefined;
  return new Set(properties.map((symbol) => symbol.name));
}

/** Packages that edit any column of any entity they are given: an admin panel, a generic CRUD layer. */
const GENERIC_WRITERS = /^(?:adminjs|admin-bro|@adminjs\/|@admin-bro\/|@nestjsx\/crud|@dataui\/crud|@rewiko\/crud|nestjs-crud|@foal\/typeorm|typeorm-admin)/;

/** TypeORM methods whose object arguments set columns of stored rows (`insert` and `create` make new ones). */
const UPDATING_METHODS: ReadonlySet<string> = new Set(['update', 'updateAll', 'upsert', 'save', 'merge', 'preload', 'set', 'increment', 'decrement']);

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
      if (insertsUnlessKeyed && !expression.properties.some((property) => ts.isSpreadAssignment(property) || (!ts.isComputedPropertyName(property.name) && /^(?:id|_id|uuid)$/.test(property.name.getText())))) return;
      addObjectLiteral(expression, entity);
      return;
    }
    if (ts.isStringLiteralLike(expression) || ts.isNumericLiteral(expression) || ts.isArrowFunction(expression) || ts.isFunctionExpression(expression)) return;
    index.sourceWrites.push({ source: expression, ...(entity == null ? {} : { entity }) });
  };
  const visitCall = (call: ts.CallExpression): void => {
    const callee = skipOuter(call.expression);
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
    if (!UPDATING_METHODS.has(method)) return;
    // A query builder's `set()` follows its `update()`; any other `set()` (a Map's, a header's) is no write of a row.
    if (method === 'set' && !isCallNamed(skipOuter(callee.expression), 'update')) return;
    const classified = classifyTypeormCall(checker, call);
    if (classified == null) return;
    const insertsUnlessKeyed = method === 'save';
    const entity = writtenEntityOf(checker, call, classified.api);
    const ofEntity = entity == null ? {} : { entity };
    for (const argument of call.arguments) {
      const value = skipOuter(argument);
      // `increment(criteria, 'points', 1)`: the property is named by a string.
      if ((method === 'increment' || method === 'decrement') && argument === call.arguments[1]) {
        const names = literalNamesOf(checker, value);
        if (names == null) index.sourceWrites.push(ofEntity);
        else for (const name of names) addProperty(name, { kind: 'row-of', ...ofEntity });
        continue;
      }
      // The entity class of `manager.save(User, …)` and the criteria of `update(criteria, …)` set nothing.
      if (ts.isIdentifier(value) && (checker.getSymbolAtLocation(value)?.flags ?? 0) & ts.SymbolFlags.Class) continue;
      if ((method === 'update' || method === 'increment' || method === 'decrement') && argument !== call.arguments.at(-1)) continue;
      // A wrapper's parameter (`save(entity: T) { return this.repo.save(entity) }`): what its callers pass is written.
      if (handOnParameter(value, insertsUnlessKeyed, entity)) continue;
      addWrittenValue(value, insertsUnlessKeyed, entity);
    }
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
    // Its own type says what it may hold, unless it says nothing (generic, `any`): then only its callers do.
    return isOpaque(checker, checker.getTypeAtLocation(value));
  };
  /** Each call of a wrapper writes what it passes; a wrapper's parameter passed on makes its own callers count too. */
  const visitWrapperCalls = (): void => {
    const seen = new Set<ts.CallExpression>();
    for (let round = 0; round < 3 && wrappers.size > 0; round++) {
      const current = new Map(wrappers);
      wrappers.clear();
      const visitCalls = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && !seen.has(node)) {
          const callee = skipOuter(node.expression);
          const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
          const candidates = name == null ? undefined : current.get(name);
          if (candidates != null) {
            const declaration = checker.getResolvedSignature(node)?.declaration;
            for (const wrapper of candidates) {
              if (declaration !== wrapper.declaration) continue;
              seen.add(node);
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
      for (const match of source.matchAll(/\bupdate\s+(?:only\s+)?[`"[]?(?:\w+[`"\]]?\.[`"[]?)?(\w+)/gi)) index.updatedTables.add((match[1] ?? '').toLowerCase());
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isConstructorDeclaration(node)) return;
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
  // `ON CONFLICT … DO UPDATE SET`: the word after UPDATE is no table.
  index.updatedTables.delete('set');
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
  // Any use before this write other than reading or setting one of its fields may have stored it.
  let handedOn = false;
  const check = (node: ts.Node): void => {
    if (handedOn || node.getStart() >= write.getStart() || node.getEnd() <= name.getEnd()) return;
    if (ts.isIdentifier(node) && node !== name && node.text === name.text) {
      const parent = node.parent;
      const fieldOf = (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === node;
      const methodCalled = fieldOf && ts.isCallExpression(parent.parent) && parent.parent.expression === parent;
      if (!fieldOf || methodCalled) handedOn = true;
    }
    ts.forEachChild(node, check);
  };
  ts.forEachChild(scope, check);
  return !handedOn;
}

function isCallNamed(expression: ts.Expression, name: string): boolean {
  return ts.isCallExpression(expression) && ts.isPropertyAccessExpression(expression.expression) && expression.expression.name.text === name;
}

function enclosingFunction(node: ts.Node): ts.Node {
  let current = node.parent;
  while (!ts.isFunctionLike(current) && !ts.isSourceFile(current)) current = current.parent;
  return current;
}

function skipOuter(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current) || ts.isTypeAssertionExpression(current) || ts.isSatisfiesExpression(current) || ts.isAwaitExpression(current)) {
    current = current.expression;
  }
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
  if (rowType.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter) || rowType.isUnion()) return true;
  if (metadata != null && atRisk != null) {
    if (atRisk.some((column) => column.kind === 'relation' || column.kind === 'delete-date')) return true;
    return atRisk.some((column) => column.kind !== 'update-date' && column.kind !== 'version' && mayChangeAfterInsert(program, rowType, column.propertyName, metadata.tableName));
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

function withoutCasts(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current) || ts.isTypeAssertionExpression(current) || ts.isSatisfiesExpression(current)) {
    current = current.expression;
  }
  return current;
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
  const target = withoutCasts(expression);
  if (!ts.isIdentifier(target) || !(checker.getTypeAtLocation(target).flags & ts.TypeFlags.Any)) return false;
  const symbol = checker.getSymbolAtLocation(target);
  const declaration = symbol?.valueDeclaration;
  if (declaration == null || !ts.isVariableDeclaration(declaration) || declaration.initializer == null) return false;
  const initializer = withoutCasts(declaration.initializer);
  if (!ts.isPropertyAccessExpression(initializer) && !ts.isElementAccessExpression(initializer) && !ts.isObjectLiteralExpression(initializer)) return false;
  const entities: (ts.Type | undefined)[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.arguments.some((argument) => ts.isIdentifier(withoutCasts(argument)) && checker.getSymbolAtLocation(withoutCasts(argument)) === symbol)) {
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

/** A type that tells nothing of the properties a value has: `any`, a type parameter, `Partial<T>`, `QueryDeepPartialEntity<T>`. */
function isOpaque(checker: ts.TypeChecker, type: ts.Type): boolean {
  const value = checker.getNonNullableType(type);
  if (value.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter | ts.TypeFlags.IndexedAccess | ts.TypeFlags.Conditional | ts.TypeFlags.Substitution)) return true;
  return value.flags & ts.TypeFlags.Object ? checker.getPropertiesOfType(value).length === 0 && ((value as ts.ObjectType).objectFlags & ts.ObjectFlags.Mapped) !== 0 : false;
}
