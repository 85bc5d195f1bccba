"""The load generator: its arithmetic, and a short run against the server."""

import pytest

from bench.checkout import Sample, main, summarise


def test_summarise_counts_sales_and_takes_percentiles():
    samples = [Sample("201", n / 1000) for n in range(1, 100)]
    samples.append(Sample("409", 1.0))

    summary = summarise(samples, seconds=2.0)

    assert (summary.requests, summary.sales) == (100, 99)
    assert summary.sales_per_second == 49.5
    assert summary.statuses == {"201": 99, "409": 1}
    assert summary.p50 == pytest.approx(0.0505)
    assert summary.p99 > summary.p95 > summary.p50
    assert summary.slowest == 1.0


def test_summarise_single_sample_is_every_percentile():
    summary = summarise([Sample("201", 0.25)], seconds=1.0)

    assert summary.p50 == summary.p95 == summary.p99 == 0.25


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_bench_checkout_short_run_against_server_balances(live_daphne, capsys):
    status = main(
        ["--base-url", live_daphne, "--setup", "--cashiers", "3", "--count", "9"]
    )

    out = capsys.readouterr().out
    assert status == 0, out
    assert "sales     9 " in out
    assert "statuses  201: 9" in out
