import { AST_NODE_TYPES, type ParserServicesWithTypeInformation, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

import { callLabel } from '../calls/call-labels.js';
import { transactionalDecoratorOf, transactionRunnerNames, transactionRunnerOf } from './transaction-scopes.js';

/** The transaction a whole function runs in, as a message names it. */
export interface FunctionTransaction {
  /** `` `manager.transaction()` ``, `` `@Transactional()` on `OrderService.capture` ``. */
  label: string;
  /** The same without Markdown: `manager.transaction()`, `@Transactional() on OrderService.capture`. */
  text: string;
  /** The line of the runner call or of the decorator. */
  line: number;
}

/**
 * The transaction a whole function runs in: a callback that a transaction runner runs
 * (`manager.transaction(cb)`, a wrapper of the project), or a `@Transactional()` method.
 */
export function transactionOfFunction(
  services: ParserServicesWithTypeInformation,
  sourceCode: Readonly<TSESLint.SourceCode>,
  fn: TSESTree.Node,
): FunctionTransaction | undefined {
  if (fn.type !== AST_NODE_TYPES.ArrowFunctionExpression && fn.type !== AST_NODE_TYPES.FunctionExpression) return undefined;
  const checker = services.program.getTypeChecker();
  const parent = fn.parent;
  if (parent.type === AST_NODE_TYPES.CallExpression) {
    const index = parent.arguments.indexOf(fn);
    if (index < 0) return undefined;
    const runner = transactionRunnerOf(checker, services.esTreeNodeToTSNodeMap.get(parent), 0, transactionRunnerNames(services.program));
    if (runner?.callbackIndexes.has(index) !== true) return undefined;
    const call = `${callLabel(parent.callee)}()`;
    const via = runner.chain.length > 1 ? ` (${runner.chain.join(' → ')}())` : '';
    return { label: `\`${call}\`${via}`, text: `${call}${via}`, line: parent.loc.start.line };
  }
  if (parent.type === AST_NODE_TYPES.MethodDefinition && parent.value === fn && parent.decorators.length > 0) {
    const method = services.esTreeNodeToTSNodeMap.get(parent);
    const decorators = ts.canHaveDecorators(method) ? (ts.getDecorators(method) ?? []) : [];
    const decorator = transactionalDecoratorOf(checker, decorators);
    if (decorator == null) return undefined;
    const expression = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
    const name = `@${expression.getText().replace(/\s+/g, '')}()`;
    return {
      label: `\`${name}\` on \`${methodName(parent)}\``,
      text: `${name} on ${methodName(parent)}`,
      line: sourceCode.getLocFromIndex(decorator.getStart()).line,
    };
  }
  return undefined;
}

/**
 * Whether a call runs a callback in a transaction (`manager.transaction(cb)`, a project wrapper):
 * awaiting it waits for that transaction, whose own awaits are judged inside the callback.
 */
export function isTransactionRunnerCall(services: ParserServicesWithTypeInformation, call: TSESTree.CallExpression): boolean {
  const checker = services.program.getTypeChecker();
  return transactionRunnerOf(checker, services.esTreeNodeToTSNodeMap.get(call), 0, transactionRunnerNames(services.program)) != null;
}

/** `OrderService.capture` for a class method. */
function methodName(method: TSESTree.MethodDefinition): string {
  const key = method.key;
  const own = !method.computed && key.type === AST_NODE_TYPES.Identifier ? key.name : key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${key.name}` : '…';
  const className = method.parent.parent.id?.name;
  return className == null ? own : `${className}.${own}`;
}
