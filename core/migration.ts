/** One versioned schema migration (see core/migrations.ts for the version ranges). */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}
