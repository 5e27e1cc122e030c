// Compares a corpus run (scripts/corpus/lint.mjs output) with the committed triage verdicts:
//   node scripts/corpus/diff.mjs findings.json [--verdicts evaluation/verdicts] [--project id]...
//                                [--allow-unread] [--fail-on-message-change] [--json summary.json]
//
// A verdict (evaluation/verdicts/<project>.json, see the README there) matches the findings of
// its project with the same rule, file and line. Printed:
//   - LOST TRUE: a TRUE verdict whose finding is no longer reported (a regression);
//   - verdicts no longer reported (BORDERLINE / FALSE: usually a false positive fixed);
//   - message changed: the finding is still there but its text differs from the triaged one;
//   - unread: findings with no verdict yet;
//   - precision per rule and per project over the triaged findings;
//   - fix coverage: how many TRUE findings come with an autofix or a suggestion, per rule.
// Only projects present in the findings file are compared (a run of one project says nothing of
// the others' verdicts). Exit 1 when a TRUE verdict is lost or a finding is unread (unless
// --allow-unread), or a message changed with --fail-on-message-change; 2 on bad input.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const repoRoot = path.join(import.meta.dirname, '..', '..');
const VERDICTS = ['TRUE', 'BORDERLINE', 'FALSE'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    verdicts: { type: 'string', default: path.join(repoRoot, 'evaluation', 'verdicts') },
    project: { type: 'string', multiple: true },
    'allow-unread': { type: 'boolean', default: false },
    'fail-on-message-change': { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || positionals.length !== 1) {
  console.log('usage: node scripts/corpus/diff.mjs findings.json [--verdicts DIR] [--project id]... [--allow-unread] [--fail-on-message-change] [--json FILE]');
  process.exit(values.help ? 0 : 2);
}

const run = readJson(positionals[0]);
if (!Array.isArray(run.findings) || !Array.isArray(run.projects)) fail(`${positionals[0]} is not a scripts/corpus/lint.mjs output (no findings/projects)`);
const projectIds = run.projects.map((project) => project.id).filter((id) => values.project == null || values.project.includes(id));
const failedProjects = new Set(run.projects.filter((project) => project.error != null).map((project) => project.id));

const normalizeRule = (rule) => (rule.startsWith('race-guard/') ? rule : `race-guard/${rule}`);
const keyOf = (project, rule, file, line) => `${project}\u0000${normalizeRule(rule)}\u0000${file}\u0000${String(line)}`;

// Verdicts of the compared projects, validated.
const problems = [];
const verdictsByKey = new Map();
const verdictList = [];
for (const project of projectIds) {
  const file = path.join(values.verdicts, `${project}.json`);
  if (!fs.existsSync(file)) continue;
  const entries = readJson(file);
  if (!Array.isArray(entries)) {
    problems.push(`${file}: not an array`);
    continue;
  }
  entries.forEach((entry, index) => {
    const where = `${path.basename(file)}[${String(index)}]`;
    const bad = validate(entry);
    if (bad != null) {
      problems.push(`${where}: ${bad}`);
      return;
    }
    const verdict = { ...entry, project, rule: normalizeRule(entry.rule), where };
    const key = keyOf(project, verdict.rule, verdict.file, verdict.line);
    if (verdictsByKey.has(key)) {
      problems.push(`${where}: same rule, file and line as ${verdictsByKey.get(key).where}`);
      return;
    }
    verdictsByKey.set(key, verdict);
    verdictList.push(verdict);
  });
}
if (problems.length > 0) {
  console.log(`Malformed verdicts (${String(problems.length)}):`);
  for (const problem of problems) console.log(`  ${problem}`);
  process.exit(2);
}

// Match.
const findings = run.findings.filter((finding) => projectIds.includes(finding.project));
const findingsByKey = new Map();
for (const finding of findings) {
  const key = keyOf(finding.project, finding.rule, finding.file, finding.line);
  if (!findingsByKey.has(key)) findingsByKey.set(key, []);
  findingsByKey.get(key).push(finding);
}
const unread = [];
const changed = [];
const judged = []; // { finding, verdict }
for (const finding of findings) {
  const verdict = verdictsByKey.get(keyOf(finding.project, finding.rule, finding.file, finding.line));
  if (verdict == null) unread.push(finding);
  else judged.push({ finding, verdict });
}
for (const [key, verdict] of verdictsByKey) {
  const current = findingsByKey.get(key);
  if (current != null && !current.some((finding) => finding.message === verdict.message)) changed.push({ verdict, now: current[0].message });
}
const lost = verdictList.filter((verdict) => !findingsByKey.has(keyOf(verdict.project, verdict.rule, verdict.file, verdict.line)));
const lostTrue = lost.filter((verdict) => verdict.verdict === 'TRUE');
const lostOther = lost.filter((verdict) => verdict.verdict !== 'TRUE');

// Report.
const short = (rule) => rule.replace(/^race-guard\//, '');
console.log(`Findings: ${positionals[0]} (plugin src ${String(run.plugin?.srcCommit ?? run.plugin?.commit ?? '?').slice(0, 10)}${run.plugin?.srcDirty ? ', dirty' : ''}, ${String(run.generatedAt ?? '')})`);
console.log(`Verdicts: ${values.verdicts}`);
console.log(`Projects: ${projectIds.join(', ')}`);
console.log(`${String(findings.length)} findings, ${String(verdictList.length)} verdicts, ${String(judged.length)} findings triaged, ${String(unread.length)} unread\n`);
if (failedProjects.size > 0) console.log(`!!! Projects whose lint FAILED in this run (their verdicts count as lost): ${[...failedProjects].join(', ')}\n`);

if (lostTrue.length > 0) {
  console.log(`!!! LOST TRUE VERDICTS (${String(lostTrue.length)}): real bugs the rules no longer report`);
  for (const verdict of lostTrue) console.log(`!!!   ${verdict.project} ${verdict.file}:${String(verdict.line)} ${short(verdict.rule)} — ${verdict.reason}`);
  console.log('');
}
if (lostOther.length > 0) {
  console.log(`No longer reported (${String(lostOther.length)}):`);
  for (const verdict of lostOther) console.log(`  ${verdict.verdict.padEnd(10)} ${verdict.project} ${verdict.file}:${String(verdict.line)} ${short(verdict.rule)}${verdict.class != null ? ` [${verdict.class}]` : ''} — ${verdict.reason}`);
  console.log('');
}
if (changed.length > 0) {
  console.log(`Message changed (${String(changed.length)}):`);
  for (const { verdict, now } of changed) {
    console.log(`  ${verdict.verdict.padEnd(10)} ${verdict.project} ${verdict.file}:${String(verdict.line)} ${short(verdict.rule)}`);
    console.log(`    was: ${verdict.message}`);
    console.log(`    now: ${now}`);
  }
  console.log('');
}
if (unread.length > 0) {
  console.log(`Unread (${String(unread.length)}): findings with no verdict`);
  for (const finding of unread) {
    const near = lost.find((verdict) => verdict.project === finding.project && verdict.rule === finding.rule && verdict.file === finding.file && Math.abs(verdict.line - finding.line) <= 5);
    console.log(`  ${finding.project} ${finding.file}:${String(finding.line)}:${String(finding.column)} ${short(finding.rule)} [${finding.fix}]${near != null ? ` (moved from line ${String(near.line)}? ${near.verdict} there)` : ''}`);
    console.log(`    ${finding.message}`);
  }
  console.log('');
}

const byRule = tally(judged, unread, (finding) => short(finding.rule));
const byProject = tally(judged, unread, (finding) => finding.project);
printTable('rule', byRule);
printTable('project', byProject);
// Whether the message explains the race truly (verdict fields `cited`: the cited await is the slow
// one; `chain`: the chain is a path of calls that ends in the I/O), over the findings whose message
// is still the one that was read.
const explained = { cited: new Map(), chain: new Map(), reread: 0 };
for (const { finding, verdict } of judged) {
  if (verdict.cited == null && verdict.chain == null) continue;
  if (finding.message !== verdict.message) {
    explained.reread++;
    continue;
  }
  for (const field of ['cited', 'chain']) {
    const value = verdict[field] ?? 'n/a';
    explained[field].set(value, (explained[field].get(value) ?? 0) + 1);
  }
}
if (explained.cited.size > 0 || explained.reread > 0) {
  const text = (counts) => [...counts].map(([value, count]) => `${value} ${String(count)}`).join(', ');
  console.log('Explanations (verdicts with `cited`/`chain`, message unchanged since triage):');
  console.log(`  cited await: ${text(explained.cited)}`);
  console.log(`  chain:       ${text(explained.chain)}`);
  if (explained.reread > 0) console.log(`  ${String(explained.reread)} more whose message changed since triage (re-read them)`);
  console.log('');
}

// How many real bugs come with a rewrite (lint.mjs records `fix` per finding): the share of TRUE
// findings with an autofix or a suggestion, per rule.
const rewrites = new Map();
for (const { finding, verdict } of judged) {
  if (verdict.verdict !== 'TRUE' || finding.fix == null) continue;
  const rule = short(finding.rule);
  if (!rewrites.has(rule)) rewrites.set(rule, { TRUE: 0, autofix: 0, suggestion: 0 });
  const counts = rewrites.get(rule);
  counts.TRUE++;
  if (finding.fix === 'autofix' || finding.fix === 'suggestion') counts[finding.fix]++;
}
if ([...rewrites.values()].some((counts) => counts.autofix + counts.suggestion > 0)) {
  console.log('Fix coverage of the TRUE findings (an autofix, or else a suggestion):');
  for (const [rule, counts] of [...rewrites].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const share = (100 * (counts.autofix + counts.suggestion)) / counts.TRUE;
    console.log(`  ${rule}: ${String(counts.autofix + counts.suggestion)} of ${String(counts.TRUE)} (${share.toFixed(1)}%): ${String(counts.autofix)} autofix, ${String(counts.suggestion)} suggestion`);
  }
  console.log('');
}

const classes = new Map();
for (const { verdict } of judged) {
  if (verdict.verdict === 'TRUE') continue;
  const name = `${short(verdict.rule)} ${verdict.verdict} ${verdict.class ?? '(no class)'}`;
  classes.set(name, (classes.get(name) ?? 0) + 1);
}
if (classes.size > 0) {
  console.log('Classes of the BORDERLINE and FALSE findings still reported:');
  for (const [name, count] of [...classes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) console.log(`  ${String(count).padStart(4)}  ${name}`);
  console.log('');
}

const failing = [];
if (lostTrue.length > 0) failing.push(`${String(lostTrue.length)} TRUE verdict(s) lost`);
if (unread.length > 0 && !values['allow-unread']) failing.push(`${String(unread.length)} unread finding(s) (--allow-unread to accept)`);
if (changed.length > 0 && values['fail-on-message-change']) failing.push(`${String(changed.length)} message(s) changed`);
if (values.json != null) {
  fs.writeFileSync(
    values.json,
    `${JSON.stringify({ findings: findings.length, verdicts: verdictList.length, unread: unread.length, lostTrue, lostOther, changed, byRule: Object.fromEntries(byRule), byProject: Object.fromEntries(byProject), failing }, null, 2)}\n`,
  );
}
console.log(failing.length === 0 ? 'OK' : `FAIL: ${failing.join('; ')}`);
process.exit(failing.length === 0 ? 0 : 1);

// ---------------------------------------------------------------------------------------------

function validate(entry) {
  if (entry == null || typeof entry !== 'object') return 'not an object';
  for (const field of ['rule', 'file', 'message', 'reason']) if (typeof entry[field] !== 'string' || entry[field] === '') return `"${field}" must be a non-empty string`;
  if (!Number.isInteger(entry.line) || entry.line < 1) return '"line" must be a positive integer';
  if (!VERDICTS.includes(entry.verdict)) return `"verdict" must be one of ${VERDICTS.join(', ')}`;
  if (entry.class != null && typeof entry.class !== 'string') return '"class" must be a string when present';
  return undefined;
}

function tally(judgedFindings, unreadFindings, group) {
  const rows = new Map();
  const row = (name) => {
    if (!rows.has(name)) rows.set(name, { findings: 0, TRUE: 0, BORDERLINE: 0, FALSE: 0, unread: 0 });
    return rows.get(name);
  };
  for (const { finding, verdict } of judgedFindings) {
    row(group(finding)).findings++;
    row(group(finding))[verdict.verdict]++;
  }
  for (const finding of unreadFindings) {
    row(group(finding)).findings++;
    row(group(finding)).unread++;
  }
  return new Map([...rows].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

function printTable(label, rows) {
  const total = { findings: 0, TRUE: 0, BORDERLINE: 0, FALSE: 0, unread: 0 };
  for (const counts of rows.values()) for (const field of Object.keys(total)) total[field] += counts[field];
  const percent = (part, whole) => (whole === 0 ? '–' : `${(Math.round((1000 * part) / whole) / 10).toFixed(1)}%`);
  const header = [label, 'findings', 'TRUE', 'BORDERLINE', 'FALSE', 'unread', '%TRUE', '%TRUE+BORDERLINE'];
  const lines = [...rows, ['total', total]].map(([name, counts]) => {
    const triaged = counts.TRUE + counts.BORDERLINE + counts.FALSE;
    return [name, counts.findings, counts.TRUE, counts.BORDERLINE, counts.FALSE, counts.unread, percent(counts.TRUE, triaged), percent(counts.TRUE + counts.BORDERLINE, triaged)].map(String);
  });
  const widths = header.map((cell, index) => Math.max(cell.length, ...lines.map((line) => line[index].length)));
  console.log(`Precision by ${label} (percentages over the triaged findings):`);
  for (const line of [header, ...lines]) console.log(`  ${line.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]) : cell.padStart(widths[index]))).join('  ')}`);
  console.log('');
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return fail(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function fail(message) {
  console.error(message);
  process.exit(2);
}
