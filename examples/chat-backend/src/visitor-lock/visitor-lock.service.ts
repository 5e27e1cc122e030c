import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { VisitorLock } from './visitor-lock.entity.js';

@Injectable()
export class VisitorLockService {
  constructor(
    @InjectRepository(VisitorLock)
    private readonly lockRepository: Repository<VisitorLock>,
  ) {}

  /** Returns a lock id to hand back to releaseLock, or null when someone else holds the lock. */
  async acquireLock(visitorUid: string): Promise<string | null> {
    const lockId = randomUUID();
    await this.lockRepository
      .createQueryBuilder()
      .insert()
      .into(VisitorLock)
      .values({ visitorUid, lockId })
      .orIgnore()
      .execute();

    // A skipped insert is not an error and drivers disagree on reporting it,
    // so ask whether the row that exists now carries our id.
    const acquired = await this.lockRepository.existsBy({ visitorUid, lockId });
    return acquired ? lockId : null;
  }

  async releaseLock(visitorUid: string, lockId: string): Promise<void> {
    await this.lockRepository.delete({ visitorUid, lockId });
  }
}
