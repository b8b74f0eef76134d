import { z } from 'zod';

// Each service's documented incoming format, written down from its documentation. Strict objects:
// a field the service does not document is a test failure, not a silent extra.

/**
 * Slack legacy attachments, as Mattermost and Rocket.Chat also accept them: `fallback` is required
 * by Mattermost; title, title_link, color and fields {title, value, short} are common to all three.
 */
export const slackCompatibleSchema = z.strictObject({
  text: z.string().min(1),
  attachments: z
    .array(
      z.strictObject({
        fallback: z.string().min(1),
        color: z.string().regex(/^#[0-9A-F]{6}$/i),
        title: z.string().min(1),
        title_link: z.url(),
        text: z.string().optional(),
        fields: z
          .array(z.strictObject({ title: z.string().min(1), value: z.string().min(1), short: z.boolean() }))
          .optional(),
      }),
    )
    .min(1)
    .max(100),
});

const textBlockSchema = z.strictObject({
  type: z.literal('TextBlock'),
  text: z.string().min(1),
  weight: z.enum(['Default', 'Lighter', 'Bolder']).optional(),
  size: z.enum(['Default', 'Small', 'Medium', 'Large', 'ExtraLarge']).optional(),
  wrap: z.boolean().optional(),
  color: z.enum(['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention']).optional(),
});
const factSetSchema = z.strictObject({
  type: z.literal('FactSet'),
  facts: z.array(z.strictObject({ title: z.string().min(1), value: z.string().min(1) })).min(1),
});

/** A Teams Workflows webhook message: exactly one Adaptive Card 1.4 attachment. */
export const teamsWorkflowSchema = z.strictObject({
  type: z.literal('message'),
  attachments: z
    .array(
      z.strictObject({
        contentType: z.literal('application/vnd.microsoft.card.adaptive'),
        contentUrl: z.null().optional(),
        content: z.strictObject({
          $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json').optional(),
          type: z.literal('AdaptiveCard'),
          version: z.literal('1.4'),
          body: z.array(z.discriminatedUnion('type', [textBlockSchema, factSetSchema])).min(1),
          actions: z
            .array(
              z.strictObject({ type: z.literal('Action.OpenUrl'), title: z.string().min(1), url: z.url() }),
            )
            .min(1),
        }),
      }),
    )
    .length(1),
});

const widgetSchema = z.union([
  z.strictObject({
    decoratedText: z.strictObject({
      topLabel: z.string(),
      text: z.string().min(1),
      wrapText: z.boolean().optional(),
    }),
  }),
  z.strictObject({ textParagraph: z.strictObject({ text: z.string() }) }),
  z.strictObject({
    buttonList: z.strictObject({
      buttons: z
        .array(
          z.strictObject({
            text: z.string().min(1),
            onClick: z.strictObject({ openLink: z.strictObject({ url: z.url() }) }),
          }),
        )
        .min(1),
    }),
  }),
]);

/** Google Chat incoming webhook: `text` and/or `cardsV2` (cardId + card with header and sections of widgets). */
export const googleChatSchema = z.strictObject({
  text: z.string().min(1),
  cardsV2: z
    .array(
      z.strictObject({
        cardId: z.string().min(1),
        card: z.strictObject({
          header: z.strictObject({ title: z.string().min(1), subtitle: z.string().optional() }),
          sections: z.array(z.strictObject({ widgets: z.array(widgetSchema).min(1) })).min(1),
        }),
      }),
    )
    .min(1),
});

/** Telegram Bot API sendMessage (JSON); 4096 characters at most. */
export const telegramSendMessageSchema = z.strictObject({
  chat_id: z.union([z.number().int(), z.string().min(1)]),
  text: z.string().min(1).max(4096),
  parse_mode: z.enum(['HTML', 'MarkdownV2', 'Markdown']).optional(),
  link_preview_options: z.strictObject({ is_disabled: z.boolean().optional() }).optional(),
});

/** The only tags Telegram's HTML parse mode knows that we use; anything else would be refused. */
export const TELEGRAM_HTML_TAG = /<\/?([a-z-]+)[^>]*>/g;
export const TELEGRAM_ALLOWED_TAGS = ['b', 'strong', 'i', 'em', 'u', 's', 'a', 'code', 'pre'];

/** The generic webhook body: always a list of deliveries, one per alert. */
export const webhookBodySchema = z.strictObject({
  version: z.literal(1),
  test: z.boolean(),
  language: z.enum(['vi', 'en']),
  deliveries: z
    .array(
      z.strictObject({
        deliveryId: z.string().min(1),
        transition: z.looseObject({ id: z.string(), kind: z.string() }),
        title: z.string().min(1),
        text: z.string().min(1),
        url: z.url(),
      }),
    )
    .min(1),
});
