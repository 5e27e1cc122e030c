import ts from 'typescript';

import { entityMetadataOfClass, entityMetadataOfType, type ColumnMetadata, type EntityMetadata } from './entity-metadata.js';

/**
 * Which columns hold a state machine's state, and which columns in a condition guard a
 * transition. Columns are matched by property name or database name, so `'last_message_id = :t'`
 * and `{ lastMessageId }` name the same column.
 */
export interface StateColumnOptions {
  /** Column names (property or database) that always count as state columns. */
  stateColumns: readonly string[];
  /** Column names that guard a transition as well as the state column itself (`last_message_id`). */
  guardColumns: readonly string[];
}

/** A property written by an update, resolved to the entity column it sets. */
export interface WrittenColumn {
  column: ColumnMetadata;
  metadata: EntityMetadata;
  /** The property assignment in the literal (`status: ConversationStatus.PENDING`). */
  property: ts.ObjectLiteralElementLike;
  /** The written value's source text, when it is a plain expression. */
  valueText?: string;
}

/**
 * The entity columns an object literal sets, found through its contextual type: TypeORM types
 * `set()`, `update()`'s partial and `save()`'s argument as mapped types over the entity, and
 * their members keep the entity's property declarations.
 */
export function writtenColumns(
  checker: ts.TypeChecker,
  literal: ts.ObjectLiteralExpression,
  knownEntity?: EntityMetadata,
): WrittenColumn[] {
  // The contextual type needs the call resolved with all its arguments: only when the caller
  // could not say which entity is written.
  const contextual = knownEntity == null ? checker.getContextualType(literal) : undefined;
  const written: WrittenColumn[] = [];
  for (const property of literal.properties) {
    const name = propertyName(property);
    if (name == null) continue;
    const declaration = contextual?.getProperty(name)?.declarations?.find(ts.isPropertyDeclaration);
    const owner = declaration?.parent;
    const declaringEntity = owner != null && ts.isClassLike(owner) ? entityMetadataOfClass(checker, owner) : undefined;
    // The declaring class may be an abstract base: look the column up on the entity written to.
    const entity = knownEntity ?? declaringEntity ?? (contextual == null ? undefined : entityOfLiteralTarget(checker, contextual));
    const column = entity?.byProperty.get(name);
    if (column == null || entity == null) continue;
    written.push({
      column,
      metadata: entity,
      property,
      ...(ts.isPropertyAssignment(property) ? { valueText: property.initializer.getText() } : {}),
    });
  }
  return written;
}

/**
 * The entity a repository, a `Repository<E>` subclass, a query builder (`UpdateQueryBuilder<E>`)
 * or an entity class (`typeof E`) works on.
 */
export function entityOfReceiver(checker: ts.TypeChecker, receiver: ts.Expression): EntityMetadata | undefined {
  const type = checker.getTypeAtLocation(receiver);
  for (const signature of type.getConstructSignatures()) {
    const metadata = entityMetadataOfType(checker, signature.getReturnType());
    if (metadata != null) return metadata;
  }
  const seen = new Set<ts.Type>();
  const queue: ts.Type[] = [type];
  while (queue.length > 0) {
    const current = queue.shift() as ts.Type;
    if (seen.has(current)) continue;
    seen.add(current);
    if (/(Repository|QueryBuilder)$/.test(current.getSymbol()?.getName() ?? '')) {
      for (const argument of checker.getTypeArguments(current as ts.TypeReference)) {
        const metadata = entityMetadataOfType(checker, argument);
        if (metadata != null) return metadata;
      }
    }
    const target = (current as ts.TypeReference).target as ts.Type | undefined;
    const classType = target ?? current;
    if (classType.isClassOrInterface()) queue.push(...(checker.getBaseTypes(classType)));
  }
  return undefined;
}

function entityOfLiteralTarget(checker: ts.TypeChecker, contextual: ts.Type): EntityMetadata | undefined {
  for (const property of contextual.getProperties()) {
    const owner = property.declarations?.find(ts.isPropertyDeclaration)?.parent;
    if (owner != null && ts.isClassLike(owner)) {
      const metadata = entityMetadataOfClass(checker, owner);
      if (metadata != null) return metadata;
    }
  }
  return undefined;
}

export function propertyName(property: ts.ObjectLiteralElementLike): string | undefined {
  if (ts.isSpreadAssignment(property)) return undefined;
  const name = property.name;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** Column names that hold a state machine's state even when the column is a plain string. */
const DEFAULT_STATE_NAMES: readonly string[] = ['status', 'state', 'stage', 'phase'];

export function isStateColumn(column: ColumnMetadata, options: StateColumnOptions): boolean {
  if (column.kind !== 'column') return false;
  if (column.isStateLike) return true;
  if (namesState(column.propertyName, options.stateColumns) || namesState(column.databaseName, options.stateColumns)) return true;
  // `payState: number`: a state code. A `*State` of another type is as often a place or a blob.
  return /.state$/.test(normalizeColumnName(column.propertyName)) && declaresNumber(column.declaration.type);
}

/** `number`, `number | null`. */
function declaresNumber(type: ts.TypeNode | undefined): boolean {
  if (type == null) return false;
  if (type.kind === ts.SyntaxKind.NumberKeyword) return true;
  return ts.isUnionTypeNode(type) && type.types.some((member) => member.kind === ts.SyntaxKind.NumberKeyword) && type.types.every((member) => member.kind === ts.SyntaxKind.NumberKeyword || (ts.isLiteralTypeNode(member) && member.literal.kind === ts.SyntaxKind.NullKeyword) || member.kind === ts.SyntaxKind.UndefinedKeyword);
}

/**
 * A name that holds a state: `status`, `state`, `stage`, `phase`, one the options add, or one that
 * ends in `Status` (`payStatus`, `refund_status`) — not a reply's (`httpStatus`,
 * `responseStatus`). A name ending in `State` is as often a place or a blob (`shippingState`,
 * `editorState`): list it in the options.
 */
export function namesState(name: string, extra: readonly string[]): boolean {
  const normalized = normalizeColumnName(name);
  if ([...DEFAULT_STATE_NAMES, ...extra].some((candidate) => normalizeColumnName(candidate) === normalized)) return true;
  return /.status$/.test(normalized) && !REPLY_STATUS.test(normalized);
}

const REPLY_STATUS = /(http|response|exit|error|return)status$/;

/** `last_message_id`, `lastMessageId`, `"LastMessageId"` → `lastmessageid`. */
export function normalizeColumnName(name: string): string {
  return name.replaceAll(/[_"`[\]]/g, '').toLowerCase();
}

/** The names a condition may use for a column. */
export function columnNames(column: ColumnMetadata): string[] {
  return [normalizeColumnName(column.propertyName), normalizeColumnName(column.databaseName)];
}

/** The columns whose presence in a condition guards a transition of `state`. */
export function guardNames(metadata: EntityMetadata, state: ColumnMetadata, options: StateColumnOptions): Set<string> {
  const names = new Set(columnNames(state));
  if (metadata.versionColumn != null) for (const name of columnNames(metadata.versionColumn)) names.add(name);
  for (const guard of options.guardColumns) {
    names.add(normalizeColumnName(guard));
    const column = metadata.byProperty.get(guard) ?? metadata.columns.find((candidate) => candidate.databaseName === guard);
    if (column != null) for (const name of columnNames(column)) names.add(name);
  }
  return names;
}

/**
 * The column names a condition mentions, or `undefined` when the condition cannot be read
 * (a built string, a function, a variable): then nothing is claimed about it.
 */
export function conditionColumns(condition: ts.Expression): Set<string> | undefined {
  const node = skipParentheses(condition);
  if (ts.isStringLiteralLike(node)) return callsSqlFunction(node.text) ? undefined : columnsInSql(node.text);
  if (ts.isObjectLiteralExpression(node)) {
    const names = new Set<string>();
    for (const property of node.properties) {
      const name = propertyName(property);
      if (name == null) return undefined;
      names.add(normalizeColumnName(name));
    }
    return names;
  }
  if (ts.isArrayLiteralExpression(node)) {
    // `[{ a }, { b }]` is `a OR b`: a column guards only if every branch has it.
    let common: Set<string> | undefined;
    for (const element of node.elements) {
      const names = conditionColumns(element);
      if (names == null) return undefined;
      common = common == null ? names : new Set([...common].filter((name) => names.has(name)));
    }
    return common ?? new Set();
  }
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && /^(Not)?Brackets$/.test(node.expression.text)) {
    const callback = node.arguments?.[0];
    if (callback == null || !ts.isFunctionLike(callback)) return undefined;
    const names = new Set<string>();
    const state = { readable: true };
    const visit = (inner: ts.Node): void => {
      // An OR inside the brackets: a guard in one branch does not hold for the other.
      if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && inner.expression.name.text === 'orWhere') {
        state.readable = false;
      } else if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && /where$/i.test(inner.expression.name.text)) {
        const argument = inner.arguments[0];
        const found = argument == null ? undefined : conditionColumns(argument);
        if (found == null) state.readable = false;
        else for (const name of found) names.add(name);
      }
      ts.forEachChild(inner, visit);
    };
    visit(callback);
    return state.readable ? names : undefined;
  }
  return undefined;
}

/** `job_is_claimable(id, now())`: what a SQL function checks cannot be read from its arguments. */
function callsSqlFunction(sql: string): boolean {
  const withoutStrings = sql.replaceAll(/'(?:[^']|'')*'/g, ' ');
  for (const match of withoutStrings.matchAll(/([A-Za-z_][\w$]*)\s*\(/g)) {
    if (!['in', 'not', 'and', 'or', 'exists', 'any', 'all'].includes((match[1] ?? '').toLowerCase())) return true;
  }
  return false;
}

const SQL_WORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'like', 'ilike', 'between', 'true', 'false', 'any', 'all', 'exists', 'select', 'from', 'where', 'now', 'coalesce', 'lower', 'upper']);

/** Identifiers in a SQL condition, without parameters (`:id`), keywords or string literals. */
export function columnsInSql(sql: string): Set<string> {
  const names = new Set<string>();
  const withoutStrings = sql.replaceAll(/'(?:[^']|'')*'/g, ' ');
  for (const match of withoutStrings.matchAll(/(:{1,2}\.{0,3})?((?:["`[]?[A-Za-z_][\w$]*["`\]]?\.)*["`[]?[A-Za-z_][\w$]*["`\]]?)/g)) {
    if (match[1] != null && match[1] !== '') continue;
    const last = match[2]?.split('.').at(-1);
    if (last == null) continue;
    const name = normalizeColumnName(last);
    if (!SQL_WORDS.has(name)) names.add(name);
  }
  return names;
}

function skipParentheses(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current)) current = current.expression;
  return current;
}

/** Whether a condition that checks `columns` guards `written`: it checks the state, the version or a guard column. */
export function guardsTransition(columns: ReadonlySet<string>, written: WrittenColumn, options: StateColumnOptions): boolean {
  const guards = guardNames(written.metadata, written.column, options);
  return [...columns].some((name) => guards.has(name));
}

/** What a column in a condition guards: the state itself, the version, or another guard column. */
export type GuardRole = 'state' | 'version' | 'guard';

/**
 * The columns of `metadata` a condition checks (by the names `conditionColumns` reads), besides
 * the primary key, each with the role it plays as a guard; in the order the condition names them.
 */
export function conditionGuards(
  metadata: EntityMetadata,
  names: ReadonlySet<string>,
  options: StateColumnOptions,
): { column: ColumnMetadata; role: GuardRole }[] {
  const guards: { column: ColumnMetadata; role: GuardRole }[] = [];
  for (const column of columnsNamed(metadata, names)) {
    if (column.kind === 'primary') continue;
    const role: GuardRole = column === metadata.versionColumn ? 'version' : isStateColumn(column, options) ? 'state' : 'guard';
    guards.push({ column, role });
  }
  return guards;
}

/** The entity's columns a set of condition names (see `conditionColumns`) refers to, in the order named. */
export function columnsNamed(metadata: EntityMetadata, names: ReadonlySet<string>): ColumnMetadata[] {
  const found: ColumnMetadata[] = [];
  for (const name of names) {
    const column = metadata.columns.find((candidate) => columnNames(candidate).includes(name));
    if (column != null && !found.includes(column)) found.push(column);
  }
  return found;
}
