import type { ParserServicesWithTypeInformation, TSESLint } from '@typescript-eslint/utils';

/**
 * Thrown when a rule runs without a TypeScript program. ESLint prints a thrown error's `stack`;
 * ours is the message alone, because a stack trace tells the user nothing about their config.
 */
export class MissingTypeInformationError extends Error {
  override name = 'MissingTypeInformationError';

  constructor(ruleId: string, filename: string) {
    super(
      `race-guard/${ruleId} needs type information, but ${filename} was parsed without it. ` +
        'Use @typescript-eslint/parser with `languageOptions.parserOptions.projectService: true` ' +
        '(and `tsconfigRootDir: import.meta.dirname`) so the file belongs to a TypeScript program. ' +
        'See https://typescript-eslint.io/getting-started/typed-linting',
    );
    // V8 gives every error an own `stack` property, which would shadow the accessor below.
    Reflect.deleteProperty(this, 'stack');
  }

  override get stack(): string {
    return `${this.name}: ${this.message}`;
  }

  override set stack(_ignored: string) {
    // ESLint rewrites `message`; the stack stays derived from it.
  }
}

/** The parser services of a typed lint run, or a clear configuration error. */
export function getTypeServices(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
): ParserServicesWithTypeInformation {
  const services = context.sourceCode.parserServices;
  if (services?.program == null || services.esTreeNodeToTSNodeMap == null) {
    throw new MissingTypeInformationError(context.id.replace(/^race-guard\//, ''), context.filename);
  }
  return services as ParserServicesWithTypeInformation;
}
