import { formatDay } from './day.util.js';
import { defineTemplate } from './template.util.js';

// To the borrower, once, when a loan is past its return date.
export const loanOverdue = defineTemplate({
  fields: ['displayName', 'thingName', 'dueOn', 'thingUrl'],
  de: (d, ctx) => ({
    subject: 'Bitte bring etwas zurück',
    blocks: [
      { p: [`Hallo ${d.displayName},`] },
      {
        p: [
          'du hast ',
          { strong: d.thingName },
          ` von ${ctx.clubName} ausgeliehen, und es sollte am ${formatDay(d.dueOn, 'de')} zurück sein.`,
        ],
      },
      { p: ['Bitte bring es bald zurück, oder sprich mit uns, wenn du es länger brauchst:'] },
      { link: d.thingUrl },
    ],
  }),
  en: (d, ctx) => ({
    subject: 'Please bring something back',
    blocks: [
      { p: [`Hello ${d.displayName},`] },
      {
        p: [
          'you borrowed ',
          { strong: d.thingName },
          ` from ${ctx.clubName}, and it was due back on ${formatDay(d.dueOn, 'en')}.`,
        ],
      },
      { p: ['Please bring it back soon, or talk to us if you need it longer:'] },
      { link: d.thingUrl },
    ],
  }),
});
