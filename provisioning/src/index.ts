export * from './agent-config-file.js';
