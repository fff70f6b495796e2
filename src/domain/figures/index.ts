/** The figures of a quarter (issue 20): pure arithmetic over what the stores keep. */
export * from './alert-figures';
export * from './hsa-figures';
export * from './quarter';
export * from './risk-figures';
export * from './stats';
export * from './week';
export * from './register-figures';
export * from './resolved-weeks';
