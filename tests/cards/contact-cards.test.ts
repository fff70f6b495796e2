import { readdirSync } from 'fs';
import { join } from 'path';
import {
  contactFormCard,
  contactSavedCard,
  testPageCard,
  type TestPageView,
} from '../../src/cards/contact-views';
import { TEMPLATES_DIR } from '../../src/cards/render';
import type { ContactDetails } from '../../src/domain/people/contact';
import { validateCard } from '../helpers/card-validator';
import { cardText } from '../helpers/stack';

const at = new Date('2026-11-28T09:03:00Z');
const details: ContactDetails = {
  memberId: 'a1a1a1a1-0000-4000-8000-000000000001',
  mobile: '+447700900123',
  email: 'asha.patel@nhs.net',
  preferences: { teamsAtOnce: true, textAfterMinutes: 5, emailCopy: true },
  updatedAt: at.toISOString(),
  updatedBy: 'Asha Patel',
};
const report: TestPageView = {
  at,
  teams: { kind: 'delivered', at },
  text: { kind: 'delivered', at, to: '+447700900123' },
  email: { kind: 'not_set' },
};

const samples = {
  'contact-form': () =>
    contactFormCard({
      mobile: '01273 123456',
      email: 'asha',
      textAfterMinutes: '5',
      emailCopy: true,
      problems: ['That looks like a landline.'],
      notify: { text: true, email: false },
      withoutMobile: ['Ben Okafor', "Zoë O'Brien"],
    }),
  summary: () => contactSavedCard(details),
};

describe('contact cards', () => {
  test('when a template is added to adaptiveCards/contact, then it has a sample here', () => {
    expect(
      readdirSync(join(TEMPLATES_DIR, 'contact'))
        .map((f) => f.replace(/\.json$/, ''))
        .sort(),
    ).toEqual(Object.keys(samples).sort());
  });

  test.each(Object.entries(samples))('when %s is expanded, then it is a valid card', (_, make) => {
    expect(validateCard(make())).toEqual([]);
  });

  test('when the form comes back with problems, then the typed values and the problems are on it', () => {
    const text = JSON.stringify(samples['contact-form']());
    expect(text).toContain('"value":"01273 123456"');
    expect(cardText(samples['contact-form']())).toContain('- That looks like a landline.');
    expect(cardText(samples['contact-form']())).toContain("Ben Okafor, Zoë O'Brien");
    // User text is data, never evaluated as a template expression.
    const literal = contactFormCard({
      mobile: '${1+1}',
      email: '',
      textAfterMinutes: '5',
      emailCopy: false,
      notify: { text: true, email: true },
      withoutMobile: ['Eve ${$root.mobile}'],
    });
    expect(JSON.stringify(literal)).toContain('"value":"${1+1}"');
    expect(cardText(literal)).toContain('Eve ${$root.mobile}');
  });

  test('when a member is not a lead, then the form has no list of who has no number', () => {
    const card = contactFormCard({
      mobile: '',
      email: '',
      textAfterMinutes: '5',
      emailCopy: false,
      notify: { text: false, email: false },
    });
    expect(cardText(card)).not.toContain('Members with no mobile number');
    expect(cardText(card)).toContain('not set up yet (GOV.UK Notify)');
    expect(validateCard(card)).toEqual([]);
  });

  test('when a test page is reported in the person’s chat, then it says what was delivered where', () => {
    const card = testPageCard(report, true);
    expect(validateCard(card)).toEqual([]);
    expect(cardText(card)).toContain(
      'Teams: delivered 09:03; text: delivered 09:03 (+44 7700 900123); email: not set',
    );
  });

  test('when a test page is reported in a channel, then no number or address is shown', () => {
    const card = testPageCard(
      {
        ...report,
        email: { kind: 'failed', why: 'GOV.UK Notify refused the email address', to: 'a@nhs.net' },
      },
      false,
    );
    expect(validateCard(card)).toEqual([]);
    expect(cardText(card)).not.toMatch(/7700|a@nhs\.net/);
    expect(cardText(card)).toContain('Test page: something did not get through');
  });
});
