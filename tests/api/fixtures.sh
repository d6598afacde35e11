# shellcheck shell=bash disable=SC2154
# Fixtures for the API tests, sourced by scripts/run-api (bash) after the
# fresh database exists and before the server starts. Helpers (see
# scripts/lib-server.sh):
#   tx_fx_user LOGIN ROLE [SCOPE]     a user with a random password
#   tx_fx_apikey NAME [ROLE SCOPE]    an API key
# Variables: TX_BIN, TX_DB, TX_DEMO (1 when the demo street was loaded, so
# areas and organisations exist for scoped roles).
# Tests read them with fixtures(), user(login), apiKey(name) from lib.mjs.
# Every command must succeed: a failure here fails the API suite.

# Residents: alice signs in and out; bob takes the wrong passwords and odd
# logins; throttled is locked out by the throttling test.
tx_fx_user alice resident &&
    tx_fx_user bob resident &&
    tx_fx_user throttled resident &&
    tx_fx_user carol volunteer &&
    tx_fx_apikey client || return 1

# Scoped roles need areas and organisations, which exist once 'tongxin demo'
# has loaded the demo street (its codes: src/demo/danshui.c).
if [ "$TX_DEMO" = 1 ]; then
    tx_fx_user t.street street_admin DS &&
        tx_fx_user t.community community_staff DS-XH &&
        tx_fx_user t.grid grid_worker DS-XH-G01 || return 1
fi

# The authorization matrix (authz-matrix.test.mjs): a street admin of another
# street (HY-AZS, made here, without a boundary), and community-staff API keys
# in and out of 白云社区. session-keys.test.mjs: a street admin the CSRF checks
# sign in as (it passes every write route's gate), a resident whose session
# it expires in the database, one it disables and gives a new password, and
# one whose failed sign-ins a success clears.
if [ "$TX_DEMO" = 1 ]; then
    printf '%s\n' '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"kind":"street","code":"HY-AZS","name":"矩阵测试街道（虚构）","parent_code":"HY"}}]}' |
        "$TX_BIN" import areas - --db "sqlite:$TX_DB" >/dev/null &&
        tx_fx_user az.street.out street_admin HY-AZS &&
        tx_fx_apikey az.key.cs community_staff DS-BY &&
        tx_fx_apikey az.key.cs.out community_staff DS-XH &&
        tx_fx_user sk.csrf street_admin DS || return 1
fi
tx_fx_user sk.expire resident &&
    tx_fx_user sk.disable resident &&
    tx_fx_user sk.reset resident || return 1
