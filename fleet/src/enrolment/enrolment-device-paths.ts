/**
 * The screens' side of zero-touch enrolment. No user account opens these (auth-hook.ts lists them
 * as public): the bearer is the enrolment token to ask, then the request's own poll token. Kept
 * free of imports so the auth hook can list them without an import cycle.
 */
export const ENROLMENT_DEVICE_ROUTES = [
  'POST /api/v1/enrolment/requests',
  'GET /api/v1/enrolment/requests/:requestId',
] as const;
