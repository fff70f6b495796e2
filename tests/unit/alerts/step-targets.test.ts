import type { EscalationTarget } from '../../../src/domain/alerts/escalation-policy';
import {
  layerGapText,
  whoAStepPages,
  type LayerGap,
  type OnCallLayers,
} from '../../../src/domain/alerts/step-targets';

const primary: EscalationTarget = { kind: 'primary' };
const secondary: EscalationTarget = { kind: 'secondary' };
const leadsTarget: EscalationTarget = { kind: 'leads' };
const channel: EscalationTarget = { kind: 'channel' };
const member = (memberId: string): EscalationTarget => ({ kind: 'member', memberId });

const LEADS = ['lee', 'ada'];
const layers = (p: string[], s: string[]): OnCallLayers => ({ primary: p, secondary: s });
const primaryGap: LayerGap = { gap: 'primary', pagedInstead: 'secondary' };
const secondaryGap: LayerGap = { gap: 'secondary', pagedInstead: 'leads' };
const bothGap: LayerGap = { gap: 'both', pagedInstead: 'leads' };

describe('whoAStepPages', () => {
  test.each<{
    when: string;
    targets: EscalationTarget[];
    onCall: OnCallLayers;
    leads?: string[];
    people: string[];
    gaps?: LayerGap[];
    channel?: boolean;
  }>([
    {
      when: 'one primary, no secondary, a primary step',
      targets: [primary],
      onCall: layers(['sam'], []),
      people: ['sam'],
    },
    {
      when: 'two primaries (after rota add), a primary step',
      targets: [primary],
      onCall: layers(['sam', 'jo'], ['alex']),
      people: ['sam', 'jo'],
    },
    {
      when: 'two primaries and a secondary, a secondary step',
      targets: [secondary],
      onCall: layers(['sam', 'jo'], ['alex']),
      people: ['alex'],
    },
    {
      when: 'two primaries and a secondary, a step for both',
      targets: [primary, secondary],
      onCall: layers(['sam', 'jo'], ['alex']),
      people: ['sam', 'jo', 'alex'],
    },
    {
      when: 'one primary and one secondary, a secondary step',
      targets: [secondary],
      onCall: layers(['sam'], ['alex']),
      people: ['alex'],
    },
    {
      when: 'a gap in the primary layer, a primary step',
      targets: [primary],
      onCall: layers([], ['alex']),
      people: ['alex'],
      gaps: [primaryGap],
    },
    {
      when: 'a gap in the primary layer, a step for both',
      targets: [primary, secondary],
      onCall: layers([], ['alex']),
      people: ['alex'],
      gaps: [primaryGap],
    },
    {
      when: 'a gap in the secondary layer, a secondary step',
      targets: [secondary],
      onCall: layers(['sam'], []),
      people: ['lee', 'ada'],
      gaps: [secondaryGap],
    },
    {
      when: 'two primaries and no secondary, a step for both',
      targets: [primary, secondary],
      onCall: layers(['sam', 'jo'], []),
      people: ['sam', 'jo', 'lee', 'ada'],
      gaps: [secondaryGap],
    },
    {
      when: 'nobody on call anywhere, a primary step',
      targets: [primary],
      onCall: layers([], []),
      people: ['lee', 'ada'],
      gaps: [bothGap],
    },
    {
      when: 'nobody on call anywhere, a step for both',
      targets: [primary, secondary],
      onCall: layers([], []),
      people: ['lee', 'ada'],
      gaps: [bothGap],
    },
    {
      when: 'nobody on call anywhere, a secondary step',
      targets: [secondary],
      onCall: layers([], []),
      people: ['lee', 'ada'],
      gaps: [bothGap],
    },
    {
      when: 'nobody on call anywhere and no leads, a primary step',
      targets: [primary],
      onCall: layers([], []),
      leads: [],
      people: [],
      gaps: [bothGap],
      channel: true,
    },
    {
      when: 'a secondary gap and no leads, a secondary step',
      targets: [secondary],
      onCall: layers(['sam'], []),
      leads: [],
      people: [],
      gaps: [secondaryGap],
      channel: true,
    },
    {
      when: 'someone covering the primary (the rota names the cover)',
      targets: [primary],
      onCall: layers(['priya'], ['alex']),
      people: ['priya'],
    },
    {
      when: 'the primary on leave with nobody covering (the rota leaves a gap)',
      targets: [primary, secondary],
      onCall: layers([], ['alex']),
      people: ['alex'],
      gaps: [primaryGap],
    },
    {
      when: 'the same person in both layers, a step for both',
      targets: [primary, secondary],
      onCall: layers(['sam'], ['sam']),
      people: ['sam'],
    },
    {
      when: 'a lead on call and the leads paged too',
      targets: [primary, leadsTarget],
      onCall: layers(['lee'], []),
      people: ['lee', 'ada'],
    },
    {
      when: 'a named member and the channel (no rota needed)',
      targets: [member('BOB'), channel],
      onCall: layers([], []),
      people: ['bob'],
      channel: true,
    },
    {
      when: 'the leads with no leads at all (as before: nobody, no gap)',
      targets: [leadsTarget],
      onCall: layers(['sam'], ['alex']),
      leads: [],
      people: [],
    },
  ])('when $when, then the right people are paged', (c) => {
    expect(whoAStepPages(c.targets, c.onCall, c.leads ?? LEADS)).toEqual({
      people: c.people,
      channel: c.channel ?? false,
      gaps: c.gaps ?? [],
    });
  });

  test('when the primary layer has two people, then the secondary step never pages the second primary', () => {
    const onCall = layers(['sam', 'jo'], ['alex']);
    expect(whoAStepPages([secondary], onCall, LEADS).people).not.toContain('jo');
  });
});

describe('layerGapText', () => {
  test.each<[LayerGap, string]>([
    [
      primaryGap,
      'Nobody is on call in the primary layer of the rota for "Ransomware on a file server": the secondary was paged instead. Check the rota.',
    ],
    [
      secondaryGap,
      'Nobody is on call in the secondary layer of the rota for "Ransomware on a file server": the leads were paged instead. Check the rota.',
    ],
    [
      bothGap,
      'Nobody is on call in either layer of the rota for "Ransomware on a file server": the leads were paged instead. Check the rota.',
    ],
  ])('when the gap is %o, then the leads are told in plain words', (gap, text) => {
    expect(layerGapText(gap, 'Ransomware on a file server')).toBe(text);
  });
});
