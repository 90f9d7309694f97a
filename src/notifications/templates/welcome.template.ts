import { defineTemplate, formatDateTime } from './template.util.js';

// To the private address after intake: the single-use registration link.
export const welcome = defineTemplate({
  fields: ['displayName', 'registrationUrl', 'expiresAt'],
  de: (d, ctx) => ({
    subject: `Willkommen bei ${ctx.clubName}`,
    blocks: [
      { p: [`Hallo ${d.displayName},`] },
      { p: [`willkommen bei ${ctx.clubName}! Bitte schließ deine Registrierung über diesen Link ab:`] },
      { link: d.registrationUrl },
      {
        p: [
          `Der Link gilt einmal und bis ${formatDateTime(d.expiresAt, 'de', ctx.timeZone)}. ` +
            'Dort wählst du deine Mail-Adressen und, wenn du möchtest, ein Passwort für unsere Dienste.',
        ],
      },
    ],
  }),
  en: (d, ctx) => ({
    subject: `Welcome to ${ctx.clubName}`,
    blocks: [
      { p: [`Hello ${d.displayName},`] },
      { p: [`welcome to ${ctx.clubName}! Please complete your registration with this link:`] },
      { link: d.registrationUrl },
      {
        p: [
          `The link works once and until ${formatDateTime(d.expiresAt, 'en', ctx.timeZone)}. ` +
            'There you choose your mail addresses and, if you like, a password for our services.',
        ],
      },
    ],
  }),
});
