/** A third party asks a patient for access; the patient approves (by signing a grant) or denies. Pure. */

export type AccessRequestStatus = 'open' | 'approved' | 'denied';

export type AccessRequestEvent =
  | {
      type: 'consent.AccessRequested';
      version: 1;
      payload: {
        requestId: string;
        patientId: string;
        patientSubject: string;
        requesterId: string;
        requesterSubject: string;
        purpose: string;
        recordIds: string[];
        categories: string[];
      };
    }
  | {
      type: 'consent.AccessRequestApproved';
      version: 1;
      payload: { requestId: string; patientSubject: string; requesterSubject: string; grantId: string };
    }
  | {
      type: 'consent.AccessRequestDenied';
      version: 1;
      payload: { requestId: string; patientSubject: string; requesterSubject: string; reason: string };
    };

export class AccessRequestRuleViolation extends Error {
  constructor(
    readonly code: 'NotThePatient' | 'RequestNotOpen' | 'NotForYourself',
    message: string,
  ) {
    super(message);
  }
}

export interface AccessRequestState {
  status: AccessRequestStatus;
  patientSubject: string;
  requesterSubject: string;
}

export function decideAnswer(
  s: AccessRequestState,
  by: string,
  answer: { approve: true; grantId: string } | { approve: false; reason: string },
  requestId: string,
): AccessRequestEvent {
  if (by !== s.patientSubject)
    throw new AccessRequestRuleViolation('NotThePatient', 'only the patient answers an access request');
  if (s.status !== 'open') throw new AccessRequestRuleViolation('RequestNotOpen', `the request is already ${s.status}`);
  const parties = { requestId, patientSubject: s.patientSubject, requesterSubject: s.requesterSubject };
  return answer.approve
    ? { type: 'consent.AccessRequestApproved', version: 1, payload: { ...parties, grantId: answer.grantId } }
    : { type: 'consent.AccessRequestDenied', version: 1, payload: { ...parties, reason: answer.reason } };
}
