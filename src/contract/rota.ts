/** One rota layer now: who is on call, until when, and who is next. */
export interface RotaLayerView {
  layer: string;
  now: string[];
  gapNow: boolean;
  untilUk?: string;
  next: string[];
}

export interface RotaShiftView {
  layer: string;
  who: string;
  startUk: string;
  endUk: string;
  start: string;
  coveringFor?: string;
}

export interface RotaGapView {
  layer: string;
  startUk: string;
  endUk: string;
}

export interface RotaView {
  layers: RotaLayerView[];
  shifts: RotaShiftView[];
  gaps: RotaGapView[];
}
