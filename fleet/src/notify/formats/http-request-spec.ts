import type { OutgoingAlert } from '../alert-digest.js';

/** A request a formatter wants sent; the sender (send-request.ts) is the only part that does I/O. */
export interface HttpRequestSpec {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: JsonBody | MultipartBody;
}

/** Serialised by the formatter, so a signature covers exactly the bytes that are sent. */
export interface JsonBody {
  kind: 'json';
  text: string;
}

export interface MultipartBody {
  kind: 'multipart';
  fields: Record<string, string>;
  file: { field: string; filename: string; contentType: string; bytes: Buffer };
}

export function jsonRequest(
  url: string,
  payload: unknown,
  headers: Record<string, string> = {},
): HttpRequestSpec {
  return {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: { kind: 'json', text: JSON.stringify(payload) },
  };
}

/** The alert when the batch holds just one: it keeps the full single-alert layout. */
export function onlyAlert(alerts: readonly OutgoingAlert[]): OutgoingAlert | undefined {
  if (alerts.length === 0) throw new Error('nothing to format: an empty batch');
  return alerts.length === 1 ? alerts[0] : undefined;
}
