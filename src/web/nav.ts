import { hasRole, type Role } from '../core/actor.js';
import type { MessageKey } from './i18n.js';

export interface NavItem {
  href: string;
  label: MessageKey;
  // Who sees the link: everybody, or people logged in with at least this role.
  role: Role | 'public';
}

// The main navigation, in order. An area of the UI adds its entry here.
export const NAV: readonly NavItem[] = [
  { href: '/', label: 'nav.start', role: 'public' },
  { href: '/calendar', label: 'nav.calendar', role: 'public' },
  // The rooms' availability is public, as the calendar.
  { href: '/rooms', label: 'nav.rooms', role: 'public' },
  { href: '/me', label: 'nav.profile', role: 'member' },
  { href: '/things', label: 'nav.things', role: 'member' },
  { href: '/board', label: 'nav.board', role: 'helper' },
];

// Pure: the links someone sees, and which one is the page they are on.
export function navFor(role: Role | null, path: string): (NavItem & { current: boolean })[] {
  const visible = NAV.filter((item) => item.role === 'public' || (role !== null && hasRole({ role }, item.role)));
  const current = visible
    .filter((item) => path === item.href || (item.href !== '/' && path.startsWith(`${item.href}/`)))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return visible.map((item) => ({ ...item, current: item === current }));
}
