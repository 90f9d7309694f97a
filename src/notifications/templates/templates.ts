import { accountActive } from './account-active.template.js';
import { calendarAnnouncement } from './calendar-announcement.template.js';
import { boardRegistration } from './board-registration.template.js';
import { borrowedThingDue } from './borrowed-thing-due.template.js';
import { emailChangeConfirm } from './email-change-confirm.template.js';
import { emailChangeNotice } from './email-change-notice.template.js';
import { inductionExpiring } from './induction-expiring.template.js';
import { loanOverdue } from './loan-overdue.template.js';
import { passwordChanged } from './password-changed.template.js';
import { passwordReset } from './password-reset.template.js';
import { layout, type Language, type MailTemplate, type RenderContext, type RenderedMail } from './template.util.js';
import { welcome } from './welcome.template.js';

export type { Language, RenderContext, RenderedMail } from './template.util.js';

export const TEMPLATES = {
  welcome: welcome,
  'board-registration': boardRegistration,
  'account-active': accountActive,
  'password-reset': passwordReset,
  'password-changed': passwordChanged,
  'email-change-confirm': emailChangeConfirm,
  'email-change-notice': emailChangeNotice,
  // inventory
  'loan-overdue': loanOverdue,
  'borrowed-thing-due': borrowedThingDue,
  'induction-expiring': inductionExpiring,
  // calendar
  'calendar-announcement': calendarAnnouncement,
} as const;

export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

// The data each template takes, e.g. TemplateData<'welcome'> = { displayName, registrationUrl, expiresAt }.
export type TemplateData<T extends TemplateName> =
  (typeof TEMPLATES)[T] extends MailTemplate<infer K> ? Record<K, string> : never;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(TEMPLATES, name);
}

// Pure: template, language and data in, subject, text and HTML out. Refuses missing and unknown
// data keys (a misspelt key would otherwise send a mail with a hole in it).
export function renderMail(
  name: TemplateName,
  language: Language,
  data: Record<string, string>,
  ctx: RenderContext,
): RenderedMail {
  const template: MailTemplate = TEMPLATES[name];
  const missing = template.fields.filter((f) => typeof data[f] !== 'string');
  const unknown = Object.keys(data).filter((k) => !template.fields.includes(k));
  if (missing.length > 0 || unknown.length > 0) {
    const problems = [
      ...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []),
      ...(unknown.length > 0 ? [`unknown ${unknown.join(', ')}`] : []),
    ];
    throw new Error(`mail template "${name}": ${problems.join('; ')}`);
  }
  return layout(template[language](data, ctx), language, ctx);
}
