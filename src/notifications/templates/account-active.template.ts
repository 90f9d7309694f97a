import { defineTemplate } from './template.util.js';

// Addresses come as one string, separated by commas or line breaks; empty when there are none.
function addressList(addresses: string): string[] {
  return addresses
    .split(/[,\n]/)
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

// To the member once the board has activated the account: login name and addresses, never a password.
export const accountActive = defineTemplate({
  fields: ['displayName', 'username', 'addresses'],
  de: (d, ctx) => {
    const list = addressList(d.addresses);
    return {
      subject: `Dein Zugang bei ${ctx.clubName} ist freigeschaltet`,
      blocks: [
        { p: [`Hallo ${d.displayName},`] },
        { p: ['dein Zugang ist jetzt aktiv. Dein Benutzername: ', { strong: d.username }] },
        ...(list.length > 0 ? [{ p: ['Deine Mail-Adressen:'] }, { list }] : []),
        { p: ['Anmelden kannst du dich mit deinem Benutzernamen und dem Passwort, das du gewählt hast.'] },
      ],
    };
  },
  en: (d, ctx) => {
    const list = addressList(d.addresses);
    return {
      subject: `Your ${ctx.clubName} account is active`,
      blocks: [
        { p: [`Hello ${d.displayName},`] },
        { p: ['your account is now active. Your username: ', { strong: d.username }] },
        ...(list.length > 0 ? [{ p: ['Your mail addresses:'] }, { list }] : []),
        { p: ['Log in with your username and the password you chose.'] },
      ],
    };
  },
});
