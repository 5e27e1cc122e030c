import { describe, expect, it } from 'vitest';

import { joinChain } from '../../src/utils/calls/call-labels.js';

describe('joinChain', () => {
  it('shows a chain of up to seven calls whole', () => {
    expect(joinChain(['a', 'b', 'c'])).toBe('a → b → c');
    expect(joinChain(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe('a → b → c → d → e → f → g');
  });

  it('keeps where a longer chain starts and the calls that reach the I/O', () => {
    expect(joinChain(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'])).toBe('a → b → c → … (4 more) → h → i → j');
  });
});
