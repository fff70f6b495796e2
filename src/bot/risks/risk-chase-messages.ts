import type { Mention, MessageContent } from '../../app/outbox';
import type { AdaptiveCard } from '../../cards/render';
import type { Member } from '../../domain/people/member';
import { ESCALATION_CHOICE_LABELS, type DueRiskReminder, type Risk } from '../../domain/risk';
import { formatUkDate, formatUkDateTime } from '../../domain/shared/time';

/** A lead as the escalation card names them: their name, and their Teams user id when known. */
export type LeadToName = Pick<Member, 'aadObjectId' | 'name' | 'teamsUserId'>;

/**
 * The escalation card with the leads named at its foot: each lead with a Teams user id is @mentioned
 * (`<at>Name</at>` in the text and a mention entity in the card's `msteams.entities`), so Teams
 * notifies them; a lead whose id is not known yet is named without a mention.
 */
export function withLeadsMentioned(card: AdaptiveCard, leads: readonly LeadToName[]): AdaptiveCard {
  if (leads.length === 0) return card;
  const mentions: Mention[] = [];
  const names = leads.map((lead) => {
    if (!lead.teamsUserId) return lead.name;
    const text = `<at>${lead.name}</at>`;
    mentions.push({ text, id: lead.teamsUserId, name: lead.name });
    return text;
  });
  const msteams = (card['msteams'] ?? {}) as Record<string, unknown>;
  return {
    ...card,
    body: [
      ...(card.body ?? []),
      {
        type: 'TextBlock',
        text: `For a decision by the leads: ${names.join(', ')}`,
        wrap: true,
        spacing: 'Medium',
      },
    ],
    ...(mentions.length && {
      msteams: {
        ...msteams,
        entities: mentions.map((m) => ({
          type: 'mention',
          text: m.text,
          mentioned: { id: m.id, name: m.name },
        })),
      },
    }),
  };
}

const riskLine = (risk: Risk): string =>
  `risk ${risk.id}, \u201c${risk.title}\u201d (${risk.orgCode}, score ${risk.score})`;

/** The escalation as a lead gets it in their own chat: a line saying why, and the card to decide on. */
export function leadCopy(risk: Risk, card: AdaptiveCard): MessageContent {
  return {
    text: `The ICS cyber group is asked to decide on ${riskLine(risk)}. You can decide here or on the card in the ICS cyber channel.`,
    summary: `Risk ${risk.id} needs a decision`,
    card,
  };
}

/** A lead's copy once the ICS cyber group has decided: what they decided, on the card as it now is. */
export function leadCopyDecided(risk: Risk, card: AdaptiveCard): MessageContent {
  const d = risk.lastDecision;
  const what = d
    ? `${d.by.name} decided on ${riskLine(risk)}: ${ESCALATION_CHOICE_LABELS[d.choice]}.`
    : `The ICS cyber group decided on ${riskLine(risk)}.`;
  return { text: what, summary: `Risk ${risk.id} decided`, card };
}

/** A reminder to a lead of an escalation still undecided, with the card to decide on. */
export function leadReminder(
  risk: Risk,
  reminder: DueRiskReminder,
  card: AdaptiveCard,
): MessageContent {
  const since = risk.escalation ? formatUkDateTime(risk.escalation.at) : 'its escalation';
  const asked = risk.infoRequest
    ? ` ${risk.infoRequest.by.name} asked for more information on ${formatUkDateTime(risk.infoRequest.at)}.`
    : '';
  const text =
    reminder.kind === 'review-date'
      ? `Reminder: today (${formatUkDate(reminder.dueAt)}) is the review date of ${riskLine(risk)}, and it is still waiting for a decision from the ICS cyber group (escalated ${since}).${asked}`
      : `Reminder: ${riskLine(risk)} has been waiting for a decision from the ICS cyber group since ${since}.${asked}`;
  // An exercise's escalation is chased as a real one would be, but says it is an exercise (issue 21).
  const mark = risk.exercise ? `EXERCISE (${risk.exercise.name}): ` : '';
  return {
    text: `${mark}${text}`,
    summary: `${mark ? 'EXERCISE: ' : ''}Reminder: risk ${risk.id} needs a decision`,
    card,
  };
}

/**
 * What the person who raised a risk is told in their chat when a lead asks for more information:
 * who asked, what for, and how the risk gets updated while it is with the leads (only they can edit it).
 */
export function moreInformationAsked(risk: Risk): MessageContent {
  const ask = risk.infoRequest;
  const who = ask?.by.name ?? 'A lead';
  return {
    text: [
      `${who} of the ICS cyber group asks for more information on your ${riskLine(risk)}:`,
      '',
      ask?.text ?? '',
      '',
      `To answer, reply in the thread of the escalation card in the ICS cyber channel, or message ${who}. ` +
        'While the risk waits for their decision only the leads can edit it, so they will update it from what you send.',
    ].join('\n'),
    summary: `More information asked for on risk ${risk.id}`,
  };
}
