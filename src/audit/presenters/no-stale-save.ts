import path from 'node:path';

import { kindText } from '../../utils/calls/call-labels.js';
import type { StaleSaveDetails } from '../../utils/plugin/report-details.js';
import { staleSaveDiagram, type DiagramWriter } from '../mermaid.js';
import type { ConcurrentWriters, Risk, WriterRef } from '../report.js';
import { counted, inlineCode, listText } from '../text.js';
import { indexedEntity, otherWriters, writerRef } from '../writers.js';
import { participantOf, whereOf } from './shared.js';
import type { FindingInput, PresentedFinding, RulePresenter } from './types.js';

const MAX_DIAGRAM_WRITERS = 3;

const TITLES: Readonly<Record<StaleSaveDetails['messageId'], string>> = {
  staleSave: 'Stale save',
  staleRemove: 'Stale remove',
  staleSaveOfEventPayload: 'Stale save',
  staleRemoveOfEventPayload: 'Stale remove',
};
/** A save writes back every loaded column; a remove acts on an old decision but reverts none. */
const REVERTS_COLUMNS: Readonly<Record<StaleSaveDetails['messageId'], boolean>> = {
  staleSave: true,
  staleRemove: false,
  staleSaveOfEventPayload: true,
  staleRemoveOfEventPayload: false,
};
/** The entity arrived with an event (`details.load` names the event), rather than from a read. */
const FROM_EVENT: Readonly<Record<StaleSaveDetails['messageId'], boolean>> = {
  staleSave: false,
  staleRemove: false,
  staleSaveOfEventPayload: true,
  staleRemoveOfEventPayload: true,
};

/** A stale save or remove: its window, the columns it writes back, and who else writes them. */
export const noStaleSavePresenter: RulePresenter<'no-stale-save'> = {
  section: 'unsafe',
  finding: staleSaveFinding,
};

function staleSaveFinding(input: FindingInput<StaleSaveDetails>): PresentedFinding {
  const { details, base, context, file, message, place } = input;
  const { index, sources, relative } = context;
  const entity = indexedEntity(index, details.entity);
  const atRisk = details.columnsAtRisk;
  const concurrent: ConcurrentWriters[] = [];
  if (entity != null && atRisk != null) {
    for (const column of atRisk) {
      const bump = column.kind === 'version' || column.kind === 'update-date';
      const writers = otherWriters(index, entity, bump ? undefined : column.column, place);
      if (writers.length > 0) {
        concurrent.push({ property: column.property, column: column.column, via: bump ? 'version-bump' : 'explicit', writers: writers.map((writer) => writerRef(writer, relative)) });
      }
    }
  }
  const explicit = concurrent.filter((entry) => entry.via === 'explicit');
  const stateAtRisk = atRisk?.filter((column) => column.stateLike) ?? [];
  const isRemove = !REVERTS_COLUMNS[details.messageId];
  const written = `${counted(explicit.length, 'column', 'columns')} at risk ${explicit.length === 1 ? 'has' : 'have'} concurrent writers`;
  let risk: Risk;
  let riskReason: string;
  if (isRemove) {
    risk = 'low';
    riskReason = 'a stale remove acts on an old decision but reverts no column';
  } else if (atRisk?.length === 0) {
    risk = 'medium';
    riskReason = `no other column is loaded, but ${listText(details.derivedFields.map(inlineCode))} ${details.derivedFields.length === 1 ? 'is' : 'are'} set from ${details.derivedFields.length === 1 ? 'its' : 'their'} stale value: a concurrent change to ${details.derivedFields.length === 1 ? 'it' : 'them'} is lost`;
  } else if (details.window.kind === 'network' && (explicit.length > 0 || stateAtRisk.length > 0)) {
    risk = 'high';
    riskReason = `a network call holds the window open, and ${
      explicit.length > 0
        ? written
        : `the state ${stateAtRisk.length === 1 ? 'column' : 'columns'} ${listText(stateAtRisk.map((column) => inlineCode(column.property)))} ${stateAtRisk.length === 1 ? 'is' : 'are'} at risk`
    }`;
  } else {
    risk = 'medium';
    riskReason = `${kindText(details.window.kind)} holds the window open; ${explicit.length > 0 ? written : 'no concurrent writer of the columns at risk was found in the project'}`;
  }

  // The load, the await, the assignments of the written fields after it, and the save.
  const fields = details.writtenFields.map((field) => field.property);
  const assignment = fields.length === 0 ? undefined : new RegExp(`\\b${escapeRegExp(details.variable)}\\.(?:${fields.map(escapeRegExp).join('|')})\\s*[-+*/]?=`);
  const assignmentLines = assignment == null ? [] : sources.linesMatching(file, assignment, details.window.line, message.line);
  const excerpt = sources.excerpt(file, [
    [details.load.line, details.load.line],
    [details.window.line, details.window.line],
    ...assignmentLines.map((line): [number, number] => [line, line]),
    [message.line, message.line],
  ]);

  return {
    risk,
    riskReason,
    title: `${TITLES[details.messageId]} of ${inlineCode(details.entity?.name ?? details.variable)} in ${whereOf(base)}`,
    excerpt,
    ...(details.entity == null ? {} : { entity: { name: details.entity.name, file: relative(details.entity.file), line: details.entity.line } }),
    load: details.load,
    window: { kind: details.window.kind, call: details.window.label, line: details.window.line, chain: details.window.chain },
    writtenFields: details.writtenFields,
    ...(atRisk == null ? {} : { columnsAtRisk: atRisk.map((column) => ({ property: column.property, column: column.column, kind: column.kind, stateLike: column.stateLike })) }),
    concurrentWriters: concurrent,
    diagram: staleSaveDiagram({
      functionName: participantOf(base),
      entity: details.entity?.name ?? details.variable,
      load: FROM_EVENT[details.messageId]
        ? `${details.variable} arrives with ${details.load.label} (line ${String(details.load.line)}), read before it was published`
        : `${details.load.label} loads ${details.variable} (line ${String(details.load.line)})`,
      loadFromEvent: FROM_EVENT[details.messageId],
      window: {
        participant: details.window.kind === 'network' ? 'Network (HTTP/LLM)' : details.window.kind === 'timer' ? 'Timer' : 'Unclassified call',
        call: `${details.window.callback == null ? 'await ' : `.${details.window.callback}() callback of `}${details.window.label} (line ${String(details.window.line)})`,
        chain: details.window.chain,
        kindText: kindText(details.window.kind),
      },
      save: `${details.write.method} (line ${String(details.write.line)}) writes back every loaded column`,
      writers: diagramWriters(explicit),
      reverted: explicit.map((entry) => entry.property),
    }),
  };
}

/** Round-robin over the columns, so the diagram shows a writer of each column before a second one of any. */
function diagramWriters(explicit: readonly ConcurrentWriters[]): DiagramWriter[] {
  const ordered: { writer: WriterRef; property: string }[] = [];
  for (let rank = 0; explicit.some((entry) => entry.writers.length > rank); rank++) {
    for (const entry of explicit) {
      const writer = entry.writers[rank];
      if (writer != null) ordered.push({ writer, property: entry.property });
    }
  }
  const byFunction = new Map<string, DiagramWriter>();
  for (const { writer, property } of ordered) {
    const known = byFunction.get(writer.function);
    if (known == null) byFunction.set(writer.function, { functionName: writer.function, where: `${path.posix.basename(writer.file)}:${String(writer.line)}`, what: `${writer.operation} sets ${property}` });
    else known.what = `${known.what}, ${property}`;
  }
  return [...byFunction.values()].slice(0, MAX_DIAGRAM_WRITERS);
}

function escapeRegExp(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
