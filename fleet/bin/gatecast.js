#!/usr/bin/env node
// Installed as `gatecast`; the code is compiled to dist by `npm run build`.
import '../dist/cli/main.js';
