import ts from 'typescript';

/**
 * Where a declaration comes from. Classification decides by package, never by the call's
 * spelling, so `this.llm.complete()` and `openai.chat.completions.create()` are judged by what
 * they resolve to.
 */
export type ModuleOrigin =
  | { kind: 'project' }
  | { kind: 'package'; name: string }
  | { kind: 'typescript-lib' };

const NODE_MODULES = '/node_modules/';

export function moduleOriginOfFile(fileName: string): ModuleOrigin {
  const path = fileName.replaceAll('\\', '/');
  const at = path.lastIndexOf(NODE_MODULES);
  if (at === -1) {
    return /\/lib\.[\w.]*\.d\.ts$/.test(path) && path.includes('/typescript/')
      ? { kind: 'typescript-lib' }
      : { kind: 'project' };
  }
  const rest = path.slice(at + NODE_MODULES.length).split('/');
  const first = rest[0] ?? '';
  if (first === 'typescript' && /^lib\.[\w.]*\.d\.ts$/.test(rest.at(-1) ?? '')) {
    return { kind: 'typescript-lib' };
  }
  if (first === '@types') {
    const typed = rest[1] ?? '';
    if (typed === 'node') return { kind: 'package', name: nodeBuiltinOfTypesFile(rest.slice(2)) };
    // `@types/scope__name` types the package `@scope/name`.
    return { kind: 'package', name: typed.includes('__') ? `@${typed.replace('__', '/')}` : typed };
  }
  if (first.startsWith('@')) return { kind: 'package', name: `${first}/${rest[1] ?? ''}` };
  return { kind: 'package', name: first };
}

/**
 * `@types/node/fs/promises.d.ts` → `node:fs`; globals (fetch, timers) keep their own names. A module
 * split over several files (`buffer.buffer.d.ts`, `globals.typedarray.d.ts`) is the module before
 * the dot, and the copies for older TypeScript versions (`ts5.6/…`) are the same modules.
 */
function nodeBuiltinOfTypesFile(segments: readonly string[]): string {
  const [first = '', ...others] = segments;
  if (/^ts\d+(?:\.\d+)*$/.test(first) && others.length > 0) return nodeBuiltinOfTypesFile(others);
  const top = first.replace(/\.d\.ts$/, '').split('.')[0] ?? '';
  if (top === 'web-globals' || top === 'globals' || top === 'compatibility') return 'node:globals';
  return `node:${top}`;
}

export function moduleOriginOfDeclaration(declaration: ts.Node): ModuleOrigin {
  return moduleOriginOfSourceFile(declaration.getSourceFile());
}

/**
 * Where a file comes from, by its path and, for a file of the project, by what it is: Prisma's
 * `prisma-client` generator writes the client into the project (`src/generated/prisma`), and the
 * older `prisma-client-js` into `node_modules/.prisma/client` (or its `output`). Either is the `@prisma/client`
 * package as far as what its calls do goes.
 */
export function moduleOriginOfSourceFile(file: ts.SourceFile): ModuleOrigin {
  // Asked for nearly every declaration a rule meets: the path is parsed once per file.
  let origin = origins.get(file);
  if (origin == null) {
    origin = computeModuleOrigin(file);
    origins.set(file, origin);
  }
  return origin;
}

const origins = new WeakMap<ts.SourceFile, ModuleOrigin>();

function computeModuleOrigin(file: ts.SourceFile): ModuleOrigin {
  const origin = moduleOriginOfFile(file.fileName);
  if (origin.kind === 'package' && origin.name === '.prisma') return PRISMA_CLIENT;
  if (origin.kind !== 'project') return origin;
  return isGeneratedPrismaClientFile(file) ? PRISMA_CLIENT : origin;
}

const PRISMA_CLIENT: ModuleOrigin = { kind: 'package', name: '@prisma/client' };
const generatedPrismaFiles = new WeakMap<ts.SourceFile, boolean>();

/**
 * A file Prisma generated: it imports Prisma's runtime (`@prisma/client/runtime/client`,
 * `…/runtime/library`), which no hand-written code of a project does — or, for a `prisma-client-js`
 * client generated into the project (`output = "…"`), the copy of that runtime Prisma writes
 * beside it (`./runtime/client.js`). Checked once per file.
 */
export function isGeneratedPrismaClientFile(file: ts.SourceFile): boolean {
  let generated = generatedPrismaFiles.get(file);
  if (generated == null) {
    generated = file.statements.some(
      (statement) =>
        (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
        statement.moduleSpecifier != null &&
        ts.isStringLiteral(statement.moduleSpecifier) &&
        isPrismaRuntimeSpecifier(statement.moduleSpecifier.text),
    );
    generatedPrismaFiles.set(file, generated);
  }
  return generated;
}

function isPrismaRuntimeSpecifier(specifier: string): boolean {
  return specifier.startsWith('@prisma/client/runtime') || /^\.\/runtime\/(?:client|library)(?:\.js)?$/.test(specifier);
}

/** True for `typeorm` itself and for its `browser/` build, under npm, yarn or pnpm layouts. */
export function isTypeormFile(fileName: string): boolean {
  const origin = moduleOriginOfFile(fileName);
  return origin.kind === 'package' && origin.name === 'typeorm';
}

/** Module names as users write them (`node:http`, `http`, `@scope/pkg/sub`) → package keys. */
export function normalizeModuleName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.startsWith('node:')) return trimmed;
  if (NODE_BUILTINS.has(trimmed.split('/')[0] ?? '')) return `node:${trimmed.split('/')[0] ?? ''}`;
  const parts = trimmed.split('/');
  return trimmed.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? trimmed);
}

const NODE_BUILTINS = new Set([
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events',
  'fs', 'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'querystring',
  'readline', 'stream', 'string_decoder', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
]);

/** A name users can read for a declaration: `LlmClient.complete`, `sendMail`. */
export function declarationDisplayName(declaration: ts.Node): string {
  const own = ts.isFunctionLike(declaration) || ts.isPropertyDeclaration(declaration) || ts.isPropertySignature(declaration) || ts.isVariableDeclaration(declaration)
    ? nameText((declaration as ts.NamedDeclaration).name)
    : undefined;
  let ownName = own;
  if (ownName == null && (ts.isArrowFunction(declaration) || ts.isFunctionExpression(declaration) || ts.isFunctionTypeNode(declaration))) {
    // `validate = async () => …`, `validate: (input) => Promise<boolean>`: named by what holds it.
    const holder = declaration.parent;
    if (ts.isVariableDeclaration(holder) || ts.isPropertyDeclaration(holder) || ts.isPropertyAssignment(holder) || ts.isPropertySignature(holder)) {
      ownName = nameText(holder.name);
    }
  }
  const container = enclosingNamedContainer(declaration);
  const base = ownName ?? '<anonymous>';
  return container == null ? base : `${container}.${base}`;
}

function enclosingNamedContainer(node: ts.Node): string | undefined {
  for (let current = node.parent as ts.Node | undefined; current != null; current = current.parent) {
    if ((ts.isClassDeclaration(current) || ts.isClassExpression(current) || ts.isInterfaceDeclaration(current)) && current.name != null) {
      return current.name.text;
    }
    if (ts.isObjectLiteralExpression(current)) {
      const holder = current.parent;
      if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) return holder.name.text;
    }
    if (ts.isSourceFile(current)) return undefined;
  }
  return undefined;
}

function nameText(name: ts.Node | undefined): string | undefined {
  if (name == null) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return undefined;
}

/**
 * `*.spec.ts`, `*.test.ts`, `*.e2e-spec.ts`, and files under `e2e/`, `__tests__/`, `__mocks__/`:
 * test doubles there implement the production interfaces and handlers too, but say nothing about
 * what production calls do.
 */
export function isTestFile(fileName: string): boolean {
  return /(?:\.(?:spec|test|e2e-spec)\.[cm]?tsx?$)|(?:\/(?:e2e|__tests__|__mocks__)\/)/.test(fileName);
}
