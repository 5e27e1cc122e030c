import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A label agents and the AI put on conversations (billing, bug, refund, …). */
@Entity('tags')
export class Tag {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', unique: true })
  name: string;
}
