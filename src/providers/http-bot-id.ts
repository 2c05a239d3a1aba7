/** The default id of an HTTP bot, apart from the bot itself so that naming one loads nothing else. */

/**
 * `http:<host><path>` of the URL as written: a `${env:NAME}` in it stays the placeholder, since
 * the id is printed and stored everywhere (terminal, results, reports) and the value may be a secret.
 */
export function httpBotId(rawUrl: string): string {
  const rest = rawUrl.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/[?#][\s\S]*$/, "");
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const host = authority.slice(authority.lastIndexOf("@") + 1);
  return `http:${host}${slash < 0 ? "/" : rest.slice(slash)}`;
}
