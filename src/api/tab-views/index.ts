/*
 * The tab's read models: pure functions from what the use cases return to what the tab shows, one file a view.
 * The shapes they return are the tab's contract, in src/contract. Times go out both as ISO instants (for
 * sorting) and already formatted for UK readers (28 Nov 2026, 09:00).
 */
export * from './alerts';
export * from './decisions';
export * from './escalations';
export * from './hsa';
export * from './org-names';
export * from './risks';
export * from './rota';
export * from './suppliers';
