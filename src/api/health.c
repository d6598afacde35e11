/* health: liveness (/healthz), readiness (/readyz) and Prometheus metrics. */
#include <stdlib.h>

#include "api/api.h"
#include "http/metrics.h"
#include "http/server.h"

int api_healthz(tx_call *call, store_conn *c)
{
    (void)c;
    return call_json(call, 200, json_pack("{s:s}", "status", "ok"));
}

/* Ready when a reader can query the store and the writer thread is alive. */
int api_readyz(tx_call *call, store_conn *c)
{
    tx_err err;
    tx_err_clear(&err);
    int store_ok = store_ping(c, &err) == 0;
    int writer_ok = store_writer_alive(http_store());
    if (store_ok && writer_ok)
        return call_json(call, 200, json_pack("{s:s, s:s, s:s}", "status", "ready", "store", "ok", "writer", "ok"));
    tx_err_set(&call->err, 503, "not_ready", NULL, M_STORE_UNAVAILABLE);
    return -1;
}

int api_metrics(tx_call *call, store_conn *c)
{
    (void)c;
    size_t len;
    call->out_raw = metrics_render(http_store(), &len);
    if (call->out_raw == NULL)
        return tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    call->out_raw_len = len;
    call->out_type = "text/plain; version=0.0.4; charset=utf-8";
    call->status = 200;
    return 0;
}
