import type { Client } from '@microsoft/microsoft-graph-client';
import { alertCard } from '../../src/cards/alerts';
import { escalationCard } from '../../src/cards/risk-views';
import { setTabLinkAppId } from '../../src/cards/tab-links';
import { loadConfig } from '../../src/config';
import { raiseAlert, type IncomingAlert } from '../../src/domain/alerts';
import { decideEscalation, raiseRisk } from '../../src/domain/risk';
import {
  parseSubPageId,
  subPageIdOf,
  tabDeepLink,
  TAB_ENTITY_ID,
} from '../../src/domain/shared/tab-links';
import { GraphAlertActivityFeed } from '../../src/graph/graph-alert-feed';
import { validateCard } from '../helpers/card-validator';

/*
 * Deep links into the tab (issue 20): the sub-page id a link carries, Microsoft's link format, and the
 * "Open in the tab" action on the HSA and escalation cards and in the activity feed.
 */
const APP_ID = '3f2b0d6e-1c1a-4f7e-9a55-0d7c2a6b9e11';
const actor = { id: 'api:webhook', name: 'Webhook', source: 'api' as const };
const at = new Date('2026-11-28T09:00:00Z');

afterEach(() => setTabLinkAppId(undefined));

describe('sub-page ids', () => {
  test.each([
    ['hsa:A-1', { kind: 'hsa', id: 'A-1' }],
    ['escalation:R-12', { kind: 'escalation', id: 'R-12' }],
    ['supplier:S-3', { kind: 'supplier', id: 'S-3' }],
    ['hsa:id:with:colons', { kind: 'hsa', id: 'id:with:colons' }],
    ['', undefined],
    ['hsa:', undefined],
    [':A-1', undefined],
    ['risk:R-1', undefined],
    ['ctac', undefined],
    [`hsa:${'x'.repeat(201)}`, undefined],
  ])('when the tab is opened with %j, then it reads %j', (value, target) => {
    expect(parseSubPageId(value)).toEqual(target);
  });

  test('when a target is written and read back, then it is the same', () => {
    const target = { kind: 'escalation' as const, id: 'R-9' };
    expect(parseSubPageId(subPageIdOf(target))).toEqual(target);
  });
});

describe('the Teams app id', () => {
  test('when TEAMS_APP_ID is set without Graph, then the links have it; when it is blank, there is none', () => {
    const set = loadConfig({ TEAMS_APP_ID: ` ${APP_ID} ` });
    expect(set.teamsAppId).toBe(APP_ID);
    expect(set.graph).toBeUndefined();
    expect(loadConfig({ TEAMS_APP_ID: '' }).teamsAppId).toBeUndefined();
  });
});

describe('the deep link', () => {
  test('when a link is made, then it is Microsoft’s tab entity link with the sub-page id in its context', () => {
    const link = tabDeepLink(APP_ID, { kind: 'hsa', id: 'A-HSA 1' });
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe(
      `https://teams.microsoft.com/l/entity/${APP_ID}/${TAB_ENTITY_ID}`,
    );
    expect(JSON.parse(url.searchParams.get('context')!)).toEqual({ subEntityId: 'hsa:A-HSA 1' });
    // Encoded whole, with no & to be escaped where it is sent as message text.
    expect(link).toContain('?context=%7B%22subEntityId%22%3A%22hsa%3AA-HSA%201%22%7D');
    expect(link).not.toContain('&');
  });
});

const hsa = (overrides: Partial<IncomingAlert> = {}) =>
  raiseAlert(
    {
      source: 'hsa',
      dedupKey: 'CC-4719',
      title: 'Critical vulnerability in a VPN appliance',
      severity: 'High',
      ...overrides,
    },
    { id: 'A-HSA1', actor, at },
  ).alert;

const openUrls = (card: unknown): { title: string; url: string }[] => {
  const found: { title: string; url: string }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o['type'] === 'Action.OpenUrl')
        found.push({ title: String(o['title']), url: String(o['url']) });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
};

describe('cards', () => {
  test('when the Teams app id is set, then the HSA card opens the HSA in the tab, and an incident card has no tab link', () => {
    setTabLinkAppId(APP_ID);
    const card = alertCard(hsa());
    expect(validateCard(card)).toEqual([]);
    expect(openUrls(card)).toContainEqual({
      title: 'Open in the tab',
      url: tabDeepLink(APP_ID, { kind: 'hsa', id: 'A-HSA1' }),
    });
    const incident = alertCard(hsa({ source: 'incident', severity: 'high', dedupKey: 'MSP-1' }));
    expect(openUrls(incident).map((a) => a.title)).not.toContain('Open in the tab');
  });

  test('when the Teams app id is not set, then no card carries a tab link', () => {
    expect(openUrls(alertCard(hsa({ title: 'Another HSA' }))).map((a) => a.title)).not.toContain(
      'Open in the tab',
    );
    const risk = raiseRisk(
      {
        title: 'Legacy PACS',
        description: 'Unsupported.',
        orgCode: 'RXC',
        cafPrinciple: 'B4',
        likelihood: 5,
        consequence: 4,
        owner: 'CIO',
        reviewDate: '2027-01-31',
      },
      { id: 'R-1', actor: { ...actor, source: 'teams' }, at },
    ).risk;
    expect(openUrls(escalationCard(risk, {}))).toEqual([]);
  });

  test('when the Teams app id is set, then the escalation card opens the escalation in the tab, before and after the decision', () => {
    setTabLinkAppId(APP_ID);
    const lead = { id: 'l', name: 'Siân', source: 'teams' as const };
    const risk = raiseRisk(
      {
        title: 'Legacy PACS',
        description: 'Unsupported.',
        orgCode: 'RXC',
        cafPrinciple: 'B4',
        likelihood: 5,
        consequence: 4,
        owner: 'CIO',
        reviewDate: '2027-01-31',
      },
      { id: 'R-1', actor: lead, at },
    ).risk;
    expect(risk.status).toBe('escalated');
    const link = {
      title: 'Open in the tab',
      url: tabDeepLink(APP_ID, { kind: 'escalation', id: 'R-1' }),
    };
    const open = escalationCard(risk, {});
    expect(validateCard(open)).toEqual([]);
    expect(openUrls(open)).toEqual([link]);
    const decided = decideEscalation(
      risk,
      { choice: 'treat', rationale: 'Replace it' },
      { actor: lead, at, role: 'lead', decisionId: 'D-1' },
    );
    expect(openUrls(escalationCard(decided.risk, {}))).toEqual([link]);
  });
});

describe('the activity feed', () => {
  const recordingClient = () => {
    const posts: { path: string; body: { topic: { webUrl: string } } }[] = [];
    const client = {
      api: (path: string) => ({
        post: async (body: { topic: { webUrl: string } }) => {
          posts.push({ path, body });
        },
      }),
    } as unknown as Client;
    return { client, posts };
  };
  const memberId = 'b2b2b2b2-0000-4000-8000-000000000002';
  const logger = { warn: () => undefined };

  test('when an HSA is paged and the Teams app id is known, then the notification opens the HSA in the tab', async () => {
    const { client, posts } = recordingClient();
    await new GraphAlertActivityFeed(client, 'bot-id', logger, APP_ID).alertPaged(memberId, hsa());
    expect(posts[0]!.body.topic.webUrl).toBe(tabDeepLink(APP_ID, { kind: 'hsa', id: 'A-HSA1' }));
  });

  test('when an incident is paged, or the app id is not known, then the notification opens the chat with CTAC', async () => {
    const { client, posts } = recordingClient();
    await new GraphAlertActivityFeed(client, 'bot-id', logger, APP_ID).alertPaged(
      memberId,
      hsa({ source: 'incident', severity: 'high', dedupKey: 'MSP-1' }),
    );
    await new GraphAlertActivityFeed(client, 'bot-id', logger).alertPaged(memberId, hsa());
    expect(posts.map((p) => p.body.topic.webUrl)).toEqual([
      'https://teams.microsoft.com/l/chat/0/0?users=28:bot-id',
      'https://teams.microsoft.com/l/chat/0/0?users=28:bot-id',
    ]);
  });
});
