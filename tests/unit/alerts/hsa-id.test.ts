import { normaliseIncomingAlert, type IncomingAlert } from '../../../src/domain/alerts/alert';
import { CtacError } from '../../../src/domain/shared/errors';

const hsa = (dedupKey: string): IncomingAlert => ({
  source: 'hsa',
  dedupKey,
  title: 'Critical vulnerability in Citrix NetScaler ADC',
  severity: 'High',
});

const problemsOf = (incoming: IncomingAlert): string[] => {
  try {
    normaliseIncomingAlert(incoming);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(CtacError);
    return (e as CtacError).problems;
  }
};

describe('HSA ids (issue 17): NHS England’s form, CC- and digits, on every path', () => {
  test.each([
    ['CC-4719', 'CC-4719'],
    ['cc-4719', 'CC-4719'],
    [' CC-1 ', 'CC-1'],
    ['CC-9001', 'CC-9001'],
  ])('when an HSA id is %j, then it is taken as %s', (id, stored) => {
    expect(normaliseIncomingAlert(hsa(id)).dedupKey).toBe(stored);
  });

  test.each(['CC-', 'CC-12a', 'CC 4719', 'CC-4719-evil', 'HSA-4719', 'chat-f1', '4719', 'CC-٤٧١٩'])(
    'when an HSA id is %j, then the alert is refused, saying what an HSA id looks like',
    (id) => {
      expect(problemsOf(hsa(id))).toEqual([
        'id: an HSA id is "CC-" and digits, as NHS England gives it, such as CC-4719.',
      ]);
    },
  );

  test('when an incident has an id of any other form, then it is still taken as sent', () => {
    const incident: IncomingAlert = {
      source: 'incident',
      dedupKey: 'chat-f1',
      title: 'Phishing',
      severity: 'high',
    };
    expect(normaliseIncomingAlert(incident).dedupKey).toBe('chat-f1');
  });
});
