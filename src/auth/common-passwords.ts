import { dictionary as common } from '@zxcvbn-ts/language-common';
import { dictionary as german } from '@zxcvbn-ts/language-de';

// The shipped lists (npm packages of zxcvbn-ts, no download at run time): 49k passwords seen in
// breaches, and common German words, which people dress up as "Passwort123!".
let passwords: ReadonlySet<string> | undefined;
let words: ReadonlySet<string> | undefined;

export function commonPasswords(): ReadonlySet<string> {
  passwords ??= new Set(common['passwords-common']);
  return passwords;
}

export function commonWords(): ReadonlySet<string> {
  words ??= new Set(german.commonWords.filter((w) => w.length >= 4));
  return words;
}
