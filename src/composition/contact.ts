import { ContactBook } from '../app/contacts';
import type { PageSender } from '../app/paging';
import { TestPage, type PersonalMessages } from '../app/test-page';
import { contactFeature } from '../bot/contact/contact-feature';
import type { BotFeature } from '../bot/bot-feature';
import { NotifyPageSender } from '../notify/notify-page-sender';
import { TableContactRepository } from '../store/contact-repository';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';
import type { OutboxArea } from './outbox';

/** Contact details and pages beyond Teams (GOV.UK Notify, when configured). */
export interface ContactArea {
  contacts: ContactBook;
  /** Texts and emails; absent without NOTIFY_API_KEY. */
  pageSender?: PageSender;
  feature: BotFeature;
}

export function composeContact(
  { config, store, clock }: AppContext,
  { directory, members }: PeopleArea,
  outbox: OutboxArea,
  links: { baseUrl: () => string },
): ContactArea {
  const repository = new TableContactRepository(store);
  const contacts = new ContactBook({ directory, members, contacts: repository, clock });
  const pageSender = config.notify && new NotifyPageSender(config.notify);
  // A test page's Teams message goes through the outbox like every page; its row says when it went.
  const teams: PersonalMessages = {
    send: (aadObjectId, text) =>
      outbox.queue.enqueue({ kind: 'personal', aadObjectId, content: { text, summary: text } }),
    async delivery(id) {
      const row = await outbox.queue.get(id);
      if (row?.state === 'sent') return { state: 'sent', at: new Date(row.sentAt ?? Date.now()) };
      if (row?.state === 'failed')
        return { state: 'failed', detail: row.lastError ?? 'not delivered' };
      return { state: 'pending' };
    },
  };
  const testPage = new TestPage({
    directory,
    contacts: repository,
    teams,
    ...(pageSender ? { sender: pageSender } : {}),
    clock,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    appUrl: links.baseUrl,
  });
  return {
    contacts,
    ...(pageSender ? { pageSender } : {}),
    feature: contactFeature({
      contacts,
      testPage,
      notify: { text: !!pageSender?.textEnabled, email: !!pageSender?.emailEnabled },
    }),
  };
}
