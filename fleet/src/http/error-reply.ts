import { ERROR_CODES, GatecastError, type ErrorCode } from '@gatecast/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

export interface ErrorReply {
  status: number;
  body: { error: { code: ErrorCode; message: string } };
  /** True when the cause is ours, not the caller's: logged in full, never shown. */
  internal: boolean;
}

interface ValidationIssue {
  instancePath: string;
  message?: string;
}

const MAX_ISSUES = 5;

/** Fastify's own 4xx errors (bad JSON, body too large, wrong media type) by status. */
const CLIENT_STATUS_CODES: Record<number, ErrorCode> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

export function errorBody(code: ErrorCode, message: string = ERROR_CODES[code].text): ErrorReply['body'] {
  return { error: { code, message } };
}

function reply(code: ErrorCode, message: string, internal = false): ErrorReply {
  return { status: ERROR_CODES[code].http, body: errorBody(code, message), internal };
}

/** "body.tags[2]: must be …" from the zod issues fastify collected, so the caller can fix the field. */
export function describeValidation(issues: readonly ValidationIssue[], context: string): string {
  const parts = issues.slice(0, MAX_ISSUES).map((issue) => {
    const segments = issue.instancePath.split('/').filter((segment) => segment !== '');
    const path = segments.map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`)).join('');
    return `${context}${path}: ${issue.message ?? 'is invalid'}`;
  });
  if (issues.length > MAX_ISSUES) parts.push(`and ${issues.length - MAX_ISSUES} more`);
  return parts.join('; ');
}

/** Maps anything a route can throw to the one error shape; unknown errors reveal nothing. */
export function toErrorReply(error: unknown): ErrorReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext ?? 'request';
    return reply('BAD_REQUEST', describeValidation(error.validation, context));
  }
  if (error instanceof GatecastError) return reply(error.code, error.message);
  const status = (error as Partial<FastifyError> | null)?.statusCode;
  if ((error as Partial<FastifyError> | null)?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return reply('BAD_REQUEST', 'body: content-type must be application/json');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return reply(CLIENT_STATUS_CODES[status] ?? 'BAD_REQUEST', (error as Error).message);
  }
  return reply('INTERNAL', ERROR_CODES.INTERNAL.text, true);
}

/** One error handler and one not-found handler for the whole app. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, response) => {
    const mapped = toErrorReply(error);
    if (mapped.internal) request.log.error({ err: error }, 'request failed');
    else
      request.log.info(
        { code: mapped.body.error.code, reason: mapped.body.error.message },
        'request refused',
      );
    return response.code(mapped.status).send(mapped.body);
  });
  app.setNotFoundHandler((request, response) => {
    const path = request.url.split('?')[0] ?? '';
    return response.code(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${path}`));
  });
}
