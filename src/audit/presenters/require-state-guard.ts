import type { ColumnRef, RuleDetails } from '../../utils/plugin/report-details.js';
import { transitionDiagram } from '../mermaid.js';
import type { ColumnWriter } from '../project-index.js';
import type { ConcurrentWriters, Finding, SafePattern } from '../report.js';
import { counted, inlineCode, listText } from '../text.js';
import { diagramWriter, indexedEntity, otherWriters, writerRef } from '../writers.js';
import { participantOf, reportExcerpt, whereOf } from './shared.js';
import { byMessage, type FindingInput, type PresentedFinding, type RulePresenter, type SafePatternInput } from './types.js';

type Details = RuleDetails<'require-state-guard'>;
type Of<MessageId extends Details['messageId']> = Extract<Details, { messageId: MessageId }>;

const MAX_DIAGRAM_WRITERS = 3;

const TITLES: Readonly<Record<Details['messageId'], string>> = {
  unguardedTransition: 'Unguarded transition',
  checkThenAct: 'Check-then-act',
  whereOverrides: 'Dropped guard',
  uncheckedOutcome: 'Unchecked compare-and-set',
  presenceCheckOnly: 'Compare-and-set count tested only for presence',
};

/** State transitions without a guard, guards dropped or whose outcome is not read, and the guarded updates it saw. */
export const requireStateGuardPresenter: RulePresenter<'require-state-guard'> = {
  section: 'unsafe',
  finding(input) {
    return byMessage<Details, PresentedFinding>(
      {
        unguardedTransition: (details) => transitionFinding(details, input),
        checkThenAct: (details) => transitionFinding(details, input),
        uncheckedOutcome: (details) => outcomeFinding(details, input),
        presenceCheckOnly: (details) => outcomeFinding(details, input),
        whereOverrides: (details) => droppedGuardFinding(details, input),
      },
      input.details,
    );
  },
  safePattern: guardedUpdate,
};

/** A transition whose condition does not check the state it moves from. */
function transitionFinding(details: Of<'unguardedTransition'> | Of<'checkThenAct'>, input: FindingInput<Details>): PresentedFinding {
  const { base, context } = input;
  const column = details.column.property;
  const entity = indexedEntity(context.index, details.entity);
  const writers = entity == null ? [] : otherWriters(context.index, entity, details.column.column, input.place);
  const check = 'check' in details ? details.check : undefined;
  return {
    risk: writers.length > 0 ? 'high' : 'medium',
    riskReason:
      writers.length > 0
        ? `${counted(writers.length, 'other function', 'other functions')} ${writers.length === 1 ? 'writes' : 'write'} ${inlineCode(column)}, and this write does not check it`
        : entity == null
          ? `the write does not check the ${inlineCode(column)} it moves from`
          : `no other function in the project writes ${inlineCode(column)}, but the write does not check the state it moves from`,
    title: `${TITLES[details.messageId]} of ${inlineCode(column)} in ${whereOf(base)}`,
    excerpt: reportExcerpt(input, [check?.line]),
    ...entityOf(details, input),
    transition: {
      property: column,
      column: details.column.column,
      ...(details.value == null ? {} : { value: details.value }),
      ...(details.expected == null ? {} : { expected: details.expected }),
    },
    ...(check == null ? {} : { check }),
    ...(entity == null ? {} : { concurrentWriters: writersOfColumns([details.column], writers, input) }),
    diagram: transitionDiagram({
      functionName: participantOf(base),
      entity: details.entity.name,
      column,
      write: `UPDATE ${column} = ${details.value ?? 'a new value'} without checking the current ${column}`,
      writers: writers.slice(0, MAX_DIAGRAM_WRITERS).map((writer) => diagramWriter(writer, context.relative)),
    }),
  };
}

/** A guarded update whose count of updated rows is not read, or read only for presence. */
function outcomeFinding(details: Of<'uncheckedOutcome'> | Of<'presenceCheckOnly'>, input: FindingInput<Details>): PresentedFinding {
  const check = 'check' in details ? details.check : undefined;
  return {
    risk: 'low',
    riskReason: 'the guard holds, but a lost race goes unnoticed',
    title: `${TITLES[details.messageId]} of ${inlineCode(details.column.property)} in ${whereOf(input.base)}`,
    excerpt: reportExcerpt(input, [details.write.line]),
    ...entityOf(details, input),
    transition: { property: details.column.property, column: details.column.column },
    guards: details.guards,
    ...(check == null ? {} : { check }),
  };
}

/** A `.where()` that replaces the condition built before it. */
function droppedGuardFinding(details: Of<'whereOverrides'>, input: FindingInput<Details>): PresentedFinding {
  const { base, context } = input;
  const entity = indexedEntity(context.index, details.entity);
  const guarded = details.droppedColumns.filter((column) => column.kind !== 'primary');
  const writers = entity == null ? [] : guarded.map((column) => otherWriters(context.index, entity, column.column, input.place));
  const writerCount = new Set(writers.flat().map((writer) => `${writer.file}\0${writer.functionName}`)).size;
  const named = listText(details.droppedColumns.map((column) => inlineCode(column.property)));
  const condition = `the condition of ${inlineCode(`.${details.replaced.method}()`)} at line ${String(details.replaced.line)}`;
  return {
    risk: writerCount > 0 ? 'high' : 'medium',
    riskReason:
      writerCount > 0
        ? `${counted(writerCount, 'other function', 'other functions')} ${writerCount === 1 ? 'writes' : 'write'} ${listText(guarded.map((column) => inlineCode(column.property)))}, and ${condition} that checked ${guarded.length === 1 ? 'it' : 'them'} is dropped`
        : `${condition} is dropped: the query also matches rows it was meant to skip`,
    title: `${TITLES.whereOverrides}${details.droppedColumns.length > 0 ? ` on ${named}` : ''} in ${whereOf(base)}`,
    excerpt: reportExcerpt(input, [details.replaced.line]),
    ...(details.entity == null ? {} : { entity: { name: details.entity.name, file: context.relative(details.entity.file), line: details.entity.line } }),
    replacedCondition: { ...details.replaced, columns: details.droppedColumns.map((column) => column.property) },
    ...(entity == null || guarded.length === 0 ? {} : { concurrentWriters: guarded.flatMap((column, position) => writersOfColumns([column], writers[position] ?? [], input)) }),
  };
}

function entityOf(details: { entity: { name: string; file: string; line: number } }, input: FindingInput<Details>): Pick<Finding, 'entity'> {
  return { entity: { name: details.entity.name, file: input.context.relative(details.entity.file), line: details.entity.line } };
}

function writersOfColumns(columns: readonly ColumnRef[], writers: readonly ColumnWriter[], input: FindingInput<Details>): ConcurrentWriters[] {
  if (writers.length === 0) return [];
  return columns.map((column) => ({ property: column.property, column: column.column, via: 'explicit', writers: writers.map((writer) => writerRef(writer, input.context.relative)) }));
}

/** An update the rule found guarded, with its outcome read. */
function guardedUpdate({ observation, file, context }: SafePatternInput<'require-state-guard'>): SafePattern {
  const { write } = observation;
  return {
    id: '',
    kind: 'guarded-update',
    function: context.index.functionAt(file, write.line, write.column)?.functionName ?? context.relative(file),
    location: { file: context.relative(file), line: write.line, column: write.column, endLine: write.endLine },
    excerpt: context.sources.excerpt(file, [[write.line, write.endLine]]),
    entity: observation.entity.name,
    columns: observation.columns.map((column) => column.property),
    guards: observation.guards,
  };
}
