// The start page: the space's state, events, who is here, new things, the intro for guests.
const de = {
  'start.title': '{club}',
  'start.intro':
    'Willkommen bei {club}! Wir sind ein Verein mit einem gemeinsamen Raum voller Werkzeug, Ideen und Menschen. Gäste sind willkommen, wenn der Raum offen ist.',
  'start.intro.members':
    'Mitglieder melden sich an, um Dinge auszuleihen, sich für Termine einzutragen und zu sehen, wer gerade da ist.',
  'start.login': 'Als Mitglied anmelden',
  'start.address': 'Adresse: {address}',
  'start.state.heading': 'Der Raum',
  'start.state.open': 'Der Raum ist offen.',
  'start.state.closed': 'Der Raum ist geschlossen.',
  'start.state.unknown': 'Ob der Raum gerade offen ist, hat noch niemand gesagt.',
  'start.state.since': 'Seit {when}',
  'start.state.message': 'Nachricht (öffentlich, freiwillig)',
  'start.state.message.hint': 'Erscheint hier und in der SpaceAPI, z. B. „nur für Mitglieder“ oder „bis 22 Uhr“.',
  'start.state.doopen': 'Raum öffnen',
  'start.state.doclose': 'Raum schließen',
  'start.state.spaceapi': 'SpaceAPI',
  'start.events.heading': 'Nächste Termine',
  'start.events.none': 'In nächster Zeit stehen keine Termine an.',
  'start.presence.heading': 'Wer ist im Raum?',
  'start.presence.none': 'Gerade hat sich niemand als anwesend eingetragen.',
  'start.presence.until': 'bis {time}',
  'start.presence.arrive': 'Ich bin im Raum',
  'start.presence.leave': 'Ich bin wieder weg',
  'start.presence.hint':
    'Nur angemeldete Mitglieder sehen diese Liste, und nur wer sich selbst einträgt, steht darauf. Ein Eintrag verschwindet nach {hours} Stunden von selbst.',
  'start.things.heading': 'Neu im Inventar',
  'start.things.none': 'Noch keine Dinge im Inventar.',
  'start.things.added': 'neu seit {date}',
  'start.error.open': 'Bitte wähle „Raum öffnen“ oder „Raum schließen“.',
  'start.error.message': 'Die Nachricht darf höchstens 200 Zeichen lang sein und keine Zeilenumbrüche enthalten.',
};

const en: Record<keyof typeof de, string> = {
  'start.title': '{club}',
  'start.intro':
    'Welcome to {club}! We are a club with a shared space full of tools, ideas and people. Guests are welcome whenever the space is open.',
  'start.intro.members': 'Members log in to borrow things, sign up for events and see who is around.',
  'start.login': 'Log in as a member',
  'start.address': 'Address: {address}',
  'start.state.heading': 'The space',
  'start.state.open': 'The space is open.',
  'start.state.closed': 'The space is closed.',
  'start.state.unknown': 'Nobody has said yet whether the space is open.',
  'start.state.since': 'Since {when}',
  'start.state.message': 'Message (public, optional)',
  'start.state.message.hint': 'Shown here and in the SpaceAPI, e.g. "members only" or "until 10 pm".',
  'start.state.doopen': 'Open the space',
  'start.state.doclose': 'Close the space',
  'start.state.spaceapi': 'SpaceAPI',
  'start.events.heading': 'Coming up',
  'start.events.none': 'No events coming up.',
  'start.presence.heading': 'Who is in the space?',
  'start.presence.none': 'Nobody has said they are in the space right now.',
  'start.presence.until': 'until {time}',
  'start.presence.arrive': 'I am in the space',
  'start.presence.leave': 'I have left',
  'start.presence.hint':
    'Only logged-in members see this list, and only those who add themselves are on it. An entry goes away by itself after {hours} hours.',
  'start.things.heading': 'New in the inventory',
  'start.things.none': 'No things in the inventory yet.',
  'start.things.added': 'new since {date}',
  'start.error.open': 'Please choose "Open the space" or "Close the space".',
  'start.error.message': 'The message may be at most 200 characters long, on one line.',
};

export const startMessages = { de, en };
