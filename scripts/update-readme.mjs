// Regenerates the README tables from the code (npm run docs). test/docs/readme.test.ts fails when
// they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderCodesTable, renderOptionsTable, replaceSection } from '../dist/docs/readme-tables.js';
import { renderLimitsTable } from '../dist/docs/limits-table.js';
import { renderMetricsTable } from '../dist/metrics/metrics-table.js';

const path = new URL('../README.md', import.meta.url);
let readme = readFileSync(path, 'utf8');
readme = replaceSection(readme, 'options', renderOptionsTable());
readme = replaceSection(readme, 'codes', renderCodesTable());
readme = replaceSection(readme, 'metrics', renderMetricsTable());
readme = replaceSection(readme, 'limits', renderLimitsTable());
writeFileSync(path, readme);
console.log('README.md tables updated');
