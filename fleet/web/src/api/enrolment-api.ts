import type {
  ApproveEnrolmentBody,
  ApprovedEnrolment,
  EnrolmentRequestView,
} from '../../../src/enrolment/enrolment-api.js';
import type { ApiClient } from './client.js';

/** The enrolment views are the fleet's own contract (types only: no zod in the bundle). */
export type { ApproveEnrolmentBody, ApprovedEnrolment, EnrolmentRequestView };

export async function listWaitingScreens(api: ApiClient): Promise<EnrolmentRequestView[]> {
  const answer = await api.get<{ requests: EnrolmentRequestView[] }>(
    '/api/v1/enrolment/requests?state=pending',
  );
  return answer.requests;
}

export function approveScreen(api: ApiClient, body: ApproveEnrolmentBody): Promise<ApprovedEnrolment> {
  return api.send<ApprovedEnrolment>('POST', '/api/v1/enrolment/approve', body);
}

export function refuseScreen(api: ApiClient, requestId: string): Promise<{ request: EnrolmentRequestView }> {
  return api.send('POST', `/api/v1/enrolment/requests/${encodeURIComponent(requestId)}/refuse`, {});
}
