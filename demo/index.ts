/** The face of demo/: what other folders may import from it. */
export { startDemo } from './run.ts';
export type { DemoHandle } from './run.ts';
