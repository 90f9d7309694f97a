import { formatDay } from './day.util.js';
import { defineTemplate } from './template.util.js';

// To the member, once per expiry date, some days before their induction for a thing runs out.
export const inductionExpiring = defineTemplate({
  fields: ['displayName', 'thingName', 'expiresOn', 'thingUrl'],
  de: (d) => ({
    subject: 'Deine Einweisung läuft bald ab',
    blocks: [
      { p: [`Hallo ${d.displayName},`] },
      {
        p: [
          'deine Einweisung für ',
          { strong: d.thingName },
          ` gilt bis zum ${formatDay(d.expiresOn, 'de')}. Danach darfst du es erst nach einer neuen Einweisung benutzen.`,
        ],
      },
      { link: d.thingUrl },
    ],
  }),
  en: (d) => ({
    subject: 'Your induction runs out soon',
    blocks: [
      { p: [`Hello ${d.displayName},`] },
      {
        p: [
          'your induction for ',
          { strong: d.thingName },
          ` is valid until ${formatDay(d.expiresOn, 'en')}. After that you may use it again after a new induction.`,
        ],
      },
      { link: d.thingUrl },
    ],
  }),
});
