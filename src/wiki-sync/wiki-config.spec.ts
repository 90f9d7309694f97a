import { describe, expect, it } from 'vitest';
import { ARGON2_PARAMS, hashPassword } from '../core/crypto.util.js';
import { wikiLocalSettings } from './wiki-config.js';

describe('wikiLocalSettings', () => {
  const text = wikiLocalSettings({
    clubName: 'Verein',
    wiki: {
      databaseUrl: '',
      tablePrefix: '',
      groups: [
        ['board', 'sysop'],
        ['helpers', 'editor'],
      ],
      userName: 'display_name',
      cron: '* * * * *',
    },
  });

  it("uses allmende's Argon2id cost parameters, so MediaWiki never rewrites a hash", async () => {
    expect(text).toContain("$wgPasswordDefault = 'argon2';");
    expect(text).toContain(`'memory_cost' => ${ARGON2_PARAMS.memoryCost},`);
    expect(text).toContain(`'time_cost' => ${ARGON2_PARAMS.timeCost},`);
    expect(text).toContain(`'threads' => ${ARGON2_PARAMS.parallelism},`);
    // The same numbers as in the hashes allmende writes.
    const phc = await hashPassword('x');
    expect(phc).toContain(`m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`);
  });

  it('closes account creation and gives rights to a group MediaWiki does not know', () => {
    expect(text).toContain("$wgGroupPermissions['*']['createaccount'] = false;");
    expect(text).toContain("$wgGroupPermissions['editor']['edit'] = true;");
    expect(text).not.toContain("$wgGroupPermissions['sysop']");
  });
});
