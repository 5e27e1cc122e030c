import ts from 'typescript';

/**
 * Methods nothing in the program can call: left behind when a feature was retired (its only call
 * commented out, or only in a test outside the program). A race in code that never runs is no
 * finding anyone would act on.
 *
 * Only methods of a decorated class (one a framework builds and injects) are judged. A method
 * counts as called when anything could reach it: its name written anywhere in the
 * program other than where something of that name is declared (a call, a reference handed on,
 * `this[name]` through a string of that name), a decorator on it (a route, a job, an event
 * handler), a member of that name in a base class or an interface it implements (the framework
 * calls it through that), or a name frameworks call by convention (Nest's lifecycle hooks). Only
 * `fn.name` reads (`this.handle.name` in a log line) do not count.
 */
export function isUncalledMethod(program: ts.Program, checker: ts.TypeChecker, method: ts.Node): boolean {
  if (!ts.isMethodDeclaration(method) || !(ts.isIdentifier(method.name) || ts.isPrivateIdentifier(method.name))) return false;
  const owner = method.parent;
  // A class a framework builds and injects (`@Injectable()`, `@Processor()`): its methods are the
  // application's, called by its own code. An undecorated exported class may be a library's API.
  if (!ts.isClassLike(owner) || method.getSourceFile().isDeclarationFile || (ts.getDecorators(owner)?.length ?? 0) === 0) return false;
  const name = method.name.text;
  if (CONVENTIONAL_HOOKS.has(name) || (ts.getDecorators(method)?.length ?? 0) > 0) return false;
  if (inheritsMember(checker, owner, name)) return false;
  return !mentionedNamesOf(program).has(name);
}

/** Methods frameworks call by their name alone, with no decorator or interface required. */
const CONVENTIONAL_HOOKS: ReadonlySet<string> = new Set([
  'onModuleInit', 'onModuleDestroy', 'onApplicationBootstrap', 'beforeApplicationShutdown', 'onApplicationShutdown',
  'constructor', 'toJSON', 'toString', 'valueOf', 'then', 'catch', 'finally',
]);

/** A member of that name in a class it extends or an interface it implements. */
function inheritsMember(checker: ts.TypeChecker, owner: ts.ClassLikeDeclaration, name: string): boolean {
  for (const clause of owner.heritageClauses ?? []) {
    for (const base of clause.types) {
      const type = checker.getTypeAtLocation(base);
      // A base the checker cannot resolve (an unresolved package, a mixin): anything may be its.
      if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return true;
      if (type.getProperty(name) != null) return true;
      const constructed = checker.getTypeAtLocation(base.expression);
      for (const signature of constructed.getConstructSignatures()) if (signature.getReturnType().getProperty(name) != null) return true;
    }
  }
  return false;
}

const mentionedNames = new WeakMap<ts.Program, ReadonlySet<string>>();

/**
 * Every name the program's own files write other than as the name of a declaration, and every
 * string literal's text: built once per program, the first time a report asks.
 */
function mentionedNamesOf(program: ts.Program): ReadonlySet<string> {
  const known = mentionedNames.get(program);
  if (known != null) return known;
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
      if (!isDeclarationName(node) && !isFunctionNameRead(node)) names.add(node.text);
    } else if (ts.isStringLiteralLike(node)) {
      names.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || program.isSourceFileFromExternalLibrary(file) || file.fileName.includes('/node_modules/')) continue;
    visit(file);
  }
  mentionedNames.set(program, names);
  return names;
}

function isDeclarationName(node: ts.Identifier | ts.PrivateIdentifier): boolean {
  const parent = node.parent;
  return (
    (ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertySignature(parent) || ts.isFunctionDeclaration(parent) || ts.isGetAccessorDeclaration(parent) || ts.isSetAccessorDeclaration(parent)) &&
    parent.name === node
  );
}

/** `this.handle.name`: the function's name read for a log line, not the function used. */
function isFunctionNameRead(node: ts.Identifier | ts.PrivateIdentifier): boolean {
  const access = node.parent;
  return ts.isPropertyAccessExpression(access) && access.name === node && ts.isPropertyAccessExpression(access.parent) && access.parent.expression === access && access.parent.name.text === 'name';
}
