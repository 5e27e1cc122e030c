import ts from 'typescript';

import { isTypeormFile, moduleOriginOfFile } from '../calls/module-origin.js';

/**
 * Which of TypeORM's decorators a decorator applies. Most code writes `@Column({ … })`; code that
 * supports several databases (or several ORMs) often writes its own `@EnumColumn({ enum })`,
 * `@DbEntity('users')`, whose declaration calls TypeORM's `Column()`/`Entity()` inside. What
 * TypeORM registers is then what those inner calls register, configured by the options the use
 * site passes on and those the wrapper adds.
 */
export interface AppliedDecorator {
  /** TypeORM's name for it: `Column`, `Entity`, `PrimaryGeneratedColumn`, … */
  name: string;
  /**
   * The calls that configure it, nearest first: the use site's own call, then each wrapper's call
   * of the next. A bare `@Column` (no call) has none.
   */
  calls: readonly ts.CallExpression[];
}

/** A wrapper calls a wrapper calls TypeORM's decorator: deeper nesting is not followed. */
const MAX_WRAPPER_DEPTH = 3;

const wrapperCache = new WeakMap<ts.TypeChecker, WeakMap<ts.Node, readonly WrapperCall[]>>();

/**
 * The TypeORM decorators `decorator` applies. TypeORM's own are recognised through imports and
 * re-exports to typeorm's declarations, so a same-named decorator of another library does not
 * count; when the import cannot be resolved at all, the spelling is trusted. A decorator of the
 * project applies whatever its declaration (a function, one returning a decorator, or a const
 * arrow) calls of TypeORM's, in any file of the program.
 */
export function appliedTypeormDecorators(checker: ts.TypeChecker, decorator: ts.Decorator): readonly AppliedDecorator[] {
  const expression = decorator.expression;
  const call = ts.isCallExpression(expression) ? expression : undefined;
  const calls = call == null ? [] : [call];
  const callee = resolveCallee(checker, call?.expression ?? expression);
  switch (callee?.kind) {
    case 'typeorm':
    case 'unresolved':
      return [{ name: callee.name, calls }];
    case 'wrapper':
      return throughWrapper(checker, callee.declaration, calls, 0);
    default:
      return [];
  }
}

type ResolvedCallee =
  | { kind: 'typeorm'; name: string; isDecorator: boolean }
  | { kind: 'unresolved'; name: string }
  | { kind: 'wrapper'; declaration: ts.Declaration };

/** What a decorator's (or a call's) callee is: TypeORM's, unknown, or a function of the project to read. */
function resolveCallee(checker: ts.TypeChecker, callee: ts.Expression): ResolvedCallee | undefined {
  const identifier = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
  if (identifier == null || !ts.isIdentifier(identifier)) return undefined;
  let symbol = checker.getSymbolAtLocation(identifier);
  if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declarations = symbol?.declarations ?? [];
  const [first] = declarations;
  if (symbol == null || first == null) return { kind: 'unresolved', name: identifier.text };
  const fileName = first.getSourceFile().fileName.replaceAll('\\', '/');
  if (isTypeormFile(fileName)) return { kind: 'typeorm', name: symbol.name, isDecorator: TYPEORM_DECORATOR_FILE.test(fileName) };
  const wrapper = declarations.find(isWrapperCandidate);
  return wrapper == null ? undefined : { kind: 'wrapper', declaration: wrapper };
}

/** TypeORM declares its decorators in its `decorator/` folder (also under `browser/`). */
const TYPEORM_DECORATOR_FILE = /\/typeorm\/(?:browser\/)?decorator\//;

/** A function of the project's own source with code to read: declared, a method, or a const holding one. */
function isWrapperCandidate(declaration: ts.Declaration): boolean {
  const sourceFile = declaration.getSourceFile();
  if (sourceFile.isDeclarationFile || moduleOriginOfFile(sourceFile.fileName).kind !== 'project') return false;
  if (ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) return declaration.body != null;
  return ts.isVariableDeclaration(declaration) && declaration.initializer != null;
}

/** What a wrapper applies, each with the calls that lead to it appended to `calls`. */
function throughWrapper(checker: ts.TypeChecker, wrapper: ts.Declaration, calls: readonly ts.CallExpression[], depth: number): AppliedDecorator[] {
  const applied: AppliedDecorator[] = [];
  for (const { call, callee } of callsInWrapper(checker, wrapper)) {
    if (callee.kind === 'typeorm') applied.push({ name: callee.name, calls: [...calls, call] });
    else if (depth + 1 < MAX_WRAPPER_DEPTH) applied.push(...throughWrapper(checker, callee.declaration, [...calls, call], depth + 1));
  }
  return applied;
}

interface WrapperCall {
  call: ts.CallExpression;
  callee: Extract<ResolvedCallee, { kind: 'typeorm' | 'wrapper' }>;
}

/**
 * The calls in a wrapper's code of one of TypeORM's decorators (an unresolved name, or a TypeORM
 * helper such as `getMetadataArgsStorage()`, is none) or of another function of the project.
 */
function callsInWrapper(checker: ts.TypeChecker, wrapper: ts.Declaration): readonly WrapperCall[] {
  let perChecker = wrapperCache.get(checker);
  if (perChecker == null) {
    perChecker = new WeakMap();
    wrapperCache.set(checker, perChecker);
  }
  const cached = perChecker.get(wrapper);
  if (cached != null) return cached;
  const code = ts.isVariableDeclaration(wrapper) ? wrapper.initializer : (wrapper as ts.FunctionLikeDeclaration).body;
  const found: WrapperCall[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = resolveCallee(checker, node.expression);
      if ((callee?.kind === 'typeorm' && callee.isDecorator) || (callee?.kind === 'wrapper' && callee.declaration !== wrapper)) found.push({ call: node, callee });
    }
    ts.forEachChild(node, visit);
  };
  if (code != null) visit(code);
  perChecker.set(wrapper, found);
  return found;
}
