import { GatecastError } from '@gatecast/protocol';
import { transition, type ApprovalAction } from '../approval/approval-workflow.js';
import type { GatesRepo } from '../gates/gates-repo.js';
import { can, type Permission, type Principal } from '../users/permissions.js';
import type { AnnouncementTexts } from './announcement-model.js';
import { checkTemplateTexts } from './announcements-service.js';
import type { AnnouncementTemplate, TemplatesRepo } from './templates-repo.js';

export interface TemplateInput extends AnnouncementTexts {
  name: string;
  gateId: string | null;
  autoFire: boolean;
}

export type TemplateStep = Exclude<ApprovalAction, 'edit'>;

/** Who may take each step: writers write and submit, approvers review, publishers publish. */
const STEP_PERMISSION: Record<TemplateStep, Permission> = {
  submit: 'announcements.templates',
  approve: 'content.approve',
  reject: 'content.approve',
  publish: 'content.publish',
  unpublish: 'content.publish',
};

/**
 * Announcement templates are content: written with announcements.templates, approved by another
 * person with content.approve, then published. Only then can a duty officer fire one.
 */
export class TemplatesService {
  constructor(
    private readonly deps: {
      templates: TemplatesRepo;
      gates: Pick<GatesRepo, 'get'>;
      now?: () => Date;
    },
  ) {}

  async list(principal: Principal): Promise<AnnouncementTemplate[]> {
    return (await this.deps.templates.list()).filter((template) => this.mayRead(principal, template));
  }

  async get(principal: Principal, idOrName: string): Promise<AnnouncementTemplate> {
    const template = await this.deps.templates.find(idOrName);
    if (!template || !this.mayRead(principal, template)) {
      throw new GatecastError('NOT_FOUND', `no announcement template ${idOrName}`);
    }
    return template;
  }

  async create(principal: Principal, input: TemplateInput): Promise<AnnouncementTemplate> {
    this.require(principal, 'announcements.templates', input.gateId);
    await this.check(input);
    const at = this.now();
    return this.deps.templates.create({
      name: input.name,
      gateId: input.gateId,
      title: input.title ?? {},
      body: input.body,
      autoFire: input.autoFire,
      state: 'draft',
      revision: 1,
      authorId: principal.userId,
      reviewerId: null,
      reviewComment: null,
      createdAt: at,
      updatedAt: at,
    });
  }

  /** Any change is a new draft revision: what was approved was the old text. */
  async edit(
    principal: Principal,
    idOrName: string,
    changes: Partial<TemplateInput>,
  ): Promise<AnnouncementTemplate> {
    const template = await this.get(principal, idOrName);
    this.require(principal, 'announcements.templates', template.gateId);
    const gateId = changes.gateId === undefined ? template.gateId : changes.gateId;
    if (gateId !== template.gateId) this.require(principal, 'announcements.templates', gateId);
    const next = {
      ...transition(template, { action: 'edit', actorId: principal.userId }),
      name: changes.name ?? template.name,
      gateId,
      title: changes.title ?? template.title,
      body: changes.body ?? template.body,
      autoFire: changes.autoFire ?? template.autoFire,
      updatedAt: this.now(),
    };
    await this.check(next);
    // Changed by another request meanwhile: edited again from what it is now, as if this came second.
    if (!(await this.deps.templates.update(next, template))) return this.edit(principal, idOrName, changes);
    return next;
  }

  async step(
    principal: Principal,
    idOrName: string,
    action: TemplateStep,
    comment?: string,
  ): Promise<AnnouncementTemplate> {
    const template = await this.get(principal, idOrName);
    this.require(principal, STEP_PERMISSION[action], template.gateId);
    const next = {
      ...transition(template, { action, actorId: principal.userId, comment }),
      updatedAt: this.now(),
    };
    if (!(await this.deps.templates.update(next, template)))
      return this.step(principal, idOrName, action, comment);
    return next;
  }

  private async check(input: TemplateInput | AnnouncementTemplate): Promise<void> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 120) {
      throw new GatecastError('BAD_REQUEST', 'a template name must be 1 to 120 characters');
    }
    if (input.gateId !== null && !(await this.deps.gates.get(input.gateId))) {
      throw new GatecastError('NOT_FOUND', `gate ${input.gateId} does not exist`);
    }
    checkTemplateTexts(input);
  }

  private require(principal: Principal, permission: Permission, gateId: string | null): void {
    if (can(principal, permission, gateId)) return;
    const where = gateId === null ? 'on all gates' : `at gate ${gateId}`;
    throw new GatecastError('FORBIDDEN', `${principal.username} may not ${permission} ${where}`);
  }

  /** Duty officers read templates to fire them, editors to write them. */
  private mayRead(principal: Principal, template: AnnouncementTemplate): boolean {
    const gate = template.gateId;
    if (gate === null) {
      // A fleet-wide template can be fired at any gate: anyone who may read announcements somewhere sees it.
      return (
        principal.grants.length > 0 &&
        (['announcements.read', 'announcements.templates'] as const).some(
          (permission) =>
            can(principal, permission, null) ||
            principal.grants.some(
              (grant) => grant.gateId !== null && can(principal, permission, grant.gateId),
            ),
        )
      );
    }
    return can(principal, 'announcements.read', gate) || can(principal, 'announcements.templates', gate);
  }

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }
}
