import { spaceMessage } from '../../space/space.schemas.js';

// Pure: the state form's fields → the new state, or the problems by field.
export function parseStateForm(
  body: Record<string, string | undefined>,
): { ok: true; open: boolean; message: string } | { ok: false; errors: Record<string, 'open' | 'message'> } {
  const errors: Record<string, 'open' | 'message'> = {};
  const open = body.open === 'open' ? true : body.open === 'closed' ? false : undefined;
  if (open === undefined) errors.open = 'open';
  const message = spaceMessage.safeParse(body.message ?? '');
  if (!message.success) errors.message = 'message';
  if (open === undefined || !message.success) return { ok: false, errors };
  return { ok: true, open, message: message.data };
}
