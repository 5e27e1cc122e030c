import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

import type { EntityMetadata } from '../typeorm/entity-metadata.js';
import type { TypeormCall } from '../typeorm/typeorm-calls.js';

export interface UpdateRewrite {
  /** The source text that replaces the write call. */
  text: string;
  range: [number, number];
}

export interface UpdateRewriteInput {
  sourceCode: Readonly<TSESLint.SourceCode>;
  call: TSESTree.CallExpression;
  typeorm: TypeormCall;
  metadata: EntityMetadata;
  /** The entity as the code names it at the write (`conversation`). */
  entityText: string;
  fields: readonly string[];
  /** Whether the entity class is reachable by its name at the write (needed for some forms). */
  classNameInScope: boolean;
}

/**
 * Rewrites `save(entity)` to an atomic `update()` of exactly the written fields:
 * `repo.update({ id: e.id }, { a: e.a })`, `manager.update(E, …)`, `E.update(…)`.
 * Returns undefined when the rewrite cannot be built.
 */
export function buildUpdateRewrite(input: UpdateRewriteInput): UpdateRewrite | undefined {
  const { call, typeorm, metadata, entityText, fields, sourceCode } = input;
  if (typeorm.method !== 'save' || fields.length === 0 || metadata.primaryColumns.length === 0) return undefined;
  if (call.callee.type !== AST_NODE_TYPES.MemberExpression || call.callee.computed) return undefined;
  const criteria = `{ ${metadata.primaryColumns.map((column) => member(column.propertyName, entityText)).join(', ')} }`;
  const partial = `{ ${fields.map((field) => member(field, entityText)).join(', ')} }`;
  const receiver = call.callee.object;
  const receiverText = sourceCode.getText(receiver);
  const dot = call.callee.optional ? '?.' : '.';
  let text: string;
  switch (typeorm.api) {
    case 'Repository':
      text = `${receiverText}${dot}update(${criteria}, ${partial})`;
      break;
    case 'EntityManager': {
      const targetArgument = typeorm.targetArgumentIndex == null ? undefined : call.arguments[typeorm.targetArgumentIndex];
      const target = targetArgument != null && call.arguments.length > 1
        ? sourceCode.getText(targetArgument)
        : input.classNameInScope
          ? metadata.className
          : undefined;
      if (target == null) return undefined;
      text = `${receiverText}${dot}update(${target}, ${criteria}, ${partial})`;
      break;
    }
    case 'BaseEntity':
      if (!input.classNameInScope) return undefined;
      text = `${metadata.className}.update(${criteria}, ${partial})`;
      break;
    default:
      return undefined;
  }
  return { text, range: call.range };
}

function member(property: string, entityText: string): string {
  const key = /^[A-Za-z_$][\w$]*$/.test(property) ? property : JSON.stringify(property);
  const access = /^[A-Za-z_$][\w$]*$/.test(property) ? `${entityText}.${property}` : `${entityText}[${JSON.stringify(property)}]`;
  return `${key}: ${access}`;
}
