#!/usr/bin/env node
// Installed as `gatecast-agent`; the code is compiled to dist by `npm run build`.
import '../dist/main.js';
