import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Conversation } from '../conversation/conversation.entity.js';
import { LlmClient } from '../llm/llm.client.js';

const TRIAGE_PROMPT =
  'You triage support conversations. Reply with exactly ESCALATE if the visitor message below ' +
  'needs a human sooner, otherwise reply with exactly KEEP.';

/**
 * Raises a conversation's priority each time a visitor message is triaged as urgent. A burst of
 * messages is triaged in parallel, one job per message.
 */
@Injectable()
export class EscalationService {
  constructor(
    @InjectRepository(Conversation)
    private readonly conversationRepository: Repository<Conversation>,
    private readonly llm: LlmClient,
  ) {}

  /** True when the message was urgent and the priority went up by one. */
  async triage(conversationId: string, messageBody: string): Promise<boolean> {
    const conversation = await this.conversationRepository.findOneByOrFail({ id: conversationId });
    const verdict = await this.llm.complete([
      { role: 'system', content: TRIAGE_PROMPT },
      { role: 'user', content: messageBody },
    ]);
    if (verdict.trim() !== 'ESCALATE') return false;

    // ❌ UNSAFE: a counter derived from the value loaded before the LLM call. Two urgent messages
    // triaged at once both read priority 0 and both write 1: one escalation is lost.
    conversation.priority += 1;
    await this.conversationRepository.save(conversation);
    return true;
  }
}
