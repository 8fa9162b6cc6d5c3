// Why a ported test fails on upstream Contour v1.33.6 when the cause is the bed or a deliberate
// difference, not the port: shown in the README table's note column. Keyed by mocha's full title.

/** Notes by full test title. */
export const PORT_NOTES: Readonly<Record<string, string>> = {};
