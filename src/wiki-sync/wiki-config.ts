import type { AppConfig } from '../config/config.js';
import { ARGON2_PARAMS } from '../core/crypto.util.js';

// Pure: the LocalSettings.php lines MediaWiki needs so that allmende's hashes work unchanged.
export function wikiLocalSettings(config: Pick<AppConfig, 'wiki' | 'clubName'>): string {
  const groups = [...new Set((config.wiki?.groups ?? []).map(([, g]) => g))];
  return `# --- allmende: users come from the member register (${config.clubName}) ---
# Hashes are allmende's Argon2id PHC strings (":argon2:$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$…").
# The same cost parameters, or MediaWiki rewrites each hash at the next login.
$wgPasswordDefault = 'argon2';
$wgPasswordConfig['argon2'] = [
\t'class' => Argon2Password::class,
\t'algo' => 'argon2id',
\t'memory_cost' => ${ARGON2_PARAMS.memoryCost},
\t'time_cost' => ${ARGON2_PARAMS.timeCost},
\t'threads' => ${ARGON2_PARAMS.parallelism},
];
# Accounts are made by allmende only.
$wgGroupPermissions['*']['createaccount'] = false;
$wgGroupPermissions['*']['autocreateaccount'] = false;
# Passwords are set in allmende; a wiki reset would be overwritten by the next sync.
$wgPasswordResetRoutes = [ 'username' => false, 'email' => false ];
$wgEnableEmail = true;
$wgEmailAuthentication = false;
${
  groups.length > 0
    ? `# Groups allmende assigns (ALLMENDE_WIKI_GROUPS): ${groups.join(', ')}. Define rights for any that are not built in, e.g.\n${groups
        .filter((g) => !['sysop', 'bureaucrat', 'bot', 'interface-admin', 'suppress'].includes(g))
        .map((g) => `$wgGroupPermissions['${g}']['edit'] = true;`)
        .join('\n')}\n`
    : ''
}# --- end allmende ---
`;
}
