// An OpenID Connect provider for the single sign-on tests: node-oidc-provider with its
// development sign-in and consent pages (any login name, any password), one confidential client,
// PKCE required, ID tokens signed RS256 with a key made at start.
//
// The tests steer it through a JSON file that it reads on every request that needs it:
//   { "accounts": { "<login>": { "sub": "...", "preferred_username": "...", "groups": [...] } },
//     "tamper": { "claims": { "iss": "...", "aud": "..." }, "stranger_key": true } }
// "tamper" makes the token endpoint hand out an ID token whose claims are changed, or signed with
// a key it does not publish, as a broken or hostile provider would.
//
// Usage: node oidc_provider.mjs   (settings from the environment, see `need` below; prints
// "listening <issuer>" once it accepts connections)

import { readFileSync } from 'node:fs';

import { CompactSign, exportJWK, generateKeyPair, importJWK } from 'jose';
import Provider from 'oidc-provider';

function need(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} must be set`);
    process.exit(2);
  }
  return value;
}

const port = Number(need('OIDC_TEST_PORT'));
const issuer = `http://127.0.0.1:${port}`;
const stateFile = need('OIDC_TEST_STATE');
const clientId = need('OIDC_TEST_CLIENT_ID');
const clientSecret = need('OIDC_TEST_CLIENT_SECRET');
const redirectUris = need('OIDC_TEST_REDIRECT_URIS').split(',');
const postLogoutRedirectUris = need('OIDC_TEST_POST_LOGOUT_REDIRECT_URIS').split(',');

function readState() {
  return JSON.parse(readFileSync(stateFile, 'utf8'));
}

async function signingKey(kid) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

const published = await signingKey('test-key');
const publishedKey = await importJWK(published, 'RS256');
// Signs under the same key id as the published key, so only the signature gives it away.
const { privateKey: strangerKey } = await generateKeyPair('RS256');

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      client_name: 'Decision advisor',
      redirect_uris: redirectUris,
      post_logout_redirect_uris: postLogoutRedirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [published] },
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'groups'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username', 'given_name', 'family_name'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  cookies: { keys: ['test-only-cookie-key'] },
  async findAccount(ctx, id) {
    const { sub = id, ...claims } = readState().accounts?.[id] ?? {};
    return {
      accountId: id,
      async claims() {
        return { sub, ...claims };
      },
    };
  },
});

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body?.id_token) {
    return;
  }
  const { tamper } = readState();
  if (!tamper) {
    return;
  }
  const [header, payload] = ctx.body.id_token.split('.');
  const claims = {
    ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
    ...tamper.claims,
  };
  ctx.body = {
    ...ctx.body,
    id_token: await new CompactSign(Buffer.from(JSON.stringify(claims)))
      .setProtectedHeader(JSON.parse(Buffer.from(header, 'base64url').toString('utf8')))
      .sign(tamper.stranger_key ? strangerKey : publishedKey),
  };
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
