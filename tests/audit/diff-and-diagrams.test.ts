import { describe, expect, it } from 'vitest';

import { applyEdit, unifiedDiff } from '../../src/audit/diff.js';
import { label, staleSaveDiagram } from '../../src/audit/mermaid.js';
import { inlineCode } from '../../src/audit/text.js';

describe('unifiedDiff', () => {
  const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', ''].join('\n');

  it('shows one replaced line with three lines of context and correct hunk ranges', () => {
    const after = applyEdit(before, { range: [before.indexOf('e'), before.indexOf('e') + 1], text: 'E' });
    expect(unifiedDiff('src/x.ts', before, after)).toBe(
      ['--- a/src/x.ts', '+++ b/src/x.ts', '@@ -2,7 +2,7 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h'].join('\n'),
    );
  });

  it('counts lines when the edit adds lines at the start of the file', () => {
    const after = applyEdit(before, { range: [0, 1], text: 'try {\n  a' });
    expect(unifiedDiff('x.ts', before, after)).toBe(['--- a/x.ts', '+++ b/x.ts', '@@ -1,4 +1,5 @@', '-a', '+try {', '+  a', ' b', ' c', ' d'].join('\n'));
  });

  it('is empty when nothing changes', () => {
    expect(unifiedDiff('x.ts', before, before)).toBe('');
  });
});

describe('Mermaid diagrams', () => {
  it('escapes what would end a statement, start an entity code or open a tag', () => {
    expect(label('a; b # c <T> 100%')).toBe('a#59; b #35; c #60;T#62; 100#37;');
  });

  it('writes only the statement forms it knows, one per line', () => {
    const diagram = staleSaveDiagram({
      functionName: 'Svc.run',
      entity: 'Order',
      load: 'findOne() loads order (line 3)',
      window: { participant: 'Network (HTTP/LLM)', call: 'await fetch(…) (line 4)', chain: ['fetch'], kindText: 'a network call' },
      save: 'save() (line 6) writes back every loaded column',
      writers: [{ functionName: 'Other.write', where: 'other.ts:9', what: 'update sets status; note' }],
      reverted: ['status'],
    });
    const lines = diagram.split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    for (const line of lines.slice(1)) {
      expect(line).toMatch(/^ {2}(?:participant \w+ as (?:[^;#\n]|#\d+;)+|\w+-{1,2}>>\w+: (?:[^;#\n]|#\d+;)+|Note over \w+(?:,\w+)?: (?:[^;#\n]|#\d+;)+)$/);
    }
    expect(diagram).toContain('  W1->>DB: update sets status#59; note (other.ts:9)');
  });

  it('shows an entity that arrived with an event as a note, not as a read of the database', () => {
    const input = {
      functionName: 'Registration.listen',
      entity: 'PaymentMethod',
      load: 'entity arrives with the PaymentMethodEvent (line 12), read before it was published',
      window: { participant: 'Network (HTTP/LLM)', call: 'await registerWebhook(…) (line 13)', chain: ['axios.get'], kindText: 'a network call' },
      save: 'registerWebhook() (line 13) writes back every loaded column',
      writers: [],
      reverted: [],
    };
    const read = staleSaveDiagram(input).split('\n');
    const received = staleSaveDiagram({ ...input, loadFromEvent: true }).split('\n');
    expect(read).toContain('  S->>DB: T0 entity arrives with the PaymentMethodEvent (line 12), read before it was published');
    expect(received).toContain('  Note over S: T0 entity arrives with the PaymentMethodEvent (line 12), read before it was published');
    expect(received.filter((line) => !read.includes(line))).toEqual(['  Note over S: T0 entity arrives with the PaymentMethodEvent (line 12), read before it was published']);
  });
});

describe('inlineCode', () => {
  it('uses a delimiter longer than any backtick run inside, padded when the text starts or ends with one', () => {
    expect(inlineCode('status')).toBe('`status`');
    expect(inlineCode('my`col')).toBe('``my`col``');
    expect(inlineCode('`quoted`')).toBe('`` `quoted` ``');
    expect(inlineCode('a``b')).toBe('```a``b```');
  });
});
