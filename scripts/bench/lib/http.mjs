// Account calls over HTTP (signup, login). Retries politely when the server rate-limits.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function postJson(baseUrl, path, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  let json = null;
  try {
    json = await res.json();
  } catch {
    /* empty or non-JSON body */
  }
  return { status: res.status, json };
}

/** Sign up (or, if the name exists, log in); retries on 429 for up to ~60 s. */
export async function account(baseUrl, username, password, invite) {
  for (let attempt = 0; attempt < 120; attempt++) {
    let r = await postJson(baseUrl, '/api/signup', invite ? { username, password, invite } : { username, password });
    if (r.status === 409) r = await postJson(baseUrl, '/api/login', { username, password });
    if (r.status === 200 || r.status === 201) return r.json;
    if (r.status === 429) {
      await sleep(Math.min(2000, r.json?.error?.retryAfterMs ?? 500));
      continue;
    }
    throw new Error(`signup ${username}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  }
  throw new Error(`signup ${username}: still rate-limited`);
}

/** Create many accounts with bounded concurrency. */
export async function accounts(baseUrl, names, password, concurrency = 8) {
  const out = new Array(names.length);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const i = next++;
      out[i] = await account(baseUrl, names[i], password);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, names.length) }, worker));
  return out;
}
