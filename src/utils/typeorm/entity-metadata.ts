import ts from 'typescript';

import { appliedTypeormDecorators, type AppliedDecorator } from './typeorm-decorators.js';

/**
 * What TypeORM will know about an entity class, read from its decorators through the checker:
 * which properties are columns (and their database names), keys, version/update-date columns,
 * relations, state-like columns and entity listeners. Inherited members are included. Decorators
 * are TypeORM's own or the project's wrappers of them (see typeorm-decorators).
 */
export interface EntityMetadata {
  className: string;
  /** The table: the name `@Entity()` is given, or TypeORM's default (the class name in snake case). */
  tableName: string;
  declaration: ts.ClassLikeDeclaration;
  columns: readonly ColumnMetadata[];
  primaryColumns: readonly ColumnMetadata[];
  versionColumn?: ColumnMetadata;
  updateDateColumn?: ColumnMetadata;
  /** Entity listener methods by decorator (`BeforeUpdate`, `AfterUpdate`, …). */
  listeners: ReadonlyMap<string, readonly string[]>;
  /** Properties by name, for quick lookup. */
  byProperty: ReadonlyMap<string, ColumnMetadata>;
}

export type ColumnKind =
  | 'primary'
  | 'column'
  | 'version'
  | 'update-date'
  | 'create-date'
  | 'delete-date'
  | 'relation'
  | 'relation-id';

export type RelationKind = 'many-to-one' | 'one-to-one' | 'one-to-many' | 'many-to-many';

export interface ColumnMetadata {
  propertyName: string;
  /** The column name in SQL; for an owning relation, its join column. */
  databaseName: string;
  kind: ColumnKind;
  relationKind?: RelationKind;
  eager: boolean;
  cascade: boolean;
  /** `@Column({ select: false })` (a password hash, say): not loaded unless a query asks for it. */
  hiddenByDefault: boolean;
  /** Typed by an enum or a union of string literals: a state machine's column. */
  isStateLike: boolean;
  declaration: ts.PropertyDeclaration;
}

/** TypeORM's property decorators that declare a column or a relation, and what each declares. */
const COLUMN_DECORATORS: Readonly<Record<string, ColumnKind>> = {
  Column: 'column',
  PrimaryColumn: 'primary',
  PrimaryGeneratedColumn: 'primary',
  ObjectIdColumn: 'primary',
  VersionColumn: 'version',
  UpdateDateColumn: 'update-date',
  CreateDateColumn: 'create-date',
  DeleteDateColumn: 'delete-date',
  ManyToOne: 'relation',
  OneToOne: 'relation',
  OneToMany: 'relation',
  ManyToMany: 'relation',
  RelationId: 'relation-id',
};

const RELATION_KINDS: Readonly<Record<string, RelationKind>> = {
  ManyToOne: 'many-to-one',
  OneToOne: 'one-to-one',
  OneToMany: 'one-to-many',
  ManyToMany: 'many-to-many',
};

const LISTENER_DECORATORS = new Set([
  'BeforeInsert',
  'AfterInsert',
  'BeforeUpdate',
  'AfterUpdate',
  'BeforeRemove',
  'AfterRemove',
  'BeforeSoftRemove',
  'AfterSoftRemove',
  'BeforeRecover',
  'AfterRecover',
  'AfterLoad',
]);

const ENTITY_DECORATORS = new Set(['Entity', 'ChildEntity']);

const metadataCache = new WeakMap<ts.TypeChecker, WeakMap<ts.Declaration, EntityMetadata | null>>();

/**
 * Whether a value of `type` is a row of the entity: its class, a base class it inherits its
 * columns from, or a single-table-inheritance child (`Post` of `Content`) in either direction.
 */
export function isRowOfEntity(checker: ts.TypeChecker, type: ts.Type, metadata: EntityMetadata): boolean {
  const holderClass = classDeclarationOf(checker.getNonNullableType(type));
  if (holderClass == null) return false;
  if (holderClass === metadata.declaration) return true;
  let entityChain = entityClassChains.get(metadata);
  if (entityChain == null) {
    entityChain = classChain(checker, metadata.declaration);
    entityClassChains.set(metadata, entityChain);
  }
  const chain = entityChain;
  return chain.includes(holderClass) || classChain(checker, holderClass).some((declaration) => chain.includes(declaration));
}

const entityClassChains = new WeakMap<EntityMetadata, readonly ts.ClassLikeDeclaration[]>();

/** The entity behind a type (`Conversation`, `Conversation | null`, `Conversation[]`), if any. */
export function entityMetadataOfType(checker: ts.TypeChecker, type: ts.Type): EntityMetadata | undefined {
  const classDeclaration = entityClassOfType(checker, type);
  return classDeclaration == null ? undefined : entityMetadataOfClass(checker, classDeclaration);
}

/**
 * Whether values of this type may be rows of an entity: a known entity (`Conversation`,
 * `Conversation[]`), or a class from a declaration file, whose decorators the compiler erased
 * (a framework's entities, such as Vendure's `PaymentMethod`). For the latter only a write of
 * the value (TypeORM's `save()`, or a project function whose summary reaches one) tells.
 */
export function mayBeEntityType(checker: ts.TypeChecker, type: ts.Type): boolean {
  const classDeclaration = entityClassOfType(checker, type);
  if (classDeclaration == null) return false;
  return classDeclaration.getSourceFile().isDeclarationFile || entityMetadataOfClass(checker, classDeclaration) != null;
}

function entityClassOfType(checker: ts.TypeChecker, type: ts.Type): ts.ClassLikeDeclaration | undefined {
  let candidate = checker.getNonNullableType(type);
  if (checker.isArrayType(candidate)) {
    candidate = checker.getTypeArguments(candidate as ts.TypeReference)[0] ?? candidate;
  }
  if (candidate.isUnion()) {
    const entities = new Set(
      candidate.types.map((member) => classDeclarationOf(member)).filter((declaration) => declaration != null),
    );
    return entities.size === 1 ? [...entities][0] : undefined;
  }
  return classDeclarationOf(candidate);
}

function classDeclarationOf(type: ts.Type): ts.ClassLikeDeclaration | undefined {
  const symbol = type.getSymbol();
  return symbol?.declarations?.find((declaration): declaration is ts.ClassLikeDeclaration =>
    ts.isClassLike(declaration),
  );
}

export function entityMetadataOfClass(
  checker: ts.TypeChecker,
  declaration: ts.ClassLikeDeclaration,
): EntityMetadata | undefined {
  let perChecker = metadataCache.get(checker);
  if (perChecker == null) {
    perChecker = new WeakMap();
    metadataCache.set(checker, perChecker);
  }
  const cached = perChecker.get(declaration);
  if (cached !== undefined) return cached ?? undefined;
  const computed = computeEntityMetadata(checker, declaration) ?? null;
  perChecker.set(declaration, computed);
  return computed ?? undefined;
}

function computeEntityMetadata(
  checker: ts.TypeChecker,
  declaration: ts.ClassLikeDeclaration,
): EntityMetadata | undefined {
  const entityDecorator = decoratorsOf(checker, declaration).find(({ name }) => ENTITY_DECORATORS.has(name));
  if (entityDecorator == null) return undefined;
  const columns = new Map<string, ColumnMetadata>();
  const listeners = new Map<string, string[]>();
  // Base classes first, so a subclass's redeclaration wins.
  for (const classDeclaration of classChain(checker, declaration).reverse()) {
    for (const member of classDeclaration.members) {
      if (ts.isPropertyDeclaration(member)) {
        const column = columnOfProperty(checker, member);
        if (column != null) columns.set(column.propertyName, column);
      } else if (ts.isMethodDeclaration(member) && ts.isIdentifier(member.name)) {
        for (const name of decoratorNames(checker, member)) {
          if (LISTENER_DECORATORS.has(name)) {
            const methods = listeners.get(name) ?? [];
            methods.push(member.name.text);
            listeners.set(name, methods);
          }
        }
      }
    }
  }
  const all = [...columns.values()];
  const className = declaration.name?.text ?? '<anonymous>';
  return {
    className,
    tableName: tableNameOf(entityDecorator.calls) ?? snakeCase(className),
    declaration,
    columns: all,
    primaryColumns: all.filter((column) => column.kind === 'primary'),
    versionColumn: all.find((column) => column.kind === 'version'),
    updateDateColumn: all.find((column) => column.kind === 'update-date'),
    listeners,
    byProperty: columns,
  };
}

/** The class and its base classes, nearest first. */
function classChain(checker: ts.TypeChecker, declaration: ts.ClassLikeDeclaration): ts.ClassLikeDeclaration[] {
  const chain: ts.ClassLikeDeclaration[] = [];
  const seen = new Set<ts.ClassLikeDeclaration>();
  for (let current: ts.ClassLikeDeclaration | undefined = declaration; current != null && !seen.has(current); ) {
    seen.add(current);
    chain.push(current);
    const extendsClause: ts.HeritageClause | undefined = current.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword);
    const baseExpression: ts.Expression | undefined = extendsClause?.types[0]?.expression;
    current = baseExpression == null ? undefined : classDeclarationOfExpression(checker, baseExpression);
  }
  return chain;
}

function classDeclarationOfExpression(
  checker: ts.TypeChecker,
  expression: ts.Expression,
): ts.ClassLikeDeclaration | undefined {
  let symbol = checker.getSymbolAtLocation(expression);
  if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol?.declarations?.find((candidate): candidate is ts.ClassLikeDeclaration => ts.isClassLike(candidate));
}

function columnOfProperty(checker: ts.TypeChecker, property: ts.PropertyDeclaration): ColumnMetadata | undefined {
  if (!ts.isIdentifier(property.name) && !ts.isStringLiteral(property.name)) return undefined;
  const propertyName = property.name.text;
  const decorators = decoratorsOf(checker, property);
  const primary = decorators.find(({ name }) => COLUMN_DECORATORS[name] != null);
  if (primary == null) return undefined;
  let kind = COLUMN_DECORATORS[primary.name] ?? 'column';
  const options = optionsOf(primary.calls);
  if (kind === 'column' && booleanOption(options, 'primary')) kind = 'primary';
  const joinColumn = decorators.find(({ name }) => name === 'JoinColumn');
  const relationKind = RELATION_KINDS[primary.name];
  let databaseName = stringOption(options, 'name') ?? propertyName;
  if (relationKind != null) {
    const joinName = stringOption(optionsOf(joinColumn?.calls ?? []), 'name');
    databaseName = joinName ?? `${propertyName}Id`;
  }
  const cascade = option(options, 'cascade');
  const select = option(options, 'select');
  return {
    propertyName,
    databaseName,
    kind,
    ...(relationKind == null ? {} : { relationKind }),
    eager: booleanOption(options, 'eager'),
    cascade: cascade != null && !isFalse(cascade),
    hiddenByDefault: select != null && isFalse(select),
    isStateLike: relationKind == null && isStateLikeColumn(checker, property, options),
    declaration: property,
  };
}

function isStateLikeColumn(checker: ts.TypeChecker, property: ts.PropertyDeclaration, options: readonly ts.ObjectLiteralExpression[]): boolean {
  // An enum names a category as often as a state: `type`, `source`, `mediaServerType` say what a
  // row is, not where it is in a lifecycle.
  if (isCategoryName(property.name.getText())) return false;
  const declaredType = stringOption(options, 'type');
  if (declaredType === 'enum' || declaredType === 'simple-enum') return true;
  if (option(options, 'enum') != null) return true;
  if (property.type != null && isPlainValueTypeNode(property.type)) return false;
  return isEnumOrStringLiteralUnion(checker, checker.getTypeAtLocation(property));
}

const PLAIN_VALUE_KEYWORDS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.StringKeyword,
  ts.SyntaxKind.NumberKeyword,
  ts.SyntaxKind.BooleanKeyword,
  ts.SyntaxKind.BigIntKeyword,
  ts.SyntaxKind.ObjectKeyword,
  ts.SyntaxKind.UnknownKeyword,
  ts.SyntaxKind.AnyKeyword,
]);

/**
 * `string`, `number | null`, `Date`, `string[]`: a type written so that it cannot be an enum or a
 * union of string literals, settled without asking the checker (most columns of an entity).
 */
function isPlainValueTypeNode(node: ts.TypeNode): boolean {
  if (PLAIN_VALUE_KEYWORDS.has(node.kind) || ts.isArrayTypeNode(node)) return true;
  if (ts.isTypeReferenceNode(node)) return ts.isIdentifier(node.typeName) && node.typeName.text === 'Date' && node.typeArguments == null;
  if (ts.isUnionTypeNode(node)) {
    return node.types.some(isPlainValueTypeNode) &&
      node.types.every((member) => isPlainValueTypeNode(member) || (ts.isLiteralTypeNode(member) && (member.literal.kind === ts.SyntaxKind.NullKeyword || member.literal.kind === ts.SyntaxKind.UndefinedKeyword)));
  }
  return false;
}

const CATEGORY_WORDS: readonly string[] = ['type', 'kind', 'category', 'source', 'provider', 'platform', 'role', 'format', 'gender', 'language', 'locale', 'currency', 'country', 'region', 'medium', 'origin', 'flavor', 'flavour', 'variant', 'method', 'theme'];

/**
 * `type`, `kind`, `media_server_type`, `authProvider`, `defaultLocale`, `forceTheme`: the name ends
 * in a word for a category or a setting, which says what a row is or how it is shown, not where it
 * is in a lifecycle.
 */
export function isCategoryName(name: string): boolean {
  const words = name.replaceAll(/["'`]/g, '').split(/[_\-\s]+|(?<=[a-z0-9])(?=[A-Z])/).filter((word) => word !== '');
  const last = words.at(-1)?.toLowerCase();
  return last != null && CATEGORY_WORDS.includes(last);
}

/** `enum Status`, `'open' | 'closed'` (with or without `| null`). */
export function isEnumOrStringLiteralUnion(checker: ts.TypeChecker, type: ts.Type): boolean {
  const nonNullable = checker.getNonNullableType(type);
  if (nonNullable.flags & ts.TypeFlags.EnumLike) return true;
  if (!nonNullable.isUnion()) return false;
  return nonNullable.types.every(
    (member) => (member.flags & (ts.TypeFlags.StringLiteral | ts.TypeFlags.EnumLiteral)) !== 0,
  );
}

function decoratorsOf(checker: ts.TypeChecker, node: ts.HasDecorators): readonly AppliedDecorator[] {
  return (ts.getDecorators(node) ?? []).flatMap((decorator) => appliedTypeormDecorators(checker, decorator));
}

function decoratorNames(checker: ts.TypeChecker, node: ts.Node): string[] {
  return ts.canHaveDecorators(node) ? decoratorsOf(checker, node).map(({ name }) => name) : [];
}

/**
 * The option objects of a decorator, nearest first: a wrapper's use site (`@EnumColumn({ enum })`)
 * usually passes its options on, and the wrapper adds its own (`Column({ ...options, type })`).
 */
function optionsOf(calls: readonly ts.CallExpression[]): readonly ts.ObjectLiteralExpression[] {
  return calls.flatMap((call) => {
    const literal = call.arguments.find((argument): argument is ts.ObjectLiteralExpression => ts.isObjectLiteralExpression(argument));
    return literal == null ? [] : [literal];
  });
}

/** The nearest option object's property `key`. */
function option(options: readonly ts.ObjectLiteralExpression[], key: string): ts.ObjectLiteralElementLike | undefined {
  for (const literal of options) {
    const property = literal.properties.find((candidate) => propertyKey(candidate) === key);
    if (property != null) return property;
  }
  return undefined;
}

/** `@Entity('orders')`, `@Entity({ name: 'orders' })`, through a wrapper that passes it on or names it. */
function tableNameOf(calls: readonly ts.CallExpression[]): string | undefined {
  for (const call of calls) {
    const [first] = call.arguments;
    if (first != null && ts.isStringLiteralLike(first)) return first.text;
    const name = stringOption(optionsOf([call]), 'name');
    if (name != null) return name;
  }
  return undefined;
}

/** TypeORM's default table name for a class: `VisitorLock` → `visitor_lock`. */
function snakeCase(name: string): string {
  return name.replaceAll(/([a-z\d])([A-Z])/g, '$1_$2').replaceAll(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

function propertyKey(property: ts.ObjectLiteralElementLike): string | undefined {
  const name = property.name;
  return name != null && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? name.text : undefined;
}

function stringOption(options: readonly ts.ObjectLiteralExpression[], key: string): string | undefined {
  const property = option(options, key);
  if (property == null || !ts.isPropertyAssignment(property)) return undefined;
  const value = property.initializer;
  return ts.isStringLiteralLike(value) ? value.text : undefined;
}

function booleanOption(options: readonly ts.ObjectLiteralExpression[], key: string): boolean {
  const property = option(options, key);
  return property != null && ts.isPropertyAssignment(property) && property.initializer.kind === ts.SyntaxKind.TrueKeyword;
}

function isFalse(property: ts.ObjectLiteralElementLike): boolean {
  return ts.isPropertyAssignment(property) && property.initializer.kind === ts.SyntaxKind.FalseKeyword;
}
