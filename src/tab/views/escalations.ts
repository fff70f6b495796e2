import {
  Badge,
  Button,
  Card,
  Field,
  MessageBar,
  MessageBarBody,
  Select,
  Text,
  Textarea,
} from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import type { EscalationView, RecordedDecisionView } from '../../contract/escalations';
import { ESCALATION_CHOICE_TERMS, ESCALATION_CHOICES } from '../../domain/risk/escalation-choice';
import { getJson, postJson } from '../api';
import { ErrorBar, h, linkedDomId, Loaded, MissingItemBar, useLinkedItem, useLoad } from '../ui';

// The same names as the card's buttons, from the one table of choices.
const CHOICES: [string, string][] = ESCALATION_CHOICES.map((c) => [
  c,
  ESCALATION_CHOICE_TERMS[c].name,
]);

/**
 * Risks waiting for the ICS cyber group, oldest first, each with a decision form. `linkedId`: the risk a
 * deep link opened the tab on, scrolled to, or a bar saying it is no longer waiting.
 */
export function EscalationsView(props: { onDecided: () => void; linkedId?: string }) {
  const { onDecided, linkedId } = props;
  const state = useLoad(
    () => getJson<{ escalations: EscalationView[] }>('/api/tab/escalations'),
    [],
  );
  const [done, setDone] = useState<string>();
  const linked = useLinkedItem(
    linkedId,
    state.data?.escalations.map((e) => e.id),
  );
  return h(
    'section',
    { 'aria-labelledby': 'escalations-heading' },
    h('h2', { id: 'escalations-heading' }, 'Escalations to decide'),
    linked === 'missing' &&
      h(MissingItemBar, {
        what: `${linkedId} is not waiting for a decision any more: it may have been decided already. It is in the risk register, and any decision is in the decision register.`,
      }),
    done && h(MessageBar, { intent: 'success', role: 'status' }, h(MessageBarBody, null, done)),
    h(Loaded<{ escalations: EscalationView[] }>, {
      state,
      label: 'escalations',
      children: ({ escalations }) =>
        escalations.length === 0
          ? h('p', null, 'Nothing is waiting for the ICS cyber group.')
          : h(
              'ol',
              { className: 'ctac-queue', 'aria-label': 'Escalated risks, oldest first' },
              ...escalations.map((e) =>
                h(
                  'li',
                  {
                    key: e.id,
                    id: linkedDomId(e.id),
                    tabIndex: -1,
                    ...(linked === 'found' && e.id === linkedId && { 'aria-current': true }),
                  },
                  h(EscalationCard, {
                    escalation: e,
                    onDecided: (message) => {
                      setDone(message);
                      state.reload();
                      onDecided();
                    },
                  }),
                ),
              ),
            ),
    }),
  );
}

function EscalationCard(props: {
  escalation: EscalationView;
  onDecided: (message: string) => void;
}) {
  const e = props.escalation;
  const [choice, setChoice] = useState('');
  const [rationale, setRationale] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [recorded, setRecorded] = useState<RecordedDecisionView>();
  const ids = { choice: `choice-${e.id}`, rationale: `rationale-${e.id}` };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const res = await postJson<{ decisionId: string; decision: RecordedDecisionView }>(
        `/api/tab/escalations/${encodeURIComponent(e.id)}/decision`,
        { choice, rationale },
      );
      // The form empties so a second press cannot send the decision again; what was recorded shows instead.
      setChoice('');
      setRationale('');
      setRecorded(res.decision);
      props.onDecided(`${recordedLine(e.id, res.decision)} It is in the decision register.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return h(
    Card,
    { className: 'ctac-card' },
    h('h3', null, `${e.id}: ${e.title}`),
    h(
      'p',
      null,
      h(Badge, { appearance: 'filled', color: bandColour(e.band) }, `${e.band} ${e.score}`),
      ' ',
      h(Text, null, `${e.orgName} (${e.orgCode}) · ${e.cafPrinciple} · owner ${e.owner}`),
    ),
    h(
      'p',
      null,
      `${e.reason}, by ${e.escalatedBy} on ${e.escalatedAtUk}.`,
      e.note ? ` “${e.note}”` : '',
    ),
    e.infoRequest && h('p', null, `The leads asked: ${e.infoRequest}`),
    h('p', { className: 'ctac-description' }, e.description),
    recorded &&
      h(
        MessageBar,
        { intent: 'success', role: 'status' },
        h(MessageBarBody, null, `${recordedLine(e.id, recorded)} Rationale: ${recorded.rationale}`),
      ),
    h(
      'form',
      { onSubmit: submit, 'aria-label': `Decide on ${e.id}` },
      h(
        Field,
        { label: 'Decision', required: true },
        h(
          Select,
          {
            id: ids.choice,
            value: choice,
            onChange: (_ev, data) => setChoice(data.value),
          },
          h('option', { value: '' }, 'Choose...'),
          ...CHOICES.map(([value, label]) => h('option', { key: value, value }, label)),
        ),
      ),
      h(
        Field,
        {
          label: 'Rationale',
          required: true,
          hint: 'Why the group decided this; it goes in the decision register.',
        },
        h(Textarea, {
          id: ids.rationale,
          value: rationale,
          maxLength: 2000,
          resize: 'vertical',
          onChange: (_ev, data) => setRationale(data.value),
        }),
      ),
      error ? h(ErrorBar, { error, title: 'The decision was not recorded' }) : null,
      h(
        Button,
        { appearance: 'primary', type: 'submit', disabled: busy },
        busy ? 'Recording...' : 'Record decision',
      ),
    ),
  );
}

const recordedLine = (riskId: string, d: RecordedDecisionView): string =>
  `Decision ${d.id} on ${riskId}: ${d.choiceName} (${d.outcome}), by ${d.decidedBy} on ${d.decidedAtUk}.`;

export const bandColour = (
  band: string,
): 'danger' | 'severe' | 'warning' | 'success' | 'informative' => {
  switch (band.toLowerCase()) {
    case 'extreme':
      return 'danger';
    case 'high':
      return 'severe';
    case 'moderate':
      return 'warning';
    case 'low':
      return 'success';
    default:
      return 'informative';
  }
};
