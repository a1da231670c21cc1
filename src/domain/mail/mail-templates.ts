import { requireAdmin, type Actor } from '../actor';
import type { Clock } from '../clock';
import { hasControlCharacter } from '../control-characters';
import { errors } from '../errors';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import type { MailKind } from './mail-outbox-store';
import type { MailTemplateStore, MailTemplateText } from './mail-template-store';

const MAIL_KINDS: readonly MailKind[] = ['password-reset', 'email-verification', 'invitation'];

/** What a template may name: `{{link}}` (required), `{{tenantName}}`, `{{username}}`. */
interface MailVariables {
  readonly link: string;
  readonly tenantName: string;
  readonly username: string;
}

const DEFAULTS: Record<MailKind, MailTemplateText> = {
  'password-reset': {
    subject: 'Reset your password for {{tenantName}}',
    body: [
      'Hello {{username}},',
      '',
      'someone asked to reset the password of your account {{username}} at {{tenantName}}.',
      'To choose a new password, open this link within 30 minutes:',
      '',
      '{{link}}',
      '',
      'The link works once. If you did not ask for this, ignore this mail: your password stays as it is.',
      '',
    ].join('\n'),
  },
  'email-verification': {
    subject: 'Confirm your email address for {{tenantName}}',
    body: [
      'Hello {{username}},',
      '',
      'please confirm that this is the email address of your account {{username}} at {{tenantName}}:',
      '',
      '{{link}}',
      '',
      'The link works once, for 24 hours. If you did not expect this mail, ignore it.',
      '',
    ].join('\n'),
  },
  invitation: {
    subject: 'You are invited to {{tenantName}}',
    body: [
      'Hello,',
      '',
      'an account {{username}} was made for you at {{tenantName}}. To choose its password, open this link within 7 days:',
      '',
      '{{link}}',
      '',
      'The link works once. If you did not expect this mail, ignore it.',
      '',
    ].join('\n'),
  },
};

const PLACEHOLDER = /\{\{\s*(link|tenantName|username)\s*\}\}/g;

/** Fills the placeholders (plain text: the mail has no HTML part, so nothing needs escaping). */
const fill = (text: string, variables: MailVariables): string =>
  text.replace(PLACEHOLDER, (_, name: keyof MailVariables) => variables[name]);

/**
 * The text of every mail kind: the built-in one, or the tenant's own that an admin of the tenant
 * set (GraphQL setMailTemplate); resetting returns to the built-in text.
 */
export class MailTemplates {
  constructor(
    private readonly store: MailTemplateStore,
    private readonly tenants: TenantService,
    private readonly clock: Clock,
  ) {}

  /** The mail of `kind` for `tenant`, filled in. */
  async render(tenant: Tenant, kind: MailKind, variables: MailVariables): Promise<{ subject: string; text: string }> {
    const template = (await this.store.find(tenant.id, kind)) ?? DEFAULTS[kind];
    return { subject: fill(template.subject, variables).replace(/[\r\n]+/g, ' '), text: fill(template.body, variables) };
  }

  async get(actor: Actor, tenantPath: string, kind: string): Promise<MailTemplateText & { kind: MailKind; overridden: boolean }> {
    requireAdmin(actor);
    const tenant = await this.tenants.get(actor, tenantPath, 'tenantPath');
    const valid = mailKind(kind);
    const own = await this.store.find(tenant.id, valid);
    return { kind: valid, ...(own ?? DEFAULTS[valid]), overridden: own !== null };
  }

  async set(actor: Actor, tenantPath: string, kind: string, template: MailTemplateText) {
    requireAdmin(actor);
    const tenant = await this.tenants.get(actor, tenantPath, 'tenantPath');
    const valid = mailKind(kind);
    const subject = (template.subject ?? '').trim();
    if (!subject || subject.length > 200 || hasControlCharacter(subject))
      throw errors.validation('subject', 'must be 1-200 characters without control characters');
    const body = (template.body ?? '').replace(/\r\n/g, '\n');
    if (body.length === 0 || body.length > 10_000) throw errors.validation('body', 'must be 1-10000 characters');
    if (hasControlCharacter(body.replace(/[\n\t]/g, ''))) throw errors.validation('body', 'must not contain control characters');
    if (!/\{\{\s*link\s*\}\}/.test(body)) throw errors.validation('body', 'must contain {{link}}');
    await this.store.upsert(tenant.id, valid, { subject, body }, this.clock.now());
    return this.get(actor, tenantPath, valid);
  }

  async reset(actor: Actor, tenantPath: string, kind: string) {
    requireAdmin(actor);
    const tenant = await this.tenants.get(actor, tenantPath, 'tenantPath');
    await this.store.delete(tenant.id, mailKind(kind));
    return this.get(actor, tenantPath, kind);
  }
}

function mailKind(kind: string): MailKind {
  if (!(MAIL_KINDS as readonly string[]).includes(kind)) throw errors.validation('kind', `must be one of ${MAIL_KINDS.join(', ')}`);
  return kind as MailKind;
}
