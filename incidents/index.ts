/** The face of incidents/: the rules engine today; detection, lifecycle and the journal as they land. */
export * from './rules/index.ts';
export * from './etp/index.ts';
