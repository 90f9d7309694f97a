import { defineTemplate, formatDateTime } from './template.util.js';

// To the private address: the link with the reset key.
export const passwordReset = defineTemplate({
  fields: ['displayName', 'resetUrl', 'expiresAt'],
  de: (d, ctx) => ({
    subject: `Neues Passwort für ${ctx.clubName}`,
    blocks: [
      { p: [`Hallo ${d.displayName},`] },
      { p: ['jemand, hoffentlich du, möchte ein neues Passwort für deinen Zugang setzen. Das geht hier:'] },
      { link: d.resetUrl },
      { p: [`Der Link gilt einmal und bis ${formatDateTime(d.expiresAt, 'de', ctx.timeZone)}.`] },
      { p: ['Warst du das nicht, kannst du diese Mail einfach löschen: dein Passwort bleibt, wie es ist.'] },
    ],
  }),
  en: (d, ctx) => ({
    subject: `New password for ${ctx.clubName}`,
    blocks: [
      { p: [`Hello ${d.displayName},`] },
      { p: ['someone, hopefully you, wants to set a new password for your account. You can do so here:'] },
      { link: d.resetUrl },
      { p: [`The link works once and until ${formatDateTime(d.expiresAt, 'en', ctx.timeZone)}.`] },
      { p: ['If this was not you, just delete this mail: your password stays as it is.'] },
    ],
  }),
});
