import type { Logger } from 'pino';
import type { AlertSummary } from '../domain/alerts';
import type { Member } from '../domain/people/member';
import type { Risk } from '../domain/risk';
import { ukCalendarDate } from '../domain/risk/calendar-date';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import {
  CRITICALITY_LABELS,
  SUPPLIER_CRITICALITIES,
  dueSupplierReminders,
  mentionsSupplier,
  normaliseSupplier,
  supplierIdFrom,
  type DueSupplierReminder,
  type Supplier,
  type SupplierInput,
} from '../domain/suppliers';
import type { Directory } from './directory';
import type { Conditional } from './ports';

/** A supplier as stored, with the ETag its next change must match. */
export interface StoredSupplier {
  supplier: Supplier;
  etag: string;
}

/** The supplier register (src/store/supplier-repository.ts). */
export interface SupplierRepository {
  get(id: string): Promise<StoredSupplier | undefined>;
  list(): Promise<Supplier[]>;
  /** Inserts a new supplier; `exists` when one has the id already. */
  create(supplier: Supplier): Promise<Conditional<StoredSupplier>>;
  /** Replaces the supplier if unchanged since `etag`; `conflict` when someone changed it first. */
  replace(supplier: Supplier, etag: string): Promise<Conditional<StoredSupplier>>;
}

/** Which supplier reminders have gone: the first instance to claim one sends it (a conditional insert). */
export interface SupplierReminderLog {
  claim(reminder: DueSupplierReminder, at: Date): Promise<boolean>;
  /** Gives a claim back when the reminder could not be queued, so a later pass sends it. */
  release(reminder: DueSupplierReminder): Promise<void>;
}

/** Tells the leads, each in their 1:1 chat, that something about a supplier falls due (the bot renders it). */
export interface SupplierReminderNotifier {
  remindLeads(supplier: Supplier, reminder: DueSupplierReminder): Promise<void>;
}

/** A supplier's page: the supplier, the open risks naming it and the open alerts mentioning it. */
export interface SupplierPage {
  supplier: Supplier;
  etag: string;
  risks: Risk[];
  alerts: AlertSummary[];
}

export interface SuppliersDeps {
  directory: Pick<Directory, 'require' | 'listOrganisations'>;
  repository: SupplierRepository;
  /**
   * The open real risks naming a supplier, by its id (one query over the register's open index rows for
   * that id: src/store/risk-repository.ts).
   */
  risks: { listOpenNaming(supplierId: string): Promise<Risk[]> };
  /** The open alerts' summaries (the AlertViews open rows: one partition). */
  alerts: { listOpen(): Promise<AlertSummary[]> };
  clock: Clock;
}

const RANK = Object.fromEntries(SUPPLIER_CRITICALITIES.map((c, i) => [c, i])) as Record<
  Supplier['criticality'],
  number
>;

/**
 * The critical supplier register (issue 20): leads and admins add and edit suppliers (decided from the
 * caller's Entra id through the directory, never from the form), every member reads them.
 */
export class Suppliers {
  constructor(private readonly deps: SuppliersDeps) {}

  /** Adds a supplier; its id comes from its name. A `validation` CtacError lists every problem. */
  async add(actor: Member | undefined, input: SupplierInput): Promise<Supplier> {
    const lead = this.deps.directory.require(actor, 'lead', 'add suppliers');
    const fields = normaliseSupplier(input, await this.checks());
    const at = this.deps.clock.now().toISOString();
    const by = { id: lead.aadObjectId, name: lead.name };
    const supplier: Supplier = {
      id: supplierIdFrom(fields.name),
      ...fields,
      addedAt: at,
      addedBy: by,
      updatedAt: at,
      updatedBy: by,
    };
    const saved = await this.deps.repository.create(supplier);
    if (!saved.ok)
      throw new CtacError(
        'conflict',
        `${fields.name} is on the register already. Type "supplier edit ${fields.name}" to change it.`,
      );
    return saved.value.supplier;
  }

  /**
   * Saves a lead's changes to a supplier, if nobody changed it since `etag` (when given) was read. The id
   * stays though the name may change, so risks naming it by its old name still find it.
   */
  async edit(
    actor: Member | undefined,
    id: string,
    input: SupplierInput,
    etag?: string,
  ): Promise<Supplier> {
    const lead = this.deps.directory.require(actor, 'lead', 'edit suppliers');
    const stored = await this.deps.repository.get(id);
    if (!stored) throw new CtacError('not_found', 'That supplier is not on the register.');
    const fields = normaliseSupplier(input, {
      ...(await this.checks()),
      keepNextReview: stored.supplier.nextReview,
    });
    const supplier: Supplier = {
      ...stored.supplier,
      ...fields,
      updatedAt: this.deps.clock.now().toISOString(),
      updatedBy: { id: lead.aadObjectId, name: lead.name },
    };
    // A link cleared on the form goes (the spread kept the old one).
    if (!fields.evidenceLink) delete supplier.evidenceLink;
    const saved = await this.deps.repository.replace(supplier, etag || stored.etag);
    if (!saved.ok)
      throw new CtacError(
        'conflict',
        `Someone changed ${stored.supplier.name} while you were editing it. Open it again to see their changes.`,
      );
    return saved.value.supplier;
  }

  /** Leads: the supplier to edit, by id or name. Anyone else is refused before anything is read. */
  async forEditing(
    actor: Member | undefined,
    idOrName: string,
  ): Promise<StoredSupplier | undefined> {
    this.deps.directory.require(actor, 'lead', 'add or edit suppliers');
    const id = supplierIdFrom(idOrName);
    return id ? this.deps.repository.get(id) : undefined;
  }

  /** Every supplier, most critical first, then by name (any member). */
  async list(actor: Member | undefined): Promise<Supplier[]> {
    this.deps.directory.require(actor, 'member', 'see the supplier register');
    return sortSuppliers(await this.deps.repository.list());
  }

  /**
   * One supplier's page, by id or name (any member): the open risks naming it and the open alerts whose
   * title, summary or affected products mention it, read in two queries beside the supplier's own row
   * (the risks' query returns only those naming it).
   */
  async page(actor: Member | undefined, idOrName: string): Promise<SupplierPage | undefined> {
    this.deps.directory.require(actor, 'member', 'see the supplier register');
    const id = supplierIdFrom(idOrName);
    const stored = id ? await this.deps.repository.get(id) : undefined;
    if (!stored) return undefined;
    const [risks, alerts] = await Promise.all([
      this.deps.risks.listOpenNaming(stored.supplier.id),
      this.deps.alerts.listOpen(),
    ]);
    const { supplier } = stored;
    return {
      supplier,
      etag: stored.etag,
      risks,
      alerts: alerts.filter((a) =>
        mentionsSupplier([a.title, a.summary, ...a.affectedProducts].join('\n'), supplier),
      ),
    };
  }

  private async checks() {
    const organisations = await this.deps.directory.listOrganisations();
    return {
      organisationCodes: organisations.map((o) => o.code),
      today: ukCalendarDate(this.deps.clock.now()),
    };
  }
}

/** Most critical first, then by name. */
export const sortSuppliers = (suppliers: readonly Supplier[]): Supplier[] =>
  [...suppliers].sort(
    (a, b) => RANK[a.criticality] - RANK[b.criticality] || a.name.localeCompare(b.name, 'en-GB'),
  );

/** "Critical", for a criticality. */
export const criticalityLabel = (s: Pick<Supplier, 'criticality'>): string =>
  CRITICALITY_LABELS[s.criticality];

/**
 * Tells the leads 30 and 7 days before a supplier's review or an assurance expiry falls due. Each reminder
 * is claimed (a conditional insert keyed by supplier, item, due date and window) before it is queued, so a
 * restart or a second instance never sends it twice.
 */
export class SupplierReminders {
  constructor(
    private readonly deps: {
      repository: Pick<SupplierRepository, 'list'>;
      log: SupplierReminderLog;
      notifier: SupplierReminderNotifier;
      clock: Clock;
      logger?: Pick<Logger, 'warn'>;
    },
  ) {}

  /** Sends the reminders due at `now` that nobody has sent yet; answers how many were sent. */
  async remindDue(now: Date = this.deps.clock.now()): Promise<number> {
    const suppliers = await this.deps.repository.list();
    const byId = new Map(suppliers.map((s) => [s.id, s]));
    let sent = 0;
    for (const reminder of dueSupplierReminders(suppliers, ukCalendarDate(now))) {
      if (!(await this.deps.log.claim(reminder, now))) continue;
      try {
        await this.deps.notifier.remindLeads(byId.get(reminder.supplierId)!, reminder);
      } catch (e) {
        await this.deps.log
          .release(reminder)
          .catch((err: unknown) =>
            this.deps.logger?.warn({ err, reminder }, 'suppliers: could not give back a reminder'),
          );
        throw e;
      }
      sent++;
    }
    return sent;
  }
}
