import { AST_NODE_TYPES, type ParserServicesWithTypeInformation, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';

import type { FunctionNode } from '../ast/functions.js';
import { skipOuterExpressions } from '../calls/await-classification.js';
import { moduleOriginOfDeclaration } from '../calls/module-origin.js';
import { entityMetadataOfType } from '../typeorm/entity-metadata.js';
import type { PayloadBinding } from './event-payloads.js';

/**
 * Rows a request handler receives through a parameter decorator the project builds with a
 * framework's `createParamDecorator` (`@CurrentUser() user: User` in NestJS, `@TargetUser() contact:
 * Contact` with routing-controllers): the decorator's factory, or the guard or middleware it reads
 * from, got the row when the request began, so the handler holds it as it was then — a load where
 * the handler receives it, like an event's payload. Only a parameter declared with the type of an
 * entity class of the project counts. The framework's own decorators (`@Body()`, `@Param()`), and a
 * project's decorator that wraps one of them, hand over request data, not rows read.
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
    const name = decorator == null ? undefined : requestDecoratorName(checker, services.esTreeNodeToTSNodeMap.get(decorator));
    if (name == null) continue;
    if (entityMetadataOfType(checker, checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(parameter))) == null) continue;
    bindings.push({ identifier: parameter, event: `@${name}()`, request: true });
  }
  return bindings;
}

/** `@CurrentUser()` / `@CurrentUser`: its name, when the project builds it with a package's `createParamDecorator`. */
function requestDecoratorName(checker: ts.TypeChecker, decorator: ts.Decorator): string | undefined {
  const callee = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
  if (!ts.isIdentifier(callee)) return undefined;
  const declaration = declarationOf(checker, callee);
  if (declaration == null || moduleOriginOfDeclaration(declaration).kind !== 'project') return undefined;
  return builtByCreateParamDecorator(checker, declaration) ? callee.text : undefined;
}

/**
 * `export const CurrentUser = createParamDecorator(…)` (NestJS), or a function that returns
 * `createParamDecorator(…)` (routing-controllers), the factory being a package's.
 */
function builtByCreateParamDecorator(checker: ts.TypeChecker, declaration: ts.Declaration): boolean {
  if (ts.isVariableDeclaration(declaration) && declaration.initializer != null) {
    const initializer = skipOuterExpressions(declaration.initializer);
    if (ts.isCallExpression(initializer)) return isPackageCreateParamDecorator(checker, initializer);
    if (ts.isArrowFunction(initializer) || ts.isFunctionExpression(initializer)) return returnsCreateParamDecorator(checker, initializer);
    return false;
  }
  return ts.isFunctionDeclaration(declaration) && returnsCreateParamDecorator(checker, declaration);
}

function returnsCreateParamDecorator(checker: ts.TypeChecker, fn: ts.FunctionLikeDeclaration): boolean {
  const body = fn.body;
  if (body == null) return false;
  if (!ts.isBlock(body)) {
    const returned = skipOuterExpressions(body);
    return ts.isCallExpression(returned) && isPackageCreateParamDecorator(checker, returned);
  }
  return body.statements.some((statement) => {
    if (!ts.isReturnStatement(statement) || statement.expression == null) return false;
    const returned = skipOuterExpressions(statement.expression);
    return ts.isCallExpression(returned) && isPackageCreateParamDecorator(checker, returned);
  });
}

function isPackageCreateParamDecorator(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isIdentifier(callee) || callee.text !== 'createParamDecorator') return false;
  const declaration = declarationOf(checker, callee);
  return declaration != null && moduleOriginOfDeclaration(declaration).kind === 'package';
}

/** Where the name is declared, through an import. */
function declarationOf(checker: ts.TypeChecker, name: ts.Identifier): ts.Declaration | undefined {
  let symbol = checker.getSymbolAtLocation(name);
  if (symbol != null && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol?.declarations?.[0];
}
