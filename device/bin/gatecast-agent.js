#!/usr/bin/env -S node --max-semi-space-size=1
// Installed as `gatecast-agent` and started by the SD image's systemd unit; the code is compiled to
// dist by `npm run build`. The V8 flag keeps the young generation at 1 MB a half instead of up to
// 16: the agent allocates little, and on a small device about 10 MB of idle RSS matters more than
// the odd extra scavenge (B7 in docs/benchmarks.md).
import '../dist/main.js';
