import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Conversation } from '../conversation/conversation.entity.js';

export enum MessageAuthor {
  VISITOR = 'visitor',
  AGENT = 'agent',
  AI = 'ai',
}

@Entity('messages')
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Conversation, (conversation) => conversation.messages, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id' })
  conversation: Relation<Conversation>;

  @Column({ name: 'conversation_id', type: 'varchar' })
  conversationId: string;

  @Column({ type: 'simple-enum', enum: MessageAuthor })
  author: MessageAuthor;

  @Column({ type: 'text' })
  body: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
