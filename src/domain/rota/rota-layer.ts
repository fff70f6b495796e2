/** CTAC has two layers of cover: the primary is paged first, the secondary if the primary does not answer. */
export type RotaLayer = 'primary' | 'secondary';

export const ROTA_LAYERS: readonly RotaLayer[] = ['primary', 'secondary'];

export const isRotaLayer = (value: unknown): value is RotaLayer =>
  typeof value === 'string' && (ROTA_LAYERS as readonly string[]).includes(value);
