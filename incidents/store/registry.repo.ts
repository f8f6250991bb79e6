/**
 * The procurement and tariff registries the extension rules read (docs/rules.md §5): imported by
 * upsert, read per system for an incident's extensions and for the console's choice of procurement.
 */
import type { Queryable } from '../../core/db.ts';
import type { ProcurementFacts } from '../rules/index.ts';

/** A procurement as an incident's extensions read it. */
export interface ProcurementRow {
  id: string;
  announcement: string;
  lot: string;
  method: ProcurementFacts['method'];
  module: string | null;
  affected: boolean | null;
  protocol_formed_at: Date | null;
  deadlines: Record<string, string>;
}

export interface ProcurementRecord {
  id: string;
  announcement: string;
  lot: string;
  method: string;
  system: string | null;
  module: string | null;
  affected: boolean | null;
  /** ISO 8601, or null. */
  protocolFormedAt: string | null;
  /** Deadline kind → ISO 8601 (Astana). */
  deadlines: Record<string, unknown>;
  suppliers: unknown;
  /** ISO 8601. */
  importedAt: string;
}

/** Inserts a procurement or replaces what an import says of it (by id: announcement/lot). */
export async function upsertProcurement(tx: Queryable, p: ProcurementRecord): Promise<void> {
  await tx.query(
    `INSERT INTO procurements (id, announcement, lot, method, system, module, affected, protocol_formed_at, deadlines, suppliers, imported_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11)
     ON CONFLICT (id) DO UPDATE SET method = EXCLUDED.method, system = EXCLUDED.system, module = EXCLUDED.module, affected = EXCLUDED.affected,
       protocol_formed_at = EXCLUDED.protocol_formed_at, deadlines = EXCLUDED.deadlines, suppliers = EXCLUDED.suppliers, imported_at = EXCLUDED.imported_at`,
    [
      p.id,
      p.announcement,
      p.lot,
      p.method,
      p.system,
      p.module,
      p.affected,
      p.protocolFormedAt,
      JSON.stringify(p.deadlines),
      JSON.stringify(p.suppliers),
      p.importedAt,
    ],
  );
}

/** Inserts a tariff or replaces its supplier and validity (`validUntil`: YYYY-MM-DD; `importedAt`: ISO 8601). */
export async function upsertTariff(
  tx: Queryable,
  t: { id: string; supplier: string | null; validUntil: string; importedAt: string },
): Promise<void> {
  await tx.query(
    'INSERT INTO tariffs (id, supplier, valid_until, imported_at) VALUES ($1, $2, $3::date, $4) ON CONFLICT (id) DO UPDATE SET supplier = EXCLUDED.supplier, valid_until = EXCLUDED.valid_until, imported_at = EXCLUDED.imported_at',
    [t.id, t.supplier, t.validUntil, t.importedAt],
  );
}

/** The procurements of `system` (and those of no system), by id. */
export async function procurementsOfSystem(tx: Queryable, system: string | null): Promise<ProcurementRow[]> {
  return tx.query<ProcurementRow>(
    'SELECT id, announcement, lot, method, module, affected, protocol_formed_at, deadlines FROM procurements WHERE system IS NULL OR system = $1 ORDER BY id',
    [system],
  );
}

/** Procurement `id` if it is of `system` (or of no system). */
export async function procurementOfSystem(
  tx: Queryable,
  id: string,
  system: string | null,
): Promise<{ id: string; announcement: string; lot: string } | undefined> {
  return (
    await tx.query<{ id: string; announcement: string; lot: string }>(
      'SELECT id, announcement, lot FROM procurements WHERE id = $1 AND (system IS NULL OR system = $2)',
      [id, system],
    )
  )[0];
}

/** The registry's procurements an incident of `system` may name (for the console's choice), at most `limit`. */
export async function procurementChoices(
  db: Queryable,
  system: string | null,
  limit = 500,
): Promise<{ id: string; announcement: string; lot: string }[]> {
  return db.query<{ id: string; announcement: string; lot: string }>(
    'SELECT id, announcement, lot FROM procurements WHERE system IS NULL OR system = $1 ORDER BY id LIMIT $2',
    [system, limit],
  );
}

/** Every tariff with its validity as YYYY-MM-DD, by id. */
export async function tariffRows(tx: Queryable): Promise<{ id: string; valid_until: string }[]> {
  return tx.query<{ id: string; valid_until: string }>(
    "SELECT id, to_char(valid_until, 'YYYY-MM-DD') AS valid_until FROM tariffs ORDER BY id",
  );
}
