import { z } from 'zod';

/*
 * A JSON Schema subset with a hand-written validator: type, properties, required, items, enum,
 * minimum/maximum, minItems. Why not ajv: it is only a transitive dependency of eslint here, and the
 * subset a health check needs is ~50 lines whose messages we control (`$.items[0].id: expected
 * integer, got string`). The subset is strict: an unsupported keyword (`pattern`, `$ref`) is a config
 * error rather than a rule silently ignored.
 */

export const JSON_TYPES = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'] as const;
export type JsonType = (typeof JSON_TYPES)[number];

export interface JsonSchema {
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
}

const jsonType = z.enum(JSON_TYPES);

export const jsonSchemaSchema: z.ZodType<JsonSchema> = z.lazy(() =>
  z.strictObject({
    type: z
      .union([jsonType, z.array(jsonType).min(1)], { error: `expected one of ${JSON_TYPES.join(', ')}, or a list of them` })
      .optional(),
    properties: z.record(z.string(), jsonSchemaSchema).optional(),
    required: z.array(z.string()).optional(),
    items: jsonSchemaSchema.optional(),
    enum: z.array(z.unknown()).min(1).optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    minItems: z.number().int().nonnegative().optional(),
  }),
);

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function typeAllowed(allowed: JsonType, actual: JsonType): boolean {
  return allowed === actual || (allowed === 'number' && actual === 'integer');
}

/** Every way `value` breaks `schema`, each prefixed with its JSONPath; empty when it conforms. */
export function validateJson(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const actual = jsonTypeOf(value);
  if (schema.type !== undefined) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!allowed.some((t) => typeAllowed(t, actual))) return [`${path}: expected ${allowed.join(' or ')}, got ${actual}`];
  }
  const errors: string[] = [];
  if (schema.enum && !schema.enum.some((option) => jsonEqual(option, value))) {
    errors.push(`${path}: expected one of ${schema.enum.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: ${value} is below the minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: ${value} is above the maximum ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      errors.push(`${path}: expected at least ${schema.minItems} items, got ${value.length}`);
    }
    if (schema.items) value.forEach((item, i) => errors.push(...validateJson(schema.items as JsonSchema, item, `${path}[${i}]`)));
  }
  if (actual === 'object') errors.push(...validateObject(schema, value as Record<string, unknown>, path));
  return errors;
}

function validateObject(schema: JsonSchema, value: Record<string, unknown>, path: string): string[] {
  const errors: string[] = [];
  for (const key of schema.required ?? []) {
    if (!Object.hasOwn(value, key)) errors.push(`${childPath(path, key)}: is required`);
  }
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (Object.hasOwn(value, key)) errors.push(...validateJson(sub, value[key], childPath(path, key)));
  }
  return errors;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
