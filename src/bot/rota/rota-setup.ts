import {
  orderFormCard,
  personName,
  setupFormCard,
  type SetupFormValues,
} from '../../cards/rota-views';
import { noticeCard } from '../../cards/views';
import { isRotaLayer, type RotaLayer } from '../../domain/rota';
import { orderByPositions } from '../../domain/rota/rotation-order';
import { isCtacError } from '../../domain/shared/errors';
import { formatUkDate } from '../../domain/shared/time';
import type { BotTurn, CardActionHandler } from '../bot-feature';
import { cardField, type CardData } from '../card-fields';
import { teamRoster } from '../directory/team-roster';
import {
  requireLead,
  ukDateText,
  ukIsoDate,
  type RotaFeatureDeps,
  type RotaHandlers,
} from './rota-turn';

const DOING = 'set up the rota';

/** What the setup form sent, as the form shows it again. */
function submittedValues(data: CardData): SetupFormValues {
  const layer = cardField(data, 'layer').toLowerCase();
  return {
    layer: isRotaLayer(layer) ? layer : 'primary',
    name: cardField(data, 'name'),
    memberIds: cardField(data, 'memberIds')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    shiftLength: cardField(data, 'shiftLength').toLowerCase(),
    shiftHours: cardField(data, 'shiftHours'),
    handoverTime: cardField(data, 'handoverTime'),
    startDate: cardField(data, 'startDate'),
    addPeople: cardField(data, 'addPeople'),
    addOrgCode: cardField(data, 'addOrgCode'),
    etagPrimary: cardField(data, 'etagPrimary'),
    etagSecondary: cardField(data, 'etagSecondary'),
  };
}

/** What the setup form's values mean to the rota service, with the members in their order. */
const setupInput = (v: SetupFormValues, layer: string, memberIds: string[]) => ({
  name: v.name,
  layer,
  memberIds,
  shiftLength:
    v.shiftLength.toLowerCase() === 'hours'
      ? { kind: 'hours', hours: v.shiftHours }
      : v.shiftLength,
  handoverTime: v.handoverTime,
  startDate: v.startDate,
});

/**
 * `rota setup`: the form (leads), then the order step that numbers the people chosen, then the save.
 * Each step that finds a problem shows its form again with what was typed.
 */
export function rotaSetup({ rota, conversations }: RotaFeatureDeps): RotaHandlers {
  async function setupForm(
    turn: BotTurn,
    args: string,
    problems: string[] = [],
    submitted?: Partial<SetupFormValues>,
  ) {
    await requireLead(turn, DOING);
    const layer: RotaLayer = args.trim().toLowerCase() === 'secondary' ? 'secondary' : 'primary';
    const [primary, secondary, people, organisations] = await Promise.all([
      rota.getRotation('primary'),
      rota.getRotation('secondary'),
      rota.people(),
      rota.canFindPeople ? rota.listOrganisations() : Promise.resolve([]),
    ]);
    const r = (layer === 'primary' ? primary : secondary)?.rotation;
    return setupFormCard(
      {
        layer,
        name: r?.name ?? `CTAC ${layer}`,
        memberIds: r?.memberIds ?? [],
        shiftLength: r?.shiftLength.kind ?? 'weekly',
        shiftHours: r?.shiftLength.kind === 'hours' ? String(r.shiftLength.hours) : '',
        handoverTime: r?.handoverTime ?? '09:00',
        startDate: ukDateText(r?.startDate ?? ukIsoDate(rota.now())),
        etagPrimary: primary?.etag ?? '',
        etagSecondary: secondary?.etag ?? '',
        organisations,
        ...submitted,
        problems,
      },
      people,
    );
  }

  /** The order step's "Back to the form": the first step again, with what was chosen. */
  const backToSetup: CardActionHandler = async (data, turn) => {
    const { etagPrimary: _p, etagSecondary: _s, ...submitted } = submittedValues(data);
    return setupForm(turn, submitted.layer, [], {
      ...submitted,
      shiftLength: cardField(data, 'shiftLength'),
    });
  };

  const saveRotation: CardActionHandler = async (data, turn) => {
    const layer = cardField(data, 'layer').toLowerCase();
    const submitted = submittedValues(data);
    const chosen = submitted.memberIds;
    const step = cardField(data, 'step');
    // From the form: the people chosen, numbered, for the lead to check the order before anything is saved.
    if (step === 'choose' && chosen.length > 0) {
      await requireLead(turn, DOING);
      // The other fields are checked first, so a mistake there comes back before the order is asked.
      const problems = rota.checkRotation(setupInput(submitted, layer, chosen));
      if (problems.length) return setupForm(turn, submitted.layer, problems, submitted);
      return orderFormCard(submitted, await rota.people());
    }
    let ordered = chosen;
    if (step === 'order') {
      const people = await rota.people();
      const order = orderByPositions(
        chosen,
        chosen.map((_, i) => cardField(data, `position_${i}`)),
        (id) => personName(people, id),
      );
      if (!order.ok) {
        await requireLead(turn, DOING);
        return orderFormCard(submitted, people, order.problems, order.positions);
      }
      ordered = order.memberIds;
    }
    const etag = layer === 'secondary' ? submitted.etagSecondary : submitted.etagPrimary;
    try {
      const { rotation, created } = await rota.setupRotationWithPeople(
        await turn.caller(),
        setupInput(submitted, layer, ordered),
        {
          signInNames: (submitted.addPeople ?? '').split(/[\s,;]+/).filter(Boolean),
          orgCode: submitted.addOrgCode ?? '',
          ...(conversations ? { roster: () => teamRoster(turn.context, conversations) } : {}),
        },
        etag || undefined,
      );
      const people = await rota.people();
      const length =
        rotation.shiftLength.kind === 'hours'
          ? `${rotation.shiftLength.hours}-hour`
          : rotation.shiftLength.kind;
      return noticeCard(
        `${created ? 'Set up' : 'Changed'} the ${rotation.layer} rotation "${rotation.name}"`,
        `${rotation.memberIds.map((id) => personName(people, id)).join(', ')} take ${length} shifts in that order, handing over at ${rotation.handoverTime} UK time, from ${formatUkDate(`${rotation.startDate}T12:00:00Z`)}. Type "rota" to see the next 14 days.`,
        'good',
      );
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation')
        return setupForm(turn, submitted.layer!, e.problems, submitted);
      throw e;
    }
  };

  return {
    commands: { 'rota setup': (turn, args) => setupForm(turn, args) },
    verbs: { 'rota.setup': saveRotation, 'rota.setup.back': backToSetup },
  };
}
