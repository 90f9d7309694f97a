import { describe, expect, it } from 'vitest';
import { pickLanguage, translate } from './i18n.js';

describe('pickLanguage', () => {
  it('takes the member’s choice first, then the best supported browser language, then the default', () => {
    expect(pickLanguage('en', 'de-DE,de;q=0.9', 'de')).toBe('en');
    expect(pickLanguage(null, 'fr-FR,fr;q=0.9,en;q=0.8,de;q=0.7', 'de')).toBe('en');
    expect(pickLanguage(null, 'de;q=0.5,en;q=0.6', 'de')).toBe('en');
    expect(pickLanguage(null, 'fr, it', 'de')).toBe('de');
    expect(pickLanguage(null, 'en;q=0', 'de')).toBe('de');
    expect(pickLanguage(undefined, undefined, 'en')).toBe('en');
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'email.done', { address: 'a@b.example' })).toBe('Your private address is now a@b.example.');
    expect(translate('de', 'email.done')).toBe('Deine private Adresse ist jetzt {address}.');
  });
});
