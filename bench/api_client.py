"""5. API client: 50 successive GET /webphone against the sandbox.

- one client: a single `TotalVoiceClient` (one requests.Session) for all 50, which is
  what keep-alive needs; connections counted on the server (accepted sockets) and in
  urllib3's pool.
- client per request: a new `TotalVoiceClient` each time, which is what the app does
  today (`with account.client() as client:` in every dial and hidden-URL fetch).
The figure is the median time of one request; each set is run 3 times (median of sets).
"""

from __future__ import annotations

import time

from common import BenchContext, Row, Sandbox, fmt_s, median

REQUESTS = 50


def _count_connections(sandbox: Sandbox) -> list[int]:
    httpd = sandbox.server._httpd
    counter = [0]
    original = httpd.process_request

    def process_request(request, client_address):
        counter[0] += 1
        return original(request, client_address)

    httpd.process_request = process_request
    return counter


def _one_set(sandbox: Sandbox, shared: bool, counter: list[int]) -> tuple[float, float, int, int]:
    from tvdesk.core.api import TotalVoiceClient

    accepted = counter[0]
    times = []
    client = TotalVoiceClient(sandbox.base_url, sandbox.token) if shared else None
    new_in_pool = 0
    start = time.perf_counter()
    try:
        for _ in range(REQUESTS):
            one = client or TotalVoiceClient(sandbox.base_url, sandbox.token)
            t = time.perf_counter()
            one.webphone_url(ramal="4000", ligar_para="4832830151", tipo="floating")
            times.append(time.perf_counter() - t)
            if client is None:
                new_in_pool += _pool_connections(one)
                one.close()
        if client is not None:
            new_in_pool = _pool_connections(client)
    finally:
        if client is not None:
            client.close()
    total = time.perf_counter() - start
    return median(times), total, counter[0] - accepted, new_in_pool


def _pool_connections(client) -> int:
    adapter = client.session.get_adapter(client.base_url)
    return sum(pool.num_connections for pool in adapter.poolmanager.pools._container.values())


def run(ctx: BenchContext) -> list[Row]:
    sandbox = Sandbox(ctx.cleanup)
    counter = _count_connections(sandbox)
    _one_set(sandbox, True, counter)   # warm-up: imports, first connection
    rows = []
    results = {}
    for shared in (True, False):
        sets = [_one_set(sandbox, shared, counter) for _ in range(3)]
        results[shared] = (median(s[0] for s in sets), median(s[1] for s in sets),
                           max(s[2] for s in sets), max(s[3] for s in sets))
    per, total, accepted, pooled = results[True]
    per_new, total_new, accepted_new, _ = results[False]
    rows.append(Row(f"API: {REQUESTS} x /webphone, one client", f"{fmt_s(per)} per request",
                    f"{fmt_s(total)} total; {accepted} TCP connection(s) accepted, "
                    f"{pooled} opened by the pool", "keep-alive in use (1 connection)",
                    "yes" if accepted == 1 else "no"))
    rows.append(Row(f"API: {REQUESTS} x /webphone, client per request (app today)",
                    f"{fmt_s(per_new)} per request",
                    f"{per_new / per:.2f}x one client; {fmt_s(total_new)} total; "
                    f"{accepted_new} TCP connections"))
    return rows
