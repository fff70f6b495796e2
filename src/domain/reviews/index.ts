/** Post-incident and post-exercise reviews (issue 21): lessons and actions with owners and due dates. */
export * from './review';
