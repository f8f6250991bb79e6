/**
 * Named error classes used as signals across kuzet. The HTTP API turns them into
 * `{error:{code,message,field}}`; the CLI turns an {@link InputError} into exit code 2.
 */

export const ERROR_CODES = {
  invalid_input: 'the input is not valid',
  invalid_config: 'the configuration is not valid',
  not_found: 'no such resource',
  conflict: 'the resource was changed by someone else',
  unauthorized: 'authentication is required',
  forbidden: 'the role does not allow this',
  unavailable: 'a dependency is unavailable',
  rate_limited: 'too many requests; retry later',
  migration_failed: 'a database migration failed',
  internal: 'internal error',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export class KuzetError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly status: number;
  constructor(code: ErrorCode, message: string, opts: { field?: string; status?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.field = opts.field;
    this.status = opts.status ?? 500;
  }
}

/** Bad input from a user, a file or an API body. `field` is the path of the offending value. */
export class InputError extends KuzetError {
  /** Every problem found, each with its path; `message` holds the first. */
  readonly issues: { field: string; message: string }[];
  constructor(issues: { field: string; message: string }[] | string, field?: string) {
    const list = typeof issues === 'string' ? [{ field: field ?? '', message: issues }] : issues;
    const first = list[0] ?? { field: '', message: 'invalid input' };
    super('invalid_input', first.field ? `${first.field}: ${first.message}` : first.message, {
      field: first.field || undefined,
      status: 400,
    });
    this.issues = list;
  }
}

export class ConfigError extends KuzetError {
  readonly issues: { field: string; message: string }[];
  constructor(issues: { field: string; message: string }[]) {
    super('invalid_config', issues.map((i) => `${i.field}: ${i.message}`).join('\n'), {
      field: issues[0]?.field,
      status: 400,
    });
    this.issues = issues;
  }
}

export class NotFoundError extends KuzetError {
  constructor(message: string) {
    super('not_found', message, { status: 404 });
  }
}

export class UnavailableError extends KuzetError {
  constructor(message: string, cause?: unknown) {
    super('unavailable', message, { status: 503, cause });
  }
}

/** Formats a zod-style issue path (`['systems','portal','targets',2,'url']`) as `systems.portal.targets[2].url`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Turns zod issues into field-named issues. */
export function issuesFromZod(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, prefix = '') {
  return issues.map((i) => {
    const p = formatPath(i.path);
    return { field: prefix && p ? `${prefix}.${p}` : prefix || p, message: i.message };
  });
}
