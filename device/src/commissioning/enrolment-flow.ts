import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { EnrolmentRequestBody } from '@gatecast/protocol';
import { writeAgentConfigFile } from '@gatecast/provisioning';
import { dataPaths } from '../provisioning/data-paths.js';
import {
  enrolmentSettingsSchema,
  readJsonFile,
  removeFiles,
  savedRequestSchema,
  writeJsonFile,
} from '../provisioning/enrolment-settings.js';
import { agentConfigFor } from '../provisioning/provision-mapping.js';
import type { z } from 'zod';
import { approvalUrl, type EnrolmentView } from './commissioning-view.js';
import type { EnrolmentApi } from './enrolment-client.js';
import { afterPoll, classifyFailure, nextStep, type ApprovedDevice } from './enrolment-decision.js';

type Settings = z.infer<typeof enrolmentSettingsSchema>;

export interface EnrolmentFlowOptions {
  configFile: string;
  settings: Settings;
  api: EnrolmentApi;
  /** The request body's facts about this board, read fresh for each request. */
  describe(): Promise<Omit<EnrolmentRequestBody, 'gateId' | 'zoneId'>>;
  onView(view: EnrolmentView): void;
  log: Logger;
  now?: () => Date;
  /** The pause after a refusal before a new request; 30 s by default. */
  retryPauseMs?: number;
}

const RETRY_PAUSE_MS = 30_000;
const UNREACHABLE_PAUSE_MS = 10_000;

/**
 * Zero-touch enrolment: asks the fleet to be approved, shows the pairing code, polls until an
 * operator approves, then writes the agent config. Resolves true once approved, false when stopped.
 */
export async function runEnrolment(options: EnrolmentFlowOptions, signal: AbortSignal): Promise<boolean> {
  const { settings, api, log } = options;
  const now = options.now ?? (() => new Date());
  const paths = dataPaths(dirname(options.configFile));
  const pause = options.retryPauseMs ?? RETRY_PAUSE_MS;
  const show = (view: Partial<EnrolmentView> & Pick<EnrolmentView, 'status'>): void =>
    options.onView({ pairingCode: null, expiresAt: null, approvalUrl: null, detail: null, ...view });

  while (!signal.aborted) {
    const saved = await readJsonFile(paths.enrolmentRequest, savedRequestSchema);
    const step = nextStep(saved, settings.token, now());
    try {
      if (step.action === 'create') {
        show({ status: 'requesting' });
        const body: EnrolmentRequestBody = {
          ...(await options.describe()),
          ...(settings.gateId === undefined ? {} : { gateId: settings.gateId }),
          ...(settings.zoneId === undefined ? {} : { zoneId: settings.zoneId }),
        };
        const created = await api.createRequest(settings.token, body);
        await writeJsonFile(paths.enrolmentRequest, { ...created, token: settings.token });
        log.info(
          { pairingCode: created.pairingCode, requestId: created.requestId, expiresAt: created.expiresAt },
          'waiting for approval',
        );
        continue;
      }
      const { request } = step;
      const waiting = {
        pairingCode: request.pairingCode,
        expiresAt: request.expiresAt,
        approvalUrl: approvalUrl(settings.fleetUrl, request.pairingCode),
      };
      show({ status: 'waiting', ...waiting });
      const outcome = afterPoll(await api.pollRequest(request.requestId, request.pollToken), request, now());
      if (outcome.action === 'wait') {
        await sleep(outcome.delayMs, signal);
      } else if (outcome.action === 'approved') {
        await saveApproval(options, outcome.device, paths, now());
        show({ status: 'approved', ...waiting });
        log.info({ deviceId: outcome.device.id, gateId: outcome.device.gateId }, 'enrolment approved');
        return true;
      } else {
        await removeFiles(paths.enrolmentRequest);
        const status = outcome.reason === 'expired' ? 'expired' : 'refused';
        show({
          status,
          ...waiting,
          detail: outcome.reason === 'lost' ? 'approved elsewhere; asking again' : null,
        });
        log.warn(
          { requestId: request.requestId, reason: outcome.reason },
          'enrolment request ended; asking again',
        );
        if (outcome.pause) await sleep(pause, signal);
      }
    } catch (error) {
      const detail = (error as Error).message;
      if (classifyFailure(error) === 'refused') {
        // The token or the request is refused: a new request after a pause, with the reason shown.
        await removeFiles(paths.enrolmentRequest);
        show({ status: 'refused', detail });
        log.warn({ err: detail }, 'enrolment refused');
        await sleep(pause, signal);
      } else {
        show({ status: 'unreachable', detail, ...(saved ? { pairingCode: saved.pairingCode } : {}) });
        log.warn({ err: detail }, 'fleet unreachable for enrolment');
        await sleep(Math.min(pause, UNREACHABLE_PAUSE_MS), signal);
      }
    }
  }
  return false;
}

/** The approval's credentials become the agent config; the enrolment files go, the self-test is due. */
async function saveApproval(
  options: EnrolmentFlowOptions,
  device: ApprovedDevice,
  paths: ReturnType<typeof dataPaths>,
  now: Date,
): Promise<void> {
  const { settings } = options;
  // Keys pinned on the card win over what the fleet sends: the card is the technician's trust root.
  const publicKeys =
    settings.releasePublicKeys.length > 0 ? settings.releasePublicKeys : device.releasePublicKeys;
  const config = agentConfigFor(
    {
      deviceId: device.id,
      secret: device.secret,
      mqttUrl: device.mqttUrl,
      fleetUrl: settings.fleetUrl,
      dataDir: dirname(options.configFile),
      ...(settings.caFile === undefined ? {} : { caFile: settings.caFile }),
      publicKeys,
    },
    null,
  );
  writeAgentConfigFile(options.configFile, config, { overwrite: true });
  await writeFile(paths.selfTestPending, `${now.toISOString()}\n`);
  await removeFiles(paths.enrolment, paths.enrolmentRequest);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
