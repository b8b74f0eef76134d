import { z } from 'zod';
import { isoTimeSchema, languageTagSchema, multilingualTextSchema, sha256Schema } from './common.js';
import { slugSchema } from './device-id.js';

/**
 * The information tree a gate publishes for travellers: categories and pages, each in several
 * languages. The fleet builds it from approved nodes into one JSON file (an "info bundle"),
 * served to screens like any media file (by sha256) and cached for offline use; lookup kiosks,
 * counter screens and the traveller web page all render the same bundle.
 */
const nodeIdSchema = z.string().min(1).max(128);

/** A file of the media library shown in a page (a picture, a map). */
const infoImageSchema = z.object({
  url: z.url(),
  sha256: sha256Schema,
  sizeBytes: z.number().int().nonnegative(),
});

export const infoBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('heading'), text: multilingualTextSchema }),
  /** Plain paragraphs; blank lines separate them. No markup: nothing to sanitise on a screen. */
  z.object({ type: z.literal('text'), text: multilingualTextSchema }),
  z.object({
    type: z.literal('image'),
    image: infoImageSchema,
    caption: multilingualTextSchema.optional(),
    /** A map is an image a kiosk lets the traveller zoom. */
    map: z.boolean().default(false),
  }),
  z.object({
    type: z.literal('table'),
    /** The first row is the header. */
    rows: z.array(z.array(multilingualTextSchema).min(1).max(8)).min(1).max(60),
  }),
  z.object({
    type: z.literal('qr'),
    url: z.url({ protocol: /^https?$/ }),
    label: multilingualTextSchema,
  }),
]);

export const infoNodeSchema = z.object({
  id: nodeIdSchema,
  /** null for the top level. */
  parentId: nodeIdSchema.nullable(),
  kind: z.enum(['category', 'page']),
  order: z.number().int(),
  title: multilingualTextSchema,
  /** Short line under the title in lists and search results. */
  summary: multilingualTextSchema.optional(),
  blocks: z.array(infoBlockSchema).max(100).default([]),
  /** Languages of the gate this node has no text in; renderers fall back to en, then vi. */
  missing: z.array(languageTagSchema).default([]),
  /** Sample text shipped with gatecast, for the city to replace. */
  sample: z.boolean().default(false),
});

export const infoBundleSchema = z.object({
  gateId: slugSchema,
  /** Increases with every published change of the gate's tree. */
  version: z.number().int().positive(),
  generatedAt: isoTimeSchema,
  languages: z.array(languageTagSchema).min(1).max(16),
  nodes: z.array(infoNodeSchema).max(2000),
});

/** In a desired document: where the screen gets its gate's bundle and what the bundle shows. */
export const infoTreeRefSchema = z.object({
  url: z.url(),
  sha256: sha256Schema,
  sizeBytes: z.number().int().nonnegative(),
  version: z.number().int().positive(),
  /** Every picture the bundle names, so the screen caches them before it needs them. */
  media: z.array(infoImageSchema).max(2000).default([]),
});

/** A page a counter's staff put on the counter's screen, until a time or until cleared. */
export const counterPageSchema = z.object({
  nodeId: nodeIdSchema,
  language: languageTagSchema,
  shownSince: isoTimeSchema,
  /** null: until the staff clear it. */
  until: isoTimeSchema.nullable(),
});

export type InfoBlock = z.infer<typeof infoBlockSchema>;
export type InfoNode = z.infer<typeof infoNodeSchema>;
export type InfoBundle = z.infer<typeof infoBundleSchema>;
export type InfoBundleInput = z.input<typeof infoBundleSchema>;
export type InfoTreeRef = z.infer<typeof infoTreeRefSchema>;
export type CounterPage = z.infer<typeof counterPageSchema>;
