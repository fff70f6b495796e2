export * from './due';
export * from './dspt';
export * from './supplier';
