import path from 'node:path';

import { Node, Project, SyntaxKind, VariableDeclarationKind, type CallExpression, type ClassDeclaration, type SourceFile, type Type } from 'ts-morph';

import { isTypeormFile } from '../utils/calls/module-origin.js';
import type { AuditScope } from './discover.js';
import { entityKey, type EntityInfo } from './entity-index.js';
import { AuditSetupError, firstLine } from './errors.js';

/*
 * The whole-project view a per-file rule cannot have: every entity, and every function that writes
 * an entity's columns. Built with ts-morph, which bundles its own TypeScript: its nodes stay in this
 * file, and only plain data leaves it. Which classes are entities the rules' metadata says
 * (entity-index), read from the audit's own programs and matched here by file and position. What one file shows — a guarded update, a lock released in
 * `finally` — the rules decide and report to the audit as observations (see report-details).
 */

export type WriteOperation = 'update' | 'query-builder update' | 'save' | 'insert' | 'upsert' | 'increment' | 'decrement';

export interface SourceSpan {
  file: string;
  line: number;
  column: number;
  endLine: number;
}

/** A function as the report names it: `Class.method`; its owner is the class, or the function itself. */
export interface FunctionRef {
  functionName: string;
  owner: string;
}

export interface ColumnWriter extends SourceSpan, FunctionRef {
  entity: EntityInfo;
  /** Properties the statement sets by name (a save: the fields assigned before it). */
  properties: string[];
  operation: WriteOperation;
  /** A `private` or `#` member: called from its own class, not an entry point of its own. */
  privateMember: boolean;
  /** The write creates a row (`insert`, a `save()` of a new object): it cannot race a writer of an existing one. */
  createsRow: boolean;
}

export interface ProjectIndex {
  entities: EntityInfo[];
  writers: ColumnWriter[];
  /** Files whose writers could not all be indexed, with the first error. */
  problems: { file: string; message: string }[];
  /** The function holding a position (1-based line and column), named as writers are, and its owner. */
  functionAt(file: string, line: number, column: number): FunctionRef | undefined;
}

export function buildProjectIndex(
  scope: AuditScope,
  entitiesByKey: ReadonlyMap<string, EntityInfo>,
  onFile: (file: string) => void = () => undefined,
): ProjectIndex {
  const inScope = new Set(scope.files.map((file) => path.resolve(file)));
  const entityByClass = new Map<ClassDeclaration, EntityInfo>();
  const writers: ColumnWriter[] = [];
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
      const file = path.resolve(sourceFile.getFilePath());
      for (const declaration of sourceFile.getClasses()) {
        if (entityByClass.has(declaration)) continue;
        const entity = entitiesByKey.get(entityKey(file, declaration.getStart()));
        if (entity != null) entityByClass.set(declaration, entity);
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
          const writer = indexer.writeOf(call);
          if (writer != null) writers.push(writer);
        }
      } catch (error) {
        problems.push({ file, message: `race-guard could not index the column writers in this file: ${firstLine(error)}` });
      }
      onFile(file);
    }
  }
  return {
    entities: [...entitiesByKey.values()].sort((a, b) => a.name.localeCompare(b.name)),
    writers,
    problems,
    functionAt(file, line, column) {
      const sourceFile = functionLookups.get(path.resolve(file));
      if (sourceFile == null) return undefined;
      const position = sourceFile.compilerNode.getPositionOfLineAndCharacter(line - 1, Math.max(column - 1, 0));
      const node = sourceFile.getDescendantAtPos(position);
      if (node == null) return undefined;
      const { functionName, owner } = functionOf(node);
      return { functionName, owner };
    },
  };
}

// ---- writers ----------------------------------------------------------------------------------

class WriteIndexer {
  constructor(
    private readonly project: Project,
    private readonly entityByClass: ReadonlyMap<ClassDeclaration, EntityInfo>,
  ) {}

  writeOf(call: CallExpression): ColumnWriter | undefined {
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
    /** What a `save()` saves: a new object creates a row. */
    let saved: Node | undefined;

    if (owner === 'UpdateQueryBuilder' && method === 'set') {
      entity = this.entityOfQueryBuilder(chainBefore(call));
      properties = literalKeys(args[0]);
      operation = 'query-builder update';
    } else if (owner === 'InsertQueryBuilder' && method === 'values') {
      entity = this.entityOfQueryBuilder(chainBefore(call));
      properties = literalKeys(args[0]);
      operation = 'insert';
    } else if (owner === 'EntityManager') {
      const targetEntity = args[0] == null ? undefined : this.entityOfTarget(args[0]);
      const rest = targetEntity == null ? args : args.slice(1);
      if (method === 'save') {
        saved = rest[0];
        entity = targetEntity ?? (saved == null ? undefined : this.entityOfType(saved.getType()));
        properties = saved == null ? [] : savedProperties(saved, call);
        operation = 'save';
      } else {
        entity = targetEntity;
        ({ properties, operation } = atomicWrite(method, rest));
      }
    } else if (owner === 'BaseEntity') {
      if (method === 'save') {
        saved = receiver;
        entity = this.entityOfType(receiver.getType());
        properties = savedProperties(receiver, call);
        operation = 'save';
      } else {
        entity = this.entityOfTarget(receiver);
        ({ properties, operation } = atomicWrite(method, args));
      }
    } else if (owner.endsWith('Repository')) {
      entity = this.entityOfRepository(receiver.getType());
      if (method === 'save') {
        saved = args[0];
        properties = saved == null ? [] : savedProperties(saved, call);
        operation = 'save';
      } else {
        ({ properties, operation } = atomicWrite(method, args));
      }
    } else {
      return undefined;
    }
    if (entity == null) return undefined;
    const columns = new Set(entity.columns.map((column) => column.property));
    properties = [...new Set(properties)].filter((property) => columns.has(property));
    if (properties.length === 0) return undefined;
    const primaryKeys = new Set(entity.columns.filter((column) => column.kind === 'primary').map((column) => column.property));
    return {
      ...spanOf(call),
      entity,
      properties,
      operation,
      ...functionOf(call),
      createsRow: operation === 'insert' || (saved != null && savesNewRow(saved, primaryKeys)),
    };
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

function atomicWrite(method: string, args: readonly Node[]): { properties: string[]; operation: WriteOperation } {
  switch (method) {
    case 'update':
      return { properties: literalKeys(args[1]), operation: 'update' };
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

/**
 * Whether a `save()` saves a new object, and so inserts a row: an object literal or `create({…})`
 * without the primary key, `new E()`, or a variable that only ever holds one of those.
 */
function savesNewRow(argument: Node, primaryKeys: ReadonlySet<string>): boolean {
  const node = unwrap(argument);
  if (Node.isNewExpression(node)) return true;
  if (Node.isObjectLiteralExpression(node)) return !literalKeys(node).some((key) => primaryKeys.has(key));
  if (Node.isArrayLiteralExpression(node)) return node.getElements().length > 0 && node.getElements().every((element) => savesNewRow(element, primaryKeys));
  if (Node.isCallExpression(node)) {
    const callee = node.getExpression();
    return Node.isPropertyAccessExpression(callee) && callee.getName() === 'create' && !node.getArguments().some((arg) => literalKeys(arg).some((key) => primaryKeys.has(key)));
  }
  if (!Node.isIdentifier(node)) return false;
  const declarations = node.getSymbol()?.getDeclarations() ?? [];
  return declarations.length === 1 && declarations.every((declaration) => {
    if (!Node.isVariableDeclaration(declaration)) return false;
    const initializer = declaration.getInitializer();
    // A `let` may be given a loaded row later; only a `const` holds the new object for sure.
    return initializer != null && !Node.isIdentifier(unwrap(initializer)) && declaration.getVariableStatement()?.getDeclarationKind() === VariableDeclarationKind.Const && savesNewRow(initializer, primaryKeys);
  });
}

// ---- naming -------------------------------------------------------------------------------------

type FunctionBody = Node;

type EnclosingFunction = FunctionRef & Pick<ColumnWriter, 'privateMember'>;

function enclosingFunction(node: Node): FunctionBody | undefined {
  return node.getFirstAncestor((ancestor) => Node.isFunctionLikeDeclaration(ancestor) || Node.isArrowFunction(ancestor) || Node.isFunctionExpression(ancestor));
}

/**
 * The function a node is in — `Class.method` for methods, a function's or variable's name;
 * callbacks belong to their creator — with its owner (class or function) and whether it is a
 * private member.
 */
function functionOf(node: Node): EnclosingFunction {
  for (let current = node.getParent(); current != null; current = current.getParent()) {
    if (Node.isMethodDeclaration(current) || Node.isGetAccessorDeclaration(current) || Node.isSetAccessorDeclaration(current)) {
      return memberOf(current, current.getName());
    }
    if (Node.isConstructorDeclaration(current)) return memberOf(current, 'constructor');
    if (Node.isFunctionDeclaration(current)) return standalone(current.getName() ?? 'default export');
    if (Node.isArrowFunction(current) || Node.isFunctionExpression(current)) {
      const parent = current.getParent();
      if (Node.isVariableDeclaration(parent) || Node.isPropertyAssignment(parent)) return standalone(parent.getName());
      if (Node.isPropertyDeclaration(parent)) return memberOf(parent, parent.getName());
    }
  }
  return standalone('(top level)');
}

function standalone(name: string): EnclosingFunction {
  return { functionName: name, owner: name, privateMember: false };
}

function memberOf(member: Node, name: string): EnclosingFunction {
  const owner = member.getParent();
  const className = owner != null && Node.isClassDeclaration(owner) ? owner.getName() ?? 'default class' : undefined;
  const privateMember = name.startsWith('#') || (Node.isModifierable(member) && (member.hasModifier(SyntaxKind.PrivateKeyword) || member.hasModifier(SyntaxKind.ProtectedKeyword)));
  return className == null ? { functionName: name, owner: name, privateMember } : { functionName: `${className}.${name}`, owner: className, privateMember };
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
