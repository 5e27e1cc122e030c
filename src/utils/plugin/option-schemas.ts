import type { JSONSchema4 } from '@typescript-eslint/utils/json-schema';

import { AWAIT_KINDS } from '../calls/await-classification.js';

/** The await-classification options every rule that classifies awaits accepts. */
export function awaitClassificationSchema(windowKindsDescription: string, localModulesDescription: string): Record<string, JSONSchema4> {
  return {
    windowKinds: {
      type: 'array',
      description: windowKindsDescription,
      items: { type: 'string', enum: [...AWAIT_KINDS] },
      uniqueItems: true,
    },
    networkModules: {
      type: 'array',
      description: 'More packages whose calls are network I/O (e.g. an in-house API client).',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
    },
    localModules: {
      type: 'array',
      description: localModulesDescription,
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
    },
  };
}
