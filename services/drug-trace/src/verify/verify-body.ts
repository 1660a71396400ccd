import { BadRequestException } from '@nestjs/common';
import type { PackIdentityDto, VerifyDto } from './verify.dto.js';

/**
 * POST /verify's body, checked by hand with VerifyDto's rules and the ValidationPipe's 400 shape (`fields`,
 * unknown properties refused). The pharmacist's scan is the hot path: class-transformer and class-validator
 * were a tenth of its CPU. VerifyDto stays the documented shape (OpenAPI) and the rule book this follows.
 */
export function verifyBodyOf(body: unknown): VerifyDto {
  const fields = new Map<string, string[]>();
  const fail = (path: string, reason: string) => fields.set(path, [...(fields.get(path) ?? []), reason]);
  if (!isObject(body)) throw refusal(new Map([['(body)', ['must be a JSON object']]]));
  only(body, ['scan', 'identity', 'location'], '', fail);
  if (body.scan !== undefined) text(body.scan, 'scan', 512, fail);
  if (body.location !== undefined && !matches(body.location, /^\d{13}$/))
    fail('location', 'location must be a 13-digit GLN');
  if (body.identity !== undefined) identity(body.identity, fail);
  if (fields.size > 0) throw refusal(fields);
  return body as VerifyDto;
}

type Fail = (path: string, reason: string) => void;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const matches = (v: unknown, re: RegExp) => typeof v === 'string' && re.test(v);

function only(o: Record<string, unknown>, allowed: readonly string[], prefix: string, fail: Fail) {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(`${prefix}${k}`, `property ${k} should not exist`);
}

function text(v: unknown, path: string, max: number, fail: Fail) {
  if (typeof v !== 'string') fail(path, `${path} must be a string`);
  else if (v.length < 1 || v.length > max) fail(path, `${path} must be 1 to ${max} characters long`);
}

function identity(v: unknown, fail: Fail) {
  if (!isObject(v)) return fail('identity', 'nested property identity must be either object or array');
  only(v, ['gtin', 'serial', 'lot', 'expiry'] satisfies Array<keyof PackIdentityDto>, 'identity.', fail);
  if (!matches(v.gtin, /^\d{14}$/)) fail('identity.gtin', 'gtin must be 14 digits');
  text(v.serial, 'identity.serial', 20, fail);
  if (v.lot !== undefined) text(v.lot, 'identity.lot', 20, fail);
  if (v.expiry !== undefined && !matches(v.expiry, /^\d{4}-\d{2}-\d{2}$/))
    fail('identity.expiry', 'expiry must be YYYY-MM-DD');
}

const refusal = (fields: Map<string, string[]>) =>
  new BadRequestException({
    error: 'ValidationFailed',
    message: 'request is invalid',
    fields: Object.fromEntries(fields),
  });
