import {
  Column,
  Entity,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
  type Relation,
} from 'typeorm';
import { Agent } from '../agent/agent.entity.js';
import { Message } from '../message/message.entity.js';
import { Tag } from '../tagging/tag.entity.js';

export enum ConversationStatus {
  OPEN = 'open',
  PENDING = 'pending',
  RESOLVED = 'resolved',
}

@Entity('conversations')
export class Conversation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'visitor_uid', type: 'varchar' })
  visitorUid: string;

  // simple-enum keeps one schema for SQLite (CHECK constraint) and Postgres.
  @Column({ type: 'simple-enum', enum: ConversationStatus, default: ConversationStatus.OPEN })
  status: ConversationStatus;

  // The workflow's inactivity job compares against this to detect newer activity.
  @Column({ name: 'last_message_id', type: 'varchar', nullable: true })
  lastMessageId: string | null;

  @Column({ name: 'last_message_snippet', type: 'varchar', length: 120, nullable: true })
  lastMessageSnippet: string | null;

  @ManyToOne(() => Agent, { nullable: true })
  @JoinColumn({ name: 'assignee_id' })
  assignee: Agent | null;

  // Exposed as a plain column so assignment can be a single UPDATE without loading the agent.
  @Column({ name: 'assignee_id', type: 'varchar', nullable: true })
  assigneeId: string | null;

  @Column({ type: 'int', default: 0 })
  priority: number;

  // Note: save() neither checks nor protects this; see the plugin's docs/orm-facts.md.
  @VersionColumn()
  version: number;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;

  // Relation<> keeps decorator metadata from touching Message during the circular ESM import.
  @OneToMany(() => Message, (message) => message.conversation)
  messages: Relation<Message>[];

  @ManyToMany(() => Tag)
  @JoinTable({ name: 'conversation_tags', joinColumn: { name: 'conversation_id' }, inverseJoinColumn: { name: 'tag_id' } })
  tags: Relation<Tag>[];
}
