import { defineTemplate } from './template.util.js';

// To the board's address: a member completed the registration and waits to be activated.
export const boardRegistration = defineTemplate({
  fields: ['displayName', 'username', 'memberUrl'],
  de: (d) => ({
    subject: `Registrierung abgeschlossen: ${d.displayName}`,
    blocks: [
      { p: ['Hallo Vorstand,'] },
      { p: [`${d.displayName} (`, { strong: d.username }, ') hat die Registrierung abgeschlossen.'] },
      { p: ['Bitte prüft die Angaben und schaltet den Zugang frei:'] },
      { link: d.memberUrl },
    ],
  }),
  en: (d) => ({
    subject: `Registration completed: ${d.displayName}`,
    blocks: [
      { p: ['Hello board,'] },
      { p: [`${d.displayName} (`, { strong: d.username }, ') has completed the registration.'] },
      { p: ['Please check the details and activate the account:'] },
      { link: d.memberUrl },
    ],
  }),
});
