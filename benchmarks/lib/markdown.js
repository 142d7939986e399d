'use strict';
/** Markdown helpers: every table in RESULTS.md goes through `table()` so they all look alike. */

function escapeCell(value) {
  return String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
}

/** A GitHub table from a header row and rows of cells. */
function table(headers, rows) {
  const line = (cells) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** "met", "missed", or "-" for a contender without a goal. */
function verdict(met) {
  if (met === true) return '**met**';
  if (met === false) return '**MISSED**';
  return '-';
}

module.exports = { table, verdict };
