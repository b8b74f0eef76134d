import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { alertsRoutes } from '../alerts/alerts-routes.js';
import { registerAuditHook } from '../audit/audit-hook.js';
import { commissioningRoutes } from '../commissioning/commissioning-routes.js';
import { contentRoutes } from '../content/content-routes.js';
import { layoutRoutes } from '../content/layout-routes.js';
import { eventsRoutes } from '../events/events-routes.js';
import { announcementsRoutes } from '../announcements/announcements-routes.js';
import { reportsRoutes } from '../reports/reports-routes.js';
import { infoRoutes } from '../info/info-routes.js';
import { deviceProfileRoutes } from '../info/device-profile-routes.js';
import { countersRoutes } from '../counters/counters-routes.js';
import { channelsRoutes } from '../notify/channels-routes.js';
import { healthRoutes } from '../health/health-routes.js';
import { deviceReleaseRoutes, releasesRoutes } from '../releases/releases-routes.js';
import { rolloutsRoutes } from '../rollouts/rollouts-routes.js';
import { enrolmentDeviceRoutes } from '../enrolment/enrolment-device-routes.js';
import { enrolmentRoutes } from '../enrolment/enrolment-routes.js';
import { tabletPage } from '../counters/tablet-page.js';
import { LoginService } from '../users/login-service.js';
import { UserAdmin } from '../users/user-admin.js';
import { registerAuthHook, SESSION_COOKIE } from './auth-hook.js';
import { registerErrorHandling } from './error-reply.js';
import { registerDashboard } from './dashboard.js';
import { screenshotRoutes } from '../screenshots/screenshot-routes.js';
import { isDeviceRoute } from './device-auth.js';
import { deviceRoutes } from './routes/device-routes.js';
import { mediaLibraryOf } from '../media/media-library.js';
import { mediaRoutes } from '../media/media-routes.js';
import { libraryRoutes } from '../library/library-routes.js';
import { webAllowListRoutes } from '../gates/web-allow-list-routes.js';
import { createFleetMetrics, type FleetMetrics } from './fleet-metrics.js';
import type { HttpDeps } from './http-deps.js';
import { auditRoutes } from './routes/audit-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { commandsRoutes } from './routes/commands-routes.js';
import { devicesRoutes } from './routes/devices-routes.js';
import { gatesRoutes } from './routes/gates-routes.js';
import { systemRoutes } from './routes/system-routes.js';
import { streamRoutes } from './routes/stream-routes.js';
import { tokensRoutes } from './routes/tokens-routes.js';
import { usersRoutes } from './routes/users-routes.js';
import { travellerRoutes } from '../traveller/traveller-routes.js';

const BODY_LIMIT_BYTES = 1024 * 1024;

/** Credentials must never reach a log line, whatever a future log call passes in. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'secret',
  'token',
  '*.secret',
  '*.token',
  'agentConfig.secret',
  '*.agentConfig.secret',
  'password',
  '*.password',
  'req.headers["x-csrf-token"]',
];

/** Scrapes and probes arrive every few seconds; they are logged only at debug. */
const QUIET_ROUTES = new Set(['/healthz', '/metrics']);

/**
 * The fleet's HTTP API, built without I/O: tests call `inject()`, the caller calls `listen()`.
 * Every API route but the public allow-list in auth-hook.ts requires a session or an API token.
 */
export function buildHttpApp(deps: HttpDeps): FastifyInstance {
  const log = deps.log.child({ mod: 'http' }, { redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
  const app = Fastify({
    // Typed as fastify's base logger so the app is a plain FastifyInstance for callers.
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify's two lines per request are replaced by one in registerRequestObservation.
    logController: new LogController({ disableRequestLogging: true }),
    exposeHeadRoutes: false,
    // A client that opened a connection and never sent a request must not hold up shutdown.
    forceCloseConnections: true,
  });
  // JSON only: fastify's default text/plain parser would hand routes a string they never expect.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  const now = deps.now ?? (() => new Date());
  // Cookies are read by the auth hook itself (hook: false), so no plugin order decides whether it sees them.
  app.register(cookie, { hook: false });
  registerAuthHook(app, { ...deps, now });
  registerAuditHook(app, deps.audit, now);
  const metrics = createFleetMetrics(deps);
  registerRequestObservation(app, metrics);
  app.addHook('onReady', async () => metrics.start());
  app.addHook('onClose', async () => metrics.stop());

  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'gatecast fleet API',
        version: '1',
        description:
          'Gates, zones and the information screens at them. Errors: { error: { code, message } }.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          deviceBasic: { type: 'http', scheme: 'basic', description: 'A screen: its device id and secret' },
        },
      },
      security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    },
    // The screens' namespace is documented with the only credentials it accepts.
    transform: (input) =>
      jsonSchemaTransform(
        isDeviceRoute(input.url)
          ? { ...input, schema: { ...input.schema, security: [{ deviceBasic: [] }] } }
          : input,
      ),
  });
  const startedAt = (deps.now ?? (() => new Date()))();
  app.register(systemRoutes, { deps, metrics, startedAt, openApiDocument: () => app.swagger() });
  app.register(gatesRoutes, { deps });
  app.register(devicesRoutes, { deps });
  app.register(eventsRoutes, { deps });
  app.register(commandsRoutes, { deps });
  app.register(deviceRoutes, { deps });
  app.register(mediaRoutes, { media: deps.media ?? mediaLibraryOf([]) });
  app.register(screenshotRoutes, { deps });
  const passwords = deps.passwords;
  const login = new LoginService({ ...deps, now, ...(passwords ? { passwords } : {}) });
  app.register(authRoutes, { deps, login });
  app.register(usersRoutes, { deps, admin: new UserAdmin({ ...deps, ...(passwords ? { passwords } : {}) }) });
  app.register(tokensRoutes, { deps });
  app.register(auditRoutes, { deps });
  app.register(streamRoutes, { deps });
  app.register(libraryRoutes, { library: deps.library });
  app.register(webAllowListRoutes, { gates: deps.webAllowList, afterChange: deps.afterWebAllowListChange });
  app.register(contentRoutes, { deps });
  app.register(layoutRoutes, { deps });
  app.register(announcementsRoutes, { deps, announcements: deps.announcements });
  app.register(reportsRoutes, { deps });
  app.register(infoRoutes, { deps });
  app.register(deviceProfileRoutes, { deps });
  app.register(countersRoutes, { counters: deps.counters });
  app.register(healthRoutes, { deps });
  app.register(alertsRoutes, { deps });
  app.register(channelsRoutes, { notify: deps.notify });
  app.register(releasesRoutes, { releases: deps.releases });
  const mayFetch = deps.mayFetchRelease;
  app.register(deviceReleaseRoutes, { releases: deps.releases, ...(mayFetch ? { mayFetch } : {}) });
  app.register(rolloutsRoutes, { rollouts: deps.rollouts });
  app.register(enrolmentRoutes, { deps });
  app.register(enrolmentDeviceRoutes, { enrolment: deps.enrolment });
  app.register(commissioningRoutes, { deps, commissioning: deps.commissioning });
  // The tablet's page (hidden from the API description) only where there are counters to serve.
  if (deps.counters) app.register(tabletPage);
  if (deps.traveller) {
    const { bundles } = deps.traveller;
    app.register(travellerRoutes, { bundles, gates: deps.gates, media: deps.media ?? mediaLibraryOf([]) });
  }
  if (deps.webRoot !== undefined) registerDashboard(app, { webRoot: deps.webRoot });
  return app;
}

/** One log line and one metric sample per answered request, labelled by route, not by raw URL. */
function registerRequestObservation(app: FastifyInstance, metrics: FleetMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const statusCode = reply.statusCode;
    const ms = reply.elapsedTime;
    metrics.observeRequest({ method: request.method, route, statusCode }, ms / 1000);
    const line = { method: request.method, route, statusCode, ms: Math.round(ms) };
    if (QUIET_ROUTES.has(route) && statusCode < 400) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });
}
