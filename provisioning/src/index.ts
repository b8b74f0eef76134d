export * from './agent-config-file.js';
export * from './boot-partition.js';
export * from './disk-image.js';
