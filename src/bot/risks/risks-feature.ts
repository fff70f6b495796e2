import {
  CardFactory,
  type MessagingExtensionAction,
  type TurnContext,
  type MessagingExtensionActionResponse,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { Directory } from '../../app/directory';
import type { DecisionLog } from '../../app/risks/decision-log';
import type { RiskRegister } from '../../app/risks/risk-register';
import type { RiskSettings } from '../../app/risks/risk-settings';
import type { AdaptiveCard } from '../../cards/render';
import {
  appetiteFormCard,
  bandsFormCard,
  bandsSummary,
  decisionFormCard,
  decisionListCard,
  decisionLoggedCard,
  escalationCard,
  orgNamesOf,
  riskCard,
  riskFormCard,
  riskFormValues,
  riskListCard,
  type BandFormRow,
  type Banner,
  type DecisionFormValues,
  type RiskFormValues,
} from '../../cards/risk-views';
import { noticeCard } from '../../cards/views';
import {
  DECISION_LIMITS,
  mayAttributeDecision,
  type Decision,
  type DecisionInput,
} from '../../domain/decisions';
import {
  cleanLine,
  clipText,
  ESCALATION_CHOICE_LABELS,
  isEscalationChoice,
  RISK_LIMITS,
  type Risk,
} from '../../domain/risk';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { BotFeature, BotTurn, CardActionHandler, MessageActionHandler } from '../bot-feature';
import type { CommandSpec } from '../commands';
import { messageText } from './message-text';

export interface RisksFeatureDeps {
  register: RiskRegister;
  decisions: DecisionLog;
  settings: RiskSettings;
  directory: Directory;
  logger: Logger;
  /** Remembers where the raiser's copy of a risk card is, so a later decision updates it there. */
  cards?: RaiserCards;
}

export interface RaiserCards {
  rememberRaiserCard(riskId: string, context: TurnContext, activityId: string): Promise<void>;
}

const GROUP = 'Risks and decisions';
const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'risk',
    usage: 'risk',
    description:
      'Raise a risk on the ICS register (members). Or use "Raise as risk" on any message.',
    group: GROUP,
  },
  { name: 'risks', usage: 'risks', description: 'Open risks, highest score first.', group: GROUP },
  {
    name: 'decision',
    usage: 'decision WHAT-WAS-DECIDED',
    description:
      'Log a decision made in the chat (members). Or use "Log as decision" on any message.',
    group: GROUP,
  },
  {
    name: 'decisions',
    usage: 'decisions',
    description: 'Recent decisions; corrected ones are marked.',
    group: GROUP,
  },
  {
    name: 'appetite',
    usage: 'appetite',
    description: 'Set the risk appetite, ICS-wide and per organisation (admins).',
    group: GROUP,
  },
  {
    name: 'bands',
    usage: 'bands',
    description: 'Change the risk bands: which scores are low, moderate, high or extreme (admins).',
    group: GROUP,
  },
];

/** The largest form a message action may send; anything bigger is not from our form. */
const MAX_SUBMIT_CHARS = 20_000;
/** Most rows read from a bands form: a 5x5 matrix has 15 possible scores, so at most 15 bands. */
const MAX_BAND_ROWS = 15;
const MAX_LINK_CHARS = 2048;

/** A link to a Teams message as the message action sends it: only a plain https address is kept. */
const messageLink = (v: unknown): string => {
  const link = typeof v === 'string' ? v.trim() : '';
  return link.length <= MAX_LINK_CHARS && /^https:\/\/[^\s()<>[\]"'`]+$/i.test(link) ? link : '';
};

const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
const problemsOf = (e: CtacError) =>
  e.code === 'forbidden'
    ? [e.message, ...e.problems]
    : e.problems.length
      ? e.problems
      : [e.message];
const isFormProblem = (e: unknown): e is CtacError => isCtacError(e) && e.code === 'validation';
/** A decision form that asks for more than its sender may (the group's attribution): shown again to fix. */
const isDecisionFormProblem = (e: unknown): e is CtacError =>
  isCtacError(e) && (e.code === 'validation' || e.code === 'forbidden');
/** Refusals of a button press answer with a short notice, never with the risk behind the button. */
const isRefusal = (e: CtacError): boolean => e.code === 'forbidden' || e.code === 'not_a_member';

/** Risks, escalations to the ICS cyber group and the decision log, in the chat. */
export function risksFeature(deps: RisksFeatureDeps): BotFeature {
  const { register, decisions, settings, directory } = deps;
  const orgNames = async () => orgNamesOf(await directory.listOrganisations());

  const riskFormFrom = (data: Record<string, unknown>): RiskFormValues => ({
    title: text(data['title']),
    description: text(data['description']),
    orgCode: text(data['orgCode']),
    cafPrinciple: text(data['cafPrinciple']),
    likelihood: text(data['likelihood']),
    consequence: text(data['consequence']),
    owner: text(data['owner']),
    mitigations: text(data['mitigations']),
    reviewDate: text(data['reviewDate']),
  });

  const decisionFormFrom = (data: Record<string, unknown>): DecisionFormValues => ({
    text: text(data['text']),
    rationale: text(data['rationale']),
    decidedBy: text(data['decidedBy']),
    outcome: text(data['outcome']),
    decidedOn: text(data['decidedOn']),
    relatedRisk: text(data['relatedRisk']),
    relatedAlert: text(data['relatedAlert']),
    sourceMessageLink: text(data['sourceMessageLink']),
    sourceMessageAuthor: text(data['sourceMessageAuthor']),
  });

  const decisionInput = (v: DecisionFormValues): DecisionInput => {
    const risk = v.relatedRisk && v.relatedRisk !== 'none' ? v.relatedRisk : '';
    const alert = v.relatedAlert?.trim() ?? '';
    return {
      text: v.text,
      rationale: v.rationale,
      decidedBy: v.decidedBy,
      outcome: v.outcome,
      decidedOn: v.decidedOn || undefined,
      related: risk ? { kind: 'risk', id: risk } : alert ? { kind: 'alert', id: alert } : undefined,
      sourceMessageLink: v.sourceMessageLink || undefined,
      sourceMessageAuthor: v.sourceMessageAuthor || undefined,
    };
  };

  const decisionForm = async (
    turn: BotTurn,
    opts: {
      values?: DecisionFormValues;
      problems?: string[];
      inTask?: boolean;
      supersedes?: string;
    },
  ) => {
    const caller = await turn.caller();
    // Only the attributions the caller may use are offered; the use case checks again whatever comes back.
    const may = (maker: string) => !!caller && mayAttributeDecision(maker, caller);
    return decisionFormCard({
      organisations: (await directory.listOrganisations()).filter((o) => may(o.code)),
      risks: await register.listOpen(caller),
      groupChoice: may('ics-cyber-group'),
      ...opts,
    });
  };

  /**
   * The risk card after a change, with what happened on top. A change the risk's state does not allow shows
   * the risk as it is; a refusal of the caller themself is a short notice (thrown to the bot's notice card).
   */
  const changeRisk =
    (
      run: (
        turn: BotTurn,
        id: string,
        data: Record<string, unknown>,
      ) => Promise<{ risk: Risk; changed: boolean; escalated: boolean }>,
      done: (risk: Risk, escalated: boolean) => string,
    ): CardActionHandler =>
    async (data, turn) => {
      const id = text(data['riskId']);
      try {
        const { risk, changed, escalated } = await run(turn, id, data);
        const banner: Banner = changed
          ? { text: done(risk, escalated), style: escalated ? 'warning' : 'good' }
          : { text: 'Nothing changed: the values are the same as before.', style: 'default' };
        return riskCard(risk, await orgNames(), banner);
      } catch (e) {
        if (!isCtacError(e) || e.code === 'not_found' || isRefusal(e)) throw e;
        const risk = await register.get(await turn.caller(), id);
        return riskCard(risk, await orgNames(), {
          text: [e.message, ...e.problems].join(' '),
          style: 'attention',
        });
      }
    };

  const escalatedNote = (escalated: boolean) =>
    escalated
      ? ' It is above appetite, so it has gone to the ICS cyber group: their card is in the channel.'
      : '';

  const verbs: Record<string, CardActionHandler> = {
    'risk.raise': async (data, turn) => {
      const values = riskFormFrom(data);
      try {
        const { risk, escalated } = await register.raise(await turn.caller(), values, 'teams');
        // The answer replaces the form: that message becomes the raiser's copy of the risk card.
        const copy = turn.context.activity.replyToId;
        if (copy) await deps.cards?.rememberRaiserCard(risk.id, turn.context, copy);
        const by = (await turn.caller())?.name ?? 'a member';
        return riskCard(risk, await orgNames(), {
          text: `Risk ${risk.id} raised by ${by}.${escalatedNote(escalated)}`,
          style: escalated ? 'warning' : 'good',
        });
      } catch (e) {
        if (!isFormProblem(e)) throw e;
        return riskFormCard({
          organisations: await directory.listOrganisations(),
          values,
          problems: problemsOf(e),
        });
      }
    },
    'risk.show': async (data, turn) =>
      riskCard(await register.get(await turn.caller(), text(data['riskId'])), await orgNames()),
    'risk.edit.form': async (data, turn) => {
      const risk = await register.forEditing(await turn.caller(), text(data['riskId']));
      return riskFormCard({ riskId: risk.id, organisations: [], values: riskFormValues(risk) });
    },
    'risk.edit': async (data, turn) => {
      const id = text(data['riskId']);
      const values = riskFormFrom(data);
      try {
        const { risk, changed } = await register.edit(
          await turn.caller(),
          id,
          {
            title: values.title,
            description: values.description,
            cafPrinciple: values.cafPrinciple,
            owner: values.owner,
            mitigations: values.mitigations,
            reviewDate: values.reviewDate,
          },
          'teams',
        );
        return riskCard(risk, await orgNames(), {
          text: changed
            ? `Saved by ${(await turn.caller())?.name ?? 'a member'}.`
            : 'Nothing changed.',
          style: changed ? 'good' : 'default',
        });
      } catch (e) {
        if (!isFormProblem(e)) throw e;
        return riskFormCard({ riskId: id, organisations: [], values, problems: problemsOf(e) });
      }
    },
    'risk.rescore': changeRisk(
      async (turn, id, data) =>
        register.rescore(
          await turn.caller(),
          id,
          {
            likelihood: data['rescore_likelihood'],
            consequence: data['rescore_consequence'],
            note: data['rescore_note'],
          },
          'teams',
        ),
      (risk, escalated) => `Re-scored: now ${risk.score}.${escalatedNote(escalated)}`,
    ),
    'risk.escalate': changeRisk(
      async (turn, id, data) =>
        register.escalate(await turn.caller(), id, { note: data['escalate_note'] }, 'teams'),
      () => 'Escalated to the ICS cyber group: their card is in the channel.',
    ),
    'risk.close': changeRisk(
      async (turn, id, data) =>
        register.close(await turn.caller(), id, { reason: data['close_reason'] }, 'teams'),
      (risk) => `Closed by ${risk.closure?.by.name ?? 'a member'}.`,
    ),
    'risk.decide': async (data, turn) => {
      const id = text(data['riskId']);
      const caller = await turn.caller();
      const choice = text(data['choice']);
      try {
        // The use case updates the card for everyone and confirms in its thread, as for a decision in the tab.
        const { risk } = await register.decide(
          caller,
          id,
          { choice, rationale: data['rationale'] },
          'teams',
        );
        return escalationCard(risk, await orgNames());
      } catch (e) {
        if (!isCtacError(e) || e.code === 'not_found') throw e;
        const label = isEscalationChoice(choice) ? ESCALATION_CHOICE_LABELS[choice] : 'That choice';
        // Only the presser sees this answer; the card in the channel stays as it is for everyone else.
        if (isRefusal(e))
          return noticeCard(
            `${label} was not applied`,
            'Only leads of the ICS cyber group can decide on escalated risks. Nothing was changed.',
            'warning',
          );
        // A lead's press that came too late or without a rationale: the card as it now is, the reason on top.
        const current = await register.get(caller, id);
        return escalationCard(current, await orgNames(), {
          text: [e.message, ...e.problems].join(' '),
          style: 'attention',
        });
      }
    },
    'decision.log': async (data, turn) => {
      const values = decisionFormFrom(data);
      try {
        const decision = await decisions.log(await turn.caller(), decisionInput(values), 'teams');
        return decisionLoggedCard(decision, await orgNames());
      } catch (e) {
        if (!isDecisionFormProblem(e)) throw e;
        return decisionForm(turn, { values, problems: problemsOf(e) });
      }
    },
    'decision.correct.form': async (data, turn) => {
      const old = await decisions.forCorrection(await turn.caller(), text(data['decisionId']));
      return decisionForm(turn, { supersedes: old.id, values: valuesOf(old) });
    },
    'decision.supersede': async (data, turn) => {
      const values = decisionFormFrom(data);
      const oldId = text(data['supersedes']);
      // A decision the caller may not correct is refused with a notice, not a form to try again.
      await decisions.forCorrection(await turn.caller(), oldId);
      try {
        const decision = await decisions.supersede(
          await turn.caller(),
          oldId,
          decisionInput(values),
          'teams',
        );
        return decisionLoggedCard(decision, await orgNames());
      } catch (e) {
        if (!isDecisionFormProblem(e)) throw e;
        return decisionForm(turn, { values, problems: problemsOf(e), supersedes: oldId });
      }
    },
    'bands.set': async (data, turn) => {
      const caller = await turn.caller();
      const rows: BandFormRow[] = [];
      for (let i = 1; i <= MAX_BAND_ROWS; i++) {
        const row = {
          name: text(data[`band${i}_name`]).slice(0, 200),
          min: text(data[`band${i}_min`]).slice(0, 20),
          max: text(data[`band${i}_max`]).slice(0, 20),
        };
        // Empty rows are dropped, so "Band 2" in a problem is the second band on the re-shown form.
        if (row.name.trim() || row.min.trim() || row.max.trim()) rows.push(row);
      }
      try {
        const saved = await settings.setBands(caller, rows, text(data['etag']) || undefined);
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
      const values: Record<string, string> = { icsWide: text(data['icsWide']) };
      const perOrg: Record<string, string> = {};
      for (const o of organisations) {
        const typed = text(data[`org_${o.code}`]).trim();
        values[`org_${o.code}`] = typed;
        if (typed) perOrg[o.code] = typed;
      }
      try {
        const { saved, escalated } = await register.setAppetite(
          caller,
          { icsWide: values['icsWide'], organisations: perOrg },
          text(data['etag']) || undefined,
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

  async function confirmInThread(turn: BotTurn, decision: Decision): Promise<void> {
    try {
      await turn.context.sendActivity({
        attachments: [CardFactory.adaptiveCard(decisionLoggedCard(decision, await orgNames()))],
      });
    } catch (e) {
      deps.logger.warn(
        { err: e, decisionId: decision.id },
        'risks: could not post the decision confirmation',
      );
    }
  }

  const taskCard = (
    card: AdaptiveCard,
    title = 'Log as decision',
  ): MessagingExtensionActionResponse => ({
    task: {
      type: 'continue',
      value: { title, height: 'large', width: 'medium', card: CardFactory.adaptiveCard(card) },
    },
  });
  const taskMessage = (value: string): MessagingExtensionActionResponse => ({
    task: { type: 'message', value },
  });

  const logDecision: MessageActionHandler = {
    async fetchTask(action: MessagingExtensionAction, turn: BotTurn) {
      directory.require(await turn.caller(), 'member', 'log decisions');
      const payload = action.messagePayload;
      const values: DecisionFormValues = {
        text: clipText(messageText(payload?.body?.content), DECISION_LIMITS.text),
        sourceMessageAuthor: clipText(
          text(payload?.from?.user?.displayName).trim(),
          DECISION_LIMITS.author,
        ),
        sourceMessageLink: text(payload?.linkToMessage).slice(0, DECISION_LIMITS.link),
      };
      return taskCard(await decisionForm(turn, { values, inTask: true }));
    },
    async submitAction(action: MessagingExtensionAction, turn: BotTurn) {
      const data = (action.data && typeof action.data === 'object' ? action.data : {}) as Record<
        string,
        unknown
      >;
      if (JSON.stringify(data).length > MAX_SUBMIT_CHARS)
        return taskMessage('That decision is far too long to log. Nothing was saved.');
      const caller = await turn.caller();
      directory.require(caller, 'member', 'log decisions');
      // The link Teams gives with the message itself, not only the copy carried through the form.
      const fromTeams = messageLink(action.messagePayload?.linkToMessage);
      const values = {
        ...decisionFormFrom(data),
        ...(fromTeams && { sourceMessageLink: fromTeams }),
      };
      try {
        const decision = await decisions.log(caller, decisionInput(values), 'teams');
        await confirmInThread(turn, decision);
        // No task in the answer closes the dialog (Teams: "no response"); the confirmation is in the chat.
        return {};
      } catch (e) {
        if (!isDecisionFormProblem(e)) throw e;
        return taskCard(
          await decisionForm(turn, { values, problems: problemsOf(e), inTask: true }),
        );
      }
    },
  };

  const riskTask = (card: AdaptiveCard) => taskCard(card, 'Raise as risk');

  const raiseRisk: MessageActionHandler = {
    async fetchTask(action: MessagingExtensionAction, turn: BotTurn) {
      const caller = await turn.caller();
      directory.require(caller, 'member', 'raise risks');
      const organisations = await directory.listOrganisations();
      if (organisations.length === 0)
        return taskMessage(
          'Every risk belongs to an ICS organisation, and there is none yet. An admin adds one with "org add".',
        );
      const payload = action.messagePayload;
      const source = {
        author: clipText(cleanLine(text(payload?.from?.user?.displayName)), RISK_LIMITS.owner),
        link: messageLink(payload?.linkToMessage),
      };
      const whole = messageText(payload?.body?.content);
      const [firstLine = '', ...rest] = whole.split('\n');
      const title = clipText(cleanLine(firstLine), RISK_LIMITS.title);
      // A first line too long for a title stays whole in the description.
      const body = title === cleanLine(firstLine) ? rest.join('\n').trim() : whole;
      const from = source.link
        ? `From a message${source.author ? ` by ${source.author}` : ''}: ${source.link}`
        : '';
      const description = [
        clipText(body, RISK_LIMITS.description - (from ? from.length + 2 : 0)),
        from,
      ]
        .filter(Boolean)
        .join('\n\n');
      return riskTask(
        riskFormCard({
          organisations,
          values: {
            title,
            description,
            orgCode:
              caller?.orgCode && organisations.some((o) => o.code === caller.orgCode)
                ? caller.orgCode
                : '',
          },
          inTask: true,
          source,
        }),
      );
    },
    async submitAction(action: MessagingExtensionAction, turn: BotTurn) {
      const data = (action.data && typeof action.data === 'object' ? action.data : {}) as Record<
        string,
        unknown
      >;
      if (JSON.stringify(data).length > MAX_SUBMIT_CHARS)
        return taskMessage('That risk is far too long to raise. Nothing was saved.');
      const caller = await turn.caller();
      directory.require(caller, 'member', 'raise risks');
      const values = riskFormFrom(data);
      try {
        const { risk, escalated } = await register.raise(caller, values, 'teams');
        await postInThread(
          turn,
          riskCard(risk, await orgNames(), {
            text: `Risk ${risk.id} raised by ${caller?.name ?? 'a member'} from a message.${escalatedNote(escalated)}`,
            style: escalated ? 'warning' : 'good',
          }),
          risk.id,
        );
        return taskMessage(
          `Risk ${risk.id} raised: score ${risk.score}.${escalated ? ' It is above appetite, so it has gone to the ICS cyber group.' : ''}`,
        );
      } catch (e) {
        if (!isFormProblem(e)) throw e;
        return riskTask(
          riskFormCard({
            organisations: await directory.listOrganisations(),
            values,
            problems: problemsOf(e),
            inTask: true,
            source: {
              author: clipText(cleanLine(text(data['sourceMessageAuthor'])), RISK_LIMITS.owner),
              link: messageLink(data['sourceMessageLink']),
            },
          }),
        );
      }
    },
  };

  /** Posts the new risk's card where the message action was used, so the conversation sees it. */
  async function postInThread(turn: BotTurn, card: AdaptiveCard, riskId: string): Promise<void> {
    try {
      const sent = await turn.context.sendActivity({
        attachments: [CardFactory.adaptiveCard(card)],
      });
      if (sent?.id) await deps.cards?.rememberRaiserCard(riskId, turn.context, sent.id);
    } catch (e) {
      deps.logger.warn({ err: e, riskId }, 'risks: could not post the raised risk');
    }
  }

  return {
    commands: COMMANDS,
    verbs,
    messageActions: { logDecision, raiseRisk },
    async runCommand(name, args, turn) {
      const caller = await turn.caller();
      switch (name) {
        case 'risk': {
          directory.require(caller, 'member', 'raise risks');
          const organisations = await directory.listOrganisations();
          if (organisations.length === 0)
            return noticeCard(
              'Add an organisation first',
              'Every risk belongs to an ICS organisation. An admin adds one with "org add".',
              'warning',
            );
          return riskFormCard({
            organisations,
            values: {
              orgCode:
                caller?.orgCode && organisations.some((o) => o.code === caller.orgCode)
                  ? caller.orgCode
                  : '',
            },
          });
        }
        case 'risks':
          return riskListCard(await register.listOpen(caller), await orgNames());
        case 'decision':
          directory.require(caller, 'member', 'log decisions');
          return decisionForm(turn, { values: { text: clipText(args, DECISION_LIMITS.text) } });
        case 'decisions':
          return decisionListCard(await decisions.listRecent(caller), await orgNames());
        case 'bands':
          return bandsFormCard({ stored: await settings.current(caller, 'bands') });
        case 'appetite':
          return appetiteFormCard({
            stored: await settings.current(caller),
            organisations: await directory.listOrganisations(),
          });
        default:
          return noticeCard(
            'That command is not available',
            'Type "help" to see every command.',
            'warning',
          );
      }
    },
  };
}

const valuesOf = (d: Decision): DecisionFormValues => ({
  text: d.text,
  rationale: d.rationale,
  decidedBy: d.decidedBy,
  outcome: d.outcome,
  decidedOn: d.decidedOn,
  relatedRisk: d.related?.kind === 'risk' ? d.related.id : '',
  relatedAlert: d.related?.kind === 'alert' ? d.related.id : '',
  sourceMessageLink: d.sourceMessageLink ?? '',
  sourceMessageAuthor: d.sourceMessageAuthor ?? '',
});
