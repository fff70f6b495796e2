import type { OnCallSource } from '../alerts/ports';
import type { RotaService } from './rota-service';

/**
 * Who the alert escalation pages, from the rota: the primary(s) first, then the secondary(s), as
 * Entra object ids (lower case). Empty when nobody is on call (a gap in both layers).
 */
export class RotaOnCallSource implements OnCallSource {
  constructor(private readonly rota: Pick<RotaService, 'whoIsOnCall'>) {}

  async onCallNow(at: Date): Promise<string[]> {
    const now = await this.rota.whoIsOnCall(at);
    const ids = [...now.primary.onCall, ...now.secondary.onCall].map((a) => a.memberId);
    return [...new Set(ids)];
  }
}
