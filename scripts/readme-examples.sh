#!/usr/bin/env bash
# Replays, in order and as written, the README's shell examples of "OAuth 2.0 / OpenID Connect",
# "Devices (seed 002)", "Revocation by scope (seed 003 batch revocation)" and "GraphQL administration",
# and checks every response against what the README says it returns. The only substitutions: the
# base URL ($B) is this script's argument, and the script's own scratch files (response bodies) live
# in a private directory removed on exit. The interactive authorization-code step (open a URL in a browser,
# PASTE_CODE) is replaced by a check that the printed /authorize URL serves the sign-in page.
#
# It starts nothing. Run it once against a freshly started server with an empty database, started as
# the README says:  ADMIN_CLIENT_SECRET=admin-secret-0123456789abcdef npm start
# (the examples create /acme, webapp and ada, so a second run against the same database cannot pass).
#
# Usage: scripts/readme-examples.sh http://127.0.0.1:4000
# Exit status: 0 when every response matched; 1 at the first mismatch (printed with the response);
# 2 for a usage error or a server that is not fresh; the failing command's status if a command fails (server unreachable).
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 BASE_URL   (e.g. http://127.0.0.1:4000)" >&2
  exit 2
fi
BASE_URL=${1%/}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/readme-examples.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'echo "FAIL: command failed (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

STEP=''
step() { STEP=$1; echo "-- $STEP"; }
fail() {
  echo "FAIL [$STEP]: expected $1" >&2
  printf 'got: %.2000s\n' "$2" >&2
  exit 1
}
# check EXPECTATION RESPONSE JS-PREDICATE: the predicate sees `s` (the response text) and `j` (it parsed as JSON, or undefined).
check() {
  node -e '
    const s = process.argv[1]; let j;
    try { j = JSON.parse(s); } catch { j = undefined; }
    const payload = (t) => JSON.parse(Buffer.from(t.split(".")[1], "base64url").toString());
    process.exit(eval(process.argv[2]) ? 0 : 1);
  ' "$2" "$3" || fail "$1" "$2"
}
# The README's gql() prints the response and a newline; a GraphQL answer without errors is checked against its data.
check_data() { check "$1" "$2" "j && !j.errors && j.data && ($3)"; }

# ---------------------------------------------------------------- OAuth 2.0 / OpenID Connect (setup)
step 'OAuth: admin token, tenant, client, user'
export ADMIN_CLIENT_SECRET=admin-secret-0123456789abcdef B=$BASE_URL
TOKEN=$(curl -s -u "admin:$ADMIN_CLIENT_SECRET" -d grant_type=client_credentials $B/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
check 'an admin access token (started with ADMIN_CLIENT_SECRET=admin-secret-0123456789abcdef?)' "$TOKEN" 's.split(".").length === 3 && payload(s).scope === "admin"'
gql() { curl -s $B/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d "$1"; echo; }
OUT=$(gql '{"query":"{ tenant(path: \"/acme\") { path } }"}')
if ! node -e 'const j = JSON.parse(process.argv[1]); process.exit(j.errors && j.errors[0].extensions.code === "NOT_FOUND" ? 0 : 1)' "$OUT" 2>/dev/null; then
  echo "the server is not fresh (/acme exists or the query failed): start it on an empty DATA_DIR. Response: $OUT" >&2
  exit 2
fi
OUT=$(gql '{"query":"mutation { createTenant(input: { path: \"/acme\" }) { id path } }"}')
check_data 'createTenant /acme' "$OUT" 'j.data.createTenant.path === "/acme"'
OUT=$(gql '{"query":"mutation { createClient(input: { tenantPath: \"/acme\", clientId: \"webapp\", name: \"Web app\", clientSecret: \"webapp-secret-0123456789\", grantTypes: [\"authorization_code\", \"refresh_token\", \"password\"], redirectUris: [\"http://127.0.0.1:8080/callback\"], allowedScopes: [\"openid\", \"profile\", \"email\", \"offline_access\"] }) { client { clientId } clientSecret } }"}')
check_data 'createClient webapp, its secret shown once' "$OUT" 'j.data.createClient.client.clientId === "webapp" && j.data.createClient.clientSecret === "webapp-secret-0123456789"'
OUT=$(gql '{"query":"mutation { createUser(input: { tenantPath: \"/acme\", username: \"ada\", password: \"correct horse battery\", email: \"ada@example.com\", firstname: \"Ada\", lastname: \"Lovelace\" }) { id username } }"}')
check_data 'createUser ada' "$OUT" 'j.data.createUser.username === "ada" && j.data.createUser.id'

step 'OAuth: discovery and JWKS'
OUT=$(curl -s $B/.well-known/openid-configuration)
check 'the OIDC discovery document' "$OUT" 'j && j.issuer && j.token_endpoint && j.jwks_uri && !j.grant_types_supported.includes("device_tokens")'
ISSUER=$(node -pe 'JSON.parse(process.argv[1]).issuer' "$OUT")
OUT=$(curl -s $B/.well-known/jwks.json)
check 'a JWKS with at least one key' "$OUT" 'j && Array.isArray(j.keys) && j.keys.length > 0 && j.keys.every((k) => k.kid)'

step 'OAuth: token endpoints'
OUT=$(curl -s -u "admin:$ADMIN_CLIENT_SECRET" -d grant_type=client_credentials $B/token)
check 'a client_credentials token response' "$OUT" 'j && j.token_type === "Bearer" && j.access_token && j.expires_in > 0'
OUT=$(curl -s -d grant_type=client_credentials -d client_id=admin -d "client_secret=$ADMIN_CLIENT_SECRET" -d access-token-lifetime=300 $B/connect/token)
check 'access-token-lifetime=300 lowers the lifetime to 300 s' "$OUT" 'j && j.expires_in === 300 && payload(j.access_token).exp - payload(j.access_token).iat === 300'
TOKENS=$(curl -s -u webapp:webapp-secret-0123456789 -d grant_type=password -d username=ada -d 'password=correct horse battery' \
     -d tenant_path=/acme -d 'scope=openid profile email offline_access' -d access-token-lifetime=600 $B/connect/token)
check 'a password grant with an access, refresh and ID token, 600 s' "$TOKENS" \
  'j && j.access_token && j.refresh_token && j.id_token && j.expires_in === 600 && payload(j.access_token).tenant === "/acme" && payload(j.access_token).sid'
AT=$(node -pe 'JSON.parse(process.argv[1]).access_token' "$TOKENS"); RT=$(node -pe 'JSON.parse(process.argv[1]).refresh_token' "$TOKENS")
OUT=$(curl -s -u webapp:webapp-secret-0123456789 -d grant_type=refresh_token -d "refresh_token=$RT" $B/token)   # rotates: $RT is now spent
check 'the refresh grant rotates the refresh token' "$OUT" "j && j.access_token && j.refresh_token && j.refresh_token !== '$RT'"
REFRESHED_AT=$(node -pe 'JSON.parse(process.argv[1]).access_token' "$OUT")

step 'OAuth: authorization code URL (browser step not replayed)'
VERIFIER=$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')
CHALLENGE=$(node -e 'console.log(require("crypto").createHash("sha256").update(process.argv[1]).digest("base64url"))' "$VERIFIER")
URL=$(echo "$B/authorize?client_id=webapp&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback&scope=openid%20profile%20offline_access&state=xyz&code_challenge=$CHALLENGE&code_challenge_method=S256")
OUT=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$URL")
check 'the printed /authorize URL serves the sign-in page (200 text/html)' "$OUT" 's.startsWith("200 text/html")'

step 'OAuth: userinfo, introspect, revoke'
OUT=$(curl -s -H "Authorization: Bearer $AT" $B/userinfo)
check "ada's claims from /userinfo" "$OUT" 'j && j.preferred_username === "ada" && j.email === "ada@example.com" && j.given_name === "Ada"'
OUT=$(curl -s -u webapp:webapp-secret-0123456789 -d "token=$AT" $B/introspect)
check '{"active":true,…} for the access token' "$OUT" 'j && j.active === true && j.client_id === "webapp" && j.tenant === "/acme"'
OUT=$(curl -s -o /dev/null -w '%{http_code}\n' -u webapp:webapp-secret-0123456789 -d "token=$AT" -d token_type_hint=access_token $B/revoke)
check '200 from /revoke' "$OUT" 's.trim() === "200"'
OUT=$(curl -s -u webapp:webapp-secret-0123456789 -d "token=$AT" $B/introspect)          # {"active":false}
check 'exactly {"active":false} after /revoke' "$OUT" 's === "{\"active\":false}"'
OUT=$(curl -s -o /dev/null -w '%{http_code}\n' -d "token=$RT" -d client_id=webapp -d client_secret=webapp-secret-0123456789 $B/connect/revocation)
check '200 from /connect/revocation' "$OUT" 's.trim() === "200"'
OUT=$(curl -s -u webapp:webapp-secret-0123456789 -d "token=$REFRESHED_AT" $B/introspect)
check 'revoking a refresh token revokes its family: the refreshed access token is {"active":false}' "$OUT" 's === "{\"active\":false}"'

# ---------------------------------------------------------------- Devices (seed 002)
step 'Devices: enable device_tokens, createDevice'
OUT=$(gql '{"query":"mutation { updateClient(clientId: \"webapp\", input: { grantTypes: [\"authorization_code\", \"refresh_token\", \"password\", \"device_tokens\"] }) { grantTypes } }"}')
check_data 'webapp with the device_tokens grant' "$OUT" 'j.data.updateClient.grantTypes.includes("device_tokens")'
AT=$(curl -s -u webapp:webapp-secret-0123456789 -d grant_type=password -d username=ada -d 'password=correct horse battery' -d tenant_path=/acme -d 'scope=openid profile' $B/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
check "ada's access token" "$AT" 's.split(".").length === 3 && payload(s).client_id === "webapp"'
DEVICE=$(curl -s $B/graphql -H "authorization: Bearer $AT" -H 'content-type: application/json' \
     -d '{"query":"mutation { createDevice(name: \"kasir-1\", password: \"correct horse battery\") { IdToken RefreshToken DeviceId } }"}')
check 'createDevice → { IdToken RefreshToken DeviceId }, the IdToken for webapp with device_id' "$DEVICE" \
  'j && !j.errors && (({ IdToken, RefreshToken, DeviceId }) => IdToken && RefreshToken && DeviceId && payload(IdToken).aud === "webapp" && payload(IdToken).device_id === DeviceId && payload(IdToken).exp - payload(IdToken).iat === 86400)(j.data.createDevice)'
DRT=$(node -pe 'JSON.parse(process.argv[1]).data.createDevice.RefreshToken' "$DEVICE"); DID=$(node -pe 'JSON.parse(process.argv[1]).data.createDevice.DeviceId' "$DEVICE")

step 'Devices: seed 002 refresh (GET /tokens, POST /tokens, unknown device)'
# exactly {"AccessToken", "ExpiresIn": 86400, "TokenType": "Bearer", "IdToken"}, both tokens with device_id, the access token with sid
SEED002='j && JSON.stringify(Object.keys(j).sort()) === JSON.stringify(["AccessToken", "ExpiresIn", "IdToken", "TokenType"]) && j.ExpiresIn === 86400 && j.TokenType === "Bearer"'
SEED002="$SEED002 && payload(j.AccessToken).device_id === '$DID' && payload(j.IdToken).device_id === '$DID' && payload(j.AccessToken).sid && payload(j.AccessToken).exp - payload(j.AccessToken).iat === 86400"
OUT=$(curl -s "$B/tokens?refresh_token=$DRT&device_key=$DID")        # seed 002's example request
check 'exactly {"AccessToken","ExpiresIn":86400,"TokenType":"Bearer","IdToken"} (GET /tokens)' "$OUT" "$SEED002"
DEVICE_AT1=$(node -pe 'JSON.parse(process.argv[1]).AccessToken' "$OUT"); DEVICE_IDT=$(node -pe 'JSON.parse(process.argv[1]).IdToken' "$OUT")
OUT=$(curl -s -d "refresh_token=$DRT" -d "device_id=$DID" $B/tokens)  # the same as a form POST
check 'exactly {"AccessToken","ExpiresIn":86400,"TokenType":"Bearer","IdToken"} (POST /tokens)' "$OUT" "$SEED002"
DEVICE_AT2=$(node -pe 'JSON.parse(process.argv[1]).AccessToken' "$OUT")
OUT=$(curl -s "$B/token?refresh_token=$DRT&device_id=00000000-0000-4000-8000-000000000000")   # {"error":"invalid_grant",…}
check '{"error":"invalid_grant",…} for an unknown device id' "$OUT" 'j && j.error === "invalid_grant"'
OUT=$(curl -s -o /dev/null -w '%{http_code}' "$B/token?refresh_token=$DRT&device_id=00000000-0000-4000-8000-000000000000")
check 'status 400 for it' "$OUT" 's === "400"'
OUT=$(curl -s -H "Authorization: Bearer $DEVICE_AT1" $B/userinfo)
check "/userinfo takes the device AccessToken" "$OUT" 'j && j.preferred_username === "ada"'

step 'Devices: verifying the IdToken offline (the jose call the README shows)'
OUT=$(cd "$REPO_ROOT" && node --input-type=module -e '
  import { jwtVerify, createRemoteJWKSet } from "jose";
  const [idToken, base, issuer] = process.argv.slice(1);
  const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(base + "/.well-known/jwks.json")), { issuer, audience: "webapp" });
  console.log(JSON.stringify(payload));
' "$DEVICE_IDT" "$B" "$ISSUER" 2>&1) || true
check 'jwtVerify(IdToken, JWKS, { issuer, audience: "webapp" }) succeeds with sub, tenant, device_id' "$OUT" \
  "j && j.sub && j.tenant === '/acme' && j.device_id === '$DID'"

# ---------------------------------------------------------------- Revocation by scope (seed 003 batch revocation)
step 'Revocation: revokeDevice'
OUT=$(gql "{\"query\":\"mutation { revokeDevice(id: \\\"$DID\\\") }\"}")                     # {"data":{"revokeDevice":3}}: its refresh token and the access tokens of the two refreshes above
check 'exactly {"data":{"revokeDevice":3}}' "$OUT" 's.trim() === "{\"data\":{\"revokeDevice\":3}}"'
OUT=$(curl -s "$B/tokens?refresh_token=$DRT&device_key=$DID")                                   # {"error":"invalid_grant",…}
check '{"error":"invalid_grant",…} for the revoked device' "$OUT" 'j && j.error === "invalid_grant"'
for DEVICE_AT in "$DEVICE_AT1" "$DEVICE_AT2"; do
  OUT=$(curl -s -u webapp:webapp-secret-0123456789 -d "token=$DEVICE_AT" $B/introspect)
  check 'the access tokens of the device refreshes are {"active":false}' "$OUT" 's === "{\"active\":false}"'
done

step 'Revocation: users, revokeClientTokens, revokeTokensIssuedBefore'
OUT=$(gql '{"query":"{ users(tenantPath: \"/acme\") { nodes { id username } } }"}')
check_data 'the users of /acme: ada' "$OUT" 'j.data.users.nodes.length === 1 && j.data.users.nodes[0].username === "ada"'
OUT=$(gql '{"query":"mutation { revokeClientTokens(clientId: \"webapp\") }"}')
# Live webapp tokens at this point: ada's access token of the Devices example (the others are revoked above).
check_data 'revokeClientTokens counts the one live webapp token: 1' "$OUT" 'j.data.revokeClientTokens === 1'
OUT=$(curl -s -u webapp:webapp-secret-0123456789 -d "token=$AT" $B/introspect)
check "ada's access token is {\"active\":false} after revokeClientTokens" "$OUT" 's === "{\"active\":false}"'
OUT=$(gql "{\"query\":\"mutation { revokeTokensIssuedBefore(tenantPath: \\\"/acme\\\", before: \\\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\\\") }\"}")
check_data 'revokeTokensIssuedBefore → a count (0: nothing in /acme is live any more)' "$OUT" 'j.data.revokeTokensIssuedBefore === 0'

step 'Revocation: seed 003 batch revocation'
OUT=$(gql '{"query":"mutation { createClient(input: { tenantPath: \"/acme\", clientId: \"acme-ops\", name: \"Acme ops\", clientSecret: \"acme-ops-secret-0123456789\", allowedScopes: [\"admin\"] }) { client { clientId } } }"}')
check_data 'createClient acme-ops' "$OUT" 'j.data.createClient.client.clientId === "acme-ops"'
OPS=$(curl -s -u acme-ops:acme-ops-secret-0123456789 -d grant_type=client_credentials $B/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
check 'an /acme admin token' "$OPS" 's.split(".").length === 3 && payload(s).tenant === "/acme" && payload(s).scope === "admin"'
PLUGIN_ERROR='j && JSON.stringify(Object.keys(j).sort()) === JSON.stringify(["code", "context", "extensions", "innerError", "message"])'
OUT=$(curl -s $B/api/v2/identity/token/batch-revocation -H "authorization: Bearer $OPS" -H 'content-type: application/json' -d '{"creationBefore": "yesterday"}')   # 400 {"code":"invalid_request",…,"extensions":{"field":"creationBefore"}}
check 'a ServerPluginError {"code":"invalid_request",…,"extensions":{"field":"creationBefore"}}' "$OUT" \
  "$PLUGIN_ERROR && j.code === 'invalid_request' && j.extensions.field === 'creationBefore'"
OUT=$(curl -s -o /dev/null -w '%{http_code}' $B/api/v2/identity/token/batch-revocation -H "authorization: Bearer $OPS" -H 'content-type: application/json' -d '{"creationBefore": "yesterday"}')
check 'status 400 for it' "$OUT" 's === "400"'
OUT=$(curl -s -o /dev/null -w '%{http_code}' $B/api/v2/identity/token/batch-revocation -H "authorization: Bearer $OPS" -H 'content-type: application/json' -d 'not json')
check 'status 400 for a body that is not JSON' "$OUT" 's === "400"'
OUT=$(curl -s -D - -o "$WORK/body.json" $B/api/v2/identity/token/batch-revocation -H 'content-type: application/json' -d '{"creationBefore": "2026-01-01T00:00:00Z"}')
check '401 with WWW-Authenticate: Bearer without a bearer' "$OUT" '/^HTTP\/1\.1 401/.test(s) && /^www-authenticate: Bearer/im.test(s)'
check '… and a ServerPluginError body' "$(cat "$WORK/body.json")" "$PLUGIN_ERROR"
OUT=$(curl -s $B/api/v2/identity/token/batch-revocation -H "authorization: Bearer $OPS" -H 'content-type: application/json' \
     -d "{\"creationBefore\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}")   # {"count":n}; revokes $OPS too if it was issued before that second
# Nothing else in /acme is live: n is 0, or 1 when the second changed after $OPS was issued (then $OPS is revoked by its own call).
check 'exactly {"count":n}, n being 0 or 1 ($OPS)' "$OUT" 'j && JSON.stringify(Object.keys(j)) === "[\"count\"]" && (j.count === 0 || j.count === 1)'
OPS_REVOKED=$(node -pe 'JSON.parse(process.argv[1]).count' "$OUT")
OUT=$(curl -s -o /dev/null -w '%{http_code}' $B/api/v2/identity/token/batch-revocation -H "authorization: Bearer $OPS" -H 'content-type: application/json' -d '{"creationBefore": "2000-01-01T00:00:00Z"}')
if [ "$OPS_REVOKED" = 1 ]; then
  check 'a bearer revoked by its own batch revocation: 401' "$OUT" 's === "401"'
else
  check 'a bearer issued in the cutoff second stays valid: 200' "$OUT" 's === "200"'
fi

# ---------------------------------------------------------------- GraphQL administration
step 'GraphQL administration'
OUT=$(gql '{"query":"mutation { createTenant(input: { path: \"/acme/eu\" }) { id path parentPath } }"}')
check_data 'createTenant /acme/eu under /acme' "$OUT" 'j.data.createTenant.path === "/acme/eu" && j.data.createTenant.parentPath === "/acme"'
OUT=$(gql '{"query":"mutation { createClient(input: { tenantPath: \"/acme\", name: \"Acme admin\", allowedScopes: [\"admin\"] }) { client { clientId } clientSecret } }"}')
check_data 'createClient with a generated id and secret' "$OUT" 'j.data.createClient.client.clientId && j.data.createClient.clientSecret'
OUT=$(gql '{"query":"{ clients(tenantPath: \"/acme\", first: 10) { totalCount nodes { clientId name } pageInfo { hasNextPage endCursor } } }"}')
check_data 'the three clients of /acme, one page' "$OUT" \
  'j.data.clients.totalCount === 3 && j.data.clients.nodes.length === 3 && ["webapp", "acme-ops"].every((id) => j.data.clients.nodes.some((n) => n.clientId === id)) && j.data.clients.pageInfo.hasNextPage === false'

echo "OK: every README example answered as documented"
