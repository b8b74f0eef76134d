import { GatecastError } from '@gatecast/protocol';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * CAP 1.2 (OASIS Common Alerting Protocol) alerts, parsed and checked. Pure. Anything that is not
 * a well-formed CAP 1.2 alert with its required elements is refused with a 400 naming what is
 * wrong. A DOCTYPE is refused outright, so no entity can be declared and none is ever expanded
 * (only predefined entities and character references are decoded).
 */
export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

const STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
const MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
const SCOPES = ['Public', 'Restricted', 'Private'] as const;
const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'];
const SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'];
const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'];
/** CAP's dateTime: a full time with an explicit offset ("Z" is not allowed by the spec, but common). */
const CAP_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/;

export interface CapPair {
  valueName: string;
  value: string;
}

export interface CapArea {
  areaDesc: string;
  geocodes: CapPair[];
}

export interface CapInfo {
  /** The gatecast language tag (vi-VN → vi, zh-CN → zh-Hans). */
  language: string;
  event: string;
  headline: string | null;
  description: string | null;
  onset: string | null;
  expires: string | null;
  eventCodes: CapPair[];
  areas: CapArea[];
}

export interface CapReference {
  sender: string;
  identifier: string;
  sent: string;
}

export interface CapAlert {
  identifier: string;
  sender: string;
  sent: string;
  status: (typeof STATUSES)[number];
  msgType: (typeof MSG_TYPES)[number];
  scope: (typeof SCOPES)[number];
  references: CapReference[];
  infos: CapInfo[];
}

const ARRAYS = new Set([
  'info',
  'area',
  'geocode',
  'eventCode',
  'parameter',
  'resource',
  'category',
  'responseType',
  'polygon',
  'circle',
]);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  // XML's predefined entities and character references (&#x1EA1; for Vietnamese) are decoded;
  // no DOCTYPE is accepted, so no declared entity exists to expand.
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ARRAYS.has(name),
});

type Node = Record<string, unknown>;

export function parseCapAlert(xml: string): CapAlert {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw refuse('a DOCTYPE or entity declaration is not accepted (entities are never expanded)');
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw refuse(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  if (!new RegExp(`xmlns(:\\w+)?\\s*=\\s*["']${CAP_NAMESPACE.replace(/\./g, '\\.')}["']`).test(xml)) {
    throw refuse(`the alert is not in the CAP 1.2 namespace ${CAP_NAMESPACE}`);
  }
  const document = parser.parse(xml) as Node;
  const alert = document.alert;
  if (!isNode(alert)) throw refuse('the root element must be <alert>');

  const status = oneOf(alert, 'status', STATUSES);
  const msgType = oneOf(alert, 'msgType', MSG_TYPES);
  const parsed: CapAlert = {
    identifier: text(alert, 'identifier'),
    sender: text(alert, 'sender'),
    sent: time(alert, 'sent'),
    status,
    msgType,
    scope: oneOf(alert, 'scope', SCOPES),
    references: references(optionalText(alert, 'references')),
    infos: nodes(alert.info, 'info').map(toInfo),
  };
  if (/[\s,<&]/.test(parsed.identifier) || /[\s,<&]/.test(parsed.sender)) {
    throw refuse('<identifier> and <sender> must not contain spaces, commas, "<" or "&"');
  }
  return parsed;
}

function toInfo(info: Node): CapInfo {
  const categories = Array.isArray(info.category) ? info.category : [];
  if (!categories.some((category) => typeof category === 'string' && category.length > 0)) {
    throw refuse('<info> needs a <category>');
  }
  oneOfList(info, 'urgency', URGENCIES);
  oneOfList(info, 'severity', SEVERITIES);
  oneOfList(info, 'certainty', CERTAINTIES);
  return {
    language: capLanguage(optionalText(info, 'language') ?? 'en-US'),
    event: text(info, 'event', 'info'),
    headline: optionalText(info, 'headline'),
    description: optionalText(info, 'description'),
    onset: optionalTime(info, 'onset'),
    expires: optionalTime(info, 'expires'),
    eventCodes: nodes(info.eventCode, 'eventCode').map((pair) => toPair(pair, 'eventCode')),
    areas: nodes(info.area, 'area').map((area) => ({
      areaDesc: text(area, 'areaDesc', 'area'),
      geocodes: nodes(area.geocode, 'geocode').map((pair) => toPair(pair, 'geocode')),
    })),
  };
}

/** RFC 3066 as CAP uses it, to the tags the gates use: the region goes, Chinese keeps its script. */
export function capLanguage(tag: string): string {
  const parts = tag.trim().split(/[-_]/);
  const primary = (parts[0] ?? '').toLowerCase();
  if (!/^[a-z]{2,3}$/.test(primary)) throw refuse(`<language> ${tag} is not a language tag`);
  if (primary !== 'zh') return primary;
  const rest = parts.slice(1).map((part) => part.toLowerCase());
  if (rest.includes('hant') || rest.some((part) => ['tw', 'hk', 'mo'].includes(part))) return 'zh-Hant';
  return 'zh-Hans';
}

/** `sender,identifier,sent` triples, separated by spaces. */
function references(value: string | null): CapReference[] {
  if (value === null) return [];
  return value
    .split(/\s+/)
    .filter((part) => part.length > 0)
    .map((triple) => {
      const [sender, identifier, sent] = triple.split(',');
      if (!sender || !identifier || !sent) {
        throw refuse(`<references> must list sender,identifier,sent triples; got "${triple}"`);
      }
      return { sender, identifier, sent };
    });
}

function toPair(node: Node, element: string): CapPair {
  return { valueName: text(node, 'valueName', element), value: text(node, 'value', element) };
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nodes(value: unknown, element: string): Node[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (isNode(item)) return item;
    // An empty element: its required children are then reported missing by name.
    if (item === '') return {};
    throw refuse(`<${element}> must hold elements, not text`);
  });
}

function optionalText(node: Node, element: string): string | null {
  const value = node[element];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw refuse(`<${element}> must hold text`);
  return value.length > 0 ? value : null;
}

function text(node: Node, element: string, parent = 'alert'): string {
  const value = optionalText(node, element);
  if (value === null) throw refuse(`<${parent}> needs a non-empty <${element}>`);
  return value;
}

function time(node: Node, element: string): string {
  const value = text(node, element);
  if (!CAP_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw refuse(`<${element}> must be a time like 2026-11-26T09:30:00+07:00; got ${value}`);
  }
  return new Date(Date.parse(value)).toISOString();
}

function optionalTime(node: Node, element: string): string | null {
  return node[element] === undefined ? null : time(node, element);
}

function oneOf<T extends string>(node: Node, element: string, allowed: readonly T[]): T {
  const value = text(node, element);
  if (!(allowed as readonly string[]).includes(value)) {
    throw refuse(`<${element}> must be one of ${allowed.join(', ')}; got ${value}`);
  }
  return value as T;
}

function oneOfList(node: Node, element: string, allowed: readonly string[]): void {
  const value = text(node, element, 'info');
  if (!allowed.includes(value))
    throw refuse(`<${element}> must be one of ${allowed.join(', ')}; got ${value}`);
}

function refuse(reason: string): GatecastError {
  return new GatecastError('BAD_REQUEST', `not a CAP 1.2 alert gatecast accepts: ${reason}`);
}
