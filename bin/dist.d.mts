// Types of bin/dist.mjs for the TypeScript that uses it (the test of the compiled start, the bench).
export type DistState = 'fresh' | 'stale' | 'missing' | 'compiled-only';
export const NOT_BUILT: string[];
export const NOT_SHIPPED: RegExp;
export const STAMP: string;
export function builtFolders(root: string): string[];
export function builtFiles(root: string): string[];
export function filesFingerprint(root: string, files?: string[]): string;
export function contentFingerprint(root: string, files?: string[]): string;
export function stampOf(root: string, files?: string[]): { files: string; content: string; builtAt: string };
export function hasSources(root: string): boolean;
export function distState(root: string, dist?: string): DistState;
