import { describe, expect, it } from 'vitest';
import { renderPage, type PageContext } from '../views.js';

// The start page's template with events (which the calendar will provide): listed soonest first
// as given, titles and places escaped, linked when they have a page.
const ctx: PageContext = { lang: 'en', csrf: 'x'.repeat(43), user: null, path: '/', timeZone: 'Europe/Berlin' };
const base = {
  title: 'Club',
  state: { open: null, message: null, changedAt: null },
  present: [],
  things: [],
  here: false,
  presenceHours: '4',
  club: 'Club',
  address: null,
  spaceApi: true,
};

describe('start template', () => {
  it('lists the events with escaped titles and places, linked to their pages', () => {
    const html = renderPage('start', ctx, {
      ...base,
      events: [
        {
          title: 'Repair <script>alert(1)</script>',
          startsAt: new Date('2026-12-03T17:00:00Z'),
          endsAt: new Date('2026-12-03T19:00:00Z'),
          location: 'Werkstatt & <b>Lab</b>',
          href: '/events/repair',
        },
        { title: 'Plenum', startsAt: new Date('2026-12-04T18:00:00Z'), endsAt: null, location: null, href: null },
      ],
    });
    expect(html).toContain('<a href="/events/repair">Repair &lt;script&gt;alert(1)&lt;/script&gt;</a>');
    expect(html).toContain('Werkstatt &amp; &lt;b&gt;Lab&lt;/b&gt;');
    expect(html).toContain('3 Dec 2026, 18:00');
    expect(html).toMatch(/<li>Plenum<br>/);
    expect(html.indexOf('Repair')).toBeLessThan(html.indexOf('Plenum'));
    expect(html).not.toContain('No events coming up.');
  });

  it('says so when there are none, and shows no member forms to a guest', () => {
    const html = renderPage('start', ctx, { ...base, events: [] });
    expect(html).toContain('No events coming up.');
    expect(html).not.toContain('<form method="post" action="/space');
  });
});
