// eslint-doc-generator reads the built plugin (`dist/`), so run `npm run build` first.
import path from 'node:path';

import plugin from './dist/index.js';

const BEGIN = '<!-- begin auto-generated rule options list -->';
const END = '<!-- end auto-generated rule options list -->';

/**
 * Where each option lives, by the name eslint-doc-generator gives it: a top-level property keeps its
 * name, a property of the entries of an array option becomes `option[].property`, a property of an
 * object option `option.property`. eslint-doc-generator lists nested properties under their bare
 * names, so `require-lock-release-in-finally` showed `acquire` and `release` as required top-level
 * options when they are fields of each `locks[]` entry.
 */
function optionPaths(schema) {
  const paths = new Map();
  const visit = (node, prefix) => {
    for (const [name, property] of Object.entries(node?.properties ?? {})) {
      const full = prefix === '' ? name : `${prefix}${name}`;
      if (paths.has(name) && paths.get(name) !== full) {
        throw new Error(`two options are named ${name} (${paths.get(name)}, ${full}): the options table cannot tell them apart`);
      }
      paths.set(name, full);
      if (property.type === 'array' && property.items?.properties != null) visit(property.items, `${full}[].`);
      else if (property.properties != null) visit(property, `${full}.`);
    }
  };
  for (const item of Array.isArray(schema) ? schema : [schema]) visit(item, '');
  return paths;
}

/** A left-aligned Markdown table laid out as eslint-doc-generator lays out its own. */
function formatTable([header, ...rows]) {
  const widths = header.map((_, column) => Math.max(3, ...[header, ...rows].map((row) => row[column].length)));
  const line = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => `:${'-'.repeat(width - 1)}`).join(' | ')} |`, ...rows.map(line)].join('\n');
}

function nestedOptionNames(content, file) {
  const rule = plugin.rules[path.basename(file, '.md')];
  const begin = content.indexOf(BEGIN);
  const end = content.indexOf(END);
  if (rule == null || begin === -1 || end === -1) return content;
  const paths = optionPaths(rule.meta.schema);
  const tableLines = content.slice(begin + BEGIN.length, end).trim().split('\n');
  if (tableLines.length < 3 || [...paths].every(([name, full]) => name === full)) return content;
  const cells = (row) => row.slice(1, -1).split(' | ').map((cell) => cell.trim());
  const [header, , ...rows] = tableLines.map(cells);
  const renamed = rows
    .map(([name, ...rest]) => [paths.get(name.slice(1, -1)) ?? name.slice(1, -1), ...rest])
    .sort((a, b) => a[0].toLowerCase().localeCompare(b[0].toLowerCase()))
    .map(([name, ...rest]) => [`\`${name}\``, ...rest]);
  return `${content.slice(0, begin + BEGIN.length)}\n\n${formatTable([header, ...renamed])}\n\n${content.slice(end)}`;
}

/** @type {import('eslint-doc-generator').GenerateOptions} */
const config = {
  configEmoji: [
    ['recommended', '✅'],
    ['strict', '🔒'],
    ['all', '🌐'],
  ],
  ruleListColumns: [
    'name',
    'description',
    'configsError',
    'configsWarn',
    'configsOff',
    'fixable',
    'hasSuggestions',
    'requiresTypeChecking',
    'options',
    'deprecated',
  ],
  ruleDocNotices: [
    'configs',
    'deprecated',
    'fixableAndHasSuggestions',
    'requiresTypeChecking',
    'options',
    'description',
  ],
  ruleDocTitleFormat: 'prefix-name',
  // The layout every rule doc follows (see tests/docs.test.ts for how examples are checked).
  ruleDocSectionInclude: ['Examples', 'When Not To Use It'],
  urlConfigs: 'https://github.com/race-guard/eslint-plugin-race-guard#configs',
  postprocess: nestedOptionNames,
};

export default config;
