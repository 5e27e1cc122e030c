import { PayoutStatus, type PrismaClient } from './db.js';
import type { PaymentProvider } from './payment-provider.js';

export class PayoutWorker {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly payments: PaymentProvider,
  ) {}

  /**
   * ❌ The guard is in `where`, but the count that says which worker won is dropped: every worker
   * that raced for the payout goes on to pay it (require-state-guard).
   */
  async process(payoutId: string, workerId: string): Promise<void> {
    await this.prisma.payout.updateMany({
      where: { id: payoutId, status: PayoutStatus.requested },
      data: { status: PayoutStatus.processing, workerId },
    });
    const payout = await this.prisma.payout.findUniqueOrThrow({ where: { id: payoutId } });
    await this.payments.transfer(payout.id, payout.amount);
    await this.prisma.payout.update({ where: { id: payoutId, status: PayoutStatus.processing }, data: { status: PayoutStatus.paid } });
  }

  /** ✅ Exactly one worker sees count 1 and pays. */
  async processOnce(payoutId: string, workerId: string): Promise<boolean> {
    const { count } = await this.prisma.payout.updateMany({
      where: { id: payoutId, status: PayoutStatus.requested },
      data: { status: PayoutStatus.processing, workerId },
    });
    if (count === 0) return false;
    const payout = await this.prisma.payout.findUniqueOrThrow({ where: { id: payoutId } });
    await this.payments.transfer(payout.id, payout.amount);
    await this.prisma.payout.update({ where: { id: payoutId, status: PayoutStatus.processing }, data: { status: PayoutStatus.paid } });
    return true;
  }

  /**
   * ❌ The provider call runs inside the interactive transaction: it holds a pooled connection,
   * and Prisma fails the transaction with P2028 once it takes more than 5 s
   * (no-network-await-in-transaction).
   */
  async retry(payoutId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const payout = await tx.payout.update({ where: { id: payoutId, status: PayoutStatus.failed }, data: { status: PayoutStatus.processing } });
      await this.payments.transfer(payout.id, payout.amount);
      await tx.payout.update({ where: { id: payoutId, status: PayoutStatus.processing }, data: { status: PayoutStatus.paid } });
    });
  }
}
