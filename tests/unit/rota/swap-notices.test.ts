import { whoToTellAboutSwap, type SwapChange } from '../../../src/domain/rota/swap-notices';
import { BOB, JANE, LEAD } from './fixtures';

const swap = { fromMemberId: JANE, toMemberId: BOB };

describe('whoToTellAboutSwap', () => {
  test.each<[string, SwapChange, string | undefined, string[]]>([
    ['Jane offers her shift to Bob', 'proposed', JANE, [BOB]],
    ["a lead offers Jane's shift to Bob", 'proposed', LEAD, [BOB]],
    ['Bob answers (accepts or declines)', 'answered', BOB, [JANE]],
    ['Jane cancels her offer', 'answered', JANE, [BOB]],
    ['a lead approves it', 'answered', LEAD, [JANE, BOB]],
    ['someone unknown answers', 'answered', undefined, [JANE, BOB]],
  ])(
    'when %s, then the people told in their chat are the right ones',
    (_case, change, actor, told) => {
      expect(whoToTellAboutSwap(swap, change, actor)).toEqual(told);
    },
  );
});
