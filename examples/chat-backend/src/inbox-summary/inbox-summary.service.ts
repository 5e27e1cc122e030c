import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import { Conversation } from '../conversation/conversation.entity.js';
import { type ChatMessage, LlmClient } from '../llm/llm.client.js';
import { Message } from '../message/message.entity.js';

const SUMMARY_PROMPT = 'Summarise this support conversation in one line for the agents\' inbox.';

const HISTORY_LIMIT = 20;

/** Keeps the one-line summary agents see in their inbox (`last_message_snippet`) up to date. */
@Injectable()
export class InboxSummaryService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Conversation)
    private readonly conversationRepository: Repository<Conversation>,
    @InjectRepository(Message)
    private readonly messageRepository: Repository<Message>,
    private readonly llm: LlmClient,
  ) {}

  /**
   * ❌ Closes the stale-save window with a row lock, but holds it — and a pooled connection — for
   * the whole LLM call: an agent assigning this conversation meanwhile waits for the model.
   */
  async summarizeUnderLock(conversationId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const conversation = await manager.findOne(Conversation, {
        where: { id: conversationId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!conversation) return false;
      const history = await manager.find(Message, {
        where: { conversationId },
        order: { createdAt: 'DESC' },
        take: HISTORY_LIMIT,
      });
      const summary = await this.llm.complete(summaryPrompt(history));
      conversation.lastMessageSnippet = summary.slice(0, 120);
      await manager.save(conversation);
      return true;
    });
  }

  /**
   * ✅ The same work restructured as no-network-await-in-transaction asks: call the model first,
   * outside any transaction, then write with one compare-and-set UPDATE that only lands if no newer
   * message arrived meanwhile.
   */
  async summarize(conversationId: string): Promise<boolean> {
    const conversation = await this.conversationRepository.findOneBy({ id: conversationId });
    if (!conversation) return false;
    const history = await this.messageRepository.find({
      where: { conversationId },
      order: { createdAt: 'DESC' },
      take: HISTORY_LIMIT,
    });
    const summary = await this.llm.complete(summaryPrompt(history));
    const result = await this.conversationRepository.update(
      { id: conversation.id, lastMessageId: conversation.lastMessageId ?? IsNull() },
      { lastMessageSnippet: summary.slice(0, 120) },
    );
    return result.affected === 1;
  }
}

function summaryPrompt(history: Message[]): ChatMessage[] {
  return [
    { role: 'system', content: SUMMARY_PROMPT },
    { role: 'user', content: history.reverse().map((message) => `${message.author}: ${message.body}`).join('\n') },
  ];
}
