/** The alert form card: raise an incident from the chat, or post an HSA by hand. */
import type { Alert } from '../domain/alerts';
import { renderCard, type AdaptiveCard } from './render';

export interface AlertFormView {
  source: Alert['source'];
  /** Ties a submission to this form, so pressing the button twice raises one alert. */
  formId: string;
  /** For an HSA posted by hand: its NHS England id. */
  hsaId?: string;
  values?: { title?: string; severity?: string; summary?: string; url?: string; cves?: string };
  problems?: string[];
}

const INCIDENT_SEVERITY_CHOICES = [
  { title: 'Critical', value: 'critical' },
  { title: 'High', value: 'high' },
  { title: 'Medium', value: 'medium' },
  { title: 'Low', value: 'low' },
];
const HSA_SEVERITY_CHOICES = ['High', 'Medium', 'Low', 'Information only'].map((s) => ({
  title: s,
  value: s,
}));

/** The form to raise an incident from the chat, or to post an HSA CTAC has not had yet. */
export function alertFormCard(view: AlertFormView): AdaptiveCard {
  const hsa = view.source === 'hsa';
  return renderCard('alerts/alert-form', {
    heading: hsa ? `Post HSA ${view.hsaId ?? ''}`.trim() : 'Raise an incident',
    intro: hsa
      ? 'CTAC has not had this High Severity Alert from NHS England yet. Fill in what it says to post it to the ICS cyber channel.'
      : 'The incident goes to the ICS cyber channel as an alert card, and the person on call is paged.',
    source: hsa ? `hsa:${view.hsaId ?? ''}` : 'incident',
    formId: view.formId,
    submitTitle: hsa ? 'Post HSA' : 'Raise incident',
    title: view.values?.title ?? '',
    severity: view.values?.severity ?? (hsa ? 'High' : 'high'),
    severities: hsa ? HSA_SEVERITY_CHOICES : INCIDENT_SEVERITY_CHOICES,
    summary: view.values?.summary ?? '',
    url: view.values?.url ?? '',
    cves: view.values?.cves ?? '',
    problems: view.problems ?? [],
  });
}
