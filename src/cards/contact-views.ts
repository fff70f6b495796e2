import { DateTime } from 'luxon';
import {
  describePreferences,
  formatUkMobile,
  nationalUkMobile,
  TEXT_AFTER_CHOICES,
  type ContactDetails,
} from '../domain/people/contact';
import { UK_ZONE } from '../domain/shared/time';
import { renderCard, type AdaptiveCard } from './render';

/** One channel's result of a test page (the test page use case's report fits it). */
export type ChannelResultView =
  | { kind: 'delivered'; at: Date; to?: string }
  | { kind: 'failed'; why: string; to?: string }
  | { kind: 'queued'; at: Date }
  | { kind: 'not_set' }
  | { kind: 'not_configured' };

export interface TestPageView {
  at: Date;
  teams: ChannelResultView;
  text: ChannelResultView;
  email: ChannelResultView;
}

/** What the `contact` form shows: the values (as typed, or as saved) and any problems. */
export interface ContactFormView {
  mobile: string;
  email: string;
  textAfterMinutes: string;
  emailCopy: boolean;
  problems?: string[];
  /** Whether GOV.UK Notify is set up for texts and for emails. */
  notify: { text: boolean; email: boolean };
  /** Leads: the names of members with no mobile number. */
  withoutMobile?: string[];
}

/** The form's values from saved details: the number as a UK person types it. */
export const contactFormValues = (
  c: ContactDetails,
): Pick<ContactFormView, 'mobile' | 'email' | 'textAfterMinutes' | 'emailCopy'> => ({
  mobile: c.mobile ? nationalUkMobile(c.mobile) : '',
  email: c.email ?? '',
  textAfterMinutes: String(c.preferences.textAfterMinutes),
  emailCopy: c.preferences.emailCopy,
});

export const contactFormCard = (v: ContactFormView): AdaptiveCard =>
  renderCard('contact/contact-form', {
    intro:
      'Pages come on Teams at once. Give a UK mobile number for a text if an alert is still unacknowledged, and an email address for a copy. Only you can see or change these; leads see only who has no number.',
    problems: v.problems ?? [],
    mobile: v.mobile,
    email: v.email,
    textAfterMinutes: v.textAfterMinutes,
    textChoices: TEXT_AFTER_CHOICES.map((c) => ({
      title: c === 'off' ? 'Never: no texts' : `${c} minute${c === 1 ? '' : 's'}`,
      value: String(c),
    })),
    emailCopy: v.emailCopy ? 'true' : 'false',
    notifyNote:
      v.notify.text && v.notify.email
        ? 'Texts and emails are sent through GOV.UK Notify.'
        : v.notify.text
          ? 'Texts are sent through GOV.UK Notify; email is not set up yet, so no copies go for now.'
          : 'Texts and emails are not set up yet (GOV.UK Notify): your details are kept for when they are.',
    showWithoutMobile: v.withoutMobile !== undefined,
    withoutMobileTitle: 'Members with no mobile number (leads see this)',
    withoutMobileText: v.withoutMobile?.length
      ? v.withoutMobile.join(', ')
      : 'Everyone has given a mobile number.',
  });

interface SummaryView {
  title: string;
  text: string;
  style: 'good' | 'warning' | 'attention' | 'default';
  facts: { title: string; value: string }[];
  footer: string;
  buttons: { title: string; command: string }[];
}

const summaryCard = (v: SummaryView): AdaptiveCard => renderCard('contact/summary', v);

/** After `contact` is saved: what is kept and how pages will come. */
export function contactSavedCard(c: ContactDetails): AdaptiveCard {
  return summaryCard({
    title: 'Contact details saved',
    text: describePreferences(c.preferences, { mobile: !!c.mobile, email: !!c.email }),
    style: 'good',
    facts: [
      { title: 'Mobile', value: c.mobile ? formatUkMobile(c.mobile) : 'not set' },
      { title: 'Email', value: c.email ?? 'not set' },
    ],
    footer: 'Type "test page" to check that a page reaches you on each of them.',
    buttons: [{ title: 'Send me a test page', command: 'test page' }],
  });
}

const ukTime = (at: Date) => DateTime.fromJSDate(at, { zone: UK_ZONE }).toFormat('HH:mm');

/** One channel's result in words: "delivered 09:03 (+44 7700 900123)". */
function resultText(r: ChannelResultView, showAddress: boolean): string {
  const to = (address: string | undefined) =>
    showAddress && address
      ? ` (${address.startsWith('+') ? formatUkMobile(address) : address})`
      : '';
  switch (r.kind) {
    case 'delivered':
      return `delivered ${ukTime(r.at)}${to(r.to)}`;
    case 'failed':
      return `failed: ${r.why}${to(r.to)}`;
    case 'queued':
      return `queued ${ukTime(r.at)}, not yet confirmed by Teams`;
    case 'not_set':
      return 'not set';
    case 'not_configured':
      return 'not set up in CTAC (GOV.UK Notify)';
  }
}

/**
 * The `test page` result: "Teams: delivered 09:03; text: delivered 09:03 (+44 7700 900123); email: not
 * set". Numbers and addresses are shown only in the person's own chat (`showAddresses`).
 */
export function testPageCard(report: TestPageView, showAddresses: boolean): AdaptiveCard {
  const rows = [
    ['Teams', report.teams],
    ['Text', report.text],
    ['Email', report.email],
  ] as const;
  const line = rows
    .map(([name, r], i) => `${i ? name.toLowerCase() : name}: ${resultText(r, showAddresses)}`)
    .join('; ');
  const failed = rows.some(([, r]) => r.kind === 'failed');
  const delivered = rows.filter(([, r]) => r.kind === 'delivered').length;
  return summaryCard({
    title: failed
      ? 'Test page: something did not get through'
      : `Test page sent at ${ukTime(report.at)}`,
    text: line,
    style: failed ? 'attention' : delivered ? 'good' : 'warning',
    facts: rows.map(([name, r]) => ({ title: name, value: resultText(r, showAddresses) })),
    footer:
      report.text.kind === 'not_set' || report.email.kind === 'not_set'
        ? 'Type "contact" to add a mobile number or an email address.'
        : '',
    buttons:
      report.text.kind === 'not_set' || report.email.kind === 'not_set'
        ? [{ title: 'Set my contact details', command: 'contact' }]
        : [],
  });
}
