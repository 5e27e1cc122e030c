import path from 'node:path';

import {
  Node,
  Project,
  SyntaxKind,
  type CallExpression,
  type ClassDeclaration,
  type Expression,
  type SourceFile,
  type TryStatement,
  type Type,
} from 'ts-morph';

import { isTypeormFile } from '../utils/calls/module-origin.js';
import { COLUMN_DECORATORS } from '../utils/typeorm/entity-metadata.js';
import { columnsInSql, DEFAULT_STATE_NAMES, normalizeColumnName } from '../utils/typeorm/state-columns.js';
import type { AuditScope } from './discover.js';
import { AuditSetupError, firstLine } from './errors.js';

/*
 * The whole-project view a per-file rule cannot have: every entity, every function that writes
 * an entity's columns, guarded updates and locks released in `finally`. Built with ts-morph, which
 * bundles its own TypeScript: its nodes stay in this file, and only plain data leaves it.
 */

export type EntityColumnKind = 'primary' | 'column' | 'version' | 'update-date' | 'create-date' | 'delete-date' | 'relation';

export interface EntityColumn {
  property: string;
  /** The SQL column name; for an owning relation, its join column. */
  column: string;
  kind: EntityColumnKind;
  stateLike: boolean;
}

export interface EntityInfo {
  name: string;
  file: string;
  line: number;
  table: string;
  columns: EntityColumn[];
}

export type WriteOperation = 'update' | 'query-builder update' | 'save' | 'insert' | 'upsert' | 'increment' | 'decrement';

export interface SourceSpan {
  file: string;
  line: number;
  column: number;
  endLine: number;
}

export interface ColumnWriter extends SourceSpan {
  entity: EntityInfo;
  /** Properties the statement sets by name (a save: the fields assigned before it). */
  properties: string[];
  operation: WriteOperation;
  /** `Class.method`, or the function's own name. */
  functionName: string;
  /** Criteria columns besides the primary key (updates); undefined when the criteria cannot be read. */
  conditionColumns?: string[];
  affectedChecked: boolean;
}

export interface GuardedUpdate extends SourceSpan {
  entity: EntityInfo;
  functionName: string;
  properties: string[];
  guards: { property: string; column: string; role: 'state' | 'version' | 'guard' }[];
  operation: WriteOperation;
}

export interface LockInFinally {
  functionName: string;
  file: string;
  acquire: { text: string; line: number };
  tryLine: number;
  release: { text: string; line: number };
}

export interface ProjectIndex {
  entities: EntityInfo[];
  writers: ColumnWriter[];
  guardedUpdates: GuardedUpdate[];
  locksInFinally: LockInFinally[];
  /** Files whose writers could not all be indexed, with the first error. */
  problems: { file: string; message: string }[];
  /** The function holding a position (1-based line and column), named as writers are. */
  functionAt(file: string, line: number, column: number): string | undefined;
}

/**
 * The kind of column a TypeORM decorator gives the entity's own table, as the rules' entity
 * metadata reads it; the inverse relation sides and `@RelationId` have no column to write.
 */
function columnKindOf(decorator: string | undefined): EntityColumnKind | undefined {
  if (decorator == null || decorator === 'OneToMany' || decorator === 'ManyToMany') return undefined;
  const kind = COLUMN_DECORATORS[decorator];
  return kind === 'relation-id' ? undefined : kind;
}
const STATE_NAMES = new Set(DEFAULT_STATE_NAMES);
const ACQUIRE_NAME = /^(?:acquire|lock|trylock|obtain|take)/i;
const RELEASE_NAME = /^(?:release|unlock|free)/i;
const LOCK_NAME = /lock|mutex|semaphore/i;
const ADVISORY_LOCK = /\bpg_advisory_(?:xact_)?lock(?:_shared)?\s*\(/i;
const ADVISORY_UNLOCK = /\bpg_advisory_unlock(?:_shared|_all)?\s*\(/i;

export function buildProjectIndex(scope: AuditScope, onFile: (file: string) => void = () => undefined): ProjectIndex {
  const inScope = new Set(scope.files.map((file) => path.resolve(file)));
  const entities: EntityInfo[] = [];
  const entityByClass = new Map<ClassDeclaration, EntityInfo>();
  const writers: ColumnWriter[] = [];
  const guardedUpdates: GuardedUpdate[] = [];
  const locksInFinally: LockInFinally[] = [];
  const functionLookups = new Map<string, SourceFile>();
  const problems: ProjectIndex['problems'] = [];

  for (const auditProject of scope.projects) {
    let project: Project;
    try {
      project = new Project({ tsConfigFilePath: auditProject.configPath });
    } catch (error) {
      // A tsconfig TypeScript could still read (its sources listed) that ts-morph's stricter reader rejects.
      throw new AuditSetupError(`cannot read ${path.relative(scope.root, auditProject.configPath) || auditProject.configPath}: ${firstLine(error)}`);
    }
    const sourceFiles = project.getSourceFiles().filter((file) => inScope.has(path.resolve(file.getFilePath())));
    // Entities first: writers in one file name entities declared in another.
    for (const sourceFile of project.getSourceFiles()) {
      if (sourceFile.isInNodeModules()) continue;
      for (const declaration of sourceFile.getClasses()) {
        if (entityByClass.has(declaration)) continue;
        const entity = entityOf(declaration);
        if (entity == null) continue;
        entityByClass.set(declaration, entity);
        if (!entities.some((known) => known.file === entity.file && known.name === entity.name)) entities.push(entity);
      }
    }
    const indexer = new WriteIndexer(project, entityByClass);
    for (const sourceFile of sourceFiles) {
      const file = path.resolve(sourceFile.getFilePath());
      if (functionLookups.has(file)) continue;
      functionLookups.set(file, sourceFile);
      // Code the index does not expect costs that file's writers, not the audit.
      try {
        for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
          const found = indexer.writeOf(call);
          if (found == null) continue;
          writers.push(found.writer);
          if (found.guarded != null) guardedUpdates.push(found.guarded);
        }
        for (const tryStatement of sourceFile.getDescendantsOfKind(SyntaxKind.TryStatement)) {
          locksInFinally.push(...locksReleasedIn(tryStatement));
        }
      } catch (error) {
        problems.push({ file, message: `race-guard could not index the column writers in this file: ${firstLine(error)}` });
      }
      onFile(file);
    }
  }
  return {
    entities: entities.sort((a, b) => a.name.localeCompare(b.name)),
    writers,
    guardedUpdates,
    locksInFinally,
    problems,
    functionAt(file, line, column) {
      const sourceFile = functionLookups.get(path.resolve(file));
      if (sourceFile == null) return undefined;
      const position = sourceFile.compilerNode.getPositionOfLineAndCharacter(line - 1, Math.max(column - 1, 0));
      const node = sourceFile.getDescendantAtPos(position);
      return node == null ? undefined : functionNameOf(node);
    },
  };
}

// ---- entities ---------------------------------------------------------------------------------

/** A decorator that is TypeORM's (through imports and re-exports); an unresolvable one by its name. */
function typeormDecoratorName(decorator: { getName(): string; getExpression(): Expression }): string | undefined {
  const expression = decorator.getExpression();
  const callee = Node.isCallExpression(expression) ? expression.getExpression() : expression;
  const identifier = Node.isPropertyAccessExpression(callee) ? callee.getNameNode() : callee;
  let symbol = identifier.getSymbol();
  if (symbol?.isAlias() === true) symbol = symbol.getAliasedSymbol() ?? symbol;
  const declaration = symbol?.getDeclarations()[0];
  if (declaration == null) return decorator.getName();
  return isTypeormFile(declaration.getSourceFile().getFilePath()) ? symbol?.getName() : undefined;
}

function entityOf(declaration: ClassDeclaration): EntityInfo | undefined {
  const entityDecorator = declaration.getDecorators().find((decorator) => {
    const name = typeormDecoratorName(decorator);
    return name === 'Entity' || name === 'ChildEntity';
  });
  if (entityDecorator == null) return undefined;
  const name = declaration.getName() ?? '(anonymous)';
  const columns = new Map<string, EntityColumn>();
  const chain: ClassDeclaration[] = [];
  for (let current: ClassDeclaration | undefined = declaration; current != null && !chain.includes(current); current = current.getBaseClass()) {
    chain.push(current);
  }
  // Base classes first, so a subclass's redeclaration wins.
  for (const classDeclaration of chain.reverse()) {
    for (const property of classDeclaration.getProperties()) {
      const decorators = property.getDecorators().map((decorator) => ({ decorator, name: typeormDecoratorName(decorator) }));
      const primary = decorators.find((entry) => columnKindOf(entry.name) != null);
      if (primary == null) continue;
      let kind = columnKindOf(primary.name) ?? 'column';
      const options = optionsOf(primary.decorator.getArguments());
      if (kind === 'column' && options.get('primary') === 'true') kind = 'primary';
      const propertyName = property.getName();
      let column = options.get('name') ?? propertyName;
      if (kind === 'relation') {
        const join = decorators.find((entry) => entry.name === 'JoinColumn');
        column = (join == null ? undefined : optionsOf(join.decorator.getArguments()).get('name')) ?? `${propertyName}Id`;
      }
      const stateLike = kind === 'column' && (options.get('type') === 'enum' || options.get('type') === 'simple-enum' || options.has('enum') || isEnumLike(property.getType()));
      columns.set(propertyName, { property: propertyName, column, kind, stateLike });
    }
  }
  const entityArgument = entityDecorator.getArguments()[0];
  const table = entityArgument != null && Node.isStringLiteral(entityArgument)
    ? entityArgument.getLiteralValue()
    : (entityArgument == null ? undefined : optionsOf([entityArgument]).get('name')) ?? snakeCase(name);
  return {
    name,
    file: path.resolve(declaration.getSourceFile().getFilePath()),
    line: declaration.getStartLineNumber(),
    table,
    columns: [...columns.values()],
  };
}

/** String and boolean options of a decorator's object argument (`{ name: 'x', primary: true }`). */
function optionsOf(args: readonly Node[]): Map<string, string> {
  const options = new Map<string, string>();
  const literal = args.find((argument) => Node.isObjectLiteralExpression(argument));
  if (literal == null || !Node.isObjectLiteralExpression(literal)) return options;
  for (const property of literal.getProperties()) {
    if (!Node.isPropertyAssignment(property)) continue;
    const value = property.getInitializer();
    const text = value == null ? '' : Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value) ? value.getLiteralValue() : value.getText();
    options.set(property.getName().replaceAll(/['"]/g, ''), text);
  }
  return options;
}

function isEnumLike(type: Type): boolean {
  const nonNullable = type.getNonNullableType();
  if (nonNullable.isEnum() || nonNullable.isEnumLiteral()) return true;
  return nonNullable.isUnion() && nonNullable.getUnionTypes().every((member) => member.isStringLiteral() || member.isEnumLiteral());
}

/** TypeORM's default table name for a class: `VisitorLock` → `visitor_lock`. */
function snakeCase(name: string): string {
  return name.replaceAll(/([a-z\d])([A-Z])/g, '$1_$2').replaceAll(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

// ---- writers ----------------------------------------------------------------------------------

class WriteIndexer {
  constructor(
    private readonly project: Project,
    private readonly entityByClass: ReadonlyMap<ClassDeclaration, EntityInfo>,
  ) {}

  writeOf(call: CallExpression): { writer: ColumnWriter; guarded?: GuardedUpdate } | undefined {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.getName();
    if (!['update', 'save', 'insert', 'upsert', 'increment', 'decrement', 'set', 'values'].includes(method)) return undefined;
    const owner = this.typeormOwner(call);
    if (owner == null) return undefined;
    const receiver = callee.getExpression();
    const args = call.getArguments();
    let entity: EntityInfo | undefined;
    let properties: string[];
    let operation: WriteOperation;
    let condition: ConditionRead | undefined;
    let outer: Node = call;

    if (owner === 'UpdateQueryBuilder' && method === 'set') {
      const links = chainBefore(call);
      entity = this.entityOfQueryBuilder(links);
      properties = literalKeys(args[0]);
      operation = 'query-builder update';
      const after = chainAfter(call);
      condition = entity == null ? undefined : whereCondition(after.links, entity);
      outer = after.outer;
    } else if (owner === 'InsertQueryBuilder' && method === 'values') {
      entity = this.entityOfQueryBuilder(chainBefore(call));
      properties = literalKeys(args[0]);
      operation = 'insert';
    } else if (owner === 'EntityManager') {
      const targetEntity = args[0] == null ? undefined : this.entityOfTarget(args[0]);
      const rest = targetEntity == null ? args : args.slice(1);
      if (method === 'save') {
        const saved = rest[0];
        entity = targetEntity ?? (saved == null ? undefined : this.entityOfType(saved.getType()));
        properties = saved == null ? [] : savedProperties(saved, call);
        operation = 'save';
      } else {
        entity = targetEntity;
        ({ properties, operation, condition } = atomicWrite(method, rest, entity));
      }
    } else if (owner === 'BaseEntity') {
      if (method === 'save') {
        entity = this.entityOfType(receiver.getType());
        properties = savedProperties(receiver, call);
        operation = 'save';
      } else {
        entity = this.entityOfTarget(receiver);
        ({ properties, operation, condition } = atomicWrite(method, args, entity));
      }
    } else if (owner.endsWith('Repository')) {
      entity = this.entityOfRepository(receiver.getType());
      if (method === 'save') {
        properties = args[0] == null ? [] : savedProperties(args[0], call);
        operation = 'save';
      } else {
        ({ properties, operation, condition } = atomicWrite(method, args, entity));
      }
    } else {
      return undefined;
    }
    if (entity == null) return undefined;
    const columns = new Set(entity.columns.map((column) => column.property));
    properties = [...new Set(properties)].filter((property) => columns.has(property));
    if (properties.length === 0) return undefined;
    const span = spanOf(outer);
    const functionName = functionNameOf(call);
    const affectedChecked = isAffectedChecked(outer);
    const writer: ColumnWriter = {
      ...span,
      entity,
      properties,
      operation,
      functionName,
      ...(condition?.columns == null ? {} : { conditionColumns: condition.columns.map((guard) => guard.property) }),
      affectedChecked,
    };
    const guards = condition?.columns ?? [];
    if (guards.length === 0 || !affectedChecked || (operation !== 'update' && operation !== 'query-builder update')) return { writer };
    return { writer, guarded: { ...span, entity, functionName, properties, guards, operation } };
  }

  /** The TypeORM class (`Repository`, `EntityManager`, `UpdateQueryBuilder`, …) declaring the called method. */
  private typeormOwner(call: CallExpression): string | undefined {
    const declaration = this.project.getTypeChecker().getResolvedSignature(call)?.getDeclaration();
    if (declaration == null || !isTypeormFile(declaration.getSourceFile().getFilePath())) return undefined;
    const owner = declaration.getParent();
    const name = Node.isClassDeclaration(owner) || Node.isInterfaceDeclaration(owner) ? owner.getName() : undefined;
    if (name == null) return undefined;
    if (name === 'TreeRepository' || name === 'MongoRepository') return 'Repository';
    if (name.endsWith('EntityManager')) return 'EntityManager';
    return name;
  }

  private entityOfType(type: Type): EntityInfo | undefined {
    let candidate = type.getNonNullableType();
    if (candidate.isArray()) candidate = candidate.getArrayElementType() ?? candidate;
    const declarations = candidate.isUnion() ? candidate.getUnionTypes().map(classOf) : [classOf(candidate)];
    const found = new Set(declarations.map((declaration) => (declaration == null ? undefined : this.entityByClass.get(declaration))).filter((entity) => entity != null));
    return found.size === 1 ? [...found][0] : undefined;
  }

  /** `Conversation` (the class), or `'Conversation'`/`'conversations'` by name. */
  private entityOfTarget(node: Node): EntityInfo | undefined {
    if (Node.isStringLiteral(node)) {
      const name = node.getLiteralValue();
      return [...this.entityByClass.values()].find((entity) => entity.name === name || entity.table === name);
    }
    for (const signature of node.getType().getConstructSignatures()) {
      const entity = this.entityOfType(signature.getReturnType());
      if (entity != null) return entity;
    }
    return undefined;
  }

  /** `Repository<E>`, a subclass of it, or `Repository.extend()`'s intersection. */
  private entityOfRepository(type: Type): EntityInfo | undefined {
    const queue: Type[] = [type];
    const seen = new Set<Type>();
    while (queue.length > 0) {
      const current = queue.shift();
      if (current == null || seen.has(current)) continue;
      seen.add(current);
      if (current.isIntersection()) queue.push(...current.getIntersectionTypes());
      if (/Repository$/.test(current.getSymbol()?.getName() ?? '')) {
        for (const argument of current.getTypeArguments()) {
          const entity = this.entityOfType(argument);
          if (entity != null) return entity;
        }
      }
      const target = current.getTargetType() ?? current;
      if (target.isClassOrInterface()) queue.push(...target.getBaseTypes());
    }
    return undefined;
  }

  /** `.update(E)`, `.into(E)`, `createQueryBuilder(E, …)`, or the repository the builder came from. */
  private entityOfQueryBuilder(links: readonly ChainLink[]): EntityInfo | undefined {
    for (const link of [...links].reverse()) {
      if (['update', 'into', 'from', 'createQueryBuilder'].includes(link.name)) {
        const [first] = link.call.getArguments();
        const entity = first == null ? undefined : this.entityOfTarget(first);
        if (entity != null) return entity;
      }
    }
    const root = links[0];
    if (root == null) return undefined;
    const callee = root.call.getExpression();
    return Node.isPropertyAccessExpression(callee) ? this.entityOfRepository(callee.getExpression().getType()) : undefined;
  }
}

interface ConditionRead {
  /** Non-key columns the criteria check; undefined when they cannot be read. */
  columns: GuardedUpdate['guards'] | undefined;
}

function atomicWrite(method: string, args: readonly Node[], entity: EntityInfo | undefined): { properties: string[]; operation: WriteOperation; condition?: ConditionRead } {
  switch (method) {
    case 'update':
      return {
        properties: literalKeys(args[1]),
        operation: 'update',
        ...(entity == null || args[0] == null ? {} : { condition: { columns: guardsOf(criteriaNames(args[0]), entity) } }),
      };
    case 'increment':
    case 'decrement': {
      const property = args[1];
      return { properties: property != null && Node.isStringLiteral(property) ? [property.getLiteralValue()] : [], operation: method };
    }
    case 'insert':
    case 'upsert':
      return { properties: literalKeys(args[0]), operation: method };
    default:
      return { properties: [], operation: 'update' };
  }
}

/** Column names an update's criteria check: `{ id, status }`, `[{…}, {…}]` (every branch), an id alone. */
function criteriaNames(criteria: Node): string[] | undefined {
  const node = unwrap(criteria);
  if (Node.isObjectLiteralExpression(node)) return literalKeys(node);
  if (Node.isArrayLiteralExpression(node)) {
    let common: string[] | undefined;
    for (const element of node.getElements()) {
      const names = criteriaNames(element);
      if (names == null) return undefined;
      common = common == null ? names : common.filter((name) => names.includes(name));
    }
    return common ?? [];
  }
  // A bare id, or an array of ids: the primary key only.
  return [];
}

/** The non-key columns among condition names, with the role each plays as a guard. */
function guardsOf(names: readonly string[] | undefined, entity: EntityInfo): GuardedUpdate['guards'] | undefined {
  if (names == null) return undefined;
  const guards: GuardedUpdate['guards'] = [];
  for (const name of names) {
    const normalized = normalizeColumnName(name);
    const column = entity.columns.find((candidate) => normalizeColumnName(candidate.property) === normalized || normalizeColumnName(candidate.column) === normalized);
    if (column == null || column.kind === 'primary' || guards.some((guard) => guard.property === column.property)) continue;
    const role = column.kind === 'version' ? 'version' : column.stateLike || STATE_NAMES.has(normalized) ? 'state' : 'guard';
    guards.push({ property: column.property, column: column.column, role });
  }
  return guards;
}

/** `.where('status = :s')`, `.andWhere({ status })`: what a query builder's condition checks. */
function whereCondition(links: readonly ChainLink[], entity: EntityInfo): ConditionRead {
  const names: string[] = [];
  for (const link of links) {
    if (link.name === 'orWhere') return { columns: undefined };
    if (link.name !== 'where' && link.name !== 'andWhere') continue;
    // A second `.where()` replaces the condition so far.
    if (link.name === 'where') names.length = 0;
    const argument = link.call.getArguments()[0];
    if (argument == null) continue;
    const node = unwrap(argument);
    if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) names.push(...columnsInSql(node.getLiteralValue()));
    else if (Node.isObjectLiteralExpression(node)) names.push(...literalKeys(node));
    else return { columns: undefined };
  }
  return { columns: guardsOf(names, entity) };
}

interface ChainLink {
  name: string;
  call: CallExpression;
}

/** The calls a method chain makes before `call`, innermost first: `createQueryBuilder()`, `update(E)`. */
function chainBefore(call: CallExpression): ChainLink[] {
  const links: ChainLink[] = [];
  let current: Node = call.getExpression();
  for (;;) {
    if (!Node.isPropertyAccessExpression(current)) break;
    const receiver = current.getExpression();
    if (!Node.isCallExpression(receiver)) break;
    const callee = receiver.getExpression();
    links.unshift({ name: Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText(), call: receiver });
    current = callee;
  }
  return links;
}

/** The calls chained after `call` (`.where(…).andWhere(…).execute()`), and the last of them. */
function chainAfter(call: CallExpression): { links: ChainLink[]; outer: Node } {
  const links: ChainLink[] = [];
  let outer: Node = call;
  for (;;) {
    const access = outer.getParent();
    const next = access?.getParent();
    if (access == null || next == null || !Node.isPropertyAccessExpression(access) || !Node.isCallExpression(next) || next.getExpression() !== access) break;
    links.push({ name: access.getName(), call: next });
    outer = next;
  }
  return { links, outer };
}

function unwrap(node: Node): Node {
  let current = node;
  while (Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isAwaitExpression(current) || Node.isNonNullExpression(current) || Node.isSatisfiesExpression(current)) {
    current = current.getExpression();
  }
  return current;
}

/** The keys an object literal (or each literal of an array) sets by name. */
function literalKeys(node: Node | undefined): string[] {
  if (node == null) return [];
  const literal = unwrap(node);
  if (Node.isArrayLiteralExpression(literal)) return literal.getElements().flatMap((element) => literalKeys(element));
  if (!Node.isObjectLiteralExpression(literal)) return [];
  return literal.getProperties().flatMap((property) => {
    if (Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property) || Node.isMethodDeclaration(property)) {
      const name = property.getNameNode();
      if (Node.isIdentifier(name) || Node.isStringLiteral(name)) return [Node.isStringLiteral(name) ? name.getLiteralValue() : name.getText()];
    }
    return [];
  });
}

/**
 * The fields a `save()` sets on purpose: the keys of the literal it saves (or `create({…})`), and
 * for a variable, the fields assigned to it in the same function before the call.
 */
function savedProperties(argument: Node, call: CallExpression): string[] {
  const node = unwrap(argument);
  if (Node.isObjectLiteralExpression(node) || Node.isArrayLiteralExpression(node)) return literalKeys(node);
  if (Node.isCallExpression(node)) {
    const callee = node.getExpression();
    const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : '';
    return name === 'create' || name === 'merge' ? node.getArguments().flatMap((arg) => literalKeys(arg)) : [];
  }
  if (!Node.isIdentifier(node)) return [];
  const symbol = node.getSymbol();
  if (symbol == null) return [];
  const properties: string[] = [];
  for (const declaration of symbol.getDeclarations()) {
    if (Node.isVariableDeclaration(declaration)) {
      const initializer = declaration.getInitializer();
      if (initializer != null && !Node.isIdentifier(unwrap(initializer))) properties.push(...savedProperties(initializer, call));
    }
  }
  const body = enclosingFunction(call) ?? call.getSourceFile();
  for (const assignment of body.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    if (assignment.getStart() > call.getStart()) continue;
    const operator = assignment.getOperatorToken().getKind();
    if (operator < SyntaxKind.FirstAssignment || operator > SyntaxKind.LastAssignment) continue;
    const left = assignment.getLeft();
    if (Node.isPropertyAccessExpression(left) && Node.isIdentifier(left.getExpression()) && left.getExpression().getSymbol() === symbol) {
      properties.push(left.getName());
    }
  }
  for (const assign of body.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    if (assign.getStart() > call.getStart() || assign.getExpression().getText() !== 'Object.assign') continue;
    const [target, ...sources] = assign.getArguments();
    if (target != null && Node.isIdentifier(target) && target.getSymbol() === symbol) properties.push(...sources.flatMap((source) => literalKeys(source)));
  }
  return properties;
}

/** `const r = await update(…)` then `r.affected`, `(await update(…)).affected`, `const { affected } = …`. */
function isAffectedChecked(outer: Node): boolean {
  let expression: Node = outer;
  for (let parent = expression.getParent(); parent != null && (Node.isAwaitExpression(parent) || Node.isParenthesizedExpression(parent)); parent = expression.getParent()) {
    expression = parent;
  }
  const parent = expression.getParent();
  if (parent == null) return false;
  if (Node.isPropertyAccessExpression(parent) && parent.getName() === 'affected') return true;
  if (!Node.isVariableDeclaration(parent)) return false;
  const name = parent.getNameNode();
  if (Node.isObjectBindingPattern(name)) return name.getElements().some((element) => (element.getPropertyNameNode()?.getText() ?? element.getName()) === 'affected');
  if (!Node.isIdentifier(name)) return false;
  const symbol = name.getSymbol();
  const body = enclosingFunction(parent) ?? parent.getSourceFile();
  return body.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression).some(
    (access) => access.getName() === 'affected' && Node.isIdentifier(access.getExpression()) && access.getExpression().getSymbol() === symbol,
  );
}

// ---- locks released in finally ------------------------------------------------------------------

function locksReleasedIn(tryStatement: TryStatement): LockInFinally[] {
  const finallyBlock = tryStatement.getFinallyBlock();
  if (finallyBlock == null) return [];
  const body = enclosingFunction(tryStatement);
  if (body == null) return [];
  const found: LockInFinally[] = [];
  for (const release of finallyBlock.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    if (enclosingFunction(release) !== body) continue;
    const releaseInfo = calleeParts(release);
    const advisoryRelease = release.getArguments().some((argument) => ADVISORY_UNLOCK.test(argument.getText()));
    if (!advisoryRelease && !RELEASE_NAME.test(releaseInfo.name)) continue;
    const acquisition = body.getDescendantsOfKind(SyntaxKind.CallExpression).find((candidate) => {
      if (enclosingFunction(candidate) !== body || candidate.getStart() >= tryStatement.getStart()) return false;
      if (advisoryRelease) return candidate.getArguments().some((argument) => ADVISORY_LOCK.test(argument.getText()));
      const info = calleeParts(candidate);
      if (!ACQUIRE_NAME.test(info.name)) return false;
      const bound = boundName(candidate);
      const lockLike = LOCK_NAME.test(info.name) || LOCK_NAME.test(info.receiver) || LOCK_NAME.test(bound ?? '');
      if (!lockLike) return false;
      // The same service releases it, or the handle (or release function) the acquisition returned.
      return (info.receiver !== '' && info.receiver === releaseInfo.receiver) || (bound != null && (releaseInfo.receiver === bound || (releaseInfo.receiver === '' && releaseInfo.name === bound)));
    });
    if (acquisition == null) continue;
    found.push({
      functionName: functionNameOf(tryStatement),
      file: path.resolve(tryStatement.getSourceFile().getFilePath()),
      acquire: { text: statementText(acquisition), line: acquisition.getStartLineNumber() },
      tryLine: tryStatement.getStartLineNumber(),
      release: { text: statementText(release), line: release.getStartLineNumber() },
    });
  }
  return found;
}

function calleeParts(call: CallExpression): { name: string; receiver: string } {
  const callee = call.getExpression();
  if (Node.isPropertyAccessExpression(callee)) return { name: callee.getName(), receiver: callee.getExpression().getText().replaceAll(/\s+/g, '') };
  return { name: callee.getText(), receiver: '' };
}

/** `const lockId = await acquire()`: the name the result is kept under. */
function boundName(call: CallExpression): string | undefined {
  let node: Node = call;
  for (let parent = node.getParent(); parent != null && Node.isAwaitExpression(parent); parent = node.getParent()) node = parent;
  const parent = node.getParent();
  return parent != null && Node.isVariableDeclaration(parent) && Node.isIdentifier(parent.getNameNode()) ? parent.getName() : undefined;
}

function statementText(node: Node): string {
  const statement = node.getFirstAncestor((ancestor) => Node.isStatement(ancestor) && !Node.isBlock(ancestor)) ?? node;
  return statement.getText().split('\n')[0]?.trim() ?? '';
}

// ---- naming -------------------------------------------------------------------------------------

type FunctionBody = Node;

function enclosingFunction(node: Node): FunctionBody | undefined {
  return node.getFirstAncestor((ancestor) => Node.isFunctionLikeDeclaration(ancestor) || Node.isArrowFunction(ancestor) || Node.isFunctionExpression(ancestor));
}

/** `Class.method` for methods; a function's or variable's name; callbacks belong to their creator. */
export function functionNameOf(node: Node): string {
  for (let current = node.getParent(); current != null; current = current.getParent()) {
    if (Node.isMethodDeclaration(current) || Node.isGetAccessorDeclaration(current) || Node.isSetAccessorDeclaration(current)) {
      return qualified(current, current.getName());
    }
    if (Node.isConstructorDeclaration(current)) return qualified(current, 'constructor');
    if (Node.isFunctionDeclaration(current)) return current.getName() ?? 'default export';
    if (Node.isArrowFunction(current) || Node.isFunctionExpression(current)) {
      const parent = current.getParent();
      if (Node.isVariableDeclaration(parent) || Node.isPropertyAssignment(parent)) return parent.getName();
      if (Node.isPropertyDeclaration(parent)) return qualified(parent, parent.getName());
    }
  }
  return '(top level)';
}

function qualified(member: Node, name: string): string {
  const owner = member.getParent();
  return owner != null && Node.isClassDeclaration(owner) ? `${owner.getName() ?? 'default class'}.${name}` : name;
}

function classOf(type: Type): ClassDeclaration | undefined {
  return type.getSymbol()?.getDeclarations().find((declaration): declaration is ClassDeclaration => Node.isClassDeclaration(declaration));
}

function spanOf(node: Node): SourceSpan {
  const sourceFile = node.getSourceFile();
  const start = sourceFile.compilerNode.getLineAndCharacterOfPosition(node.getStart());
  return {
    file: path.resolve(sourceFile.getFilePath()),
    line: start.line + 1,
    column: start.character + 1,
    endLine: node.getEndLineNumber(),
  };
}
