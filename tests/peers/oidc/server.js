// A third-party OAuth server for hearth-oauth's peer tests: oidc-provider, configured with one
// confidential native client for the authorization-code flow (PKCE required) and the device flow.
//
// Started by tests/src/oidc.rs on 127.0.0.1 with a free port. Once it accepts requests it writes
// its issuer URL to the file named by OIDC_READY_FILE (and prints it). Nothing here leaves
// 127.0.0.1.
//
// No browser: the login and consent interactions complete on their own, as the tests ask through
// an extra authorization parameter, `hearth_decision` (`allow`, the default, or `deny`).
//
// Environment: OIDC_DEVICE_TTL (seconds a device code lives, default 600), OIDC_INTERVAL (the
// polling interval announced to device clients; oidc-provider announces none, which means 5 s).
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const deviceTtl = Number(process.env.OIDC_DEVICE_TTL ?? 600);
const interval = Number(process.env.OIDC_INTERVAL ?? 1);

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'hearth-peer',
        client_secret: 'peer-client-secret',
        application_type: 'native',
        // RFC 8252 §7.3: for native clients oidc-provider accepts any port on a loopback IP.
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: [
          'authorization_code',
          'refresh_token',
          'urn:ietf:params:oauth:grant-type:device_code',
        ],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
    },
    pkce: { required: () => true },
    extraParams: ['hearth_decision'],
    issueRefreshToken: () => true,
    rotateRefreshToken: true,
    ttl: {
      DeviceCode: deviceTtl,
      AccessToken: 3600,
      AuthorizationCode: 60,
      RefreshToken: 86400,
      Grant: 86400,
      Interaction: 600,
      Session: 86400,
    },
    cookies: { keys: ['hearth-peer-test-cookie-key'] },
  });

  // The device authorization response names no interval: announce a short one so that the
  // tests poll every second, not every 5.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/device/auth' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
      ctx.body.interval = interval;
    }
  });

  // The interactions a user would complete in the browser: log in as `peer-user`, then grant
  // what is asked, or refuse.
  provider.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/interaction/')) {
      return next();
    }
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const decision = details.params.hearth_decision ?? 'allow';
    let result;
    if (decision === 'deny') {
      result = { error: 'access_denied', error_description: 'The user refused' };
    } else if (details.prompt.name === 'login') {
      result = { login: { accountId: 'peer-user' } };
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      const missing = details.prompt.details;
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      result = { consent: { grantId: await grant.save() } };
    }
    const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
    ctx.redirect(to);
  });

  provider.on('server_error', (_ctx, err) => console.error('server_error', err));
  server.on('request', provider.callback());
  console.log(`listening ${issuer}`);
  if (process.env.OIDC_READY_FILE) {
    // Written whole, then renamed: the harness never reads half a line.
    fs.writeFileSync(`${process.env.OIDC_READY_FILE}.tmp`, `${issuer}\n`);
    fs.renameSync(`${process.env.OIDC_READY_FILE}.tmp`, process.env.OIDC_READY_FILE);
  }
});

// The test harness kills this process; also stop if its stdin closes (the test runner died).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
