import { getMetadataStorage, ValidationError, ValidationTypes } from 'class-validator';

/**
 * `@ValidateNested()` checks an object that is there; it lets a missing one (undefined) through, and an array
 * where one object was declared (it validates the elements, none when empty). The handler then reads
 * `dto.identifier.system` and answers 500. This closes both for every DTO at once: a nested property that is
 * not `@IsOptional()` must be present, and a single nested value (not `each`) must be an object, not an array.
 */

interface NestedRule {
  property: string;
  each: boolean;
  optional: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function nestedRules(target: Function): NestedRule[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  const optional = new Set(
    metas.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION).map((m) => m.propertyName),
  );
  return metas
    .filter((m) => m.type === ValidationTypes.NESTED_VALIDATION)
    .map((m) => ({ property: m.propertyName, each: m.each, optional: optional.has(m.propertyName) }));
}

function shapeProblem(value: unknown, rule: NestedRule): string | undefined {
  if (value === undefined || value === null) return rule.optional ? undefined : 'must be present';
  if (!rule.each && Array.isArray(value)) return 'must be an object, not an array';
  return undefined;
}

function errorAt(target: object, property: string, value: unknown, problem: string): ValidationError {
  return Object.assign(new ValidationError(), {
    target,
    property,
    value,
    constraints: { nestedShape: `${property} ${problem}` },
    children: [],
  });
}

/** The nested properties of a validated DTO instance that are missing or an array, as class-validator errors. */
export function nestedShapeErrors(instance: object, depth = 0): ValidationError[] {
  if (depth > 32) return []; // the edge checks refused deeper bodies already
  const errors: ValidationError[] = [];
  for (const rule of nestedRules(instance.constructor)) {
    const value: unknown = (instance as Record<string, unknown>)[rule.property];
    const problem = shapeProblem(value, rule);
    if (problem) errors.push(errorAt(instance, rule.property, value, problem));
    else if (!rule.each && typeof value === 'object' && value !== null) {
      const children = nestedShapeErrors(value, depth + 1);
      if (children.length > 0)
        errors.push(Object.assign(errorAt(instance, rule.property, value, ''), { constraints: undefined, children }));
    }
  }
  return errors;
}
