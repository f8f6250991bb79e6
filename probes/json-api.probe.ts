import { z } from 'zod';
import { errorOutcome, roundMs, verdict } from './classify.ts';
import { httpObservation, httpRequest, responseObservations, type HttpObservation, type HttpResponse } from './http-client.ts';
import { httpRequestFields } from './http-fields.ts';
import { checkStatus } from './http-status.ts';
import { jsonSchemaSchema, validateJson } from './json-schema.ts';
import type { Probe } from './types.ts';

export const jsonApiSchema = z.strictObject({
  ...httpRequestFields,
  /** The body the API must answer with: a JSON Schema subset (see json-schema.ts). */
  schema: jsonSchemaSchema,
});
export type JsonApiConfig = z.output<typeof jsonApiSchema>;

/** Calls a JSON API and checks its status and that the body conforms to a schema. */
/** A JSON API call observes what any HTTP response does. */
export const jsonApiObservation = httpObservation;
export type JsonApiObservation = HttpObservation;

export const jsonApiProbe: Probe<typeof jsonApiSchema, JsonApiObservation> = {
  kind: 'json-api',
  schema: jsonApiSchema,
  observation: jsonApiObservation,
  async run(config, ctx) {
    const started = performance.now();
    const headers = { accept: 'application/json', ...config.headers };
    let res: HttpResponse;
    try {
      res = await httpRequest({ ...config, headers }, ctx.signal);
    } catch (err) {
      return errorOutcome(err, ctx.signal);
    }
    const latencyMs = roundMs(performance.now() - started);
    const observations = responseObservations(res, latencyMs);
    const statusFailure = checkStatus(config.expectStatus, config.maxRedirects, res);
    if (statusFailure) return { ok: false, errorKind: 'http-status', message: statusFailure, latencyMs, observations };
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch (err) {
      return verdict([`body is not JSON: ${(err as Error).message}`], '', latencyMs, observations);
    }
    return verdict(validateJson(config.schema, body), `HTTP ${res.status}, body matches the schema`, latencyMs, observations);
  },
};
