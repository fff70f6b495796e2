import { CardFactory } from 'botbuilder';
import { messageContent, toActivity } from '../../../src/bot/teams-sender';

describe('outbox content as a Teams activity', () => {
  test('when a message has a card, a summary and mentions, then the activity carries them and reads back the same', () => {
    const content = {
      text: 'Over to <at>Ben Okafor</at>',
      summary: 'high: Citrix flaw',
      card: { type: 'AdaptiveCard', version: '1.5', body: [] },
      mentions: [{ text: '<at>Ben Okafor</at>', id: '29:ben', name: 'Ben Okafor' }],
    };
    const activity = toActivity(content);
    expect(activity).toEqual({
      type: 'message',
      text: 'Over to <at>Ben Okafor</at>',
      summary: 'high: Citrix flaw',
      attachments: [CardFactory.adaptiveCard(content.card)],
      entities: [
        {
          type: 'mention',
          text: '<at>Ben Okafor</at>',
          mentioned: { id: '29:ben', name: 'Ben Okafor' },
        },
      ],
    });
    expect(messageContent(activity)).toEqual(content);
  });

  test('when a message is text only, then the activity has no attachments or entities', () => {
    expect(toActivity({ text: 'acknowledged' })).toEqual({ type: 'message', text: 'acknowledged' });
  });
});
