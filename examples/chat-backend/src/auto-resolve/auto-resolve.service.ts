import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Conversation, ConversationStatus } from '../conversation/conversation.entity.js';
import { LlmClient } from '../llm/llm.client.js';

const ANSWERED_PROMPT =
  'Below is the last exchange of a support conversation. Reply with exactly YES if the ' +
  "visitor's question has been fully answered, otherwise reply with exactly NO.";

/** Closes conversations the AI judges answered, so they leave the agents' queue. */
@Injectable()
export class AutoResolveService {
  constructor(
    @InjectRepository(Conversation)
    private readonly conversationRepository: Repository<Conversation>,
    private readonly llm: LlmClient,
  ) {}

  /** True when the conversation was resolved. */
  async resolveIfAnswered(conversationId: string, lastExchange: string): Promise<boolean> {
    const conversation = await this.conversationRepository.findOneByOrFail({ id: conversationId });
    if (conversation.status !== ConversationStatus.OPEN) return false;
    const verdict = await this.llm.complete([
      { role: 'system', content: ANSWERED_PROMPT },
      { role: 'user', content: lastExchange },
    ]);
    if (verdict.trim() !== 'YES') return false;

    // ❌ UNSAFE: a state transition decided on the status read before the LLM call. If the
    // workflow moved the conversation to PENDING meanwhile, this resolves it anyway (and writes
    // back every other stale column with it).
    conversation.status = ConversationStatus.RESOLVED;
    await this.conversationRepository.save(conversation);
    return true;
  }
}
