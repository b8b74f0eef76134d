import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dashboard is served by the fleet manager from fleet/web/dist; `npm run dev -w @gatecast/web`
// proxies the API to a fleet running on the default port.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything is same-origin and offline: no inlined assets that a strict CSP would have to allow.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
