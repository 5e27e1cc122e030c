import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Conversation } from '../conversation/conversation.entity.js';
import { type ChatMessage, LlmClient } from '../llm/llm.client.js';
import { Message, MessageAuthor } from '../message/message.entity.js';
import { VisitorLockService } from '../visitor-lock/visitor-lock.service.js';

export interface VisitorMessagePayload {
  visitorUid: string;
  conversationId: string;
  messageId: string;
}

const SYSTEM_PROMPT =
  'You are a support assistant. Answer the visitor briefly and politely. ' +
  'If you cannot help, say that a human agent will follow up.';

const REVIEW_PROMPT =
  'Review the draft support reply below. Reply with exactly OK if it is accurate, polite and ' +
  'answers the question; otherwise list what to fix.';

// Each pass is two more LLM round trips, so this bounds the worst-case latency.
const MAX_REFINEMENT_PASSES = 2;

const HISTORY_LIMIT = 20;

@Injectable()
export class AiResponderService {
  private readonly logger = new Logger(AiResponderService.name);

  constructor(
    @InjectRepository(Conversation)
    private readonly conversationRepository: Repository<Conversation>,
    @InjectRepository(Message)
    private readonly messageRepository: Repository<Message>,
    private readonly visitorLockService: VisitorLockService,
    private readonly llm: LlmClient,
  ) {}

  async handleVisitorMessage(payload: VisitorMessagePayload): Promise<void> {
    // One reply at a time per visitor; a burst of messages is answered by whoever holds the lock.
    const lockId = await this.visitorLockService.acquireLock(payload.visitorUid);
    if (!lockId) return;

    try {
      const conversation = await this.conversationRepository.findOne({
        where: { id: payload.conversationId },
      });
      if (!conversation) return;

      const history = await this.messageRepository.find({
        where: { conversationId: conversation.id },
        order: { createdAt: 'DESC' },
        take: HISTORY_LIMIT,
      });
      const prompt: ChatMessage[] = [
        { role: 'system', content: SYSTEM_PROMPT },
        ...history.reverse().map(toChatMessage),
      ];

      // Draft, then let the model critique and revise its own answer.
      let aiResponseText = await this.llm.complete(prompt);
      for (let pass = 0; pass < MAX_REFINEMENT_PASSES; pass++) {
        const review = await this.llm.complete([
          { role: 'system', content: REVIEW_PROMPT },
          { role: 'user', content: aiResponseText },
        ]);
        if (review.trim() === 'OK') break;
        aiResponseText = await this.llm.complete([
          ...prompt,
          { role: 'assistant', content: aiResponseText },
          { role: 'user', content: `Revise your reply. Reviewer notes:\n${review}` },
        ]);
      }
      if (!aiResponseText.trim()) return;

      const aiMessage = await this.messageRepository.save(
        this.messageRepository.create({
          conversationId: conversation.id,
          author: MessageAuthor.AI,
          body: aiResponseText,
        }),
      );

      // ❌ UNSAFE: stale save (audit §2). `conversation` was read before the LLM loop; save()
      // writes back every column that changed since, reverting an agent's assignment, a status
      // change, a priority update or a newer last_message_id.
      conversation.lastMessageId = aiMessage.id;
      conversation.lastMessageSnippet = aiResponseText.slice(0, 120);
      await this.conversationRepository.save(conversation);
    } catch (error) {
      this.logger.error('Error in handleVisitorMessage:', error);
    } finally {
      await this.visitorLockService.releaseLock(payload.visitorUid, lockId);
    }
  }
}

function toChatMessage(message: Message): ChatMessage {
  return message.author === MessageAuthor.VISITOR
    ? { role: 'user', content: message.body }
    : { role: 'assistant', content: message.body };
}
