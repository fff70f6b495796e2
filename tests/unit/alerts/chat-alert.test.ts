import {
  chatAlertDedupKey,
  chatAlertOrigin,
  incomingAlertFromChat,
} from '../../../src/domain/alerts/chat-alert';

describe('the origin of an alert raised in the chat', () => {
  test.each([
    [
      'an incident form',
      { formId: 'f-123', source: 'incident' },
      { source: 'incident', formId: 'f-123' },
    ],
    [
      'an HSA form',
      { formId: 'f-123', source: 'hsa:CC-4719' },
      { source: 'hsa', formId: 'f-123', hsaId: 'CC-4719' },
    ],
    [
      'a form id with characters a form id never has',
      { formId: 'f/1#2?3 4', source: 'incident' },
      { source: 'incident', formId: 'f1234' },
    ],
    ['no form id', { formId: '', source: 'incident' }, undefined],
    ['a form id of nothing but odd characters', { formId: '/#?', source: 'incident' }, undefined],
    ['an HSA form naming no HSA', { formId: 'f-123', source: 'hsa:' }, undefined],
    ['a source the form never sends', { formId: 'f-123', source: 'webhook' }, undefined],
  ])('when it is %s, then the origin is %j', (_label, hidden, expected) => {
    expect(chatAlertOrigin(hidden)).toEqual(expected);
  });

  test('when the ids are very long, then they are cut to what CTAC keeps', () => {
    const origin = chatAlertOrigin({ formId: 'a'.repeat(100), source: `hsa:${'9'.repeat(300)}` });
    expect(origin).toMatchObject({ formId: 'a'.repeat(64), hsaId: '9'.repeat(128) });
  });

  test('when the same form is sent twice, then both have the same dedup key; an HSA is keyed by its id', () => {
    const incident = chatAlertOrigin({ formId: 'f-123', source: 'incident' })!;
    expect(chatAlertDedupKey(incident)).toBe('chat-f-123');
    expect(chatAlertDedupKey({ ...incident })).toBe('chat-f-123');
    expect(chatAlertDedupKey({ source: 'hsa', formId: 'f-9', hsaId: 'CC-4719' })).toBe('CC-4719');
  });
});

describe('the alert a chat form describes', () => {
  const values = {
    title: 'Phishing wave at RXC',
    severity: 'high',
    summary: '',
    url: '',
    cves: 'CVE-2026-1234, CVE-2026-5678;CVE-2026-9999  ',
  };

  test('when the form is filled, then the alert carries its values, CVEs split on commas, semicolons and spaces', () => {
    expect(incomingAlertFromChat({ source: 'incident', formId: 'f-1' }, values)).toEqual({
      source: 'incident',
      dedupKey: 'chat-f-1',
      title: 'Phishing wave at RXC',
      severity: 'high',
      summary: undefined,
      url: undefined,
      cves: ['CVE-2026-1234', 'CVE-2026-5678', 'CVE-2026-9999'],
    });
  });

  test('when it is an HSA form, then the alert is the HSA under its NHS id', () => {
    const incoming = incomingAlertFromChat(
      { source: 'hsa', formId: 'f-2', hsaId: 'CC-4719' },
      {
        ...values,
        summary: 'Patch now.',
        url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-4719',
        cves: '',
      },
    );
    expect(incoming).toMatchObject({
      source: 'hsa',
      dedupKey: 'CC-4719',
      summary: 'Patch now.',
      url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-4719',
      cves: [],
    });
  });
});
