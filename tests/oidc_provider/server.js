// A local OpenID Connect provider configured like FranceConnect v2, for ecommune's tests.
//
// It is the npm package oidc-provider (a certified OpenID provider), not a mock: discovery,
// the authorization code flow with state and nonce, acr eidas1, the identity claims as
// scopes of their own, the ID token and the userinfo signed (ES256 by default, as
// FranceConnect recommends; the userinfo comes back as application/jwt), and the sign-out
// endpoint with id_token_hint. Paths are FranceConnect's, under /api/v2.
//
// Configuration from the environment (the pytest fixture sets it):
//   PORT                      port on 127.0.0.1 (required)
//   CLIENT_ID, CLIENT_SECRET  the one service provider it knows
//   REDIRECT_URIS             its callbacks, comma-separated
//   POST_LOGOUT_REDIRECT_URIS where it may send residents back after signing out
//   SIGN_ALG                  ES256 (default) or RS256
// Test accounts are in accounts.json (login, password, claims).

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const PREFIX = '/api/v2';
const port = Number(process.env.PORT);
if (!port) {
  console.error('PORT is required');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}${PREFIX}`;
const signAlg = process.env.SIGN_ALG || 'ES256';
const list = (value) => (value || '').split(',').map((item) => item.trim()).filter(Boolean);

const accounts = JSON.parse(readFileSync(new URL('./accounts.json', import.meta.url), 'utf8'));
const accountsByLogin = new Map(accounts.map((account) => [account.login, account]));
// FranceConnect's sub is an opaque identifier, not the login typed at the identity provider.
const accountsBySub = new Map(accounts.map((account) => [account.sub, account]));

// A fresh signing key at every start: the relying party must read it from the JWKS.
function signingKey() {
  const options = signAlg.startsWith('ES') ? ['ec', { namedCurve: 'P-256' }] : ['rsa', { modulusLength: 2048 }];
  const { privateKey } = generateKeyPairSync(...options);
  return { ...privateKey.export({ format: 'jwk' }), alg: signAlg, use: 'sig', kid: `test-${signAlg}-${Date.now()}` };
}

const IDENTITY_CLAIMS = [
  'given_name', 'family_name', 'preferred_username', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email',
];

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} — FranceConnect (test)</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

const configuration = {
  clients: [{
    client_id: process.env.CLIENT_ID || 'ecommune-test',
    client_secret: process.env.CLIENT_SECRET || 'ecommune-test-secret',
    redirect_uris: list(process.env.REDIRECT_URIS),
    post_logout_redirect_uris: list(process.env.POST_LOGOUT_REDIRECT_URIS),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: signAlg,
    userinfo_signed_response_alg: signAlg,
  }],
  jwks: { keys: [signingKey()] },
  // FranceConnect's scopes are named after the claims they release.
  scopes: ['openid', ...IDENTITY_CLAIMS],
  claims: Object.fromEntries([['openid', ['sub']], ...IDENTITY_CLAIMS.map((claim) => [claim, [claim]])]),
  acrValues: ['eidas1', 'eidas2', 'eidas3'],
  enabledJWA: { idTokenSigningAlgValues: [signAlg], userinfoSigningAlgValues: [signAlg] },
  features: {
    devInteractions: { enabled: false },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource(ctx, form) {
        ctx.body = page('Se déconnecter de FranceConnect', `${form}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes">Se déconnecter</button></p>`);
      },
      postLogoutSuccessSource(ctx) {
        ctx.body = page('Vous êtes déconnecté de FranceConnect', '');
      },
    },
  },
  // FranceConnect does not use PKCE with confidential clients.
  pkce: { required: () => false },
  routes: {
    authorization: '/authorize',
    token: '/token',
    userinfo: '/userinfo',
    jwks: '/jwks',
    end_session: '/session/end',
  },
  interactions: { url: (ctx, interaction) => `${PREFIX}/interaction/${interaction.uid}` },
  cookies: { keys: ['ecommune-test-provider-cookie-key'] },
  findAccount(ctx, id) {
    const account = accountsBySub.get(id);
    if (!account) return undefined;
    return {
      accountId: id,
      claims() {
        return { sub: account.sub, ...account.claims };
      },
    };
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Erreur', `<pre>${escape(JSON.stringify(out))}</pre>`);
  },
};

const provider = new Provider(issuer, configuration);
provider.proxy = false;

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function loginForm(uid, error = '') {
  return page('Connexion au fournisseur d\'identité', `${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="${PREFIX}/interaction/${uid}/login">
  <p><label for="login">Identifiant</label> <input id="login" name="login" required autocomplete="username"></p>
  <p><label for="password">Mot de passe</label> <input id="password" name="password" type="password" required autocomplete="current-password"></p>
  <p><button type="submit">Se connecter</button></p>
</form>`);
}

// The pages FranceConnect shows between the service and the identity provider, in short:
// sign in with a test account, then agree to share the identity with the service.
async function interaction(req, res, path) {
  const match = path.match(/^\/interaction\/([^/]+)(?:\/(login|confirm|abort))?$/);
  if (!match) return false;
  const [, uid, action] = match;
  const details = await provider.interactionDetails(req, res);
  if (!action && req.method === 'GET') {
    if (details.prompt.name === 'login') {
      send(res, 200, loginForm(uid));
    } else {
      const scopes = [...new Set(String(details.params.scope).split(' '))].filter((s) => s !== 'openid');
      send(res, 200, page('Transmission de vos données', `<p>Le service demande : ${scopes.map(escape).join(', ')}.</p>
<form method="post" action="${PREFIX}/interaction/${uid}/confirm"><p><button type="submit">Continuer</button></p></form>
<form method="post" action="${PREFIX}/interaction/${uid}/abort"><p><button type="submit">Annuler</button></p></form>`));
    }
    return true;
  }
  if (req.method !== 'POST') return false;
  const form = await readForm(req);
  if (action === 'login') {
    const account = accountsByLogin.get(form.get('login'));
    if (!account || account.password !== form.get('password')) {
      send(res, 200, loginForm(uid, 'Identifiant ou mot de passe incorrect.'));
      return true;
    }
    await provider.interactionFinished(req, res, {
      login: { accountId: account.sub, acr: 'eidas1', amr: ['pwd'] },
    }, { mergeWithLastSubmission: false });
    return true;
  }
  if (action === 'confirm') {
    const { prompt: { details: missing }, params, session } = details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, {
      mergeWithLastSubmission: true,
    });
    return true;
  }
  if (action === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'User cancelled',
    }, { mergeWithLastSubmission: false });
    return true;
  }
  return false;
}

const callback = provider.callback();

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (!url.pathname.startsWith(PREFIX)) {
      send(res, 404, page('Introuvable', ''));
      return;
    }
    const path = url.pathname.slice(PREFIX.length) || '/';
    if (await interaction(req, res, path)) return;
    // oidc-provider is mounted under /api/v2: it reads the mount path from originalUrl.
    req.originalUrl = req.url;
    req.url = req.url.slice(PREFIX.length) || '/';
    callback(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) send(res, 500, page('Erreur', `<pre>${escape(error.message)}</pre>`));
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`test OpenID provider listening at ${issuer}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
