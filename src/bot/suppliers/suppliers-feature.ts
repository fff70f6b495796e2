import type { DsptStatuses } from '../../app/dspt';
import type { Suppliers } from '../../app/suppliers';
import type { AdaptiveCard } from '../../cards/render';
import {
  SUPPLIER_FORM_FIELDS,
  dsptStatusesCard,
  supplierCard,
  supplierFormCard,
  supplierFormValues,
  supplierListCard,
} from '../../cards/supplier-views';
import { hasRole } from '../../domain/people/member';
import type { Organisation } from '../../domain/people/organisation';
import { ukCalendarDate } from '../../domain/risk/calendar-date';
import type { Clock } from '../../domain/shared/clock';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import { isSupplierId, parseDsptCommand } from '../../domain/suppliers';
import type { BotFeature, CardActionHandler } from '../bot-feature';
import { cardField, cardFields } from '../card-fields';
import type { CommandSpec } from '../commands';

const GROUP = 'Suppliers';
const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'suppliers',
    usage: 'suppliers',
    description:
      'The critical supplier register: criticality, next review and evidence running out soon.',
    group: GROUP,
  },
  {
    name: 'supplier',
    usage: 'supplier NAME',
    description: 'One supplier: contact, evidence, open risks naming it and alerts mentioning it.',
    group: GROUP,
  },
  {
    name: 'supplier add',
    usage: 'supplier add',
    description: 'Leads: add a critical supplier.',
    group: GROUP,
  },
  {
    name: 'supplier edit',
    usage: 'supplier edit NAME',
    description: 'Leads: change a supplier’s details, evidence or next review.',
    group: GROUP,
  },
  {
    name: 'dspt',
    usage: 'dspt [standards met|exceeded|not met] [DATE]',
    description:
      'Leads: record your organisation’s DSPT status (admins name the organisation first). Alone: every organisation’s.',
    group: GROUP,
  },
];

export interface SuppliersFeatureDeps {
  suppliers: Pick<Suppliers, 'add' | 'edit' | 'forEditing' | 'list' | 'page'>;
  dspt: Pick<DsptStatuses, 'record' | 'list'>;
  organisations(): Promise<Organisation[]>;
  clock: Clock;
}

const namesOf = (orgs: readonly Organisation[]) =>
  Object.fromEntries(orgs.map((o) => [o.code, o.name]));

/**
 * `suppliers`, `supplier NAME`, `supplier add`, `supplier edit NAME` (the form; `supplier.save` saves it)
 * and `dspt`. Who may do what is the use cases' to decide, from the caller's Entra id.
 */
export function suppliersFeature(deps: SuppliersFeatureDeps): BotFeature {
  const today = () => ukCalendarDate(deps.clock.now());

  const save: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    const values = cardFields(data, SUPPLIER_FORM_FIELDS, 400);
    const supplierId = cardField(data, 'supplierId', 100);
    const etag = cardField(data, 'etag', 200);
    if (supplierId && !isSupplierId(supplierId))
      throw new CtacError('bad_request', 'That form is out of date. Type "supplier add" again.');
    try {
      const saved = supplierId
        ? await deps.suppliers.edit(caller, supplierId, values, etag || undefined)
        : await deps.suppliers.add(caller, values);
      const organisations = await deps.organisations();
      return supplierCard({
        supplier: saved,
        today: today(),
        names: namesOf(organisations),
        canEdit: true,
        notice: { text: `Saved: ${saved.name}`, style: 'good' },
      });
    } catch (e) {
      // The form comes back with what was typed and every problem listed.
      if (isCtacError(e) && (e.code === 'validation' || e.code === 'conflict')) {
        const editing = supplierId
          ? await deps.suppliers.forEditing(caller, supplierId)
          : undefined;
        return supplierFormCard({
          organisations: await deps.organisations(),
          editing,
          values,
          problems: e.problems.length ? e.problems : [e.message],
        });
      }
      throw e;
    }
  };

  const commands: Record<
    string,
    (args: string, turn: Parameters<CardActionHandler>[1]) => Promise<AdaptiveCard>
  > = {
    async suppliers(_args, turn) {
      const caller = await turn.caller();
      const [suppliers, organisations] = await Promise.all([
        deps.suppliers.list(caller),
        deps.organisations(),
      ]);
      return supplierListCard(suppliers, {
        canEdit: hasRole(caller, 'lead'),
        today: today(),
        names: namesOf(organisations),
      });
    },
    async supplier(args, turn) {
      if (!args) return commands['suppliers']!(args, turn);
      const caller = await turn.caller();
      const page = await deps.suppliers.page(caller, args);
      if (!page)
        throw new CtacError(
          'not_found',
          `No supplier called "${args.slice(0, 60)}" is on the register. Type "suppliers" to see them.`,
        );
      return supplierCard({
        ...page,
        today: today(),
        names: namesOf(await deps.organisations()),
        canEdit: hasRole(caller, 'lead'),
      });
    },
    async 'supplier add'(_args, turn) {
      await deps.suppliers.forEditing(await turn.caller(), '');
      return supplierFormCard({ organisations: await deps.organisations() });
    },
    async 'supplier edit'(args, turn) {
      const editing = await deps.suppliers.forEditing(await turn.caller(), args);
      if (!editing)
        throw new CtacError(
          'not_found',
          args
            ? `No supplier called "${args.slice(0, 60)}" is on the register. Type "supplier add" to add it.`
            : 'Type "supplier edit" and the supplier’s name.',
        );
      return supplierFormCard({
        organisations: await deps.organisations(),
        editing,
        values: supplierFormValues(editing.supplier),
      });
    },
    async dspt(args, turn) {
      const caller = await turn.caller();
      const recorded = args ? await deps.dspt.record(caller, parseDsptCommand(args)) : undefined;
      const [statuses, organisations] = await Promise.all([
        deps.dspt.list(caller),
        deps.organisations(),
      ]);
      return dsptStatusesCard({ organisations, statuses, ...(recorded ? { recorded } : {}) });
    },
  };

  return {
    commands: COMMANDS,
    async runCommand(name, args, turn) {
      const run = commands[name];
      if (!run) throw new CtacError('bad_request', `Unknown command ${name}.`);
      return run(args, turn);
    },
    verbs: { 'supplier.save': save },
  };
}
