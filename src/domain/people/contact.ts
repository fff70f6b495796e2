import { CtacError } from '../shared/errors';

/*
 * A member's own contact details for pages beyond Teams (text message and email through GOV.UK Notify),
 * and how they want to be paged. Pure: parsing and validation only; every problem is listed at once.
 */

/** How long after a Teams page a text follows, if the alert is still unacknowledged; or never. */
export type TextAfter = number | 'off';

/** How a member wants to be paged. Teams is always first and at once; the rest is their choice. */
export interface PagingPreferences {
  teamsAtOnce: true;
  textAfterMinutes: TextAfter;
  emailCopy: boolean;
}

export const DEFAULT_TEXT_AFTER_MINUTES = 5;
/** The longest wait for a text that makes sense for an on-call page. */
export const MAX_TEXT_AFTER_MINUTES = 120;
/** The choices the form offers (the domain accepts any whole number from 1 to the maximum). */
export const TEXT_AFTER_CHOICES: readonly TextAfter[] = [1, 2, 3, 5, 10, 15, 30, 60, 'off'];

export const DEFAULT_PAGING_PREFERENCES: PagingPreferences = {
  teamsAtOnce: true,
  textAfterMinutes: DEFAULT_TEXT_AFTER_MINUTES,
  emailCopy: false,
};

/** One member's contact details as stored. `mobile` is in international form, `+447700900123`. */
export interface ContactDetails {
  memberId: string;
  mobile?: string;
  email?: string;
  preferences: PagingPreferences;
  updatedAt: string;
  updatedBy: string;
}

export type MobileParse = { ok: true; mobile: string } | { ok: false; problem: string };

const MOBILE_EXAMPLE = 'for example 07700 900123 or +44 7700 900123';

/**
 * A UK mobile number as people write it (`07700 900123`, `+44 7700 900123`, `0044 7700 900123`,
 * `+44 (0)7700-900123`) in international form, `+447700900123`. Landlines, other countries' numbers,
 * letters and numbers of the wrong length are refused with the reason.
 */
export function parseUkMobile(text: string): MobileParse {
  const typed = text.trim();
  if (!typed) return { ok: false, problem: 'Give a mobile number.' };
  if (/[^\d\s+().-]/.test(typed))
    return {
      ok: false,
      problem: `The mobile number may have only digits, spaces, dashes and brackets (${MOBILE_EXAMPLE}).`,
    };
  // "+44 (0)7700..." is a common way of writing the trunk 0 that is dropped after +44.
  let digits = typed.replace(/\(0\)/g, '').replace(/[\s().-]/g, '');
  if (digits.indexOf('+') > 0 || (digits.match(/\+/g) ?? []).length > 1)
    return { ok: false, problem: `A "+" can only start the mobile number (${MOBILE_EXAMPLE}).` };
  if (digits.startsWith('+44')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('0044')) digits = `0${digits.slice(4)}`;
  else if (digits.startsWith('+') || digits.startsWith('00'))
    return {
      ok: false,
      problem: 'CTAC sends texts to UK mobile numbers only (+44). Give a UK mobile number.',
    };
  else if (digits.startsWith('44') && digits.length === 12) digits = `0${digits.slice(2)}`;
  if (!digits.startsWith('07')) {
    const landline = /^0[1-3]/.test(digits);
    return {
      ok: false,
      problem: landline
        ? `That looks like a landline: texts need a mobile number, which starts 07 (${MOBILE_EXAMPLE}).`
        : `A UK mobile number starts 07 or +44 7 (${MOBILE_EXAMPLE}).`,
    };
  }
  if (digits.length < 11)
    return {
      ok: false,
      problem: `The mobile number is too short: a UK mobile number has 11 digits starting 07 (${MOBILE_EXAMPLE}).`,
    };
  if (digits.length > 11)
    return {
      ok: false,
      problem: `The mobile number is too long: a UK mobile number has 11 digits starting 07 (${MOBILE_EXAMPLE}).`,
    };
  // 076 numbers are pagers and personal numbers, except 07624 (Isle of Man mobiles).
  if (digits.startsWith('076') && !digits.startsWith('07624'))
    return {
      ok: false,
      problem: `Numbers starting 076 are pagers, not mobiles: give a mobile number (${MOBILE_EXAMPLE}).`,
    };
  return { ok: true, mobile: `+44${digits.slice(1)}` };
}

/** `+447700900123` as people read it: `+44 7700 900123`. */
export const formatUkMobile = (mobile: string): string =>
  /^\+44\d{10}$/.test(mobile) ? `+44 ${mobile.slice(3, 7)} ${mobile.slice(7)}` : mobile;

/** `+447700900123` as a UK person types it: `07700 900123` (for the form). */
export const nationalUkMobile = (mobile: string): string =>
  /^\+44\d{10}$/.test(mobile) ? `0${mobile.slice(3, 7)} ${mobile.slice(7)}` : mobile;

const MAX_EMAIL = 254;
const EMAIL = /^[^\s@"<>(),;:\\[\]]+@[^\s@"<>(),;:\\[\]]+\.[^\s@"<>(),;:\\[\].]{2,}$/;

/** What the `contact` form sends: all text, as typed. */
export interface ContactInput {
  mobile?: string;
  email?: string;
  /** A whole number of minutes, or `off`. */
  textAfterMinutes?: string;
  /** `true` or `false`. */
  emailCopy?: string;
}

export type ContactChoice = Pick<ContactDetails, 'mobile' | 'email' | 'preferences'>;

/**
 * Checks what a member typed in the `contact` form: a UK mobile number (or none), an email address (or
 * none), when a text follows the Teams page, and whether an email copy goes too. Throws a validation
 * CtacError listing every problem at once.
 */
export function normaliseContact(input: ContactInput): ContactChoice {
  const problems: string[] = [];
  const mobileText = (input.mobile ?? '').trim();
  let mobile: string | undefined;
  if (mobileText) {
    const parsed = parseUkMobile(mobileText);
    if (parsed.ok) mobile = parsed.mobile;
    else problems.push(parsed.problem);
  }
  const emailText = (input.email ?? '').trim();
  let email: string | undefined;
  if (emailText) {
    if (emailText.length > MAX_EMAIL)
      problems.push(`The email address must be at most ${MAX_EMAIL} characters.`);
    else if (!EMAIL.test(emailText))
      problems.push('The email address must look like name@example.nhs.uk.');
    else email = emailText.toLowerCase();
  }
  const textAfterMinutes = parseTextAfter(input.textAfterMinutes, problems);
  const emailCopy = (input.emailCopy ?? '').trim().toLowerCase() === 'true';
  if (emailCopy && !emailText)
    problems.push('An email copy needs an email address: give one, or turn the copy off.');
  if (problems.length)
    throw new CtacError('validation', 'Please check your contact details.', problems);
  return {
    ...(mobile ? { mobile } : {}),
    ...(email ? { email } : {}),
    preferences: { teamsAtOnce: true, textAfterMinutes, emailCopy },
  };
}

function parseTextAfter(value: string | undefined, problems: string[]): TextAfter {
  const text = (value ?? '').trim().toLowerCase();
  if (!text) return DEFAULT_TEXT_AFTER_MINUTES;
  if (text === 'off' || text === 'never') return 'off';
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_TEXT_AFTER_MINUTES) {
    problems.push(
      `Say after how many minutes a text follows, a whole number from 1 to ${MAX_TEXT_AFTER_MINUTES}, or "off".`,
    );
    return DEFAULT_TEXT_AFTER_MINUTES;
  }
  return Number(text);
}

/** "Teams at once, then a text after 5 minutes if still unacknowledged, and an email copy." */
export function describePreferences(
  p: PagingPreferences,
  has: { mobile: boolean; email: boolean },
): string {
  const parts = ['Teams at once'];
  if (p.textAfterMinutes === 'off') parts.push('no text');
  else if (!has.mobile) parts.push('no text (no mobile number)');
  else
    parts.push(
      `then a text after ${p.textAfterMinutes} minute${p.textAfterMinutes === 1 ? '' : 's'} if the alert is still unacknowledged`,
    );
  if (p.emailCopy && has.email) parts.push('and an email copy');
  return `${parts.join(', ')}.`;
}
