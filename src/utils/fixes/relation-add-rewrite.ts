import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { ArrayAppend } from '../entity-flow/written-fields.js';
import type { ColumnMetadata } from '../typeorm/entity-metadata.js';
import { isSameValueAt, statementBeforeBoth, statementOf } from './statement-edits.js';
import type { WriteReceiver } from './update-rewrite.js';

/**
 * `team.members.push(user); await repo.save(team)` on a many-to-many relation: `save()` makes the
 * join table match the loaded array, so a member another request added meanwhile is removed.
 * `RelationQueryBuilder.add()` inserts the one new join row and touches nothing else.
 */
export interface RelationAddRewrite {
  edits: { range: [number, number]; text: string }[];
  /** The relation and the added entities, as the code names them. */
  relation: string;
  added: string;
}

export interface RelationAddInput {
  sourceCode: Readonly<TSESLint.SourceCode>;
  call: TSESTree.CallExpression;
  receiver: WriteReceiver;
  /** The owner as the save names it (`team`). */
  owner: TSESTree.Expression;
  append: ArrayAppend;
  relation: ColumnMetadata;
}

export function buildRelationAddRewrite(input: RelationAddInput): RelationAddRewrite | undefined {
  const { sourceCode, call, receiver, owner, append, relation } = input;
  if (relation.kind !== 'relation' || relation.relationKind !== 'many-to-many' || relation.cascade) return undefined;
  // The save is a statement of its own whose result nothing uses.
  const statement = statementOf(call);
  if (statement?.type !== AST_NODE_TYPES.ExpressionStatement || statement.expression.type === AST_NODE_TYPES.AssignmentExpression) return undefined;
  // The push runs exactly once before every save, and what it pushed is still what those names hold there.
  const pushStatement = append.call.parent;
  if (pushStatement.type !== AST_NODE_TYPES.ExpressionStatement || statementBeforeBoth(append.call, statement, 0) !== pushStatement) return undefined;
  const elements = append.call.arguments;
  if (elements.length === 0 || !elements.every((element) => isSameValueAt(sourceCode, element, call))) return undefined;
  const added = elements.length === 1 ? sourceCode.getText(elements[0]) : `[${elements.map((element) => sourceCode.getText(element)).join(', ')}]`;
  const text = `${receiver.relationBuilder(relation.propertyName)}.of(${sourceCode.getText(owner)}).add(${added})`;
  return { edits: [{ range: call.range, text }], relation: relation.propertyName, added };
}
