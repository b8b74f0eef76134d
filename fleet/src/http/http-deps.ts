import type { Logger } from 'pino';
import type { AlertsService } from '../alerts/alerts-service.js';
import type { ContentService } from '../content/content-service.js';
import type { Announcements } from '../announcements/announcements.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ApiTokens } from '../auth/api-tokens.js';
import type { Broker } from '../broker/broker.js';
import type { CommissioningService } from '../commissioning/commissioning-service.js';
import type { CommandClient } from '../commands/command-client.js';
import type { DesiredService } from '../desired/desired-service.js';
import type { DevicesRepo } from '../devices/devices-repo.js';
import type { EnrolmentService } from '../enrolment/enrolment-service.js';
import type { ScreenshotStore } from '../screenshots/screenshot-store.js';
import type { MediaFiles } from '../media/media-library.js';
import type { NotifyOutbox } from '../notify/notify-outbox.js';
import type { FleetEvents } from '../devices/fleet-events.js';
import type { DeviceEventsRepo } from '../events/device-events-repo.js';
import type { GatesRepo } from '../gates/gates-repo.js';
import type { HealthHttpDeps } from '../health/health-routes.js';
import type { InfoService } from '../info/info-service.js';
import type { InfoBundleSource } from '../info/info-bundle-source.js';
import type { CountersService } from '../counters/counters-service.js';
import type { LibraryService } from '../library/library-service.js';
import type { ReportsService } from '../reports/reports-service.js';
import type { DeviceReleaseCheck } from '../releases/releases-routes.js';
import type { ReleasesService } from '../releases/releases-service.js';
import type { RolloutsService } from '../rollouts/rollouts-service.js';
import type { PasswordFunctions } from '../users/login-service.js';
import type { SessionStore } from '../users/sessions.js';
import type { UsersRepo } from '../users/users-repo.js';

/** What the HTTP API needs from the rest of the fleet; narrow so tests can hand in small fakes. */
export interface HttpDeps {
  log: Logger;
  gates: Pick<GatesRepo, 'list' | 'get' | 'create' | 'addZone'>;
  devices: Pick<DevicesRepo, 'create' | 'get' | 'list' | 'remove'>;
  desired: Pick<DesiredService, 'refresh' | 'latest' | 'latestMany' | 'forget'>;
  commands: Pick<CommandClient, 'send'>;
  broker: Pick<Broker, 'kick' | 'isConnected' | 'stats'>;
  tokens: Pick<ApiTokens, 'identify' | 'create' | 'listOf' | 'get' | 'revoke'>;
  users: Pick<
    UsersRepo,
    | 'list'
    | 'get'
    | 'getById'
    | 'create'
    | 'remove'
    | 'addGrant'
    | 'revokeGrant'
    | 'setPassword'
    | 'passwordHash'
    | 'countLoginFailure'
    | 'resetLoginFailures'
    | 'fleetAdminIds'
    | 'transaction'
  >;
  sessions: Pick<SessionStore, 'create' | 'verify' | 'remove' | 'removeOfUser'>;
  audit: Pick<AuditLog, 'append' | 'search'>;
  /** Written into every enrolled agent's config. */
  publicMqttUrl: string;
  /**
   * The fleet's HTTP address for screens (agent config `fleetUrl`); left out of the config without
   * it. A function: with PORT=0 the address is known only once the app listens.
   */
  publicHttpUrl?: () => string;
  /** Device secrets for the /api/v1/device/ namespace; without it every device request is refused. */
  deviceCredentials?: Pick<DevicesRepo, 'credential'>;
  /** Media screens may fetch by sha256 (the demo media for now); without it every fetch is 404. */
  media?: MediaFiles;
  /** The latest screenshots per device; without it their routes answer 503. */
  screenshots?: Pick<ScreenshotStore, 'save' | 'latest' | 'forget'>;
  /** Used when a command request does not name its own timeout. */
  commandTimeoutMs: number;
  now?: () => Date;
  /** How a throttled sign-in answer is held back; tests inject one that records instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** scrypt unless a test hands in something faster. */
  passwords?: PasswordFunctions;
  /** Stored device events (proof of play); without it their route answers 503. */
  deviceEvents?: Pick<DeviceEventsRepo, 'list' | 'gateOf'>;
  /** Device changes for the live stream; without it /api/v1/stream answers 503. */
  events?: Pick<FleetEvents, 'subscribe'>;
  /** The uploaded media library (uploads, list, thumbnails); without it its routes answer 503. */
  library?: LibraryService;
  /** Per-gate web allow-lists; without it their routes answer 503. */
  webAllowList?: Pick<GatesRepo, 'webAllowList' | 'setWebAllowList'>;
  /** Called after a gate's web allow-list changed, to recompose that gate's screens. */
  afterWebAllowListChange?: (gateId: string) => Promise<void>;
  /** Items, playlists, schedules, layouts and approvals; without it their routes answer 503. */
  content?: ContentService;
  /** Urgent announcements, templates, receipts and CAP; without it their routes answer 503. */
  announcements?: Announcements;
  /** Proof-of-play and yearly reports; without it their routes answer 503. */
  reports?: ReportsService;
  /** The information tree, its bundles and screen profiles; without it their routes answer 503. */
  info?: InfoService;
  /** Counter screens, their pairings and pushed pages; without it their routes answer 503. */
  counters?: CountersService;
  /** The traveller web page (/t/:gateId); without it the fleet serves no such page. */
  traveller?: { bundles: InfoBundleSource };
  /** Health history for charts; without it its route answers 503 (the gate summary still works). */
  health?: HealthHttpDeps;
  /** Alerts, their acknowledgement and policies; without it their routes answer 503. */
  alerts?: AlertsService;
  /** Alert channels, their deliveries and test messages; without it their routes answer 503. */
  notify?: NotifyOutbox;
  /** Agent releases and their artifacts; without it their routes answer 503. */
  releases?: ReleasesService;
  /** Whether a screen may fetch a release: only the one assigned to it. Without it screens fetch none. */
  mayFetchRelease?: DeviceReleaseCheck;
  /** Rollouts of releases to screens; without it their routes answer 503. */
  rollouts?: RolloutsService;
  /** Enrolment tokens, screens asking to join and their approval; without it their routes answer 503. */
  enrolment?: EnrolmentService;
  /** Self-test reports, secret rotation and release keys for provisioning; without it they answer 503. */
  commissioning?: CommissioningService;
  /** The built dashboard (fleet/web/dist); without it the app serves the API only. */
  webRoot?: string;
}
