import { sendRequest } from './api-client.js';

interface LoginAnswer {
  user: { username: string; mustChangePassword: boolean };
  csrfToken: string;
}

/**
 * A short dashboard-style session, used only by `gatecast login` to mint the CLI's own API token:
 * the password goes only to the fleet and is never stored.
 */
export class SessionClient {
  private headers: Record<string, string> = {};

  constructor(readonly url: string) {}

  async login(username: string, password: string): Promise<LoginAnswer['user']> {
    const response = await sendRequest(this.url, 'POST', '/api/v1/auth/login', {}, { username, password });
    const answer = (await response.json()) as LoginAnswer;
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    this.headers = { cookie, 'x-csrf-token': answer.csrfToken };
    return answer.user;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await sendRequest(this.url, method, path, this.headers, body);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
}
