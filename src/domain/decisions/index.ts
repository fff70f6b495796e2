/** The decision log: decisions are logged, never edited, and corrected by superseding. */
export * from './attribution';
export * from './decision';
export * from './exercise-tag';
export * from './supersede';
