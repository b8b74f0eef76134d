import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { qrLinkOf, sendLinkQr } from '../player/qr-code.js';
import { renderCommissioningPage } from './commissioning-page.js';
import type { CommissioningView } from './commissioning-view.js';
import { closeServer, listenOnLoopback } from '../lib/loopback-server.js';

const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The commissioning page, its state as JSON and its QR code, on 127.0.0.1 only. */
export class CommissioningServer {
  private server: Server | null = null;
  private view: CommissioningView;

  constructor(
    initial: CommissioningView,
    private readonly port = 0,
  ) {
    this.view = initial;
  }

  get origin(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the commissioning server is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  get current(): CommissioningView {
    return this.view;
  }

  update(view: CommissioningView): void {
    this.view = view;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://commissioning.invalid');
      response.setHeader('cache-control', 'no-store');
      response.setHeader('x-content-type-options', 'nosniff');
      if (url.pathname === '/' || url.pathname === '/index.html') {
        const link = this.view.enrolment?.approvalUrl ?? null;
        const qr = link ? `<img alt="" src="/qr/link.svg?url=${encodeURIComponent(link)}">` : null;
        response.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': CSP,
        });
        return void response.end(renderCommissioningPage(this.view, qr));
      }
      if (url.pathname === '/state.json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.end(JSON.stringify(this.view));
      }
      const link = qrLinkOf(url.pathname, url.search);
      if (link) return void sendLinkQr(response, link).catch(() => response.destroy());
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('not found');
    });
    await listenOnLoopback(server, this.port);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await closeServer(server);
  }
}
