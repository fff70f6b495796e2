// The text cleaner moved to src/domain/shared/clean-text.ts; risk code and its readers still import it here.
export * from '../shared/clean-text';
