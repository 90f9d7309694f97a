import { defineTemplate } from './template.util.js';

// To the private address after a new password was set: a notice, so a takeover does not go unseen.
export const passwordChanged = defineTemplate({
  fields: ['displayName'],
  de: (d, ctx) => ({
    subject: 'Dein Passwort wurde geändert',
    blocks: [
      { p: [`Hallo ${d.displayName},`] },
      { p: [`dein Passwort bei ${ctx.clubName} wurde gerade geändert, und alle Anmeldungen wurden beendet.`] },
      {
        p: [
          'Warst du das nicht, setz bitte über „Passwort vergessen“ ein neues und sag dem Vorstand Bescheid' +
            (ctx.boardAddress ? ` (${ctx.boardAddress}).` : '.'),
        ],
      },
    ],
  }),
  en: (d, ctx) => ({
    subject: 'Your password was changed',
    blocks: [
      { p: [`Hello ${d.displayName},`] },
      { p: [`your ${ctx.clubName} password was just changed, and every login session was ended.`] },
      {
        p: [
          'If this was not you, please set a new one with “forgot password” and tell the board' +
            (ctx.boardAddress ? ` (${ctx.boardAddress}).` : '.'),
        ],
      },
    ],
  }),
});
