import ts from 'typescript';

import { isTypeormFile } from '../calls/module-origin.js';

/**
 * What TypeORM will know about an entity class, read from its decorators through the checker:
 * which properties are columns (and their database names), keys, version/update-date columns,
 * relations, state-like columns and entity listeners. Inherited members are included.
 */
export interface EntityMetadata {
  className: string;
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
export const COLUMN_DECORATORS: Readonly<Record<string, ColumnKind>> = {
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
  if (!decoratorNames(checker, declaration).some((name) => ENTITY_DECORATORS.has(name))) return undefined;
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
  return {
    className: declaration.name?.text ?? '<anonymous>',
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
  const options = optionsObject(primary.call);
  if (kind === 'column' && booleanOption(options, 'primary')) kind = 'primary';
  const joinColumn = decorators.find(({ name }) => name === 'JoinColumn');
  const relationKind = RELATION_KINDS[primary.name];
  let databaseName = stringOption(options, 'name') ?? propertyName;
  if (relationKind != null) {
    const joinName = stringOption(optionsObject(joinColumn?.call), 'name');
    databaseName = joinName ?? `${propertyName}Id`;
  }
  return {
    propertyName,
    databaseName,
    kind,
    ...(relationKind == null ? {} : { relationKind }),
    eager: booleanOption(options, 'eager'),
    cascade: options?.properties.some((p) => propertyKey(p) === 'cascade' && !isFalse(p)) ?? false,
    hiddenByDefault: options?.properties.some((p) => propertyKey(p) === 'select' && isFalse(p)) ?? false,
    isStateLike: relationKind == null && isStateLikeColumn(checker, property, options),
    declaration: property,
  };
}

function isStateLikeColumn(
  checker: ts.TypeChecker,
  property: ts.PropertyDeclaration,
  options: ts.ObjectLiteralExpression | undefined,
): boolean {
  // An enum names a category as often as a state: `type`, `source`, `mediaServerType` say what a
  // row is, not where it is in a lifecycle.
  if (isCategoryName(property.name.getText())) return false;
  const declaredType = stringOption(options, 'type');
  if (declaredType === 'enum' || declaredType === 'simple-enum') return true;
  if (options?.properties.some((p) => propertyKey(p) === 'enum')) return true;
  return isEnumOrStringLiteralUnion(checker, checker.getTypeAtLocation(property));
}

const CATEGORY_WORDS: readonly string[] = ['type', 'kind', 'category', 'source', 'provider', 'platform', 'role', 'format', 'gender', 'language', 'locale', 'currency', 'country', 'region', 'medium', 'origin', 'flavor', 'flavour', 'variant', 'method'];

/** `type`, `kind`, `media_server_type`, `authProvider`: the name ends in a word for a category. */
function isCategoryName(name: string): boolean {
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

interface ResolvedDecorator {
  name: string;
  call: ts.CallExpression | undefined;
}

function decoratorsOf(checker: ts.TypeChecker, node: ts.HasDecorators): ResolvedDecorator[] {
  return (ts.getDecorators(node) ?? []).flatMap((decorator) => {
    const expression = decorator.expression;
    const call = ts.isCallExpression(expression) ? expression : undefined;
    const callee = call?.expression ?? expression;
    const name = typeormDecoratorName(checker, callee);
    return name == null ? [] : [{ name, call }];
  });
}

function decoratorNames(checker: ts.TypeChecker, node: ts.Node): string[] {
  return ts.canHaveDecorators(node) ? decoratorsOf(checker, node).map(({ name }) => name) : [];
}

/**
 * The TypeORM decorator an expression refers to. Resolution goes through imports and
 * re-exports to typeorm's own declaration, so a same-named decorator from another library
 * does not count; when the import cannot be resolved at all, the spelling is trusted.
 */
function typeormDecoratorName(checker: ts.TypeChecker, callee: ts.Expression): string | undefined {
  const identifier = ts.isIdentifier(callee)
    ? callee
    : ts.isPropertyAccessExpression(callee)
      ? callee.name
      : undefined;
  if (identifier == null || !ts.isIdentifier(identifier)) return undefined;
  let symbol = checker.getSymbolAtLocation(identifier);
  if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.declarations?.[0];
  if (declaration == null) return identifier.text;
  return isTypeormFile(declaration.getSourceFile().fileName) ? symbol?.name : undefined;
}

function optionsObject(call: ts.CallExpression | undefined): ts.ObjectLiteralExpression | undefined {
  return call?.arguments.find((argument): argument is ts.ObjectLiteralExpression =>
    ts.isObjectLiteralExpression(argument),
  );
}

function propertyKey(property: ts.ObjectLiteralElementLike): string | undefined {
  const name = property.name;
  return name != null && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? name.text : undefined;
}

function stringOption(options: ts.ObjectLiteralExpression | undefined, key: string): string | undefined {
  const property = options?.properties.find((p) => propertyKey(p) === key);
  if (property == null || !ts.isPropertyAssignment(property)) return undefined;
  const value = property.initializer;
  return ts.isStringLiteralLike(value) ? value.text : undefined;
}

function booleanOption(options: ts.ObjectLiteralExpression | undefined, key: string): boolean {
  const property = options?.properties.find((p) => propertyKey(p) === key);
  return property != null && ts.isPropertyAssignment(property) && property.initializer.kind === ts.SyntaxKind.TrueKeyword;
}

function isFalse(property: ts.ObjectLiteralElementLike): boolean {
  return ts.isPropertyAssignment(property) && property.initializer.kind === ts.SyntaxKind.FalseKeyword;
}
