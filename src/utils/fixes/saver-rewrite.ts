import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import { enclosingFunction, type FunctionNode } from '../ast/functions.js';
import type { WrittenFields } from '../entity-flow/written-fields.js';
import type { EntityMetadata } from '../typeorm/entity-metadata.js';
import { isStateColumn } from '../typeorm/state-columns.js';
import { isPlainWritableColumn } from '../typeorm/writable-columns.js';
import { statementOf } from './statement-edits.js';
import { memberText, objectText, primaryKeyCriteria, type WriteReceiver } from './update-rewrite.js';

/**
 * A stale entity saved through the project's own saver (`persist(conversation)`, whose body calls
 * `repo.save(conversation)`): the rewrite belongs where the `save()` is. It is offered only when
 * that is in the file being linted (a suggestion edits that file alone) and this call is the
 * saver's only caller — a function that is not exported, or a private method — so rewriting its
 * save for this caller's fields changes no other caller's writes.
 */
interface SaverSave {
  /** The saver's parameter the entity arrives in. */
  parameter: TSESTree.Identifier;
  /** The saver's name, for the message. */
  name: string;
}

export interface SaverRewriteInput {
  sourceCode: Readonly<TSESLint.SourceCode>;
  /** The caller's call of the saver. */
  call: TSESTree.CallExpression;
  /** The `save()` inside the saver, in this file. */
  save: TSESTree.CallExpression;
  receiver: WriteReceiver;
  metadata: EntityMetadata;
  /** The entity as the caller passes it. */
  entity: TSESTree.Expression;
  /** What the caller set on the entity before the call. */
  fieldInfo: WrittenFields;
}

const NO_STATE_OPTIONS = { stateColumns: [], guardColumns: [] };

/**
 * `await repo.save(conversation)` in the saver → `await repo.update({ id: conversation.id }, { f:
 * conversation.f })` for the fields the caller set. Plain values only: what a compare-and-set or an
 * amount would capture lives in the caller, the update in the saver.
 */
export function buildSaverRewrite(input: SaverRewriteInput): { edits: { range: [number, number]; text: string }[]; saver: string } | undefined {
  const { sourceCode, call, save, receiver, metadata, fieldInfo } = input;
  if (!fieldInfo.exact || fieldInfo.fields.length === 0 || fieldInfo.appends.length > 0) return undefined;
  const found = saverSaveOf(sourceCode, call, save);
  if (found == null) return undefined;
  // The saver's parameter at the position the caller passes the entity in.
  const saverFunction = enclosingFunction(save);
  if (saverFunction == null || saverFunction.params.indexOf(found.parameter) !== call.arguments.indexOf(input.entity)) return undefined;
  for (const field of fieldInfo.fields) {
    const column = metadata.byProperty.get(field);
    const writes = fieldInfo.writes.get(field) ?? [];
    if (column == null || !isPlainWritableColumn(column) || isStateColumn(column, NO_STATE_OPTIONS) || writes.some((write) => write.kind !== 'set')) return undefined;
  }
  const statement = statementOf(save);
  if (statement?.type !== AST_NODE_TYPES.ExpressionStatement || statement.expression.type === AST_NODE_TYPES.AssignmentExpression) return undefined;
  const entity = found.parameter.name;
  const criteria = primaryKeyCriteria(metadata, entity);
  if (criteria == null) return undefined;
  const text = receiver.call('update', [criteria, objectText(fieldInfo.fields.map((field) => [field, memberText(entity, field)] as const))]);
  return { edits: [{ range: save.range, text }], saver: found.name };
}

/**
 * `call` (in the caller) reaches `save` (in the same file) directly: `save` saves a parameter of
 * the function `call` calls, that function uses the parameter for nothing else, and nothing else
 * calls it.
 */
function saverSaveOf(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression, save: TSESTree.CallExpression): SaverSave | undefined {
  const saver = enclosingFunction(save);
  if (saver == null || save.callee.type !== AST_NODE_TYPES.MemberExpression || save.arguments.length !== 1) return undefined;
  const [argument] = save.arguments;
  if (argument?.type !== AST_NODE_TYPES.Identifier) return undefined;
  const parameter = saver.params.find((candidate): candidate is TSESTree.Identifier => candidate.type === AST_NODE_TYPES.Identifier && candidate.name === argument.name);
  if (parameter == null) return undefined;
  const [variable] = sourceCode.getDeclaredVariables(saver).filter((candidate) => candidate.name === parameter.name);
  if (variable?.references.length !== 1 || variable.references[0]?.identifier !== argument) return undefined;
  const name = onlyCaller(sourceCode, saver, call);
  return name == null ? undefined : { parameter, name };
}

/** The saver's name when `call` is its only call: a private method, or a function not exported. */
export function onlyCaller(sourceCode: Readonly<TSESLint.SourceCode>, saver: FunctionNode, call: TSESTree.CallExpression): string | undefined {
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
