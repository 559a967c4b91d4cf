import { skippedTotal, type ImportReport } from './import-report.js';

/** The closing table of `npm run import`: one column per file, one line per figure, then the skipped lines named. */
export function reportTable(reports: readonly ImportReport[]): string {
  const reasons = [...new Set(reports.flatMap((report) => Object.keys(report.skipped)))].sort();
  const lines: [string, ...string[]][] = [
    ['file', ...reports.map((r) => r.file.replace(/^.*\//, ''))],
    ['format', ...reports.map((r) => r.format)],
    ['rows read', ...reports.map((r) => String(r.rowsRead))],
    ['interstate rows', ...reports.map((r) => String(r.interstateRows))],
    ['incidents created', ...reports.map((r) => String(r.incidentsCreated))],
    ['corroborations', ...reports.map((r) => String(r.corroborations))],
    ['already recorded', ...reports.map((r) => String(r.alreadyRecorded))],
    ['skipped', ...reports.map((r) => String(skippedTotal(r)))],
    ...reasons.map((reason): [string, ...string[]] => [`  ${reason}`, ...reports.map((r) => String(r.skipped[reason as keyof ImportReport['skipped']]?.count ?? 0))]),
    ['rows/s', ...reports.map((r) => String(Math.round(r.rowsRead / Math.max(r.elapsedMs / 1000, 0.001))))],
  ];
  const widths = lines[0].map((_, column) => Math.max(...lines.map((line) => line[column].length)));
  const table = lines.map((line) => line.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]))).join('  '));
  const examples = reports.flatMap((report) =>
    Object.entries(report.skipped).map(
      ([reason, entry]) => `${report.file.replace(/^.*\//, '')} ${reason}: lines ${entry!.firstLines.map((l) => (l.problem ? `${l.line} (${l.problem})` : l.line)).join(', ')}${entry!.count > entry!.firstLines.length ? ', …' : ''}`,
    ),
  );
  return [...table, '', ...examples].join('\n');
}
