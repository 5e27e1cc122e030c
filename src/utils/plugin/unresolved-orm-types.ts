import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';

type AnyRuleModule = TSESLint.RuleModule<string, readonly unknown[]>;

/** The message id every race-guard rule carries for this notice. */
export const ORM_TYPES_UNRESOLVED = 'ormTypesUnresolved';

export const ORM_TYPES_UNRESOLVED_MESSAGE =
  '`{{module}}` is imported here, but its types do not resolve: race-guard cannot tell what its calls do, so its findings in this file are incomplete. {{fix}}';

/**
 * The ORMs whose types the rules read, and what makes their types resolve. `generated`: the package
 * re-exports code a generator writes, so it can resolve while the names it should export do not.
 */
const ORM_PACKAGES: readonly { name: string; fix: string; generated?: true }[] = [
  { name: 'typeorm', fix: "Install the project's dependencies (`npm ci`, `pnpm install` or `yarn install`) and lint again." },
  {
    name: '@prisma/client',
    fix: "Install the project's dependencies (`npm ci`, `pnpm install` or `yarn install`), run `prisma generate`, and lint again.",
    generated: true,
  },
  { name: 'drizzle-orm', fix: "Install the project's dependencies (`npm ci`, `pnpm install` or `yarn install`) and lint again." },
];

/**
 * The files already checked in this lint run, by their AST. ESLint hands every rule of one file the
 * same `SourceCode`, so the first race-guard rule to start on a file checks it and the others skip
 * it: one notice per file however many rules are on. A WeakSet keeps nothing alive across files.
 */
const checkedFiles = new WeakSet<TSESTree.Program>();

/**
 * Wraps a rule so that, when a file imports an ORM whose types do not resolve (its package is not
 * installed, or Prisma's client was never generated), the first race-guard rule that runs on the
 * file reports it once, on the import. The rules recognise ORM calls by the declarations they resolve
 * to; without them every call is `any` and a rule would otherwise report a fraction of its findings
 * and say nothing. When the types resolve this costs one pass over the file's top-level statements
 * and a cached symbol lookup per ORM import (measured on examples/chat-backend: 2 ms for the first
 * pass over its 14 files in a program, 0.3 ms after).
 */
export function noticingUnresolvedOrmTypes<Rule extends AnyRuleModule>(rule: Rule): Rule {
  return {
    ...rule,
    meta: { ...rule.meta, messages: { ...rule.meta.messages, [ORM_TYPES_UNRESOLVED]: ORM_TYPES_UNRESOLVED_MESSAGE } },
    create(context) {
      const { ast, parserServices } = context.sourceCode;
      if (!checkedFiles.has(ast) && parserServices?.program != null && parserServices.esTreeNodeToTSNodeMap != null) {
        checkedFiles.add(ast);
        const unresolved = firstUnresolvedOrmImport(ast, parserServices.program, parserServices.program.getTypeChecker(), parserServices.esTreeNodeToTSNodeMap);
        if (unresolved != null) {
          context.report({
            node: unresolved.source,
            messageId: ORM_TYPES_UNRESOLVED,
            data: { module: unresolved.source.value, fix: unresolved.fix },
          });
        }
      }
      return rule.create(context);
    },
  };
}

interface UnresolvedImport {
  source: TSESTree.StringLiteral;
  fix: string;
}

function firstUnresolvedOrmImport(
  ast: TSESTree.Program,
  program: ts.Program,
  checker: ts.TypeChecker,
  nodeMap: { get(node: TSESTree.Node): ts.Node | undefined },
): UnresolvedImport | undefined {
  for (const statement of ast.body) {
    const source = moduleSourceOf(statement);
    if (source == null) continue;
    const orm = ORM_PACKAGES.find(({ name }) => source.value === name || source.value.startsWith(`${name}/`));
    if (orm == null) continue;
    const specifier = nodeMap.get(source);
    const moduleSymbol = specifier == null ? undefined : checker.getSymbolAtLocation(specifier);
    // The module itself does not resolve: the package is not installed. A deep import
    // (`typeorm/platform/PlatformTools`) may fail on its own where the package's `exports` map
    // hides its internals from the project's module resolution; the calls the rules read come
    // from the package's entry, so that says nothing unless the entry is missing too.
    if (moduleSymbol == null && (source.value === orm.name || !packageIsInProgram(program, orm.name))) return { source, fix: orm.fix };
    if (moduleSymbol == null) continue;
    // It resolves, but a name it should export does not: `@prisma/client` before `prisma generate`
    // re-exports a client that does not exist yet. Only there: an installed package has its names,
    // and building another package's export table would cost the first file of a program ~10 ms.
    if (orm.generated === true && statement.type === AST_NODE_TYPES.ImportDeclaration) {
      for (const imported of statement.specifiers) {
        if (imported.type !== AST_NODE_TYPES.ImportSpecifier) continue;
        const name = imported.imported.type === AST_NODE_TYPES.Identifier ? imported.imported.name : imported.imported.value;
        if (checker.tryGetMemberInModuleExports(name, moduleSymbol) == null) return { source, fix: orm.fix };
      }
    }
  }
  return undefined;
}

const packagesInProgram = new WeakMap<ts.Program, Map<string, boolean>>();

/** Whether any declaration file of `packageName` is part of the program: its entry resolved somewhere. */
function packageIsInProgram(program: ts.Program, packageName: string): boolean {
  let known = packagesInProgram.get(program);
  if (known == null) {
    known = new Map();
    packagesInProgram.set(program, known);
  }
  let found = known.get(packageName);
  if (found == null) {
    const marker = `/node_modules/${packageName}/`;
    found = program.getSourceFiles().some((file) => file.fileName.includes(marker));
    known.set(packageName, found);
  }
  return found;
}

/** The module a top-level import, re-export or `import x = require()` names. */
function moduleSourceOf(statement: TSESTree.ProgramStatement): TSESTree.StringLiteral | undefined {
  switch (statement.type) {
    case AST_NODE_TYPES.ImportDeclaration:
      return statement.source;
    case AST_NODE_TYPES.ExportAllDeclaration:
      return statement.source;
    case AST_NODE_TYPES.ExportNamedDeclaration:
      return statement.source ?? undefined;
    case AST_NODE_TYPES.TSImportEqualsDeclaration: {
      const reference = statement.moduleReference;
      return reference.type === AST_NODE_TYPES.TSExternalModuleReference ? reference.expression : undefined;
    }
    default:
      return undefined;
  }
}
