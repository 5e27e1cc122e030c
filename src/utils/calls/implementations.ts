import ts from 'typescript';

import { isTestFile } from './module-origin.js';

/**
 * The bodies a call of an interface or abstract method can run, when the program defines them.
 * NestJS services, repositories and strategies are injected as an interface or an abstract class;
 * the class that implements it is in the program, and what it does is what the call does.
 */
export function implementationsOf(program: ts.Program, declaration: ts.Declaration): ts.FunctionLikeDeclaration[] {
  if (!(ts.isMethodSignature(declaration) || ts.isMethodDeclaration(declaration))) return [];
  const owner = declaration.parent;
  if (!(ts.isInterfaceDeclaration(owner) || ts.isClassDeclaration(owner)) || owner.name == null) return [];
  const name = memberName(declaration.name);
  if (name == null) return [];
  const checker = program.getTypeChecker();
  const ownerSymbol = checker.getSymbolAtLocation(owner.name);
  if (ownerSymbol == null) return [];
  const index = subtypeIndexOf(program);
  const found: ts.FunctionLikeDeclaration[] = [];
  if (ts.isInterfaceDeclaration(owner)) {
    for (const literal of literalsDeclaredAs(program, ownerSymbol, owner.name.text)) {
      const body = ownLiteralImplementation(literal, name);
      if (body != null) found.push(body);
    }
  }
  const seen = new Set<ts.Symbol>([ownerSymbol]);
  const queue = [ownerSymbol];
  for (let symbol = queue.pop(); symbol != null; symbol = queue.pop()) {
    for (const subtype of index.get(symbol) ?? []) {
      const body = ownImplementation(subtype, name);
      if (body != null) found.push(body);
      const subtypeSymbol = subtype.name == null ? undefined : checker.getSymbolAtLocation(subtype.name);
      if (subtypeSymbol != null && !seen.has(subtypeSymbol)) {
        seen.add(subtypeSymbol);
        queue.push(subtypeSymbol);
      }
    }
  }
  return found;
}


/** For each interface or class of the program, the classes that implement or extend it directly. */
type SubtypeIndex = ReadonlyMap<ts.Symbol, readonly ts.ClassDeclaration[]>;

const indexes = new WeakMap<ts.Program, SubtypeIndex>();

function subtypeIndexOf(program: ts.Program): SubtypeIndex {
  const cached = indexes.get(program);
  if (cached != null) return cached;
  const checker = program.getTypeChecker();
  const index = new Map<ts.Symbol, ts.ClassDeclaration[]>();
  const visit = (statements: readonly ts.Statement[]): void => {
    for (const statement of statements) {
      if (ts.isModuleDeclaration(statement) && statement.body != null && ts.isModuleBlock(statement.body)) visit(statement.body.statements);
      if (!ts.isClassDeclaration(statement)) continue;
      for (const clause of statement.heritageClauses ?? []) {
        for (const type of clause.types) {
          let symbol = checker.getSymbolAtLocation(type.expression);
          if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
          if (symbol == null) continue;
          const list = index.get(symbol) ?? [];
          list.push(statement);
          index.set(symbol, list);
        }
      }
    }
  };
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || program.isSourceFileFromExternalLibrary(file) || file.fileName.includes('/node_modules/')) continue;
    // Test doubles (a fake payment provider, a test login strategy) implement the production
    // interfaces too, but say nothing about what production calls do.
    if (isTestFile(file.fileName)) continue;
    visit(file.statements);
  }
  indexes.set(program, index);
  return index;
}

/**
 * Object literals the program declares as the interface (`const methods: Methods<T> = { async
 * get(id) {…} }`, `return { … }` from a factory whose return type is the interface, `{ … } satisfies
 * Methods`): implementations without a class. Looked for only in files that spell the interface's
 * name, and once per program and interface. Literals can be built in more ways than these (a Nest
 * provider's `useValue`, an argument), so the ones found are not all there may be.
 */
function literalsDeclaredAs(program: ts.Program, interfaceSymbol: ts.Symbol, interfaceName: string): readonly ts.ObjectLiteralExpression[] {
  let perProgram = literalIndexes.get(program);
  if (perProgram == null) {
    perProgram = new Map();
    literalIndexes.set(program, perProgram);
  }
  const cached = perProgram.get(interfaceSymbol);
  if (cached != null) return cached;
  const checker = program.getTypeChecker();
  const literals: ts.ObjectLiteralExpression[] = [];
  const namesInterface = (type: ts.TypeNode | undefined): boolean => {
    if (type == null || !ts.isTypeReferenceNode(type)) return false;
    let symbol = checker.getSymbolAtLocation(type.typeName);
    if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol === interfaceSymbol;
  };
  const keep = (expression: ts.Expression | undefined, type: ts.TypeNode | undefined): void => {
    const literal = expression == null ? undefined : skipParentheses(expression);
    if (literal != null && ts.isObjectLiteralExpression(literal) && namesInterface(type)) literals.push(literal);
  };
  const visit = (node: ts.Node): void => {
    // `const client: Port = { … }`
    if (ts.isVariableDeclaration(node)) keep(node.initializer, node.type);
    // `{ … } satisfies Port`, `{ … } as Port`
    else if (ts.isSatisfiesExpression(node) || ts.isAsExpression(node)) keep(node.expression, node.type);
    // `function create(): Port { return { … }; }`, `(): Port => ({ … })`
    else if (ts.isReturnStatement(node)) keep(node.expression, returnTypeOf(node));
    else if (ts.isArrowFunction(node) && !ts.isBlock(node.body)) keep(node.body, node.type);
    ts.forEachChild(node, visit);
  };
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || program.isSourceFileFromExternalLibrary(file) || file.fileName.includes('/node_modules/') || isTestFile(file.fileName)) continue;
    if (!file.text.includes(interfaceName)) continue;
    visit(file);
  }
  perProgram.set(interfaceSymbol, literals);
  return literals;
}

const literalIndexes = new WeakMap<ts.Program, Map<ts.Symbol, readonly ts.ObjectLiteralExpression[]>>();

/** The declared return type of the function a `return` belongs to. */
function returnTypeOf(statement: ts.ReturnStatement): ts.TypeNode | undefined {
  let node: ts.Node = statement.parent;
  while (!ts.isFunctionLike(node) && !ts.isSourceFile(node)) node = node.parent;
  return ts.isFunctionLike(node) ? node.type : undefined;
}

function skipParentheses(expression: ts.Expression): ts.Expression {
  let node = expression;
  while (ts.isParenthesizedExpression(node)) node = node.expression;
  return node;
}

/** The literal's own method of that name, or a function held in a property of it. */
function ownLiteralImplementation(literal: ts.ObjectLiteralExpression, name: string): ts.FunctionLikeDeclaration | undefined {
  for (const property of literal.properties) {
    if (memberName(property.name) !== name) continue;
    if (ts.isMethodDeclaration(property) && property.body != null) return property;
    if (ts.isPropertyAssignment(property)) {
      const initializer = skipParentheses(property.initializer);
      if (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) return initializer;
    }
  }
  return undefined;
}

/** The class's own method of that name with a body, or an arrow function held in a property of it. */
function ownImplementation(declaration: ts.ClassDeclaration, name: string): ts.FunctionLikeDeclaration | undefined {
  for (const member of declaration.members) {
    if (memberName(member.name) !== name) continue;
    if (ts.isMethodDeclaration(member) && member.body != null) return member;
    if (ts.isPropertyDeclaration(member) && member.initializer != null && (ts.isArrowFunction(member.initializer) || ts.isFunctionExpression(member.initializer))) return member.initializer;
  }
  return undefined;
}

function memberName(name: ts.PropertyName | undefined): string | undefined {
  if (name == null) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}
