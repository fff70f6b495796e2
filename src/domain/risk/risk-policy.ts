import { DEFAULT_RISK_APPETITE, type RiskAppetite } from './risk-appetite';
import { DEFAULT_RISK_BANDS, type RiskBandTable } from './risk-bands';

/** What admins configure for scoring: the bands and the appetite. Loaded by the app, passed to the domain. */
export interface RiskPolicy {
  bands: RiskBandTable;
  appetite: RiskAppetite;
}

/** The NHS 5x5 bands and an ICS-wide appetite of 12. */
export const DEFAULT_RISK_POLICY: RiskPolicy = Object.freeze({
  bands: DEFAULT_RISK_BANDS,
  appetite: DEFAULT_RISK_APPETITE,
});
