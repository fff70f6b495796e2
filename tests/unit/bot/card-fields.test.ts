import { cardField, cardFields, cardText, CARD_FIELD_MAX } from '../../../src/bot/card-fields';

describe('card fields', () => {
  const data = { title: '  Phishing wave ', likelihood: 4, extra: { nested: true }, empty: '' };

  it('when a field is a string or number, then it is read as trimmed text', () => {
    expect(cardField(data, 'title')).toBe('Phishing wave');
    expect(cardField(data, 'likelihood')).toBe('4');
  });

  it('when a field is missing or not text, then it reads as empty', () => {
    expect(cardField(data, 'missing')).toBe('');
    expect(cardField(data, 'extra')).toBe('');
    expect(cardField(data, 'empty')).toBe('');
  });

  it('when a cap is given, then the field is cut to it', () => {
    expect(cardField(data, 'title', 4)).toBe('Phis');
    expect(cardField({ big: 'y'.repeat(CARD_FIELD_MAX + 1) }, 'big')).toHaveLength(CARD_FIELD_MAX);
  });

  it('when several fields are asked for, then each is read by name', () => {
    expect(cardFields(data, ['title', 'likelihood', 'missing'] as const)).toEqual({
      title: 'Phishing wave',
      likelihood: '4',
      missing: '',
    });
    expect(cardFields(data, ['title'], 3)).toEqual({ title: 'Phi' });
  });

  it('when a nested payload value is read, then the same rules apply', () => {
    const payload = { from: { user: { displayName: ' Asha Patel ' } } } as const;
    expect(cardText(payload.from.user.displayName)).toBe('Asha Patel');
    expect(cardText(undefined)).toBe('');
  });
});
