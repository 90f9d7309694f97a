// The strings every page shares: navigation, the logout button, error pages.
const de = {
  'nav.label': 'Hauptnavigation',
  'nav.start': 'Start',
  'nav.profile': 'Mein Profil',
  'nav.board': 'Vorstand',
  'nav.login': 'Anmelden',
  'nav.logout': 'Abmelden',
  'nav.signedin': 'Angemeldet als {username}',
  'page.error.title': 'Das hat nicht geklappt',
  'page.error.forbidden': 'Diese Seite ist für deine Rolle nicht freigegeben.',
  'page.error.notfound': 'Diese Seite gibt es nicht.',
  'page.error.csrf':
    'Das Formular ist abgelaufen oder kam nicht von dieser Seite. Bitte lade die Seite neu und schicke es noch einmal ab.',
  'page.error.internal': 'Ein Fehler auf unserer Seite. Bitte versuch es später noch einmal.',
  'page.error.other': 'Die Anfrage konnte nicht bearbeitet werden: {message}',
  'page.back': 'Zurück zur Startseite',
  'form.saved': 'Gespeichert.',
};

const en: Record<keyof typeof de, string> = {
  'nav.label': 'Main navigation',
  'nav.start': 'Start',
  'nav.profile': 'My profile',
  'nav.board': 'Board',
  'nav.login': 'Log in',
  'nav.logout': 'Log out',
  'nav.signedin': 'Logged in as {username}',
  'page.error.title': 'That did not work',
  'page.error.forbidden': 'This page is not open to your role.',
  'page.error.notfound': 'There is no such page.',
  'page.error.csrf': 'The form has expired or did not come from this site. Please reload the page and send it again.',
  'page.error.internal': 'An error on our side. Please try again later.',
  'page.error.other': 'The request could not be handled: {message}',
  'page.back': 'Back to the start page',
  'form.saved': 'Saved.',
};

export const layoutMessages = { de, en };
