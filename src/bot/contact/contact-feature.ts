import type { ContactBook } from '../../app/contacts';
import type { TestPage } from '../../app/test-page';
import {
  contactFormCard,
  contactFormValues,
  contactSavedCard,
  testPageCard,
  type ContactFormView,
} from '../../cards/contact-views';
import type { AdaptiveCard } from '../../cards/render';
import { isCtacError } from '../../domain/shared/errors';
import type { BotFeature, BotTurn, CardActionHandler } from '../bot-feature';
import { cardFields } from '../card-fields';
import type { CommandSpec } from '../commands';

const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'contact',
    usage: 'contact',
    description:
      'Your mobile number and email for pages beyond Teams, and how you want to be paged (leads also see who has no number).',
    group: 'Paging',
  },
  {
    name: 'test page',
    usage: 'test page',
    description:
      'Page yourself on Teams, by text and by email, to check a page reaches you before a shift.',
    group: 'Paging',
  },
];

const FIELDS = ['mobile', 'email', 'textAfterMinutes', 'emailCopy'] as const;

export interface ContactFeatureDeps {
  contacts: ContactBook;
  testPage: TestPage;
  /** Whether GOV.UK Notify is set up for texts and for emails. */
  notify: { text: boolean; email: boolean };
}

/** `contact` (one's own details, a private form) and `test page`. */
export function contactFeature({ contacts, testPage, notify }: ContactFeatureDeps): BotFeature {
  async function form(
    turn: BotTurn,
    typed?: Pick<ContactFormView, 'mobile' | 'email' | 'textAfterMinutes' | 'emailCopy'>,
    problems: string[] = [],
  ): Promise<AdaptiveCard> {
    const facts = await contacts.formFacts(await turn.caller());
    return contactFormCard({
      ...(typed ?? contactFormValues(facts.mine)),
      problems,
      notify,
      ...(facts.withoutMobile ? { withoutMobile: facts.withoutMobile.map((m) => m.name) } : {}),
    });
  }

  const save: CardActionHandler = async (data, turn) => {
    const values = cardFields(data, FIELDS, 254);
    try {
      return contactSavedCard(await contacts.save(await turn.caller(), values));
    } catch (e) {
      // The form comes back with what was typed and every problem listed.
      if (isCtacError(e) && e.code === 'validation')
        return form(turn, { ...values, emailCopy: values.emailCopy === 'true' }, e.problems);
      throw e;
    }
  };

  return {
    commands: COMMANDS,
    async runCommand(name, _args, turn) {
      if (name === 'contact') return form(turn);
      const report = await testPage.run(await turn.caller());
      // A number or an address is shown only in the person's own chat, never in a channel.
      return testPageCard(
        report,
        turn.context.activity.conversation?.conversationType === 'personal',
      );
    },
    verbs: { 'contact.save': save },
  };
}
