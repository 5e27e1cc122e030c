import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';

import { isInside } from '../utils/ast/expressions.js';
import { callLabel } from '../utils/calls/call-labels.js';
import { outerClientOf, transactionCallbackOf } from '../utils/orm/transaction-clients.js';
import { createRule } from '../utils/plugin/create-rule.js';
import { recordReportDetails, type RuleDetails } from '../utils/plugin/report-details.js';
import { getTypeServices } from '../utils/plugin/type-information.js';

type Options = [];
export type MessageIds = RuleDetails<'no-outer-client-in-transaction'>['messageId'] | 'useTransactionClient';

/** An interactive transaction's callback being walked, and what its client is called. */
interface OpenCallback {
  callback: TSESTree.Node;
  client: string | undefined;
  /** `prisma.$transaction()`, as messages name it, and its line. */
  label: string;
  line: number;
}

/** Methods that open an interactive transaction: a call named otherwise needs no type query. */
const TRANSACTION_METHODS: ReadonlySet<string> = new Set(['$transaction', 'transaction']);

export default createRule<Options, MessageIds>({
  name: 'no-outer-client-in-transaction',
  meta: {
    type: 'problem',
    docs: {
      description: "Disallow queries through the outer client inside an interactive transaction's callback",
      recommended: 'recommended',
      requiresTypeChecking: true,
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      outerClientInTransaction:
        '{{call}} runs on `{{client}}`, not on the transaction {{transaction}} opened at line {{line}}: it waits for another pooled connection while the transaction holds one, commits on its own, and is not rolled back with the transaction. {{advice}}',
      useTransactionClient: 'Run it on `{{txClient}}`.',
    },
  },
  create(context) {
    // A file that never calls `transaction`/`$transaction` opens no transaction callback.
    if (!/\.\$?transaction\s*\(/.test(context.sourceCode.text)) return {};
    const services = getTypeServices(context);
    const checker = services.program.getTypeChecker();
    const { sourceCode } = context;
    const tsNode = (node: TSESTree.Node): ts.Node => services.esTreeNodeToTSNodeMap.get(node);
    const open: OpenCallback[] = [];

    function callbackOf(call: TSESTree.CallExpression): OpenCallback | undefined {
      const callee = call.callee;
      if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier || !TRANSACTION_METHODS.has(callee.property.name)) return undefined;
      const [first] = call.arguments;
      if (first?.type !== AST_NODE_TYPES.ArrowFunctionExpression && first?.type !== AST_NODE_TYPES.FunctionExpression) return undefined;
      const found = transactionCallbackOf(checker, tsNode(call) as ts.CallExpression);
      return found == null ? undefined : { callback: first, client: found.client, label: `${callLabel(call.callee)}()`, line: call.loc.start.line };
    }

    /** Whether `name` at `node` is the callback's own client parameter (not shadowed). */
    function namesClient(node: TSESTree.Node, name: string, callback: TSESTree.Node): boolean {
      const variable = ASTUtils.findVariable(sourceCode.getScope(node), name);
      return variable?.defs.some((definition) => definition.type === TSESLint.Scope.DefinitionType.Parameter && definition.node === callback) === true;
    }

    function check(call: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void {
      const innermost = open.findLast((candidate) => isInside(call, candidate.callback));
      const callee = call.type === AST_NODE_TYPES.CallExpression ? call.callee : call.tag;
      if (innermost == null || callee.type !== AST_NODE_TYPES.MemberExpression) return;
      const client = outerClientOf(checker, tsNode(call) as ts.CallExpression | ts.TaggedTemplateExpression);
      if (client == null) return;
      const clientNode = services.tsNodeToESTreeNodeMap.get(client) as TSESTree.Node | undefined;
      const method = callee.property.type === AST_NODE_TYPES.Identifier ? callee.property.name : '';
      const txClient = innermost.client;
      // Another transaction opened from inside this one is not the same call on `tx` (Prisma's has none; drizzle's is a savepoint).
      const suggested = txClient != null && !TRANSACTION_METHODS.has(method) && namesClient(call, txClient, innermost.callback) ? txClient : undefined;
      const advice = txClient == null
        ? "Take the transaction's client as the callback's parameter, and run it on that."
        : TRANSACTION_METHODS.has(method)
          ? `Do this work on \`${txClient}\`, inside the transaction, or after it.`
          : `Run it on \`${txClient}\`, the transaction's client.`;
      const label = call.type === AST_NODE_TYPES.TaggedTemplateExpression ? `${callLabel(call.tag)}\`…\`` : callLabel(call);
      const data = {
        call: `\`${label}\``,
        client: clientNode == null ? client.getText() : sourceCode.getText(clientNode),
        transaction: `\`${innermost.label}\``,
        line: String(innermost.line),
        advice,
      };
      recordReportDetails(context, call, 'outerClientInTransaction', () => ({
        rule: 'no-outer-client-in-transaction',
        messageId: 'outerClientInTransaction',
        advice,
        call: { label, line: call.loc.start.line },
        client: data.client,
        transaction: { label: innermost.label, line: innermost.line },
      }));
      context.report({
        node: call,
        messageId: 'outerClientInTransaction',
        data,
        ...(suggested != null && clientNode != null
          ? {
              suggest: [
                {
                  messageId: 'useTransactionClient',
                  data: { txClient: suggested },
                  fix: (fixer: TSESLint.RuleFixer) => fixer.replaceText(clientNode, suggested),
                },
              ],
            }
          : {}),
      });
    }

    return {
      CallExpression(node: TSESTree.CallExpression) {
        if (open.length > 0) check(node);
        const callback = callbackOf(node);
        if (callback != null) open.push(callback);
      },
      TaggedTemplateExpression(node: TSESTree.TaggedTemplateExpression) {
        if (open.length > 0) check(node);
      },
      'CallExpression:exit'(node: TSESTree.CallExpression) {
        const last = open.at(-1);
        if (last != null && node.arguments[0] === last.callback) open.pop();
      },
    };
  },
});
