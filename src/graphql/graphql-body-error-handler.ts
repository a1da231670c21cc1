import type { ErrorRequestHandler } from 'express';

interface BodyParserError {
  type?: string;
  status?: number;
}

const BODY_ERRORS: Readonly<Record<string, { status: number; message: string }>> = {
  'entity.parse.failed': { status: 400, message: 'the request body is not valid JSON' },
  'entity.too.large': { status: 413, message: 'the request body is too large' },
  'charset.unsupported': { status: 415, message: 'the request body must be UTF-8' },
  'encoding.unsupported': { status: 415, message: 'unsupported content encoding' },
  'request.aborted': { status: 400, message: 'the request body was incomplete' },
};

/**
 * Body-reading failures at `/graphql` (invalid JSON, oversized or wrongly
 * encoded bodies) are the caller's fault: a GraphQL-shaped error with
 * `extensions.code` BAD_REQUEST and a 4xx status, never a 500.
 */
export const graphqlBodyErrorHandler: ErrorRequestHandler = (error: BodyParserError, _req, res, next) => {
  const known = error && typeof error.type === 'string' ? BODY_ERRORS[error.type] : undefined;
  if (!known) return next(error);
  res.status(known.status).json({ errors: [{ message: known.message, extensions: { code: 'BAD_REQUEST' } }] });
};
