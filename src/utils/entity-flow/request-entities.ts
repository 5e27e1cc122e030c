import { AST_NODE_TYPES, type ParserServicesWithTypeInformation, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

import type { FunctionNode } from '../ast/functions.js';
import { moduleOriginOfDeclaration } from '../calls/module-origin.js';
import { entityMetadataOfType } from '../typeorm/entity-metadata.js';
import type { PayloadBinding } from './event-payloads.js';

/**
 * Rows a request handler receives through a parameter decorator the project declares itself
 * (`@CurrentUser() user: User` in NestJS, `@TargetUser() contact: Contact` with routing-controllers):
 * the decorator, or the guard or middleware it reads from, loaded the row when the request began, so
 * the handler holds it as it was then — a load where the handler receives it, like an event's
 * payload. Only parameters declared with the type of an entity class of the project count. A package's decorators
 * (`@Body()`, `@Param()`, `@Req()`) hand over request data, not rows read, and are not loads.
 */
export function requestEntitiesOf(
  services: ParserServicesWithTypeInformation,
  fn: FunctionNode,
  worthTyping: (identifier: TSESTree.Identifier) => boolean,
): PayloadBinding[] {
  if (fn.type !== AST_NODE_TYPES.FunctionExpression || fn.parent.type !== AST_NODE_TYPES.MethodDefinition) return [];
  const checker = services.program.getTypeChecker();
  const bindings: PayloadBinding[] = [];
  for (const parameter of fn.params) {
    // Cheap syntax first: most parameters carry no decorator, and a row's parameter names its class
    // (`@Param('id') id: string` does not).
    if (parameter.type !== AST_NODE_TYPES.Identifier || parameter.decorators.length !== 1) continue;
    if (parameter.typeAnnotation?.typeAnnotation.type !== AST_NODE_TYPES.TSTypeReference || !worthTyping(parameter)) continue;
    const [decorator] = parameter.decorators;
    const name = decorator == null ? undefined : projectDecoratorName(checker, services.esTreeNodeToTSNodeMap.get(decorator));
    if (name == null) continue;
    if (entityMetadataOfType(checker, checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(parameter))) == null) continue;
    bindings.push({ identifier: parameter, event: `@${name}()` });
  }
  return bindings;
}

/** `@CurrentUser()` / `@CurrentUser`: its name, when the project declares it. */
function projectDecoratorName(checker: ts.TypeChecker, decorator: ts.Decorator): string | undefined {
  const callee = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
  if (!ts.isIdentifier(callee)) return undefined;
  let symbol = checker.getSymbolAtLocation(callee);
  if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.declarations?.[0];
  return declaration != null && moduleOriginOfDeclaration(declaration).kind === 'project' ? callee.text : undefined;
}
