import { formatDay } from './day.util.js';
import { defineTemplate } from './template.util.js';

// To the board, once, when a thing lent to the club should go back to its owner (displayName).
export const borrowedThingDue = defineTemplate({
  fields: ['displayName', 'thingName', 'ownerUntil', 'thingUrl'],
  de: (d) => ({
    subject: 'Eine Leihgabe muss zurück',
    blocks: [
      { p: ['Hallo Vorstand,'] },
      {
        p: [
          { strong: d.thingName },
          ` ist eine Leihgabe von ${d.displayName} bis zum ${formatDay(d.ownerUntil, 'de')}. `,
          'Bitte gebt es zurück oder verlängert die Leihe mit der Eigentümerin oder dem Eigentümer:',
        ],
      },
      { link: d.thingUrl },
    ],
  }),
  en: (d) => ({
    subject: 'A thing lent to the club is due back',
    blocks: [
      { p: ['Hello board,'] },
      {
        p: [
          { strong: d.thingName },
          ` was lent to the club by ${d.displayName} until ${formatDay(d.ownerUntil, 'en')}. `,
          'Please give it back, or agree a longer loan with its owner:',
        ],
      },
      { link: d.thingUrl },
    ],
  }),
});
