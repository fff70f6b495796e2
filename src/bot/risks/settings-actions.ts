import {
  appetiteFormCard,
  bandsFormCard,
  bandsSummary,
  type BandFormRow,
} from '../../cards/risk-settings-views';
import { noticeCard } from '../../cards/views';
import { isCtacError } from '../../domain/shared/errors';
import type { CardActionHandler } from '../bot-feature';
import { cardField, type CardData } from '../card-fields';
import { problemsOf } from './form-data';
import type { RisksContext } from './risks-context';

/** Most rows read from a bands form: a 5x5 matrix has 15 possible scores, so at most 15 bands. */
const MAX_BAND_ROWS = 15;

/** The bands form's rows as typed; empty rows are dropped, so "Band 2" in a problem is the second shown. */
export function bandRowsFrom(data: CardData): BandFormRow[] {
  const rows: BandFormRow[] = [];
  for (let i = 1; i <= MAX_BAND_ROWS; i++) {
    const row = {
      name: cardField(data, `band${i}_name`, 200),
      min: cardField(data, `band${i}_min`, 20),
      max: cardField(data, `band${i}_max`, 20),
    };
    if (row.name || row.min || row.max) rows.push(row);
  }
  return rows;
}

/** The admins' forms for the register's settings: risk bands and risk appetite. */
export function settingsActions(ctx: RisksContext): Record<string, CardActionHandler> {
  const { register, settings, directory } = ctx;
  return {
    'bands.set': async (data, turn) => {
      const caller = await turn.caller();
      const rows = bandRowsFrom(data);
      try {
        const saved = await settings.setBands(caller, rows, cardField(data, 'etag') || undefined);
        return noticeCard(
          'Risk bands saved',
          `The bands are now ${bandsSummary(saved.policy.bands)}. Every risk shows its band under these from now on: type "risks" to see the register. Saved by ${saved.updatedBy}.`,
          'good',
        );
      } catch (e) {
        if (!isCtacError(e) || (e.code !== 'validation' && e.code !== 'conflict')) throw e;
        return bandsFormCard({
          stored: await settings.current(caller, 'bands'),
          problems: problemsOf(e),
          values: e.code === 'validation' ? rows : undefined,
        });
      }
    },
    'appetite.set': async (data, turn) => {
      const caller = await turn.caller();
      const organisations = await directory.listOrganisations();
      const values: Record<string, string> = { icsWide: cardField(data, 'icsWide') };
      const perOrg: Record<string, string> = {};
      for (const o of organisations) {
        const typed = cardField(data, `org_${o.code}`);
        values[`org_${o.code}`] = typed;
        if (typed) perOrg[o.code] = typed;
      }
      try {
        const { saved, escalated } = await register.setAppetite(
          caller,
          { icsWide: values['icsWide'], organisations: perOrg },
          cardField(data, 'etag') || undefined,
          'teams',
        );
        const own = Object.entries(saved.policy.appetite.organisations).map(
          ([code, n]) => `${code} ${n}`,
        );
        const now = escalated.length
          ? `${escalated.length} open risk${escalated.length === 1 ? ' is' : 's are'} now above appetite and went to the ICS cyber group: ${escalated.map((r) => r.id).join(', ')}.`
          : 'No open risk is above the new appetite.';
        return noticeCard(
          'Risk appetite saved',
          `ICS-wide: ${saved.policy.appetite.icsWide}. ${own.length ? `Own appetites: ${own.join(', ')}.` : 'Every organisation uses the ICS-wide appetite.'} ${now} Saved by ${saved.updatedBy}.`,
          'good',
        );
      } catch (e) {
        if (!isCtacError(e) || (e.code !== 'validation' && e.code !== 'conflict')) throw e;
        const stored = await settings.current(caller);
        return appetiteFormCard({
          stored,
          organisations,
          problems: problemsOf(e),
          values: e.code === 'validation' ? values : undefined,
        });
      }
    },
  };
}
