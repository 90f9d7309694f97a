import type { Language } from '../notifications/templates/templates.js';

// Pure: the page language from the member's choice, else the browser's Accept-Language, else the default.
export function pickLanguage(
  preferred: Language | null | undefined,
  acceptLanguage: string | undefined,
  fallback: Language,
): Language {
  if (preferred) return preferred;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([0-9.]+)$/.exec(p.trim())?.[1]).find((v) => v !== undefined);
      return { lang: tag.split('-')[0] ?? '', q: q === undefined ? 1 : Number(q) };
    })
    .filter((x) => x.lang !== '' && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { lang } of ranked) if (lang === 'de' || lang === 'en') return lang;
  return fallback;
}

const de = {
  'register.title': 'Registrierung abschließen',
  'register.intro':
    'Hallo {name}, dein Benutzername ist {username}. Wähle deine Adressen und, wenn du möchtest, ein Passwort.',
  'register.named': 'Eine Adresse mit meinem Namen: {address}',
  'register.pseudonymous': 'Eine Adresse ohne meinen Namen: {address}',
  'register.pseudonymous.none':
    'Eine Adresse ohne Namen gibt es, sobald der Vorstand dir eine Mitgliedsnummer gegeben hat.',
  'register.forward': 'Mails an diese Adressen an meine private Adresse {address} weiterleiten',
  'register.password': 'Passwort (mindestens 12 Zeichen; ohne Passwort kein Zugang zu den Diensten)',
  'register.password2': 'Passwort wiederholen',
  'register.submit': 'Registrierung abschließen',
  'register.done':
    'Danke! Deine Registrierung ist eingegangen. Der Vorstand schaltet deinen Zugang frei; du bekommst dann eine Mail.',
  'link.invalid.title': 'Dieser Link gilt nicht mehr',
  'link.invalid.registration':
    'Er wurde schon benutzt, durch einen neueren ersetzt oder ist abgelaufen. Bitte den Vorstand um eine neue Willkommensmail.',
  'link.invalid.password-reset': 'Er wurde schon benutzt, durch einen neueren ersetzt oder ist abgelaufen.',
  'link.invalid.email-change':
    'Er wurde schon benutzt, durch einen neueren ersetzt oder ist abgelaufen. Ändere die Adresse noch einmal, um einen neuen zu bekommen.',
  'reset.title': 'Passwort zurücksetzen',
  'reset.login': 'Benutzername oder private Mail-Adresse',
  'reset.submit': 'Link anfordern',
  'reset.sent':
    'Wenn es zu dieser Angabe einen aktiven Zugang gibt, ist eine Mail mit einem Link zum Setzen eines neuen Passworts an die private Adresse unterwegs.',
  'reset.again': 'Neuen Link anfordern',
  'reset.new.title': 'Neues Passwort für {username}',
  'reset.new.password': 'Neues Passwort (mindestens 12 Zeichen)',
  'reset.new.submit': 'Passwort setzen',
  'reset.done': 'Dein neues Passwort gilt. Alle bisherigen Sitzungen sind beendet.',
  'email.title': 'Neue Adresse bestätigen',
  'email.intro': 'Bestätige, dass diese Adresse deine neue private Adresse wird.',
  'email.submit': 'Adresse bestätigen',
  'email.done': 'Deine private Adresse ist jetzt {address}.',
  'error.mismatch': 'Die beiden Passwörter stimmen nicht überein.',
  'error.rate': 'Zu viele Anfragen von deiner Adresse. Bitte versuch es später noch einmal.',
  'error.summary': 'Bitte prüfe die markierten Felder.',
  'login.title': 'Anmelden',
  'login.login': 'Benutzername oder private Mail-Adresse',
  'login.password': 'Passwort',
  'login.submit': 'Anmelden',
  'login.failed':
    'Anmelden hat nicht geklappt: Benutzername oder Passwort stimmen nicht, oder der Zugang ist nicht aktiv.',
  'login.forgot': 'Passwort vergessen?',
  'thing.where': 'Ort',
  'thing.nowhere': 'ohne Ort',
  'thing.owner': 'Gehört',
  'thing.owner.club': 'dem Verein',
  'thing.lent': 'Ausgeliehen an {name} bis {date}',
  'thing.available': 'Da und nicht ausgeliehen',
  'thing.induction': 'Nur nach Einweisung zu benutzen',
  'thing.tags': 'Schlagworte',
  'thing.notfound': 'Dieses Ding gibt es nicht (mehr).',
};

const en: Record<keyof typeof de, string> = {
  'register.title': 'Complete your registration',
  'register.intro': 'Hello {name}, your username is {username}. Choose your addresses and, if you like, a password.',
  'register.named': 'An address with my name: {address}',
  'register.pseudonymous': 'An address without my name: {address}',
  'register.pseudonymous.none':
    'An address without your name is available once the board has given you a member number.',
  'register.forward': 'Forward mail to these addresses to my private address {address}',
  'register.password': 'Password (at least 12 characters; without one, no access to the services)',
  'register.password2': 'Repeat the password',
  'register.submit': 'Complete registration',
  'register.done': 'Thank you! Your registration is in. The board activates your account; you will get a mail then.',
  'link.invalid.title': 'This link is no longer valid',
  'link.invalid.registration':
    'It was used, replaced by a newer one, or has expired. Please ask the board for a new welcome mail.',
  'link.invalid.password-reset': 'It was used, replaced by a newer one, or has expired.',
  'link.invalid.email-change':
    'It was used, replaced by a newer one, or has expired. Change the address again to get a new one.',
  'reset.title': 'Reset your password',
  'reset.login': 'Username or private e-mail address',
  'reset.submit': 'Send me a link',
  'reset.sent':
    'If an active account with this username or address exists, a mail with a link to set a new password is on its way to its private address.',
  'reset.again': 'Request a new link',
  'reset.new.title': 'New password for {username}',
  'reset.new.password': 'New password (at least 12 characters)',
  'reset.new.submit': 'Set password',
  'reset.done': 'Your new password is set. All earlier sessions have ended.',
  'email.title': 'Confirm your new address',
  'email.intro': 'Confirm that this address becomes your new private address.',
  'email.submit': 'Confirm address',
  'email.done': 'Your private address is now {address}.',
  'error.mismatch': 'The two passwords differ.',
  'error.rate': 'Too many requests from your address. Please try again later.',
  'error.summary': 'Please check the marked fields.',
  'login.title': 'Log in',
  'login.login': 'Username or private e-mail address',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.failed': 'That did not work: the username or password is wrong, or the account is not active.',
  'login.forgot': 'Forgot your password?',
  'thing.where': 'Place',
  'thing.nowhere': 'no place',
  'thing.owner': 'Owned by',
  'thing.owner.club': 'the club',
  'thing.lent': 'Lent to {name} until {date}',
  'thing.available': 'Here and not lent',
  'thing.induction': 'Use only after an induction',
  'thing.tags': 'Tags',
  'thing.notfound': 'There is no such thing (any more).',
};

export type MessageKey = keyof typeof de;

// Pure: the message in the language, with {placeholders} filled (escaping is the template's job).
export function translate(lang: Language, key: MessageKey, vars: Record<string, string> = {}): string {
  return (lang === 'de' ? de : en)[key].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`);
}
