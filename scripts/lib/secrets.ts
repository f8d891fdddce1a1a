// Access tokens never reach output, logs or files. `-o` accepts an access token (as the sf CLI does, with
// SF_ORG_INSTANCE_URL set); whatever names the org prints its alias or username, its instance URL, or
// "<access token>" instead.

/** What an org access token looks like: the org id (00D + 12-15 characters), "!", then the session secret. */
const ACCESS_TOKEN = /00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+/g;

export const TOKEN_PLACEHOLDER = '<access token>';

/** True when the -o value is an access token rather than an alias or a username. */
export function isAccessToken(value: string | undefined | null): boolean {
  return !!value && new RegExp(`^${ACCESS_TOKEN.source}$`).test(value.trim());
}

/** The text with every access token in it replaced by "<access token>". */
export function redactTokens(text: string): string {
  return text.replace(ACCESS_TOKEN, TOKEN_PLACEHOLDER);
}

/**
 * How to name the org given with -o in output and files: the alias or username as given; for an access token the
 * session's username, else its instance URL, else "<access token>".
 */
export function orgName(
  flag: string | undefined,
  session?: { username?: string; instanceUrl?: string } | null,
): string {
  if (flag && !isAccessToken(flag)) return flag;
  const username = session?.username && !isAccessToken(session.username) ? session.username : undefined;
  return username ?? session?.instanceUrl ?? (flag ? TOKEN_PLACEHOLDER : 'the default org');
}

/** What to pass as -o in a command line we print: the alias or username, or a placeholder for a token. */
export function orgFlagForHint(flag: string | undefined): string {
  return flag && !isAccessToken(flag) ? flag : flag ? `'${TOKEN_PLACEHOLDER}'` : '<org>';
}
