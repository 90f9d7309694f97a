import { defineTemplate } from './template.util.js';

// To the old private address: someone asked to move the account to another address.
export const emailChangeNotice = defineTemplate({
  fields: ['displayName', 'newAddress'],
  de: (d, ctx) => ({
    subject: 'Deine Mail-Adresse soll geändert werden',
    blocks: [
      { p: [`Hallo ${d.displayName},`] },
      {
        p: [`für deinen Zugang bei ${ctx.clubName} wurde eine neue Mail-Adresse angegeben: `, { strong: d.newAddress }],
      },
      { p: ['Sie gilt erst, wenn sie über den Link bestätigt ist, der an sie geschickt wurde.'] },
      {
        p: [
          'Warst du das nicht, ändere bitte dein Passwort und sag dem Vorstand Bescheid' +
            (ctx.boardAddress ? ` (${ctx.boardAddress}).` : '.'),
        ],
      },
    ],
  }),
  en: (d, ctx) => ({
    subject: 'Your mail address is about to change',
    blocks: [
      { p: [`Hello ${d.displayName},`] },
      { p: [`a new mail address was given for your ${ctx.clubName} account: `, { strong: d.newAddress }] },
      { p: ['It applies only once it is confirmed with the link that was sent to it.'] },
      {
        p: [
          'If this was not you, please change your password and tell the board' +
            (ctx.boardAddress ? ` (${ctx.boardAddress}).` : '.'),
        ],
      },
    ],
  }),
});
