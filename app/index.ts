/** The face of app/: what other folders may import from it. */
export { startKuzet, startWorker } from './start.ts';
export type { KuzetHandle } from './start.ts';
export { RESTART_ONLY_SECTIONS, appliedOutcome, reloadChanges } from './reload.ts';
