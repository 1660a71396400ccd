import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** The body of every error answer (HttpErrorFilter): a code to branch on, a sentence to show, where it was. */
export class ErrorBody {
  @ApiProperty({ example: 403 })
  statusCode!: number;

  @ApiProperty({ description: 'machine code: ValidationFailed, NotTheAuthor, GrantExhausted, …' })
  error!: string;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ description: '400: reasons per field, e.g. { "request.purpose": ["…"] }' })
  fields?: Record<string, string[]>;

  @ApiPropertyOptional({ description: 'extra facts, e.g. the auditId of a refused read' })
  details?: Record<string, unknown>;

  @ApiProperty({ description: 'quote it when reporting a problem' })
  correlationId!: string;
}

const MEANING: Record<number, string> = {
  400: 'invalid input: `fields` names each field and rule',
  401: 'no valid bearer token (Keycloak) for this service',
  403: 'authenticated, but not allowed: wrong role, not your identity or record, or a signature that does not match',
  404: 'no such resource (or not visible to you yet)',
  409: 'conflicts with the current state (`error` says which)',
  410: 'gone for good: erased, and never served again (`error` says which)',
  413: 'the body is larger than this operation accepts',
  422: 'well-formed but refers to something unusable (e.g. an inactive identity)',
  503: 'a dependency (database, broker, storage, chain) is down: retry after `Retry-After` seconds',
};

/** Declares the error answers an operation can give, each with the shared error body. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: MEANING[status] ?? 'error', type: ErrorBody })),
  );
