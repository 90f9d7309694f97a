import { formatDay } from './day.util.js';
import { defineTemplate } from './template.util.js';

// To a list (ALLMENDE_CALENDAR_ANNOUNCE_TO), weekly or on demand: the coming events, one a line.
export const calendarAnnouncement = defineTemplate({
  fields: ['periodFrom', 'periodTo', 'events', 'calendarUrl'],
  de: (d, ctx) => ({
    subject: `Termine bei ${ctx.clubName} bis ${formatDay(d.periodTo, 'de')}`,
    blocks: [
      { p: [`Hallo zusammen,`] },
      { p: [`das steht vom ${formatDay(d.periodFrom, 'de')} bis ${formatDay(d.periodTo, 'de')} an:`] },
      { list: d.events.split('\n') },
      { p: ['Alle Termine, auch zum Abonnieren im eigenen Kalender:'] },
      { link: d.calendarUrl },
    ],
  }),
  en: (d, ctx) => ({
    subject: `Events at ${ctx.clubName} until ${formatDay(d.periodTo, 'en')}`,
    blocks: [
      { p: ['Hello everyone,'] },
      { p: [`this is what is on from ${formatDay(d.periodFrom, 'en')} to ${formatDay(d.periodTo, 'en')}:`] },
      { list: d.events.split('\n') },
      { p: ['All events, also to subscribe to in your own calendar:'] },
      { link: d.calendarUrl },
    ],
  }),
});
