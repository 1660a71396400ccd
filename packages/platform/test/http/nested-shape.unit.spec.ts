import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { validationPipe } from '../../src/http/errors.js';

class Inner {
  @IsString()
  value!: string;
}
class Middle {
  @ValidateNested()
  @Type(() => Inner)
  inner!: Inner;
}
class Outer {
  @ValidateNested()
  @Type(() => Middle)
  middle!: Middle;

  @IsOptional()
  @ValidateNested()
  @Type(() => Inner)
  optional?: Inner;

  @ValidateNested({ each: true })
  @Type(() => Inner)
  list!: Inner[];
}

async function fieldsOf(body: unknown): Promise<Record<string, string[]> | 'accepted'> {
  try {
    await validationPipe().transform(body, { type: 'body', metatype: Outer });
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return ((err as BadRequestException).getResponse() as { fields: Record<string, string[]> }).fields;
  }
}

const valid = { middle: { inner: { value: 'x' } }, list: [] };

describe('validationPipe: nested objects ValidateNested alone lets through', () => {
  it('accepts a complete body, with or without the optional object', async () => {
    expect(await fieldsOf(valid)).toBe('accepted');
    expect(await fieldsOf({ ...valid, optional: { value: 'y' } })).toBe('accepted');
  });

  it('refuses a missing required object, at any depth', async () => {
    expect(await fieldsOf({ list: [] })).toEqual({ middle: ['middle must be present'] });
    expect(await fieldsOf({ middle: {}, list: [] })).toEqual({ 'middle.inner': ['inner must be present'] });
    expect(await fieldsOf({ middle: { inner: { value: 'x' } } })).toEqual({ list: ['list must be present'] });
  });

  it('refuses an array where one object is declared', async () => {
    expect(await fieldsOf({ ...valid, middle: [] })).toEqual({ middle: ['middle must be an object, not an array'] });
    expect(await fieldsOf({ ...valid, optional: [] })).toEqual({
      optional: ['optional must be an object, not an array'],
    });
  });

  it('keeps class-validator reasons beside its own', async () => {
    expect(await fieldsOf({ middle: { inner: { value: 1 } } })).toEqual({
      list: ['list must be present'],
      'middle.inner.value': ['value must be a string'],
    });
  });
});
