import ts from 'typescript';

/** A replacement of a source range (offsets as ESLint's and TypeScript's agree on them). */
export interface TextEdit {
  range: [number, number];
  text: string;
}

/**
 * The local names under which `names` of `module` are imported in `file`, and the one edit that
 * imports those that are not: appended to an existing named import of the module, or a new import
 * after the last one. Undefined when a missing name is taken by something else in the file (an
 * import must not shadow it).
 */
export function namedImports(
  file: ts.SourceFile,
  module: string,
  names: readonly string[],
  taken: (local: string) => boolean,
): { locals: ReadonlyMap<string, string>; edits: TextEdit[] } | undefined {
  const locals = new Map<string, string>();
  let named: ts.NamedImports | undefined;
  let lastImport: ts.ImportDeclaration | undefined;
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    lastImport = statement;
    if (!ts.isStringLiteral(statement.moduleSpecifier) || statement.moduleSpecifier.text !== module) continue;
    const clause = statement.importClause;
    const bindings = clause?.namedBindings;
    if (clause == null || clause.phaseModifier === ts.SyntaxKind.TypeKeyword || bindings == null || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      const imported = (element.propertyName ?? element.name).text;
      if (!element.isTypeOnly && names.includes(imported) && !locals.has(imported)) locals.set(imported, element.name.text);
    }
    named ??= bindings;
  }
  const missing = names.filter((name) => !locals.has(name));
  if (missing.length === 0) return { locals, edits: [] };
  if (missing.some(taken)) return undefined;
  for (const name of missing) locals.set(name, name);
  const last = named?.elements.at(-1);
  if (named != null && last != null) return { locals, edits: [{ range: [last.getEnd(), last.getEnd()], text: `, ${missing.join(', ')}` }] };
  const at = lastImport?.getEnd() ?? 0;
  const line = `import { ${missing.join(', ')} } from '${module}';`;
  return { locals, edits: [{ range: [at, at], text: lastImport == null ? `${line}\n` : `\n${line}` }] };
}
