/** One risk as the register's table lists it. */
export interface RiskRowView {
  id: string;
  title: string;
  orgCode: string;
  orgName: string;
  cafPrinciple: string;
  likelihood: number;
  consequence: number;
  score: number;
  band: string;
  status: string;
  statusLabel: string;
  owner: string;
  reviewDate: string;
  lastDecision?: string;
}

/** The heat map: counts[likelihood - 1][consequence - 1]. */
export interface HeatMap {
  counts: number[][];
  total: number;
}

export interface RiskRegisterView {
  risks: RiskRowView[];
  heatMap: HeatMap;
  /** What the filter lists offer. */
  organisations: { code: string; name: string }[];
  bands: string[];
}
