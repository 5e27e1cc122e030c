/*
 * Mermaid sequence diagrams of race windows. Only a small subset of the syntax is written —
 * `participant X as Label`, `A->>B: text`, `A-->>B: text`, `Note over A,B: text` — and every
 * label goes through `label()`, so code in a label cannot end a statement or open a tag.
 */

const MAX_LABEL = 90;

/** Mermaid entity codes for the characters that end a statement (`;`), start a code (`#`) or a tag. */
export function label(text: string): string {
  const flat = text.replaceAll(/\s+/g, ' ').trim();
  const short = flat.length > MAX_LABEL ? `${flat.slice(0, MAX_LABEL - 1)}…` : flat;
  // One pass, so the `;` of an inserted code is not escaped again.
  return short.replaceAll(/[#;<>%]/g, (character) => `#${String(character.charCodeAt(0))};`);
}

export interface DiagramWriter {
  functionName: string;
  where: string;
  what: string;
}

export interface StaleSaveDiagram {
  functionName: string;
  entity: string;
  load: string;
  /** The entity arrived with an event rather than from a read of the database: no arrow to the database. */
  loadFromEvent?: boolean;
  window: { participant: string; call: string; chain: readonly string[]; kindText: string };
  save: string;
  writers: readonly DiagramWriter[];
  reverted: readonly string[];
}

export function staleSaveDiagram(input: StaleSaveDiagram): string {
  const lines = [
    'sequenceDiagram',
    `  participant S as ${label(input.functionName)}`,
    `  participant DB as ${label(`Database (${input.entity})`)}`,
    `  participant N as ${label(input.window.participant)}`,
    ...input.writers.map((writer, index) => `  participant W${String(index + 1)} as ${label(writer.functionName)}`),
    input.loadFromEvent === true ? `  Note over S: ${label(`T0 ${input.load}`)}` : `  S->>DB: ${label(`T0 ${input.load}`)}`,
    `  S->>N: ${label(input.window.call)}`,
    ...(input.window.chain.length > 0 ? [`  Note over N: ${label(input.window.chain.join(' → '))}`] : []),
    `  Note over S,N: ${label(`window open: ${input.window.kindText}`)}`,
    ...input.writers.map((writer, index) => `  W${String(index + 1)}->>DB: ${label(`${writer.what} (${writer.where})`)}`),
    '  N-->>S: result',
    `  S->>DB: ${label(input.save)}`,
    `  Note over DB: ${label(input.reverted.length > 0 ? `${input.reverted.join(', ')} reverted to their T0 values` : 'concurrent changes to the loaded columns reverted')}`,
  ];
  return lines.join('\n');
}

export interface TransitionDiagram {
  functionName: string;
  entity: string;
  write: string;
  writers: readonly DiagramWriter[];
  column: string;
}

/** Two writers of a state column; the unguarded one overwrites whatever the other set. */
export function transitionDiagram(input: TransitionDiagram): string {
  const writers = input.writers.length > 0 ? input.writers : [{ functionName: 'another request', where: 'concurrently', what: `UPDATE ${input.column}` }];
  return [
    'sequenceDiagram',
    `  participant S as ${label(input.functionName)}`,
    `  participant DB as ${label(`Database (${input.entity})`)}`,
    ...writers.map((writer, index) => `  participant W${String(index + 1)} as ${label(writer.functionName)}`),
    `  S->>DB: ${label(`reads or assumes the current ${input.column}`)}`,
    ...writers.map((writer, index) => `  W${String(index + 1)}->>DB: ${label(`${writer.what} (${writer.where})`)}`),
    `  S->>DB: ${label(input.write)}`,
    `  Note over DB: ${label(`the other ${input.column} change is overwritten`)}`,
  ].join('\n');
}

export interface TransactionDiagram {
  functionName: string;
  holder: string;
  call: string;
  chain: readonly string[];
  kindText: string;
}

/** A transaction (or row lock) held across a slow call: other writers queue behind it. */
export function transactionDiagram(input: TransactionDiagram): string {
  return [
    'sequenceDiagram',
    `  participant S as ${label(input.functionName)}`,
    '  participant DB as Database',
    `  participant N as ${label(input.kindText)}`,
    '  participant W as other writers',
    `  S->>DB: ${label(input.holder)}`,
    `  S->>N: ${label(input.call)}`,
    ...(input.chain.length > 0 ? [`  Note over N: ${label(input.chain.join(' → '))}`] : []),
    '  W->>DB: write the same rows',
    '  Note over W,DB: waits for the lock or a pooled connection',
    '  N-->>S: result',
    '  S->>DB: COMMIT',
  ].join('\n');
}
