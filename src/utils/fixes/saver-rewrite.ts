import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { enclosingFunction, type FunctionNode } from '../ast/functions.js';

/**
 * A stale entity saved through the project's own saver (`persist(conversation)`, whose body calls
 * `repo.save(conversation)`): the rewrite belongs where the `save()` is. It is offered only when
 * that is in the file being linted (a suggestion edits that file alone) and this call is the
 * saver's only caller — a function that is not exported, or a private method — so rewriting its
 * save for this caller's fields changes no other caller's writes.
 */
export interface SaverSave {
  /** The `save()` inside the saver. */
  save: TSESTree.CallExpression;
  /** The saver's parameter the entity arrives in. */
  parameter: TSESTree.Identifier;
  /** The saver's name, for the message. */
  name: string;
}

/**
 * `call` (in the caller) reaches `save` (in the same file) directly: `save` saves a parameter of
 * the function `call` calls, that function uses the parameter for nothing else, and nothing else
 * calls it.
 */
export function saverSaveOf(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression, save: TSESTree.CallExpression): SaverSave | undefined {
  const saver = enclosingFunction(save);
  if (saver == null || save.callee.type !== AST_NODE_TYPES.MemberExpression || save.arguments.length !== 1) return undefined;
  const [argument] = save.arguments;
  if (argument?.type !== AST_NODE_TYPES.Identifier) return undefined;
  const parameter = saver.params.find((candidate): candidate is TSESTree.Identifier => candidate.type === AST_NODE_TYPES.Identifier && candidate.name === argument.name);
  if (parameter == null) return undefined;
  const [variable] = sourceCode.getDeclaredVariables(saver).filter((candidate) => candidate.name === parameter.name);
  if (variable?.references.length !== 1 || variable.references[0]?.identifier !== argument) return undefined;
  const name = onlyCaller(sourceCode, saver, call);
  return name == null ? undefined : { save, parameter, name };
}

/** The saver's name when `call` is its only call: a private method, or a function not exported. */
function onlyCaller(sourceCode: Readonly<TSESLint.SourceCode>, saver: FunctionNode, call: TSESTree.CallExpression): string | undefined {
  if (saver.type === AST_NODE_TYPES.FunctionDeclaration) {
    if (saver.id == null || saver.parent.type === AST_NODE_TYPES.ExportNamedDeclaration || saver.parent.type === AST_NODE_TYPES.ExportDefaultDeclaration) return undefined;
    const variable = sourceCode.getDeclaredVariables(saver).find((candidate) => candidate.name === saver.id?.name);
    const references = variable?.references ?? [];
    return references.length === 1 && references[0]?.identifier === call.callee ? saver.id.name : undefined;
  }
  const member = saver.parent;
  if (member.type !== AST_NODE_TYPES.MethodDefinition && member.type !== AST_NODE_TYPES.PropertyDefinition) return undefined;
  if (member.computed || member.static) return undefined;
  const key = member.key;
  const isPrivate = key.type === AST_NODE_TYPES.PrivateIdentifier || member.accessibility === 'private';
  if (!isPrivate || (key.type !== AST_NODE_TYPES.Identifier && key.type !== AST_NODE_TYPES.PrivateIdentifier)) return undefined;
  const classBody = member.parent;
  const uses: TSESTree.Node[] = [];
  const visit = (node: TSESTree.Node): void => {
    if (node.type === AST_NODE_TYPES.MemberExpression && node.object.type === AST_NODE_TYPES.ThisExpression && !node.computed && node.property.type === key.type && node.property.name === key.name) uses.push(node);
    for (const [field, value] of Object.entries(node)) {
      if (field === 'parent') continue;
      for (const child of Array.isArray(value) ? value : [value]) if (child != null && typeof child === 'object' && 'type' in child) visit(child as TSESTree.Node);
    }
  };
  visit(classBody);
  return uses.length === 1 && uses[0] === call.callee ? key.name : undefined;
}
