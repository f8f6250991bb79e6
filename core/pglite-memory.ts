/**
 * What bounds the memory of an embedded PGlite (issue #19 goal 3: `kuzet start` with 1,000 HTTP checks
 * within 256 MB resident). Measured in the pipeline-cost bench and written up in the rss note:
 *
 * - V8's optimising compiler (TurboFan) tiering up PGlite's hot WebAssembly functions cost 40–85 MB that
 *   were never given back: its compile zones for Postgres' large functions (the executor, the parser)
 *   are malloc'd on background threads and stay in glibc's arenas. Liftoff, V8's baseline compiler,
 *   compiles in one pass with almost no working memory; the Postgres work kuzet does is a small share
 *   of its CPU, and the CPU per check measured the same or lower (no tier-up compiles).
 * - Postgres zeroes its shared buffers when it starts, so every megabyte of `shared_buffers` is resident
 *   in the WebAssembly heap from the first second (1 MB → 13 MB, 8 MB → 21 MB, 16 MB → 29 MB, the 128 MB
 *   default → 151 MB). kuzet's hot pages are the tails of its tables and indexes; a page that falls out
 *   is read back from the operating system's file cache.
 */
import { setFlagsFromString } from 'node:v8';

/** Postgres settings of every PGlite kuzet opens, initdb included. */
export const PGLITE_CONF = ['shared_buffers=8MB', 'wal_buffers=1MB'] as const;

/**
 * Compiles WebAssembly with Liftoff only, from now on in this process. Call before PGlite compiles its
 * module: V8 reads the flag when a module is compiled. The flag is process-wide; PGlite is the only
 * WebAssembly kuzet loads besides the HTTP parser of Node's built-in fetch (webhooks, Influx), which
 * Liftoff runs fast enough for their volume.
 */
export function useBaselineWasmCompiler(): void {
  setFlagsFromString('--liftoff-only');
}
