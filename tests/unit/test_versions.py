"""The versions table is the only place a chart version is written, and every pin is exact."""

from __future__ import annotations

import re

import pytest

from pdpkit.versions import CHARTS, chart
from tests.examples import ROOT, plan_of

EXACT = re.compile(r"^v?\d+\.\d+\.\d+$")


def test_every_chart_is_pinned_to_an_exact_version():
    assert len({c.name for c in CHARTS}) == len(CHARTS)
    for entry in CHARTS:
        assert EXACT.match(entry.version), f"{entry.name}: {entry.version} is not an exact version"
        assert entry.repository.startswith(("https://", "oci://")), entry.name
        if entry.is_oci:
            assert entry.repository.endswith("/" + entry.chart), entry.name


def test_unknown_chart_names_the_known_ones():
    with pytest.raises(KeyError, match=r"known charts: .*cilium"):
        chart("nginx")


def test_no_other_module_writes_a_chart_version():
    pins = {entry.version for entry in CHARTS}
    offenders = [
        f"{path.relative_to(ROOT)}: {pin}"
        for path in (ROOT / "pdpkit").rglob("*.py")
        if path.name != "versions.py"
        for pin in pins
        if re.search(rf"[\"']{re.escape(pin)}[\"']", path.read_text(encoding="utf-8"))
    ]
    assert not offenders


@pytest.mark.slow
def test_the_onprem_plan_installs_exactly_the_pinned_versions():
    releases = plan_of("acme-onprem-local").helm_releases()
    by_chart = {entry.chart: entry for entry in CHARTS}
    for release in releases:
        pinned = by_chart[release["chart"]]
        if release["installedBy"] == "pulumi":
            assert release["version"] == pinned.version, release["name"]
            assert release["repository"] == pinned.repository, release["name"]
        else:  # Flux: the stack's channel or the pin
            assert release["version"] in {pinned.version, "~0.48.0"}, release["name"]
