import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

// One row per visitor being answered; the primary key is what makes acquiring atomic.
@Entity('visitor_locks')
export class VisitorLock {
  @PrimaryColumn({ name: 'visitor_uid', type: 'varchar' })
  visitorUid: string;

  // Lets a holder release only its own lock, never one re-acquired by someone else.
  @Column({ name: 'lock_id', type: 'varchar' })
  lockId: string;

  @CreateDateColumn({ name: 'acquired_at' })
  acquiredAt: Date;
}
