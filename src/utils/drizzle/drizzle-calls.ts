import ts from 'typescript';

import { methodNameOfCall } from '../calls/call-name-gates.js';
import { moduleOriginOfDeclaration } from '../calls/module-origin.js';
import { calleeDeclarations, resolvedDeclaration } from '../typeorm/typeorm-calls.js';

/**
 * drizzle-orm, recognised by the declarations its builders resolve to (`PgDatabase.select`,
 * `PgSelectBuilder.from`, `PgUpdateBuilder.set`, the relational `RelationalQueryBuilder.findFirst`,
 * `PgDatabase.transaction`), for every dialect: the classes differ only by their prefix (`Pg`,
 * `SQLite`, `BaseSQLite`, `MySql`, `SingleStore`, `Gel`).
 */

/** The drizzle-orm class and method a call resolves to (`{ owner: 'UpdateBuilder', method: 'set' }`, prefix dropped). */
interface DrizzleMethod {
  owner: string;
  method: string;
}

const DIALECT_PREFIX = /^(?:Base)?(?:Pg|SQLite|MySql|SingleStore|Gel)(?=[A-Z])/;

function isDrizzleDeclaration(declaration: ts.Declaration): boolean {
  const origin = moduleOriginOfDeclaration(declaration);
  return origin.kind === 'package' && origin.name === 'drizzle-orm';
}

function methodOf(declaration: ts.Declaration | undefined): DrizzleMethod | undefined {
  if (declaration == null || !isDrizzleDeclaration(declaration)) return undefined;
  const owner = declaration.parent;
  const name = (declaration as ts.NamedDeclaration).name;
  if (!(ts.isClassDeclaration(owner) || ts.isInterfaceDeclaration(owner)) || owner.name == null || name == null || !ts.isIdentifier(name)) return undefined;
  return { owner: owner.name.text.replace(DIALECT_PREFIX, ''), method: name.text };
}

/** What a call of drizzle-orm is, by its declaration; `names` gates the type query by method name. */
function drizzleMethodOf(checker: ts.TypeChecker, call: ts.CallExpression, names: ReadonlySet<string>): DrizzleMethod | undefined {
  const name = methodNameOfCall(call);
  if (name == null || !names.has(name)) return undefined;
  return methodOf(calleeDeclarations(checker, call)?.[0] ?? resolvedDeclaration(checker, call));
}

/** One link of a builder chain: `db.update(t)`, `.set({…})`, `.where(…)`. */
interface BuilderLink {
  call: ts.CallExpression;
  name: string;
}

/** The calls of a chain from its root: `db.update(t).set(v).where(w)` → update, set, where. */
function builderChain(expression: ts.Expression): BuilderLink[] {
  const links: BuilderLink[] = [];
  let current = skipParentheses(expression);
  while (ts.isCallExpression(current)) {
    const callee = skipParentheses(current.expression);
    if (!ts.isPropertyAccessExpression(callee)) break;
    links.unshift({ call: current, name: callee.name.text });
    current = skipParentheses(callee.expression);
  }
  return links;
}

function skipParentheses(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current)) current = current.expression;
  return current;
}

/** Methods of a select chain that keep it a read of one table's rows. */
const SELECT_CHAIN: ReadonlySet<string> = new Set([
  'select', 'selectDistinct', 'selectDistinctOn', 'from', 'where', 'limit', 'offset', 'orderBy', 'for',
  '$dynamic', 'execute', 'all', 'get', 'prepare',
]);
const FROM_NAMES: ReadonlySet<string> = new Set(['from']);
const RELATIONAL_NAMES: ReadonlySet<string> = new Set(['findFirst', 'findMany']);

/** A read of rows: `db.select().from(t).where(…)` or `db.query.t.findFirst(…)`. */
export interface DrizzleRead {
  /** The outermost call of the statement (what is awaited). */
  call: ts.CallExpression;
  shape: 'one' | 'many';
  /** The table (`from(t)`), or the relational query builder (`db.query.t`). */
  source: ts.Expression;
  relational: boolean;
  /** `.for('update')` and the like: the row stays locked, in a transaction, until it ends. */
  locks: boolean;
}

/**
 * A read of a table's rows, as awaited: `db.select().from(t).where(…)` (a list) or
 * `db.query.t.findFirst(…)` (one row) / `findMany(…)`. A select of chosen columns
 * (`db.select({ n: t.balance })`) reads rows of the same table under other names: not followed.
 */
export function drizzleReadOf(checker: ts.TypeChecker, expression: ts.Expression): DrizzleRead | undefined {
  const chain = builderChain(expression);
  const last = chain.at(-1);
  if (last == null) return undefined;
  if (RELATIONAL_NAMES.has(last.name)) {
    const method = drizzleMethodOf(checker, last.call, RELATIONAL_NAMES);
    if (method?.owner !== 'RelationalQueryBuilder') return undefined;
    const callee = skipParentheses(last.call.expression) as ts.PropertyAccessExpression;
    return { call: last.call, shape: last.name === 'findFirst' ? 'one' : 'many', source: skipParentheses(callee.expression), relational: true, locks: false };
  }
  const from = chain.find((link) => link.name === 'from');
  const [select] = chain;
  if (from == null || select == null || select.name !== 'select' || select.call.arguments.length > 0) return undefined;
  if (chain.some((link) => !SELECT_CHAIN.has(link.name))) return undefined;
  const method = drizzleMethodOf(checker, from.call, FROM_NAMES);
  const table = from.call.arguments[0];
  if (method?.owner !== 'SelectBuilder' || table == null) return undefined;
  return { call: last.call, shape: 'many', source: table, relational: false, locks: chain.some((link) => link.name === 'for') };
}

/** The parts of `db.update(t).set(v).where(w).returning()`, found from the `set()` call. */
export interface DrizzleUpdate {
  table: ts.Expression;
  set: ts.CallExpression;
  values: ts.Expression | undefined;
  /** The `.where(…)` call, when there is one. */
  where: ts.CallExpression | undefined;
  /** `.returning(…)`, when the statement hands back the updated rows. */
  returning: ts.CallExpression | undefined;
  /** The outermost call of the statement (what is awaited). */
  statement: ts.CallExpression;
}

const SET_NAMES: ReadonlySet<string> = new Set(['set']);

/** `set(…)` of an update builder, with the rest of its statement. */
export function drizzleUpdateOf(checker: ts.TypeChecker, set: ts.CallExpression): DrizzleUpdate | undefined {
  const method = drizzleMethodOf(checker, set, SET_NAMES);
  if (method?.owner !== 'UpdateBuilder') return undefined;
  const update = skipParentheses((skipParentheses(set.expression) as ts.PropertyAccessExpression).expression);
  const table = ts.isCallExpression(update) ? update.arguments[0] : undefined;
  if (table == null) return undefined;
  let statement = set;
  let where: ts.CallExpression | undefined;
  let returning: ts.CallExpression | undefined;
  for (let access = statement.parent; ts.isPropertyAccessExpression(access) && access.expression === statement && ts.isCallExpression(access.parent) && access.parent.expression === access; access = statement.parent) {
    statement = access.parent;
    if (access.name.text === 'where') where = statement;
    if (access.name.text === 'returning') returning = statement;
  }
  return { table, set, values: set.arguments[0], where, returning, statement };
}

const TRANSACTION_NAMES: ReadonlySet<string> = new Set(['transaction']);

/**
 * `db.transaction(async (tx) => …)` on any dialect's database (and `tx.transaction(…)`, a
 * savepoint): the callback holds one connection until it settles.
 */
export function isDrizzleTransaction(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  const method = drizzleMethodOf(checker, call, TRANSACTION_NAMES);
  return method != null && /(?:Database|Transaction|Session)$/.test(method.owner);
}

/**
 * The lock a select takes with `.for('update')` (`'no key update'`, `'share'`, `'key share'`),
 * as SQL names it; undefined for any other call.
 */
export function drizzleRowLockOf(checker: ts.TypeChecker, call: ts.CallExpression): string | undefined {
  const strength = call.arguments[0];
  if (strength == null || !ts.isStringLiteralLike(strength)) return undefined;
  const method = drizzleMethodOf(checker, call, FOR_NAMES);
  return method?.owner === 'SelectQueryBuilderBase' ? `FOR ${strength.text.toUpperCase()}` : undefined;
}

const FOR_NAMES: ReadonlySet<string> = new Set(['for']);

/**
 * The columns of a table (or of a relational query's table) that are its primary key: their
 * column type says `isPrimaryKey: true`.
 */
export function drizzlePrimaryKeyColumns(checker: ts.TypeChecker, source: ts.Expression, relational: boolean): ReadonlySet<string> {
  const type = checker.getTypeAtLocation(source);
  const columns = relational ? relationalColumnsType(checker, type) : type;
  const keys = new Set<string>();
  if (columns == null) return keys;
  for (const property of columns.getProperties()) {
    const config = checker.getTypeOfSymbol(property).getProperty('_');
    const primary = config == null ? undefined : checker.getTypeOfSymbol(config).getProperty('isPrimaryKey');
    if (primary != null && checker.typeToString(checker.getTypeOfSymbol(primary)) === 'true') keys.add(property.name);
  }
  return keys;
}

/**
 * The name of a table in SQL, from its type (`PgTableWithColumns<{ name: "wallets"; … }>`), or
 * for a relational query (`db.query.wallets`) from its table's config (`dbName`).
 */
export function drizzleTableName(checker: ts.TypeChecker, source: ts.Expression, relational: boolean): string | undefined {
  const type = checker.getTypeAtLocation(source);
  const holder = relational ? checker.getTypeArguments(type as ts.TypeReference)[1] : propertyType(checker, type, '_');
  const name = holder == null ? undefined : propertyType(checker, holder, relational ? 'dbName' : 'name');
  return name?.isStringLiteral() === true ? name.value : undefined;
}

function propertyType(checker: ts.TypeChecker, type: ts.Type, name: string): ts.Type | undefined {
  const property = type.getProperty(name);
  return property == null ? undefined : checker.getTypeOfSymbol(property);
}

/** `RelationalQueryBuilder<Schema, Fields>` → `Fields['columns']`. */
function relationalColumnsType(checker: ts.TypeChecker, builder: ts.Type): ts.Type | undefined {
  const fields = checker.getTypeArguments(builder as ts.TypeReference)[1];
  const columns = fields?.getProperty('columns');
  return columns == null ? undefined : checker.getTypeOfSymbol(columns);
}

/**
 * Whether an expression is a drizzle database itself (`db`), not a transaction's `tx`: its type
 * has drizzle's `transaction()` and no `rollback()`, which only a transaction has.
 */
export function isDrizzleRootDatabase(checker: ts.TypeChecker, expression: ts.Expression): boolean {
  const type = checker.getTypeAtLocation(expression);
  const transaction = type.getProperty('transaction')?.declarations?.[0];
  return transaction != null && isDrizzleDeclaration(transaction) && type.getProperty('rollback') == null;
}

/** The type of the values a table's column holds (`'queued' | 'running' | …` for an enum column). */
export function drizzleColumnDataType(checker: ts.TypeChecker, table: ts.Expression, field: string): ts.Type | undefined {
  const column = propertyType(checker, checker.getTypeAtLocation(table), field);
  const config = column == null ? undefined : propertyType(checker, column, '_');
  return config == null ? undefined : propertyType(checker, config, 'data');
}

/** The declaration of a table written as a name (`wallets` in `db.update(wallets)`). */
export function drizzleTableDeclaration(checker: ts.TypeChecker, table: ts.Expression): ts.Declaration | undefined {
  const node = skipParentheses(table);
  const symbol = ts.isIdentifier(node) || ts.isPropertyAccessExpression(node) ? checker.getSymbolAtLocation(node) : undefined;
  const resolved = symbol != null && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return resolved?.valueDeclaration;
}

/** Operators of drizzle whose operands a condition checks together (not `or`, `not`). */
const CONJUNCTIONS: ReadonlySet<string> = new Set(['and', 'eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'inArray', 'notInArray', 'isNull', 'isNotNull', 'like', 'ilike', 'between']);
/** Operators under which a column checked in one operand is not checked for the row: unreadable. */
const DISJUNCTIONS: ReadonlySet<string> = new Set(['or', 'not']);

/**
 * The columns of `table` a `.where(…)` condition checks (`and(eq(t.id, id), eq(t.status, 'queued'))`
 * → id, status), or undefined when it cannot be read: an `or(…)`, `not(…)`, raw `sql`, a variable.
 */
export function drizzleConditionColumns(condition: ts.Expression | undefined, table: ts.Expression): ReadonlySet<string> | undefined {
  if (condition == null) return new Set();
  const tableText = skipParentheses(table).getText();
  const columns = new Set<string>();
  const read = (node: ts.Expression): boolean => {
    const expression = skipParentheses(node);
    if (!ts.isCallExpression(expression) || !ts.isIdentifier(expression.expression) || !CONJUNCTIONS.has(expression.expression.text)) return false;
    for (const argument of expression.arguments) {
      const operand = skipParentheses(argument);
      if (ts.isPropertyAccessExpression(operand) && skipParentheses(operand.expression).getText() === tableText) {
        columns.add(operand.name.text);
      } else if (ts.isCallExpression(operand) && ts.isIdentifier(operand.expression)) {
        // A nested condition must be readable; any other call is a value compared with.
        const name = operand.expression.text;
        if ((CONJUNCTIONS.has(name) || DISJUNCTIONS.has(name)) && !read(operand)) return false;
      }
    }
    return true;
  };
  return read(condition) ? columns : undefined;
}
