export * from './checklist';
export * from './matching';
export * from './procedure';
export * from './export';
