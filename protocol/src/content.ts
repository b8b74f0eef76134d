import { z } from 'zod';
import { multilingualTextSchema, sha256Schema } from './common.js';

const itemIdSchema = z.string().min(1).max(128);
const durationSecSchema = z.number().int().min(1).max(86_400);

export const textItemSchema = z.object({
  kind: z.literal('text'),
  id: itemIdSchema,
  title: multilingualTextSchema.optional(),
  body: multilingualTextSchema,
  durationSec: durationSecSchema.default(15),
});

/** Media is fetched by URL and cached by content hash; a file whose hash differs is not shown. */
export const imageItemSchema = z.object({
  kind: z.literal('image'),
  id: itemIdSchema,
  url: z.url(),
  sha256: sha256Schema,
  sizeBytes: z.number().int().nonnegative(),
  durationSec: durationSecSchema.default(10),
});

export const videoItemSchema = z.object({
  kind: z.literal('video'),
  id: itemIdSchema,
  url: z.url(),
  sha256: sha256Schema,
  sizeBytes: z.number().int().nonnegative(),
});

export const webItemSchema = z.object({
  kind: z.literal('web'),
  id: itemIdSchema,
  url: z.url({ protocol: /^https?$/ }),
  durationSec: durationSecSchema.default(30),
});

/** A zip of HTML, CSS, scripts and media, unpacked by the agent and shown in a sandboxed frame. */
export const htmlPackageItemSchema = z.object({
  kind: z.literal('html-package'),
  id: itemIdSchema,
  url: z.url(),
  sha256: sha256Schema,
  sizeBytes: z.number().int().nonnegative(),
  entry: z.string().min(1).max(256).default('index.html'),
  durationSec: durationSecSchema.default(30),
});

export const contentItemSchema = z.discriminatedUnion('kind', [
  textItemSchema,
  imageItemSchema,
  videoItemSchema,
  webItemSchema,
  htmlPackageItemSchema,
]);

export type ContentItem = z.infer<typeof contentItemSchema>;
