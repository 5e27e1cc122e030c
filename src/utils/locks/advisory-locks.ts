import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';

/*
 * PostgreSQL advisory locks, taken and freed in SQL: `qr.query('SELECT pg_advisory_lock($1)')`. The
 * lock belongs to the session behind the receiver, so the SQL text is the only sign that a `query()`
 * call takes or frees one. (`pg_advisory_xact_lock` is freed by the transaction's end: not matched.)
 */
const ADVISORY_LOCK = /\bpg_advisory_lock(?:_shared)?\s*\(/i;
const ADVISORY_UNLOCK = /\bpg_advisory_unlock(?:_shared|_all)?\s*\(/i;

/** Whether the SQL the call passes first takes an advisory lock. The caller checks the method name. */
export function sqlTakesAdvisoryLock(call: TSESTree.CallExpression): boolean {
  return ADVISORY_LOCK.test(sqlTextOf(call.arguments[0]));
}

/** Whether the SQL the call passes first frees an advisory lock. The caller checks the method name. */
export function sqlFreesAdvisoryLock(call: TSESTree.CallExpression): boolean {
  return ADVISORY_UNLOCK.test(sqlTextOf(call.arguments[0]));
}

/** The text of a literal or template SQL string (placeholders become spaces), or '' for anything else. */
function sqlTextOf(node: TSESTree.Node | undefined): string {
  if (node == null) return '';
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') return node.value;
  if (node.type === AST_NODE_TYPES.TemplateLiteral) return node.quasis.map((quasi) => quasi.value.cooked ?? quasi.value.raw).join(' ');
  return '';
}
