import type { OnCallSource } from '../alerts/ports';
import type { OnCallLayers } from '../../domain/alerts';
import type { RotaService } from './rota-service';

/**
 * Who the alert escalation pages, from the rota, layer by layer (after covers, leave and `rota add`):
 * everyone on call in the primary layer and everyone in the secondary layer, as Entra object ids
 * (lower case), each once per layer. An empty layer is a gap.
 */
export class RotaOnCallSource implements OnCallSource {
  constructor(private readonly rota: Pick<RotaService, 'whoIsOnCall'>) {}

  async onCallNow(at: Date): Promise<OnCallLayers> {
    const now = await this.rota.whoIsOnCall(at);
    const ids = (layer: typeof now.primary) => [
      ...new Set(layer.onCall.map((a) => a.memberId.toLowerCase())),
    ];
    return { primary: ids(now.primary), secondary: ids(now.secondary) };
  }
}
