import { join } from 'node:path';

/** Where first boot and enrolment put things in the data partition (the agent's dataDir). */
export interface DataPaths {
  caFile: string;
  networkDir: string;
  wifiKeyfile: string;
  wifiCountry: string;
  sshDir: string;
  authorizedKeys: string;
  selfTestPending: string;
  enrolment: string;
  enrolmentRequest: string;
}

export function dataPaths(dataDir: string): DataPaths {
  const networkDir = join(dataDir, 'network');
  const sshDir = join(dataDir, 'ssh');
  return {
    caFile: join(dataDir, 'fleet-ca.pem'),
    networkDir,
    // The image points NetworkManager's keyfile plugin (or its root-side installer) at this folder.
    wifiKeyfile: join(networkDir, 'gatecast-wifi.nmconnection'),
    wifiCountry: join(networkDir, 'wifi-country'),
    sshDir,
    authorizedKeys: join(sshDir, 'authorized_keys'),
    selfTestPending: join(dataDir, 'self-test-pending'),
    enrolment: join(dataDir, 'enrolment.json'),
    enrolmentRequest: join(dataDir, 'enrolment-request.json'),
  };
}
