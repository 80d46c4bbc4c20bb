// A real OpenID Connect provider (panva/oidc-provider) for tests, on loopback over plain http.
//
//   node provider.mjs [--port N] [--host 127.0.0.1] [--config JSON | --config-file PATH]
//
// Env instead of flags: OIDC_PORT, OIDC_HOST, OIDC_CONFIG (JSON), OIDC_CONFIG_FILE. Port 0 (the default) picks a
// free port. Once listening it prints exactly one line to stdout, `READY <issuer>`, and logs everything else to
// stderr. Sign-in is non-interactive: the interaction endpoint signs in the account named by the authorization
// request's `login_hint` (an email or a sub) and grants the requested scopes; an unknown hint ends in an
// `error=access_denied` redirect to the client. See README.md.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import process from 'node:process';
import { parseArgs } from 'node:util';

import Provider, { interactionPolicy } from 'oidc-provider';

// oidc-provider prints its development notices with console.info (stdout); stdout carries only the READY line.
console.info = (...args) => console.error(...args);
console.log = (...args) => console.error(...args);

const log = (...args) => console.error('[oidc]', ...args);
const debug = process.env.OIDC_DEBUG === '1' ? log : () => {};

function fail(message) {
  console.error(`oidc provider: ${message}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------------- configuration

const { values: flags } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    config: { type: 'string' },
    'config-file': { type: 'string' },
    'exit-with-stdin': { type: 'boolean' },
  },
  allowPositionals: false,
});

function readConfig() {
  const inline = flags.config ?? process.env.OIDC_CONFIG;
  const file = flags['config-file'] ?? process.env.OIDC_CONFIG_FILE;
  let text = '{}';
  if (inline) text = inline;
  else if (file) text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    return fail(`configuration is not valid JSON: ${err.message}`);
  }
}

const config = readConfig();
const host = flags.host ?? process.env.OIDC_HOST ?? '127.0.0.1';
const port = Number(flags.port ?? process.env.OIDC_PORT ?? config.port ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port ${flags.port ?? process.env.OIDC_PORT}`);

const clientId = config.client_id ?? process.env.OIDC_CLIENT_ID ?? 'test-client';
const clientSecret = config.client_secret ?? process.env.OIDC_CLIENT_SECRET ?? 'test-secret';
const redirectUris = config.redirect_uris
  ?? (process.env.OIDC_REDIRECT_URIS ? process.env.OIDC_REDIRECT_URIS.split(/[\s,]+/).filter(Boolean) : []);
if (!Array.isArray(redirectUris) || redirectUris.length === 0) fail('redirect_uris must be a non-empty list');
const authMethod = config.token_endpoint_auth_method ?? 'client_secret_basic';
const pkceRequired = config.pkce_required === true;
// true (default): the ID token carries the scope's claims (email, name), as Google, Entra ID and Keycloak do.
// false: oidc-provider's strict default, where a code flow's ID token has only `sub` and the claims come from
// the userinfo endpoint.
const idTokenClaims = config.id_token_claims !== false;
const defaultLogin = config.default_login ?? null;

function accountsFromEnv() {
  try {
    return process.env.OIDC_ACCOUNTS ? JSON.parse(process.env.OIDC_ACCOUNTS) : [];
  } catch (err) {
    return fail(`OIDC_ACCOUNTS is not valid JSON: ${err.message}`);
  }
}
const accountsIn = config.accounts ?? accountsFromEnv();
if (!Array.isArray(accountsIn)) fail('accounts must be a list');
const accounts = new Map();
for (const raw of accountsIn) {
  if (!raw || typeof raw !== 'object' || !raw.sub || !raw.email) fail(`every account needs sub and email: ${JSON.stringify(raw)}`);
  accounts.set(String(raw.sub), {
    sub: String(raw.sub),
    email: String(raw.email),
    email_verified: raw.email_verified !== false,
    name: raw.name === undefined ? undefined : String(raw.name),
  });
}

function accountForHint(hint) {
  if (!hint) return undefined;
  const wanted = String(hint).trim().toLowerCase();
  for (const account of accounts.values()) {
    if (account.email.toLowerCase() === wanted || account.sub === String(hint).trim()) return account;
  }
  return undefined;
}

// ----------------------------------------------------------------------------------------------------- the provider

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: `test-${randomBytes(6).toString('hex')}`,
  alg: 'RS256',
  use: 'sig',
};

// login_hint is authoritative: a user agent that is still signed in as someone else (the provider's `_session`
// cookie) is signed in again as the hinted account instead of silently keeping the old one.
function interactionPolicyWithHint() {
  const policy = interactionPolicy.base();
  policy.get('login').checks.push(new interactionPolicy.Check(
    'login_hint_mismatch',
    'login_hint names another account than the signed-in one',
    'login_required',
    (ctx) => {
      const hint = ctx.oidc.params.login_hint;
      const signedIn = ctx.oidc.session.accountId;
      if (!hint || !signedIn) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      return accountForHint(hint)?.sub === signedIn
        ? interactionPolicy.Check.NO_NEED_TO_PROMPT
        : interactionPolicy.Check.REQUEST_PROMPT;
    },
  ));
  return policy;
}

function providerConfiguration() {
  const client = {
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: authMethod,
    id_token_signed_response_alg: 'RS256',
  };
  if (Array.isArray(config.post_logout_redirect_uris)) client.post_logout_redirect_uris = config.post_logout_redirect_uris;
  return {
    clients: [client],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    responseTypes: ['code'],
    scopes: ['openid', 'email', 'profile'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    conformIdTokenClaims: !idTokenClaims,
    pkce: { required: () => pkceRequired },
    interactions: { policy: interactionPolicyWithHint() },
    features: {
      devInteractions: { enabled: false },
      // Tokens are opaque and good for userinfo unless the client asks for a `resource`; none is configured.
      resourceIndicators: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    clientBasedCORS: () => true,
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 600,
      IdToken: 3600,
      RefreshToken: 86400,
      Interaction: 600,
      Session: 86400,
      Grant: 86400,
    },
    async findAccount(ctx, sub) {
      const account = accounts.get(String(sub));
      if (!account) return undefined;
      return {
        accountId: account.sub,
        async claims() {
          const claims = { sub: account.sub, email: account.email, email_verified: account.email_verified };
          if (account.name !== undefined) claims.name = account.name;
          return claims;
        },
      };
    },
    async renderError(ctx, out, error) {
      log('error page:', JSON.stringify(out));
      debug(error?.stack ?? '');
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `oidc error: ${out.error}: ${out.error_description ?? ''}\n`;
    },
  };
}

// ----------------------------------------------------------------------------------- the non-interactive interaction

const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]+)\/?$/;

// Switching accounts in one user agent: oidc-provider would answer the login with an auto-submitting logout form
// (needs a browser with JavaScript). Instead the old account is signed out of the provider session here, without
// any logout notification, so the switch is plain redirects like a first sign-in.
async function signOutQuietly(provider, details) {
  const current = await provider.Session.findByUid(details.session.uid);
  if (current) {
    for (const key of ['accountId', 'loginTs', 'amr', 'acr', 'transient', 'authorizations']) delete current[key];
    await current.persist();
  }
  for (const key of ['accountId', 'acr', 'amr']) delete details.session[key];
  await details.save(details.exp - Math.floor(Date.now() / 1000));
  debug('signed out', details.session.uid, 'to switch account');
}

async function interaction(provider, req, res) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    // Almost always: the user agent did not send back the `_interaction` cookie set by the authorization endpoint.
    const why = err.error_description ?? err.message;
    log('interaction without a valid interaction cookie:', why);
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`oidc interaction failed: ${why} (the user agent must keep the provider's cookies)\n`);
    return;
  }
  const { prompt, params, session } = details;
  debug('interaction', details.uid, prompt.name, JSON.stringify(prompt.details), JSON.stringify(params));

  if (prompt.name === 'login') {
    const hint = params.login_hint ?? defaultLogin;
    const account = accountForHint(hint);
    if (!account) {
      log(`login refused: no account for login_hint ${JSON.stringify(hint ?? null)}`);
      await provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: hint ? 'unknown login_hint' : 'login_hint is required',
      }, { mergeWithLastSubmission: false });
      return;
    }
    if (session?.accountId && session.accountId !== account.sub) await signOutQuietly(provider, details);
    await provider.interactionFinished(req, res, {
      login: { accountId: account.sub, amr: ['pwd'], remember: true },
    }, { mergeWithLastSubmission: false });
    return;
  }

  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    if (missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    const grantId = await grant.save();
    const consent = details.grantId ? {} : { grantId };
    await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
    return;
  }

  await provider.interactionFinished(req, res, {
    error: 'access_denied',
    error_description: `unsupported prompt ${prompt.name}`,
  }, { mergeWithLastSubmission: false });
}

// ----------------------------------------------------------------------------------------------------------- serving

let provider;
let providerCallback;

const server = http.createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (req.method === 'GET' && INTERACTION.test(path)) {
    interaction(provider, req, res).catch((err) => {
      log('interaction error:', err.stack);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`oidc interaction error: ${err.message}\n`);
    });
    return;
  }
  if (!providerCallback) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('oidc provider is starting\n');
    return;
  }
  providerCallback(req, res);
});

server.on('error', (err) => fail(`cannot listen on ${host}:${port}: ${err.message}`));

server.listen(port, host, async () => {
  const address = server.address();
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const issuer = `http://${hostPart}:${address.port}`;
  try {
    provider = new Provider(issuer, providerConfiguration());
  } catch (err) {
    fail(`bad configuration: ${err.stack}`);
  }
  for (const event of ['server_error', 'authorization.error', 'grant.error', 'userinfo.error', 'end_session.error']) {
    provider.on(event, (ctx, err) => log(`${event}:`, err?.error ?? '', err?.error_description ?? err?.message ?? '', event === 'server_error' ? err?.stack : ''));
  }
  if (process.env.OIDC_DEBUG === '1') {
    provider.on('authorization.success', (ctx) => debug('authorization.success', ctx.oidc.client?.clientId));
    provider.on('grant.success', (ctx) => debug('grant.success', ctx.oidc.client?.clientId));
  }
  // Static clients are validated lazily, on first use: validate now so a bad configuration fails the start.
  try {
    if (!await provider.Client.find(clientId)) throw new Error('client not found');
  } catch (err) {
    fail(`bad client configuration: ${err.error_description ?? err.message}`);
  }
  providerCallback = provider.callback();
  process.stdout.write(`READY ${issuer}\n`);
});

// ---------------------------------------------------------------------------------------------------------- stopping

let stopping = false;
function stop(reason) {
  if (stopping) return;
  stopping = true;
  debug(`stopping (${reason})`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
if (flags['exit-with-stdin'] || process.env.OIDC_EXIT_WITH_STDIN === '1') {
  // The parent holds our stdin open; if it dies (even by SIGKILL) the pipe closes and we go too.
  process.stdin.on('end', () => stop('stdin closed'));
  process.stdin.on('error', () => stop('stdin error'));
  process.stdin.resume();
}
