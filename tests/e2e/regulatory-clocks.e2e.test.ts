import { sendSignedAlert } from '../helpers/alert-webhook';
import {
  addMember,
  addOrganisation,
  COUNTY_COUNCIL,
  startInstalled,
  TRUST,
} from '../helpers/e2e-setup';
import { cardText, E2eStack, PLAYGROUND } from '../helpers/stack';

/*
 * Issue 21: the NIS clock in the Playground. The Trust is an operator of essential services, the County
 * Council is not (Asha takes its mark off with `org essential`). An incident at the Trust arrives; Ben, a
 * member of the Trust, flags it "Possibly reportable under NIS" and the card shows the clock; Chloë, not a
 * member, is refused; Ben records the report and the card says it was reported, with its reference.
 */
const { channel, personalChat, users } = PLAYGROUND;
const SECRET = 'e2e-webhook-secret-regulatory-0123456789';
let stack: E2eStack;

beforeAll(async () => {
  stack = await startInstalled({ CTAC_WEBHOOK_SECRET: SECRET });
  await addOrganisation(stack, TRUST);
  await addOrganisation(stack, COUNTY_COUNCIL);
  await addMember(stack, users.ben, 'RXC', 'member');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

/** Now in UK local time, to the minute, as someone types it in the Record report form. */
function ukNow(): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts['day']}/${parts['month']}/${parts['year']}`,
    time: `${parts['hour']}:${parts['minute']}`,
  };
}

test('when a member flags an incident under NIS and records the report, then the card shows the clock and then the report with its reference', async () => {
  const off = await stack.ask(
    personalChat,
    users.asha.id,
    'org essential ESCC off',
    'East Sussex County Council (ESCC)',
  );
  expect(cardText(off.cards)).toContain('Not marked as an operator of essential services.');

  // Alerts go to the channel the bot last heard from.
  await stack.say(channel, users.asha.id, 'help', { mention: true });
  await stack.waitForMessage(
    (m) => m.conversationId.startsWith(channel) && cardText(m.cards).includes('CTAC commands'),
  );
  const res = await sendSignedAlert(stack.app.url, SECRET, {
    source: 'incident',
    id: 'MSP-NIS-1',
    title: 'Ransomware on the RXC patient systems',
    severity: 'critical',
    organisations: ['RXC'],
  });
  expect(res.status).toBe(201);
  const { id: alertId } = (await res.json()) as { id: string };
  const posted = await stack.waitForMessage(
    (m) =>
      m.action === 'createMessage' &&
      m.conversationId.startsWith(channel) &&
      cardText(m.cards).includes('Ransomware on the RXC patient systems') &&
      JSON.stringify(m.cards).includes('"title":"Possibly reportable under NIS"'),
  );
  const thread = posted.conversationId.includes(';')
    ? posted.conversationId
    : `${posted.conversationId};messageid=${posted.messageId}`;

  // Chloë is in the team but not a CTAC member: her press changes nothing.
  const refused = await stack.execute(
    thread,
    users.chloe.id,
    'regulatory.flag',
    { alertId, clock: 'nis' },
    posted.messageId,
  );
  expect(cardText(refused.value)).toContain('Only CTAC members can flag reporting clocks');
  expect(cardText(refused.value)).not.toContain('Ransomware');

  const flagged = await stack.execute(
    thread,
    users.ben.id,
    'regulatory.flag',
    { alertId, clock: 'nis' },
    posted.messageId,
  );
  const flaggedText = cardText(flagged.value);
  expect(flaggedText).toContain('NIS clock started');
  expect(flaggedText).toMatch(/NIS: 7[12] hours left \(due \d+ \w{3} \d{4}, \d{2}:\d{2}\)/);
  expect(flaggedText).toContain('Ben Okafor flagged it as possibly reportable under NIS');
  expect(JSON.stringify(flagged.value)).toContain('"title":"Record report (NIS)"');
  expect(JSON.stringify(flagged.value)).not.toContain('"title":"Possibly reportable under NIS"');
  // The card in the channel shows the clock for everyone.
  await stack.waitForMessage(
    (m) =>
      m.action === 'updateMessage' &&
      m.messageId === posted.messageId &&
      /NIS: 7[12] hours left/.test(cardText(m.cards)),
  );

  const { date, time } = ukNow();
  const reported = await stack.execute(
    thread,
    users.ben.id,
    'regulatory.report',
    {
      alertId,
      clock: 'nis',
      reportDate: date,
      reportTime: time,
      reportReference: 'NCSC-E2E-0001',
    },
    posted.messageId,
  );
  const reportedText = cardText(reported.value);
  expect(reportedText).toMatch(
    /NIS: reported to the competent authority at \d+ \w{3} \d{4}, \d{2}:\d{2}, reference NCSC-E2E-0001\./,
  );
  expect(JSON.stringify(reported.value)).not.toContain('"title":"Record report (NIS)"');
  await stack.waitForMessage(
    (m) =>
      m.action === 'updateMessage' &&
      m.messageId === posted.messageId &&
      cardText(m.cards).includes('reported to the competent authority at'),
  );
}, 180_000);
