import type { OnCallSource } from './ports';

/**
 * Asks each source in turn and answers with the first that names anyone: the rota first, then the
 * admins' interim list, so a gap in the rota still pages someone.
 */
export class FirstOnCallSource implements OnCallSource {
  constructor(private readonly sources: (() => OnCallSource)[]) {}

  async onCallNow(at: Date): Promise<string[]> {
    for (const source of this.sources) {
      const ids = await source().onCallNow(at);
      if (ids.length > 0) return ids;
    }
    return [];
  }
}
