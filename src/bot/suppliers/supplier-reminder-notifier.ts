import type { Logger } from 'pino';
import type { SendQueue } from '../../app/outbox';
import type { SupplierReminderNotifier } from '../../app/suppliers';
import { supplierReminderCard } from '../../cards/supplier-views';
import type { Member } from '../../domain/people/member';
import type { Organisation } from '../../domain/people/organisation';
import { ukCalendarDate } from '../../domain/risk/calendar-date';
import type { Clock } from '../../domain/shared/clock';
import { dueWhat, type DueSupplierReminder, type Supplier } from '../../domain/suppliers';

/** Queues a supplier reminder to each lead's 1:1 chat with CTAC, through the outbox. */
export class TeamsSupplierReminderNotifier implements SupplierReminderNotifier {
  constructor(
    private readonly deps: {
      queue: Pick<SendQueue, 'enqueue'>;
      /** The leads and admins, who keep the register. */
      leads(): Promise<Member[]>;
      organisations(): Promise<Organisation[]>;
      clock: Clock;
      logger?: Pick<Logger, 'info'>;
    },
  ) {}

  async remindLeads(supplier: Supplier, reminder: DueSupplierReminder): Promise<void> {
    const [leads, organisations] = await Promise.all([
      this.deps.leads(),
      this.deps.organisations(),
    ]);
    const names = Object.fromEntries(organisations.map((o) => [o.code, o.name]));
    const card = supplierReminderCard(
      supplier,
      reminder,
      ukCalendarDate(this.deps.clock.now()),
      names,
    );
    const summary = `${supplier.name}: ${dueWhat(reminder.what)} due soon`;
    for (const lead of leads)
      await this.deps.queue.enqueue({
        kind: 'personal',
        aadObjectId: lead.aadObjectId,
        content: { summary, card },
      });
    this.deps.logger?.info(
      {
        supplierId: supplier.id,
        what: reminder.what,
        window: reminder.window,
        leads: leads.length,
      },
      'suppliers: reminder queued for the leads',
    );
  }
}
