import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { LlmClient } from '../llm/llm.client.js';
import { Message, MessageAuthor } from '../message/message.entity.js';
import { VisitorLockService } from '../visitor-lock/visitor-lock.service.js';

const GREETING_PROMPT = 'Greet a visitor who just opened the support chat, in one friendly sentence.';

/** Sends the AI greeting when a visitor opens the chat. */
@Injectable()
export class GreetingService {
  constructor(
    @InjectRepository(Message)
    private readonly messageRepository: Repository<Message>,
    private readonly visitorLockService: VisitorLockService,
    private readonly llm: LlmClient,
  ) {}

  /** Returns false when the visitor is already being answered. */
  async greet(visitorUid: string, conversationId: string): Promise<boolean> {
    // Holds the visitor lock so the AI responder does not answer over the greeting.
    // ❌ The release below runs only when the LLM call succeeds: when it throws, the lock stays and
    // every later message from this visitor is refused by AiResponderService.
    const lockId = await this.visitorLockService.acquireLock(visitorUid);
    if (!lockId) return false;
    const greeting = await this.llm.complete([{ role: 'system', content: GREETING_PROMPT }]);
    await this.messageRepository.insert({ conversationId, author: MessageAuthor.AI, body: greeting });
    await this.visitorLockService.releaseLock(visitorUid, lockId);
    return true;
  }
}
