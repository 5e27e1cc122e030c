import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { isInside } from '../ast/expressions.js';
import { isFunctionNode } from '../ast/functions.js';
import type { Acquisition, VariableLookup } from '../locks/lock-acquisitions.js';
import { exitsWhenFailed } from '../locks/lock-conditions.js';

/**
 * `try { …the rest of the block… } finally { <release> }` after an acquisition, when the edit is
 * unambiguous: one release, an expression statement in the acquisition's block, after it. An
 * acquisition that may fail must be followed by its check (`if (!lockId) return;`), which stays
 * before the `try`: nothing is held on that path. Returns undefined when the edit would lose a
 * comment or move a declaration the release uses out of its reach.
 */
export function tryFinallyWrapFix(
  acquisition: Pick<Acquisition, 'call' | 'releases' | 'mayFail' | 'variable'>,
  sourceCode: Readonly<TSESLint.SourceCode>,
  variableOf: VariableLookup,
): TSESLint.ReportFixFunction | undefined {
  if (acquisition.releases.length !== 1) return undefined;
  const [release] = acquisition.releases;
  if (release == null) return undefined;
  const releaseStatement = release.parent.type === AST_NODE_TYPES.AwaitExpression ? release.parent.parent : release.parent;
  if (releaseStatement.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
  const acquireStatement = statementInBlock(acquisition.call);
  const block = acquireStatement?.parent;
  if (acquireStatement == null || releaseStatement.parent !== block) return undefined;
  if (block.type !== AST_NODE_TYPES.BlockStatement && block.type !== AST_NODE_TYPES.Program) return undefined;
  const body = block.body as TSESTree.Node[];
  let start = body.indexOf(acquireStatement) + 1;
  if (start === 0 || body.indexOf(releaseStatement) < start) return undefined;
  if (acquisition.mayFail) {
    if (!exitsWhenFailed(body[start], acquisition.variable, variableOf)) return undefined;
    start++;
  }
  const moved = body.slice(start).filter((statement) => statement !== releaseStatement);
  const first = body[start];
  const last = body.at(-1);
  if (moved.length === 0 || first == null || last == null) return undefined;
  // Comments between statements would be lost; a release using a name declared after the acquisition
  // would lose it in the `finally`.
  if (sourceCode.getAllComments().some((comment) => comment.range[0] >= first.range[0] && comment.range[1] <= last.range[1] && !moved.some((statement) => isInside(comment, statement)))) return undefined;
  for (const statement of moved) {
    for (const variable of sourceCode.getDeclaredVariables(statement)) {
      if (variable.references.some((reference) => isInside(reference.identifier, releaseStatement))) return undefined;
    }
  }
  const line = sourceCode.lines[acquireStatement.loc.start.line - 1] ?? '';
  const indent = /^\s*/.exec(line)?.[0] ?? '';
  const inner = `${indent}  `;
  const text = [
    'try {',
    ...moved.map((statement) => `${inner}${indented(sourceCode.getText(statement))}`),
    `${indent}} finally {`,
    `${inner}${sourceCode.getText(releaseStatement)}`,
    `${indent}}`,
  ].join('\n');
  return (fixer) => fixer.replaceTextRange([first.range[0], last.range[1]], text);
}

/** The statement directly in a block (or the program) that holds `node`, unless a function is between. */
function statementInBlock(node: TSESTree.Node): TSESTree.Statement | undefined {
  let current: TSESTree.Node = node;
  for (let parent = node.parent; parent != null; current = parent, parent = parent.parent) {
    if (isFunctionNode(parent)) return undefined;
    if (parent.type === AST_NODE_TYPES.BlockStatement || parent.type === AST_NODE_TYPES.Program) return current as TSESTree.Statement;
  }
  return undefined;
}

/** Later lines move in by two spaces too, unless a template literal could span them. */
function indented(text: string): string {
  if (text.includes('`')) return text;
  return text.split('\n').map((line, index) => (index === 0 || line.trim() === '' ? line : `  ${line}`)).join('\n');
}
