/**
 * The tablet's calls: reachable without a user account (auth-hook.ts lists them as public); each
 * but pairing needs the pairing token in its body. All are POSTs with a JSON body.
 */
export const COUNTER_TABLET_ROUTES = [
  'POST /api/v1/counter/pair',
  'POST /api/v1/counter/session',
  'POST /api/v1/counter/push',
  'POST /api/v1/counter/clear',
  'POST /api/v1/counter/unpair',
] as const;
