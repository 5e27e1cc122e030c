import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';

/**
 * What the code does with an update's result (`UpdateResult`): a compare-and-set update that lost
 * the race updates 0 rows, and only `affected` says so.
 */

/**
 * Whether nothing reads the result of an update call: `repo.update(…);`, `void …`,
 * `await …;`, or `const result = await …` that nothing reads again.
 */
export function isOutcomeDiscarded(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): boolean {
  const parent = call.parent;
  if (parent.type === AST_NODE_TYPES.ExpressionStatement) return true;
  if (parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'void') return true;
  if (parent.type === AST_NODE_TYPES.AwaitExpression) {
    if (parent.parent.type === AST_NODE_TYPES.ExpressionStatement) return true;
    const declarator = parent.parent;
    if (declarator.type === AST_NODE_TYPES.VariableDeclarator && declarator.id.type === AST_NODE_TYPES.Identifier) {
      const [variable] = sourceCode.getDeclaredVariables(declarator);
      return variable != null && variable.references.every((reference) => reference.init === true);
    }
  }
  return false;
}

/**
 * `const result = await …update(…); if (result.affected !== undefined) …`: every read of the
 * count only asks whether the driver reported one, which it does when 0 rows matched too. The
 * first such test, when there is no other read of the result (or of `affected`, when the result
 * is destructured).
 */
export function presenceOnlyTest(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): TSESTree.Node | undefined {
  const parent = call.parent;
  if (parent.type !== AST_NODE_TYPES.AwaitExpression || parent.parent.type !== AST_NODE_TYPES.VariableDeclarator) return undefined;
  const declarator = parent.parent;
  const counts: { variable: TSESLint.Scope.Variable; throughResult: boolean }[] = [];
  if (declarator.id.type === AST_NODE_TYPES.Identifier) {
    const [variable] = sourceCode.getDeclaredVariables(declarator);
    if (variable != null) counts.push({ variable, throughResult: true });
  } else if (declarator.id.type === AST_NODE_TYPES.ObjectPattern) {
    for (const property of declarator.id.properties) {
      // `{ affected, raw }`: the returned rows may be what the code tests.
      if (property.type !== AST_NODE_TYPES.Property || property.computed || property.key.type !== AST_NODE_TYPES.Identifier || property.key.name !== 'affected') return undefined;
      if (property.value.type !== AST_NODE_TYPES.Identifier) return undefined;
      const name = property.value.name;
      const variable = sourceCode.getDeclaredVariables(declarator).find((candidate) => candidate.name === name);
      if (variable != null) counts.push({ variable, throughResult: false });
    }
  }
  let first: TSESTree.Node | undefined;
  for (const { variable, throughResult } of counts) {
    for (const reference of variable.references) {
      if (reference.init === true) continue;
      let read: TSESTree.Node = reference.identifier;
      if (throughResult) {
        const member = read.parent;
        if (member.type !== AST_NODE_TYPES.MemberExpression || member.object !== read || member.computed || member.property.type !== AST_NODE_TYPES.Identifier || member.property.name !== 'affected') return undefined;
        read = member.parent.type === AST_NODE_TYPES.ChainExpression ? member.parent : member;
      }
      const test = presenceTest(read);
      if (test == null) return undefined;
      if (first == null || test.range[0] < first.range[0]) first = test;
    }
  }
  return first;
}

const EQUALITY_OPERATORS: ReadonlySet<string> = new Set(['===', '!==', '==', '!=']);

/** `x !== undefined`, `x != null`, `typeof x === 'number'`: true for a count of 0 as well. */
function presenceTest(read: TSESTree.Node): TSESTree.Node | undefined {
  const parent = read.parent;
  if (parent?.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'typeof') {
    const comparison = parent.parent;
    if (comparison.type !== AST_NODE_TYPES.BinaryExpression || !EQUALITY_OPERATORS.has(comparison.operator)) return undefined;
    const other = comparison.left === parent ? comparison.right : comparison.left;
    return other.type === AST_NODE_TYPES.Literal && typeof other.value === 'string' ? comparison : undefined;
  }
  if (parent?.type !== AST_NODE_TYPES.BinaryExpression || !EQUALITY_OPERATORS.has(parent.operator)) return undefined;
  const other = parent.left === read ? parent.right : parent.left;
  // `raw` too: a regular expression the runtime cannot build also has the value `null`.
  const isNullish = (other.type === AST_NODE_TYPES.Identifier && other.name === 'undefined') || (other.type === AST_NODE_TYPES.Literal && other.value === null && other.raw === 'null');
  return isNullish ? parent : undefined;
}
