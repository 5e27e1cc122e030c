import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Conversation, ConversationStatus } from '../conversation/conversation.entity.js';
import { Message, MessageAuthor } from '../message/message.entity.js';

/**
 * Hands conversations the AI could not settle to the human queue. The job queue delivers at least
 * once, so two workers can run the same job at the same moment; the one that wins pages an agent.
 */
@Injectable()
export class HandoffWorker {
  constructor(
    @InjectRepository(Conversation)
    private readonly conversationRepository: Repository<Conversation>,
    @InjectRepository(Message)
    private readonly messageRepository: Repository<Message>,
  ) {}

  /** Moves the conversation OPEN → PENDING; true means this worker did it and must page an agent. */
  async handOff(conversationId: string): Promise<boolean> {
    const conversation = await this.conversationRepository.findOneBy({ id: conversationId });
    if (!conversation) return false;
    if (conversation.status !== ConversationStatus.OPEN) return false;

    // Visitors who already wrote a lot wait in a higher-priority queue.
    const visitorMessages = await this.messageRepository.countBy({ conversationId, author: MessageAuthor.VISITOR });

    // ❌ Check-then-act: the status was checked above, but the UPDATE is keyed on the id alone, so a
    // second worker that passed the same check also "wins" and the agent is paged twice.
    const result = await this.conversationRepository.update(
      { id: conversation.id },
      { status: ConversationStatus.PENDING, priority: visitorMessages > 3 ? 2 : 1 },
    );
    return result.affected === 1;
  }
}
