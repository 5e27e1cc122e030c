import ts from 'typescript';

import { propertyNameText } from '../prisma/prisma-calls.js';
import type { WrittenValue } from './row-model.js';

/**
 * The fields an object literal of column values writes (`.set({ … })`, `update(criteria, { … })`):
 * each property, shorthand or spread, the value as written.
 */
export function plainWrittenValues(values: ts.ObjectLiteralExpression): WrittenValue[] {
  const written: WrittenValue[] = [];
  for (const property of values.properties) {
    if (ts.isPropertyAssignment(property)) {
      const field = propertyNameText(property.name);
      if (field != null) written.push({ field, property, value: property.initializer, spread: false, replaceable: true });
    } else if (ts.isShorthandPropertyAssignment(property)) {
      written.push({ field: property.name.text, property, value: property.name, spread: false, replaceable: true });
    } else if (ts.isSpreadAssignment(property)) {
      written.push({ field: '…', property, value: property.expression, spread: true, replaceable: false });
    }
  }
  return written;
}

/**
 * The text that writes `replacement` as the value of `value`'s property: the initializer
 * replaced, or a shorthand `{ balance }` written out (`balance: …`).
 */
export function replaceValueEdit(value: WrittenValue, replacement: string): { range: [number, number]; text: string } | undefined {
  const { property } = value;
  if (ts.isPropertyAssignment(property)) return { range: [property.initializer.getStart(), property.initializer.getEnd()], text: replacement };
  if (ts.isShorthandPropertyAssignment(property) && property.objectAssignmentInitializer == null) {
    return { range: [property.getStart(), property.getEnd()], text: `${property.name.text}: ${replacement}` };
  }
  return undefined;
}

/** `{ id }` → `{ id, balance: wallet.balance }`; undefined when the object already names the field. */
export function addPropertyEdit(object: ts.ObjectLiteralExpression, field: string, expected: string): { range: [number, number]; text: string } | undefined {
  const names = object.properties.map((property) => (property.name == null ? undefined : propertyNameText(property.name)));
  if (names.includes(field) || object.properties.some((property) => ts.isSpreadAssignment(property))) return undefined;
  const last = object.properties.at(-1);
  if (last == null) return { range: [object.getStart(), object.getEnd()], text: `{ ${field}: ${expected} }` };
  return { range: [last.getEnd(), last.getEnd()], text: `, ${field}: ${expected}` };
}
