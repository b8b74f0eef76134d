import type { FastifySerializerCompiler } from 'fastify';

/**
 * The response serializer for large answers built only from values the store already validated
 * on read (the device list: every screen's reported state and telemetry, parsed by zod). The
 * default one validates the whole answer a second time and copies it, which was the largest cost
 * of listing 10k screens (docs/benchmarks.md, B6). The route's schema still types the handler and
 * documents the answer; the JSON is the same.
 */
export const alreadyValidatedSerializer: FastifySerializerCompiler<unknown> = () => (data) =>
  JSON.stringify(data);
