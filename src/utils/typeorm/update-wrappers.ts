import ts from 'typescript';

import { declarationDisplayName, moduleOriginOfDeclaration } from '../calls/module-origin.js';
import type { EntityMetadata } from './entity-metadata.js';
import { argumentForParameter, updatedEntity } from './repository-updates.js';
import { classifyTypeormCall, resolvedDeclaration, type TypeormApi } from './typeorm-calls.js';

/**
 * A function of the project that hands its own parameters to TypeORM's `update()`: the generic
 * `updateOne(criteria, data)` of a base service or repository class, or a store's
 * `update(id, data)`. A call of it is that update, with the caller's arguments as the criteria and
 * the partial entity.
 */
export interface UpdateWrapper {
  /** `BaseService.updateOne`, as messages name it. */
  name: string;
  /** Which of the wrapper's parameters (its arguments, at a call) become the criteria and the partial. */
  criteriaIndex: number;
  partialIndex: number;
  /** The entity the wrapped update writes, when the wrapper is not generic over it. */
  entity?: EntityMetadata;
  /** The wrapper returns the update's result, so its caller can test `affected`. */
  returnsResult: boolean;
}

const APIS: ReadonlySet<TypeormApi> = new Set(['Repository', 'EntityManager', 'BaseEntity static']);

const cache = new WeakMap<ts.TypeChecker, WeakMap<ts.Declaration, UpdateWrapper | null>>();

/** The update wrapper `call` calls, if it calls one. */
export function updateWrapperOfCall(checker: ts.TypeChecker, call: ts.CallExpression): UpdateWrapper | undefined {
  const declaration = resolvedDeclaration(checker, call);
  if (declaration == null || !ts.isFunctionLike(declaration) || moduleOriginOfDeclaration(declaration).kind !== 'project') return undefined;
  let perChecker = cache.get(checker);
  if (perChecker == null) {
    perChecker = new WeakMap();
    cache.set(checker, perChecker);
  }
  const cached = perChecker.get(declaration);
  if (cached !== undefined) return cached ?? undefined;
  const computed = summarise(checker, declaration) ?? null;
  perChecker.set(declaration, computed);
  return computed ?? undefined;
}

/**
 * The one TypeORM `update()` in the wrapper's own code (not in callbacks) whose criteria and
 * partial are two of the wrapper's parameters, passed as they are. A wrapper with several such
 * updates, or one that builds its own criteria or partial, is no plain forwarder: not summarised.
 */
function summarise(checker: ts.TypeChecker, wrapper: ts.SignatureDeclaration): UpdateWrapper | undefined {
  const body = (wrapper as ts.FunctionLikeDeclaration).body;
  if (body == null || wrapper.parameters.some((parameter) => parameter.dotDotDotToken != null)) return undefined;
  const found: { call: ts.CallExpression; criteriaIndex: number; partialIndex: number; api: TypeormApi }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'update') {
      const typeorm = classifyTypeormCall(checker, node);
      if (typeorm?.kind === 'atomic-write' && typeorm.method === 'update' && APIS.has(typeorm.api)) {
        const criteriaIndex = parameterIndexOf(checker, wrapper, argumentForParameter(checker, node, 'criteria'));
        const partialIndex = parameterIndexOf(checker, wrapper, argumentForParameter(checker, node, 'partialEntity'));
        if (criteriaIndex != null && partialIndex != null) found.push({ call: node, criteriaIndex, partialIndex, api: typeorm.api });
      }
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  const [only, ...others] = found;
  if (only == null || others.length > 0) return undefined;
  const entity = updatedEntity(checker, only.call, only.api);
  return {
    name: declarationDisplayName(wrapper),
    criteriaIndex: only.criteriaIndex,
    partialIndex: only.partialIndex,
    ...(entity == null ? {} : { entity }),
    returnsResult: isReturned(only.call),
  };
}

/** The index of the wrapper's parameter `argument` names, when it is one of them as it is. */
function parameterIndexOf(checker: ts.TypeChecker, wrapper: ts.SignatureDeclaration, argument: ts.Expression | undefined): number | undefined {
  if (argument == null || !ts.isIdentifier(argument)) return undefined;
  const declaration = checker.getSymbolAtLocation(argument)?.valueDeclaration;
  if (declaration == null || !ts.isParameter(declaration) || declaration.parent !== wrapper) return undefined;
  const index = wrapper.parameters.filter((parameter) => !(ts.isIdentifier(parameter.name) && parameter.name.text === 'this')).indexOf(declaration);
  return index < 0 ? undefined : index;
}

/** `return repo.update(…)`, `return await repo.update(…)`, or an arrow's expression body. */
function isReturned(call: ts.CallExpression): boolean {
  let node: ts.Node = call;
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
  return ts.isReturnStatement(node.parent) || (ts.isArrowFunction(node.parent) && node.parent.body === node);
}
