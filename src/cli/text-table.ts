/**
 * Rows of cells as aligned text columns (two spaces apart, no trailing blanks), for the commands
 * that print tables.
 * @module
 */
export function textTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows.map((row) => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd())
}
