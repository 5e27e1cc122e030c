import path from 'node:path';

import ts from 'typescript';

import { fixturesDir } from '../rule-tester.js';

const programs = new Map<string, ts.Program>();

/** A real TypeScript program over `tests/fixtures` (or `tests/fixtures/loose`), built once. */
export function fixtureProgram(project: 'strict' | 'loose' = 'strict'): ts.Program {
  const cached = programs.get(project);
  if (cached != null) return cached;
  const configPath = path.join(fixturesDir, project === 'loose' ? 'loose/tsconfig.json' : 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (parsed == null) throw new Error(`cannot read ${configPath}`);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  programs.set(project, program);
  return program;
}

export function fixtureFile(program: ts.Program, relativePath: string): ts.SourceFile {
  const fileName = path.join(fixturesDir, relativePath);
  const sourceFile = program.getSourceFile(fileName);
  if (sourceFile == null) throw new Error(`${relativePath} is not in the fixture program`);
  return sourceFile;
}

/**
 * The outermost node of the wanted kind that starts right after the comment `/*@marker*\/`.
 * Markers keep the fixtures readable: the code under test is ordinary TypeScript.
 */
export function markedNode<T extends ts.Node>(
  sourceFile: ts.SourceFile,
  marker: string,
  isWanted: (node: ts.Node) => node is T,
): T {
  const text = sourceFile.getFullText();
  const at = text.indexOf(`/*@${marker}*/`);
  if (at === -1) throw new Error(`no marker @${marker} in ${sourceFile.fileName}`);
  const afterMarker = at + `/*@${marker}*/`.length;
  const start = afterMarker + (/^\s*/.exec(text.slice(afterMarker))?.[0].length ?? 0);
  let found: T | undefined;
  const visit = (node: ts.Node): void => {
    if (found != null) return;
    if (node.getStart(sourceFile) === start && isWanted(node)) {
      found = node;
      return;
    }
    if (node.pos <= start && start <= node.end) ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  if (found == null) throw new Error(`no wanted node after @${marker}`);
  return found;
}

export function markedCall(sourceFile: ts.SourceFile, marker: string): ts.CallExpression {
  return markedNode(sourceFile, marker, ts.isCallExpression);
}

export function markedExpression(sourceFile: ts.SourceFile, marker: string): ts.Expression {
  return markedNode(sourceFile, marker, (node): node is ts.Expression => ts.isExpression(node) || ts.isNewExpression(node));
}
