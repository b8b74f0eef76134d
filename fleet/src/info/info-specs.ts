import { multilingualTextSchema, sha256Schema, slugSchema } from '@gatecast/protocol';
import { z } from 'zod';
import type { ApprovalRecord } from '../approval/approval-workflow.js';

/** Node ids are slugs, so they read well in URLs and CLI lines: `entry-visa`, `n-1a2b3c4d`. */
export const infoNodeIdSchema = slugSchema;

/**
 * The blocks an author writes. Like the protocol's (protocol/src/info.ts), except that a picture
 * is named by its media-library sha256: the bundle builder turns it into a URL screens fetch.
 */
export const infoBlockSpecSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('heading'), text: multilingualTextSchema }),
  z.strictObject({ type: z.literal('text'), text: multilingualTextSchema }),
  z.strictObject({
    type: z.literal('image'),
    sha256: sha256Schema,
    caption: multilingualTextSchema.optional(),
    map: z.boolean().default(false),
  }),
  z.strictObject({
    type: z.literal('table'),
    rows: z.array(z.array(multilingualTextSchema).min(1).max(8)).min(1).max(60),
  }),
  z.strictObject({
    type: z.literal('qr'),
    url: z.url({ protocol: /^https?$/ }),
    label: multilingualTextSchema,
  }),
]);
export type InfoBlockSpec = z.infer<typeof infoBlockSpecSchema>;

/** What a node says: stored as JSON in info_nodes.spec. */
export const infoNodeSpecSchema = z.strictObject({
  title: multilingualTextSchema,
  summary: multilingualTextSchema.optional(),
  blocks: z.array(infoBlockSpecSchema).max(100).default([]),
});
export type InfoNodeSpec = z.infer<typeof infoNodeSpecSchema>;

export type InfoNodeKind = 'category' | 'page';

/** One node of a gate's (or the fleet-wide) tree, with its place in the approval workflow. */
export interface InfoNodeRecord extends ApprovalRecord {
  id: string;
  /** null: fleet-wide, shown at every gate. */
  gateId: string | null;
  parentId: string | null;
  kind: InfoNodeKind;
  order: number;
  spec: InfoNodeSpec;
  /** Sample text shipped with gatecast, for the city to replace. */
  sample: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Every text of a node, keyed by where it is, for the glyph check and the missing-language flag. */
export function textsOf(spec: InfoNodeSpec): Array<{ where: string; text: Record<string, string> }> {
  const texts = [{ where: 'title', text: spec.title }];
  if (spec.summary) texts.push({ where: 'summary', text: spec.summary });
  spec.blocks.forEach((block, index) => {
    const at = `block ${index + 1} (${block.type})`;
    switch (block.type) {
      case 'heading':
      case 'text':
        texts.push({ where: at, text: block.text });
        break;
      case 'image':
        if (block.caption) texts.push({ where: `${at} caption`, text: block.caption });
        break;
      case 'table':
        block.rows.forEach((row, r) =>
          row.forEach((cell, c) => texts.push({ where: `${at} row ${r + 1} cell ${c + 1}`, text: cell })),
        );
        break;
      case 'qr':
        texts.push({ where: `${at} label`, text: block.label });
        break;
    }
  });
  return texts;
}

/**
 * BCP 47 "undetermined": a text the same in every language (a phone number, a place name in a
 * table). It never makes a language missing.
 */
export const NEUTRAL_LANGUAGE = 'und';

/**
 * The languages among `languages` some text of the node lacks: those screens fall back to en,
 * then vi, and the dashboard flags the node.
 */
export function missingLanguages(spec: InfoNodeSpec, languages: readonly string[]): string[] {
  const texts = textsOf(spec).filter(({ text }) => text[NEUTRAL_LANGUAGE] === undefined);
  return languages.filter((language) => texts.some(({ text }) => !text[language]?.trim()));
}
