/** The parts of the API's answers that the CLI shows; the API's OpenAPI document has the rest. */
export interface GateView {
  id: string;
  name: string;
  timeZone: string;
  languages: string[];
  zones: Array<{ id: string; name: string }>;
}

export interface DeviceView {
  id: string;
  name: string;
  gateId: string;
  zoneId: string;
  tags: string[];
  presence: { state: 'online' | 'offline' | 'never-seen'; since: string | null; lastSeenAt: string | null };
  connected: boolean;
  agentVersion: string | null;
  desiredVersion: number | null;
  appliedVersion: number | null;
  inSync: boolean;
  lastTelemetryAt: string | null;
}

export interface EnrolledDevice {
  device: DeviceView;
  agentConfig: { deviceId: string; secret: string; mqtt: { url: string } };
}
