import ts from 'typescript';

/**
 * Packages loaded lazily into a variable or a property: `private bcrypt: any` set by
 * `this.bcrypt = require('bcrypt')` (so a native module is only loaded when used), or
 * `const sharp = await import('sharp')`. The value is `any`, but the code says which package it is,
 * and calls on it cost what that package's calls cost.
 */
const requiredModules = new WeakMap<ts.Declaration, string | null>();

/** The package every value given to `declaration` is loaded from, if they all name one. */
export function requiredModuleOf(declaration: ts.Declaration): string | undefined {
  let module = requiredModules.get(declaration);
  if (module === undefined) {
    module = findRequiredModule(declaration) ?? null;
    requiredModules.set(declaration, module);
  }
  return module ?? undefined;
}

function findRequiredModule(declaration: ts.Declaration): string | undefined {
  if (ts.isVariableDeclaration(declaration)) {
    return declaration.initializer == null ? undefined : moduleLoadedBy(declaration.initializer);
  }
  if (!ts.isPropertyDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return undefined;
  const modules = new Set<string>();
  let other = false;
  if (declaration.initializer != null) {
    const module = moduleLoadedBy(declaration.initializer);
    if (module == null) other = true;
    else modules.add(module);
  }
  const name = declaration.name.text;
  const visit = (node: ts.Node): void => {
    if (other) return;
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      node.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
      node.left.name.text === name
    ) {
      const module = moduleLoadedBy(node.right);
      if (module == null) other = true;
      else modules.add(module);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(declaration.parent, visit);
  return !other && modules.size === 1 ? [...modules][0] : undefined;
}

/** `require('m')`, `import('m')`, `await import('m')`, `(await import('m')).default`. */
function moduleLoadedBy(expression: ts.Expression): string | undefined {
  let inner = expression;
  for (;;) {
    if (ts.isAwaitExpression(inner) || ts.isParenthesizedExpression(inner) || ts.isAsExpression(inner) || ts.isNonNullExpression(inner)) inner = inner.expression;
    else if (ts.isPropertyAccessExpression(inner) && inner.name.text === 'default') inner = inner.expression;
    else break;
  }
  if (!ts.isCallExpression(inner) || inner.arguments.length !== 1) return undefined;
  const [specifier] = inner.arguments;
  if (specifier == null || !ts.isStringLiteralLike(specifier)) return undefined;
  const isRequire = ts.isIdentifier(inner.expression) && inner.expression.text === 'require';
  const isImport = inner.expression.kind === ts.SyntaxKind.ImportKeyword;
  if (!isRequire && !isImport) return undefined;
  const text = specifier.text;
  return text.startsWith('.') || text.startsWith('/') ? undefined : text;
}
