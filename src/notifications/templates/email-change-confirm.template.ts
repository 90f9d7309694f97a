import { defineTemplate } from './template.util.js';

// To the new private address: the change applies only once this link is opened.
export const emailChangeConfirm = defineTemplate({
  fields: ['displayName', 'confirmUrl'],
  de: (d, ctx) => ({
    subject: 'Bitte bestätige deine neue Mail-Adresse',
    blocks: [
      { p: [`Hallo ${d.displayName},`] },
      { p: [`diese Adresse soll deine neue Mail-Adresse bei ${ctx.clubName} werden. Bitte bestätige das hier:`] },
      { link: d.confirmUrl },
      { p: ['Bis dahin bleibt deine bisherige Adresse gültig. Warst du das nicht, lösch diese Mail einfach.'] },
    ],
  }),
  en: (d, ctx) => ({
    subject: 'Please confirm your new mail address',
    blocks: [
      { p: [`Hello ${d.displayName},`] },
      { p: [`this address is to become your new mail address at ${ctx.clubName}. Please confirm it here:`] },
      { link: d.confirmUrl },
      { p: ['Until then your current address stays in use. If this was not you, just delete this mail.'] },
    ],
  }),
});
