// The face of probes/: check kinds, their registry and the runner. Other folders import only this file.
export * from './types.ts';
export { PROBES, CHECK_KINDS, getProbe } from './registry.ts';
export type { CheckKind } from './registry.ts';
export { runCheck } from './runner.ts';
export type { CheckIds, RunOptions } from './runner.ts';
export type { HttpConfig } from './http.probe.ts';
export type { JsonApiConfig } from './json-api.probe.ts';
export type { TcpConfig } from './tcp.probe.ts';
export type { DnsConfig } from './dns.probe.ts';
export type { TlsConfig } from './tls.probe.ts';
export type { JsonSchema } from './json-schema.ts';
export { closeBrowserPool, configureBrowserPool } from './browser/pool.ts';
export { assertJourneyFiles, validateJourneyFiles } from './browser/journey-loader.ts';
export { defineJourney } from './browser/journey.ts';
export type { BrowserConfig, JourneyObservations } from './browser.probe.ts';
