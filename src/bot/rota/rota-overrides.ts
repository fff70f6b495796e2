import type { AdaptiveCard } from '../../cards/render';
import { dateHelpCard, formatRange, overrideFormCard, personName } from '../../cards/rota-views';
import { noticeCard } from '../../cards/views';
import { isRotaLayer, parseUkDateTimeRange } from '../../domain/rota';
import type { Member } from '../../domain/people/member';
import { isCtacError } from '../../domain/shared/errors';
import type { BotTurn, CardActionHandler } from '../bot-feature';
import { cardFields } from '../card-fields';
import {
  findPerson,
  requireLead,
  requireMember,
  type RotaFeatureDeps,
  type RotaHandlers,
} from './rota-turn';

type OverrideKind = 'add' | 'remove';

const DOING = 'change the rota';

/** `rota add` and `rota remove`: leads put someone on call, or take them off, for a time. */
export function rotaOverrides({ rota }: RotaFeatureDeps): RotaHandlers {
  async function overrideForm(
    kind: OverrideKind,
    turn: BotTurn,
    values: Record<string, string> = {},
    problems: string[] = [],
  ): Promise<AdaptiveCard> {
    await requireLead(turn, DOING);
    return overrideFormCard({ kind, people: await rota.people(), ...values, problems });
  }

  async function overrideSaved(
    kind: OverrideKind,
    caller: Member,
    values: { memberId: string; layer: string; start: Date; end: Date; note?: string },
  ): Promise<AdaptiveCard> {
    const layer = isRotaLayer(values.layer) ? values.layer : undefined;
    const saved = await rota.addOverride(caller, {
      kind,
      memberId: values.memberId,
      ...(layer ? { layer } : {}),
      start: values.start,
      end: values.end,
      note: values.note || undefined,
    });
    const people = await rota.people();
    const name = personName(people, saved.memberId);
    const range = formatRange(saved.start, saved.end);
    return kind === 'add'
      ? noticeCard(
          `${name} added to the ${saved.layer} rota`,
          `From ${range} (UK time), ${name} is on call in the ${saved.layer} layer as well as whoever the rotation says. Type "rota" to check, or "rota changes" to undo it.`,
          'good',
        )
      : noticeCard(
          `${name} taken off call`,
          `From ${range} (UK time), ${name} is not on call${saved.layer ? ` in the ${saved.layer} layer` : ''}. Type "rota" to check for gaps, or "rota changes" to undo it.`,
          'good',
        );
  }

  const overrideCommand =
    (kind: OverrideKind) =>
    async (turn: BotTurn, args: string): Promise<AdaptiveCard> => {
      const caller = await requireMember(turn, DOING);
      const usage = `rota ${kind} @person [primary|secondary] START to END`;
      const { person, rest } = findPerson(await rota.people(), turn, args);
      if (!person)
        return overrideForm(
          kind,
          turn,
          {},
          args ? ['Say who: mention them with @, or choose them here.'] : [],
        );
      const [first = '', ...others] = rest.split(' ');
      const layer = isRotaLayer(first.toLowerCase()) ? first.toLowerCase() : '';
      const dates = layer ? others.join(' ') : rest;
      if (!dates) return overrideForm(kind, turn, { memberId: person.id, layer });
      const parsed = parseUkDateTimeRange(dates, rota.now());
      if (!parsed.ok) return dateHelpCard(parsed.error, usage, `rota ${kind}`);
      return overrideSaved(kind, caller, {
        memberId: person.id,
        layer: layer || (kind === 'add' ? 'primary' : ''),
        start: parsed.start,
        end: parsed.end,
      });
    };

  const saveOverride =
    (kind: OverrideKind): CardActionHandler =>
    async (data, turn) => {
      const caller = await requireMember(turn, DOING);
      const values = cardFields(data, ['memberId', 'layer', 'from', 'to', 'note']);
      const parsed = parseUkDateTimeRange(`${values.from} to ${values.to}`, rota.now());
      if (!parsed.ok) return overrideForm(kind, turn, values, [parsed.error]);
      try {
        return await overrideSaved(kind, caller, {
          memberId: values.memberId,
          layer: values.layer === 'both' ? '' : values.layer,
          start: parsed.start,
          end: parsed.end,
          note: values.note,
        });
      } catch (e) {
        if (isCtacError(e) && e.code === 'validation')
          return overrideForm(kind, turn, values, e.problems);
        throw e;
      }
    };

  return {
    commands: { 'rota add': overrideCommand('add'), 'rota remove': overrideCommand('remove') },
    verbs: { 'rota.add': saveOverride('add'), 'rota.remove': saveOverride('remove') },
  };
}
