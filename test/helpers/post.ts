// A POST to a fetch handler, as a client would send it: a JSON body (or text as given) and headers.

/** Make `post(path, body, headers)` for `handler`; objects are sent as JSON, strings as they are. */
export function poster(
  handler: (request: Request) => Promise<Response>,
): (path: string, body: unknown, headers?: Record<string, string>) => Promise<Response> {
  return (path, body, headers = {}) =>
    handler(
      new Request(`http://local${path}`, {
        method: "POST",
        headers,
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
}
