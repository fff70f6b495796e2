import { RISK_LIMITS } from '../../../src/domain/risk';
import { riskDraftFromMessage } from '../../../src/domain/risk/risk-from-message';

const LINK = 'https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1700000000000';

describe('a risk drafted from a chat message', () => {
  test('when the message has a first line and more, then the first line is the title and the rest the description, ending with where it came from', () => {
    expect(
      riskDraftFromMessage({
        text: 'VPN gateway unpatched at RXC\nCC-4719 applies.\n\nPatch window is Sunday.',
        author: '  Asha   Patel ',
        link: LINK,
      }),
    ).toEqual({
      title: 'VPN gateway unpatched at RXC',
      description: `CC-4719 applies.\n\nPatch window is Sunday.\n\nFrom a message by Asha Patel: ${LINK}`,
      source: { author: 'Asha Patel', link: LINK },
    });
  });

  test('when there is no link, then the description does not say where it came from', () => {
    expect(riskDraftFromMessage({ text: 'One line only', author: 'Asha Patel', link: '' })).toEqual(
      {
        title: 'One line only',
        description: '',
        source: { author: 'Asha Patel', link: '' },
      },
    );
  });

  test('when the author is unknown, then the link is still given', () => {
    expect(riskDraftFromMessage({ text: 'Title\nBody', author: '', link: LINK }).description).toBe(
      `Body\n\nFrom a message: ${LINK}`,
    );
  });

  test('when the first line is too long for a title, then the title is cut and the whole message is the description', () => {
    const first = 'word '.repeat(40).trim();
    const draft = riskDraftFromMessage({ text: `${first}\nsecond line`, author: '', link: '' });
    expect([...draft.title]).toHaveLength(RISK_LIMITS.title);
    expect(draft.title.endsWith('…')).toBe(true);
    expect(draft.description).toBe(`${first}\nsecond line`);
  });

  test('when the message is very long, then the description with its source line fits the limit', () => {
    const draft = riskDraftFromMessage({
      text: `Title\n${'x'.repeat(RISK_LIMITS.description * 2)}`,
      author: 'Asha Patel',
      link: LINK,
    });
    expect([...draft.description].length).toBeLessThanOrEqual(RISK_LIMITS.description);
    expect(draft.description.endsWith(`From a message by Asha Patel: ${LINK}`)).toBe(true);
  });

  test('when the author’s name is longer than an owner may be, then it is cut to fit', () => {
    const draft = riskDraftFromMessage({ text: 'T', author: 'n'.repeat(500), link: '' });
    expect([...draft.source.author]).toHaveLength(RISK_LIMITS.owner);
  });
});
